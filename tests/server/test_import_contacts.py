"""``ringdesk-server import-contacts``: cp1251 and UTF-8 files, every rejected row reported with its
reason, upsert by phone (merging, never clearing), a file in the wrong encoding refused clearly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from server.cli import main
from server.crud.contacts import put_field
from server.db import Database
from server.models import Contact, ContactPhone
from tests.conftest import REPO
from tests.server.helpers import audit_rows

SAMPLES = REPO / "resources" / "samples"


def run_import(
    capsys: pytest.CaptureFixture[str], db_url: str, path: Path, *extra: str
) -> tuple[int, list[str], str]:
    code = main(["import-contacts", str(path), "--db", db_url, *extra])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def contacts(db_url: str) -> dict[str, Contact]:
    """Every stored contact by name."""
    database = Database.connect(db_url, pooled=False)
    try:
        with database.session() as session:
            return {c.name: c for c in session.scalars(select(Contact))}
    finally:
        database.dispose()


def numbers(contact: Contact) -> list[str]:
    return [phone.e164 for phone in contact.phones]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def test_cp1251_export_with_bad_rows_reported(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.csv"
    code, out, err = run_import(capsys, db_url, SAMPLES / "contacts_cp1251.csv", "--report", str(report))
    assert code == 0, err
    rejected = [line for line in out if ": rejected: " in line]
    # row 9 has a quoted cell over two lines: the last row is on line 11
    assert [line.split(":")[0] for line in rejected] == [
        "row 5",
        "row 6",
        "row 7",
        "row 8",
        "row 10 (line 11)",
    ]
    assert "row 5: rejected: missing_phone: the row has no phone number" in out
    assert any(line.startswith("row 6: rejected: bad_phone: '8 (912) 12-34'") for line in out)
    assert any(line.startswith("row 7: rejected: duplicate_phone:") and "row 2" in line for line in out)
    assert any(line.startswith("row 8: rejected: bad_date:") and "1982-02-29" in line for line in out)
    assert any(line.startswith("row 10 (line 11): rejected: extra_cells:") for line in out)
    assert 'column 10 "Комментарий": not imported (unknown)' in out
    assert out[-1] == (
        "contacts_cp1251.csv: 11 lines, 9 rows (cp1251, delimiter ';'): "
        "4 imported (4 new, 0 updated, 0 unchanged), 5 rejected, 0 blank, 0 warnings"
    )

    stored = contacts(db_url)
    assert set(stored) == {
        "Орлов Николай Петрович",
        "Зайцева Татьяна Андреевна",
        "Соловьёв Артём",
        "Ефимова Ксения Романовна",
    }
    orlov = stored["Орлов Николай Петрович"]
    assert numbers(orlov) == ["+79031112233", "+74957654321"]
    assert (orlov.city, orlov.segment, orlov.time_zone) == ("Москва", "VIP", "Europe/Moscow")
    assert orlov.consent_call is None  # the file has no consent columns: not recorded, not refused
    assert stored["Соловьёв Артём"].time_zone == "Asia/Novosibirsk"

    with report.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    assert lines[0] == ["row", "line", "kind", "code", "column", "value", "message"]
    assert [(r[0], r[1], r[2], r[3]) for r in lines[1:]] == [
        ("5", "5", "rejected", "missing_phone"),
        ("6", "6", "rejected", "bad_phone"),
        ("7", "7", "rejected", "duplicate_phone"),
        ("8", "8", "rejected", "bad_date"),
        ("10", "11", "rejected", "extra_cells"),
    ]
    assert lines[2][4:6] == ["Мобильный телефон", "8 (912) 12-34"]

    database = Database.connect(db_url, pooled=False)
    try:
        [audit] = audit_rows(database, "contact.import")
    finally:
        database.dispose()
    assert audit.actor_id is None
    assert audit.details == {
        "file": "contacts_cp1251.csv",
        "via": "cli",
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "rejected": 5,
        "complete": True,
    }


def test_importing_again_updates_instead_of_duplicating(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header = ["ФИО", "Телефон", "Город", "Сегмент", "Согласие на звонки"]
    first = write_csv(
        tmp_path / "first.csv",
        [
            header,
            ["Орлов Николай", "+7 903 111-22-33", "Москва", "VIP", "да"],
            ["Зайцева Татьяна", "8 915 222 33 44", "Тула", "", ""],
            ["Белова Ирина", "8 (916) 333-44-55", "Пермь", "", ""],
        ],
    )
    assert run_import(capsys, db_url, first)[0] == 0
    code, out, _ = run_import(capsys, db_url, first)
    assert code == 0
    assert "3 imported (0 new, 0 updated, 3 unchanged)" in out[-1]

    database = Database.connect(db_url, pooled=False)
    try:  # an operator added a number to Орлов meanwhile: an import must not take it away
        with database.session() as session:
            orlov = session.scalars(select(Contact).where(Contact.name == "Орлов Николай")).one()
            orlov.phones.append(ContactPhone(e164="+79990001122", position=1))
            orlov.email = "orlov@mail.ru"
            session.commit()
    finally:
        database.dispose()

    second = write_csv(
        tmp_path / "second.csv",
        [
            header,
            ["Орлов Николай", "89031112233, 8 (495) 765-43-21", "", "Опт", ""],  # empty cells keep values
            ["Зайцева-Смирнова Татьяна", "+79152223344", "Тула", "", "нет"],  # renamed: a warning
            ["Кто-то", "8 916 333 44 55; 8 999 000 11 22", "", "", ""],  # Белова's and Орлов's
            ["Новая Анна", "8 (917) 000-11-22", "Казань", "", ""],
        ],
    )
    code, out, _ = run_import(capsys, db_url, second)
    assert code == 0
    renamed = [line for line in out if line.startswith("row 3: warning: name_changed_warning:")]
    assert len(renamed) == 1 and "'Зайцева Татьяна'" in renamed[0]
    several = [line for line in out if line.startswith("row 4: rejected: phones_of_several_contacts:")]
    assert len(several) == 1 and "merge them" in several[0]
    assert "3 imported (1 new, 2 updated, 0 unchanged), 1 rejected, 0 blank, 1 warnings" in out[-1]

    stored = contacts(db_url)
    assert len(stored) == 4
    orlov = stored["Орлов Николай"]
    assert numbers(orlov) == ["+79031112233", "+79990001122", "+74957654321"]
    assert (orlov.city, orlov.segment, orlov.email, orlov.consent_call) == (
        "Москва",
        "Опт",
        "orlov@mail.ru",
        True,
    )
    assert orlov.time_zone == "Europe/Moscow"  # from the 495 number the import added
    assert orlov.version == 3
    zaitseva = stored["Зайцева-Смирнова Татьяна"]
    assert (zaitseva.consent_call, zaitseva.version) == (False, 2)
    assert numbers(stored["Белова Ирина"]) == ["+79163334455"]  # the rejected row changed nothing


def test_custom_fields_declared_on_the_server_are_imported(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.wire.contacts import FieldSchema

    database = Database.connect(db_url, pooled=False)
    try:
        with database.session() as session:
            put_field(session, spec=FieldSchema(key="debt", label_en="Debt", label_ru="Долг", type="number"))
            session.commit()
    finally:
        database.dispose()
    path = write_csv(
        tmp_path / "debts.csv",
        [
            ["ФИО", "Телефон", "Долг"],
            ["Петров", "89120000001", "1 234,50"],
            ["Сидоров", "89120000002", "много"],
        ],
    )
    code, out, _ = run_import(capsys, db_url, path)
    assert code == 0
    assert any(line.startswith("row 3: rejected: bad_custom_field:") and "много" in line for line in out)
    assert contacts(db_url)["Петров"].custom_fields == {"debt": 1234.5}


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("koi8-r", "neither UTF-8 nor Windows-1251 (it looks like KOI8-R)"),
        ("utf-16", "UTF-16"),
    ],
)
def test_a_file_in_the_wrong_encoding_is_refused_clearly(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, message: str
) -> None:
    text = (SAMPLES / "contacts_cp1251.csv").read_bytes().decode("cp1251")
    path = tmp_path / "contacts.csv"
    path.write_bytes(text.encode(encoding))
    code, out, err = run_import(capsys, db_url, path)
    assert code == 1
    assert err.startswith(f"ringdesk-server: {path}: ")
    assert message in err
    assert "Save it from Excel as 'CSV UTF-8'" in err
    assert out == []
    assert contacts(db_url) == {}


def test_missing_file_and_a_line_too_large_to_read(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_import(capsys, db_url, tmp_path / "nope.csv")
    assert (code, err.strip()) == (1, f"ringdesk-server: {tmp_path / 'nope.csv'}: no such file")

    broken = tmp_path / "broken.csv"
    good = "ФИО;Телефон\r\nПервый;89120000001\r\n"
    broken.write_bytes((good + 'Второй;"' + "x" * 200_000 + "\r\nТретий;89120000003\r\n").encode("utf-8"))
    code, out, _ = run_import(capsys, db_url, broken)
    assert code == 0  # the file was read to its end: the one line it could not read is named
    assert out[0].startswith("row 3: rejected: unreadable: line 3 cannot be read as CSV (field larger")
    assert out[-1].endswith("2 imported (2 new, 0 updated, 0 unchanged), 1 rejected, 0 blank, 0 warnings")
    assert set(contacts(db_url)) == {"Первый", "Третий"}


def test_two_rows_for_one_contact_apply_in_file_order(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second row is compared with the contact as the first row left it, not as it was stored:
    unchanged against the database, it still moves the city back."""
    header = ["ФИО", "Телефон", "Город"]
    first = write_csv(tmp_path / "first.csv", [header, ["Орлов Николай", "89031112233, 84957654321", "Тула"]])
    assert run_import(capsys, db_url, first)[0] == 0
    second = write_csv(
        tmp_path / "second.csv",
        [header, ["Орлов Николай", "89031112233", "Москва"], ["Орлов Николай", "84957654321", "Тула"]],
    )
    code, out, _ = run_import(capsys, db_url, second)
    assert code == 0
    assert "2 imported (0 new, 2 updated, 0 unchanged)" in out[-1]
    orlov = contacts(db_url)["Орлов Николай"]
    assert (orlov.city, orlov.version) == ("Тула", 2)


