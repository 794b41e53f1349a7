"""Re-importing a CRM export into stored contacts: exactly the changed rows are written, in bulk, with
the same verdicts as one row at a time (created / updated / unchanged / rejected, warnings, line
numbers), unchanged contacts are not touched (version and ``updated_at`` stay), and a contact edited
by someone else between the import's read and its write fails the batch instead of being overwritten.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update

from app.contacts_csv import RowIssue
from app.wire.contacts import PHONES_MAX, FieldSchema, FieldType
from server.contacts_import import Kind, import_contacts
from server.crud.contacts import put_field
from server.db import Database
from server.models import Contact, ContactPhone

HEADER = ["ФИО", "Телефон", "Город", "E-mail", "Дата рождения", "Согласие на SMS", "Долг"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="cp1251", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, *rows])
    return path


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    database = Database.connect(db_url, pooled=False)
    with database.session() as session:
        put_field(
            session, spec=FieldSchema(key="debt", label_en="Debt", label_ru="Долг", type=FieldType.NUMBER)
        )
        session.commit()
    yield database
    database.dispose()


Report = list[tuple[Kind, int, tuple[int, int], str, str]]


def run(database: Database, path: Path) -> tuple[dict[str, Any], Report]:
    """Import ``path``: the counts and every report (kind, row, lines, code, message)."""
    reports: Report = []

    def report(kind: Kind, row: int, lines: tuple[int, int], issue: RowIssue) -> None:
        reports.append((kind, row, lines, issue.code.value, issue.message))

    result = import_contacts(database, path, default_region="RU", report=report)
    counts = {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "rejected_by_code": result.rejected_by_code,
        "warnings": result.warnings,
    }
    return counts, reports


def stored(database: Database) -> dict[str, dict[str, Any]]:
    """Every contact by its first number: its values, numbers, version and ``updated_at``."""
    with database.session() as session:
        contacts = session.scalars(select(Contact)).all()
        found = {
            c.phones[0].e164: {
                "name": c.name,
                "city": c.city,
                "email": c.email,
                "birthday": c.birthday,
                "time_zone": c.time_zone,
                "consent_sms": c.consent_sms,
                "custom": dict(c.custom_fields),
                "phones": [(p.e164, p.position) for p in c.phones],
                "version": c.version,
                "updated_at": c.updated_at,
            }
            for c in contacts
        }
        session.commit()
    return found


FIRST = [
    ["Орлов Николай", "89031112233", "Москва", "orlov@mail.ru", "01.02.1980", "да", "100"],
    ["Зайцева Татьяна", "89152223344", "Тула", "", "", "", ""],
    ["Белова Ирина", "89163334455", "Пермь", "", "03.04.1990", "нет", ""],
    ["Ефимова Ксения", "89174445566", "", "", "", "", "5"],
    ["Соловьёв Артём", "89185556677", "Казань", "", "", "", ""],
    ["Клиент Без Изменений", "89196667788", "Уфа", "same@mail.ru", "", "", ""],
    ["Гусев Павел", "89207778899", "Омск", "", "", "", ""],
]


def test_a_reimport_writes_exactly_the_changed_rows_with_the_same_verdicts(
    database: Database, tmp_path: Path
) -> None:
    counts, reports = run(database, write_csv(tmp_path / "first.csv", FIRST))
    assert (counts["created"], reports) == (7, [])
    before = stored(database)

    second = [
        FIRST[0],  # row 2: the same values: unchanged
        ["Зайцева Татьяна", "8 915 222 33 44", "Тверь", "", "", "", ""],  # row 3: the city
        ["Белова-Смирнова Ирина", "+79163334455", "", "", "", "да", ""],  # row 4: renamed, consent
        ["", "89174445566, 8 (495) 765-43-21", "", "", "", "", "7,5"],  # row 5: a number, custom, zone
        ["Кто-то", "89185556677; 89207778899", "", "", "", "", ""],  # row 6: numbers of two contacts
        ["Новый Клиент", "8 (912) 000-11-22", "Самара", "", "", "", ""],  # row 7: new
        ["Клиент Без Изменений", "89196667788", "", "same@mail.ru", "", "", ""],  # row 8: empty cells
    ]
    counts, reports = run(database, write_csv(tmp_path / "second.csv", second))

    assert counts == {
        "created": 1,
        "updated": 3,
        "unchanged": 2,
        "rejected": 1,
        "rejected_by_code": {"phones_of_several_contacts": 1},
        "warnings": 1,
    }
    assert [(kind, row, lines, code) for kind, row, lines, code, _ in reports] == [
        ("warning", 4, (4, 4), "name_changed_warning"),
        ("rejected", 6, (6, 6), "phones_of_several_contacts"),
    ]
    belova_id, zaitseva_id = _ids(database, "+79163334455", "+79152223344")
    assert reports[0][4] == f"contact {belova_id} was named 'Белова Ирина'; the row renames it"
    assert "+79185556677 to contact" in reports[1][4] and "merge them or fix the row" in reports[1][4]

    after = stored(database)
    untouched = ("+79031112233", "+79185556677", "+79196667788", "+79207778899")
    for first in untouched:  # version and updated_at too: nothing was written
        assert after[first] == before[first]
    changed: dict[str, dict[str, Any]] = {
        "+79152223344": {"city": "Тверь"},
        "+79163334455": {"name": "Белова-Смирнова Ирина", "consent_sms": True},
        "+79174445566": {
            "custom": {"debt": 7.5},
            "phones": [("+79174445566", 0), ("+74957654321", 1)],
            "time_zone": "Europe/Moscow",  # derived from the landline the row added
        },
    }
    for first, values in changed.items():
        expected = {**before[first], **values, "version": before[first]["version"] + 1}
        assert {k: v for k, v in after[first].items() if k != "updated_at"} == {
            k: v for k, v in expected.items() if k != "updated_at"
        }
        assert after[first]["updated_at"] > before[first]["updated_at"]
    assert after["+79120001122"]["city"] == "Самара"
    assert after["+79120001122"]["version"] == 1
    assert len(after) == 8
    assert zaitseva_id != belova_id


def _ids(database: Database, *numbers: str) -> list[int]:
    with database.session() as session:
        found = {
            e164: cid for e164, cid in session.execute(select(ContactPhone.e164, ContactPhone.contact_id))
        }
        session.commit()
    return [found[number] for number in numbers]


def test_too_many_numbers_reject_the_row_and_change_nothing(database: Database, tmp_path: Path) -> None:
    numbers = [f"8912000{n:04d}" for n in range(12)]
    run(
        database,
        write_csv(tmp_path / "first.csv", [["Много Номеров", ", ".join(numbers[:6]), "", "", "", "", ""]]),
    )
    before = stored(database)
    row = ["Много Номеров", ", ".join(numbers[:1] + numbers[6:]), "Омск", "", "", "", ""]
    counts, reports = run(database, write_csv(tmp_path / "second.csv", [row]))
    assert (counts["updated"], counts["rejected_by_code"]) == (0, {"too_many_phones": 1})
    [contact_id] = _ids(database, "+79120000000")
    assert reports == [
        (
            "rejected",
            2,
            (2, 2),
            "too_many_phones",
            f"with the 6 numbers stored, contact {contact_id} would have 12; at most {PHONES_MAX}",
        )
    ]
    assert stored(database) == before


def test_changed_rows_are_written_in_bulk_not_one_statement_each(database: Database, tmp_path: Path) -> None:
    """600 changed rows of one batch: a handful of statements, not one UPDATE per row."""
    rows = [[f"Клиент {n}", f"8912{n:07d}", "Пермь", "", "", "", ""] for n in range(600)]
    run(database, write_csv(tmp_path / "first.csv", rows))
    before = stored(database)
    for row in rows[::2]:
        row[2] = "Уфа"
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        counts, reports = run(database, write_csv(tmp_path / "second.csv", rows))
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert (counts["updated"], counts["unchanged"], reports) == (300, 300, [])
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) <= 2, f"{len(updates)} UPDATE statements for 300 changed rows"
    assert len(statements) < 30, f"{len(statements)} statements for 600 rows"
    after = stored(database)
    for n, row in enumerate(rows):
        first = f"+7912{n:07d}"
        assert after[first]["city"] == row[2]
        assert after[first]["version"] == before[first]["version"] + (1 if n % 2 == 0 else 0)
        if n % 2:
            assert after[first]["updated_at"] == before[first]["updated_at"]


@pytest.mark.parametrize("backend", ["postgresql"])  # SQLite: the import holds the write lock, no race
def test_a_contact_edited_during_the_import_fails_the_batch_not_the_edit(
    database: Database, db_url: str, tmp_path: Path
) -> None:
    run(database, write_csv(tmp_path / "first.csv", FIRST[:2]))
    other = Database.connect(db_url, pooled=False)
    edited: list[bool] = []

    def edit_first(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE") and not edited:
            edited.append(True)
            with other.engine.begin() as connection:  # an operator saves the card meanwhile
                connection.execute(
                    update(Contact)
                    .where(Contact.name == "Орлов Николай")
                    .values(city="Сочи", version=Contact.version + 1)
                )

    event.listen(database.engine, "before_cursor_execute", edit_first)
    try:
        changed = [[*FIRST[0][:2], "Тверь", *FIRST[0][3:]], [*FIRST[1][:2], "Тверь", *FIRST[1][3:]]]
        with pytest.raises(Exception, match=r"(?i)stale|expected to update"):
            run(database, write_csv(tmp_path / "second.csv", changed))
    finally:
        event.remove(database.engine, "before_cursor_execute", edit_first)
        other.dispose()
    after = stored(database)
    assert (after["+79031112233"]["city"], after["+79031112233"]["version"]) == ("Сочи", 2)
    assert (after["+79152223344"]["city"], after["+79152223344"]["version"]) == ("Тула", 1)
    assert edited == [True]


def test_rows_of_one_contact_in_several_batches(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 2 rows: a row sees what the row before it in its batch did, and each batch reads
    what the one before stored; the version moves once per batch that changed the contact."""
    monkeypatch.setattr("server.contacts_import.BATCH", 2)
    run(database, write_csv(tmp_path / "first.csv", [["Орлов", "89031112233, 89031112234, 89031112235"]]))
    rows = [
        ["", "89031112233", "Сочи", "", "", "", ""],  # batch 1: updated
        ["", "89031112234", "Сочи", "", "", "", ""],  # batch 1: unchanged after the row above
        ["", "89031112235", "Сочи", "", "05.06.1977", "", "200"],  # batch 2: updated
    ]
    counts, reports = run(database, write_csv(tmp_path / "second.csv", rows))
    assert (counts["updated"], counts["unchanged"], reports) == (2, 1, [])
    [orlov] = stored(database).values()
    assert (orlov["city"], orlov["birthday"], orlov["custom"]) == ("Сочи", date(1977, 6, 5), {"debt": 200})
    assert orlov["version"] == 3