def test_thousands_of_rows_new_then_unchanged_then_updated(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """More rows than one query's parameters and than one batch: inserted in bulk, then found again."""
    rows = [["ФИО", "Телефон", "Город"]]
    rows += [[f"Клиент {n}", f"8912{n:07d}", "Пермь"] for n in range(6000)]
    path = write_csv(tmp_path / "many.csv", rows)
    assert run_import(capsys, db_url, path)[1][-1].endswith(
        "6000 imported (6000 new, 0 updated, 0 unchanged), 0 rejected, 0 blank, 0 warnings"
    )
    assert "6000 imported (0 new, 0 updated, 6000 unchanged)" in run_import(capsys, db_url, path)[1][-1]
    rows[5999][2] = "Уфа"
    rows.append(["Новый", "+7 495 765-43-21", ""])
    code, out, _ = run_import(capsys, db_url, write_csv(path, rows))
    assert code == 0
    assert "6001 imported (1 new, 1 updated, 5999 unchanged)" in out[-1]
    stored = contacts(db_url)
    assert len(stored) == 6001
    assert (stored["Клиент 5998"].city, stored["Клиент 5998"].version) == ("Уфа", 2)
    assert numbers(stored["Клиент 5998"]) == ["+79120005998"]
    assert (stored["Клиент 0"].version, stored["Новый"].time_zone) == (1, "Europe/Moscow")