def test_reports_keep_their_order_while_batches_are_stored_in_the_background(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 2: the rows of a batch as read, then what storing it found, then the next rows."""
    monkeypatch.setattr("server.contacts_import.BATCH", 2)
    run(database, write_csv(tmp_path / "first.csv", FIRST))
    rows = [
        ["Новая Анна", "89990000001", "", "", "", "", ""],  # row 2: new
        ["Плохой Номер", "8 (912) 12-34", "", "", "", "", ""],  # row 3: refused by the reader
        ["Орлова Наталья", "89031112233", "", "", "", "", ""],  # row 4: renamed, found when stored
        ["Новый Борис", "89990000002", "", "", "", "", ""],  # row 5: new
        ["Без Номера", "", "Тула", "", "", "", ""],  # row 6: refused by the reader
        ["Кто-то", "89185556677, 89207778899", "", "", "", "", ""],  # row 7: refused when stored
        ["Последний", "89990000003", "", "", "", "", ""],  # row 8: new, alone in the last batch
    ]
    counts, reports = run(database, write_csv(tmp_path / "second.csv", rows))
    assert [(kind, row, code) for kind, row, _lines, code, _message in reports] == [
        ("rejected", 3, "bad_phone"),
        ("warning", 4, "name_changed_warning"),
        ("rejected", 6, "missing_phone"),
        ("rejected", 7, "phones_of_several_contacts"),
    ]
    assert (counts["created"], counts["updated"], counts["rejected"]) == (3, 1, 1)
    assert stored(database)["+79990000003"]["name"] == "Последний"
