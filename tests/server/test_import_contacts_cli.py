"""``ringdesk-server import-contacts`` run as IT runs it (a real process): no line of a file vanishes
without a rejection naming it, genuine Windows-1251 exports are imported, garbage is refused."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from tests.server.live import run_cli
from tests.server.test_import_contacts import contacts
from tests.unit.test_contacts_csv_lines import LINES, NAMES, STRAY

REJECTED = re.compile(r"^row (\d+)(?: \(lines? (\d+)(?:-(\d+))?\))?: rejected: (\w+): (.*)$")


def import_file(db_url: str, path: Path, *extra: str) -> tuple[int, list[str], str]:
    done = run_cli(["import-contacts", str(path), "--db", db_url, *extra])
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout.splitlines(), done.stderr


def rejected_lines(out: list[str]) -> dict[int, str]:
    """The first physical line each rejection names -> its code."""
    named: dict[int, str] = {}
    for line in out:
        if m := REJECTED.match(line):
            row, first = m.group(1), m.group(2)
            named[int(first or row)] = m.group(4)
    return named


@pytest.mark.parametrize(("encoding", "delimiter"), [("cp1251", ";"), ("utf-8-sig", ",")])
def test_stray_quotes_reject_their_lines_and_nothing_vanishes(
    db_url: str, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes("\r\n".join(line.replace(";", delimiter) for line in LINES).encode(encoding))
    report = tmp_path / "report.csv"

    code, out, err = import_file(db_url, path, "--report", str(report))

    assert code == 0, err
    assert rejected_lines(out) == dict.fromkeys(sorted(STRAY), "unbalanced_quote")
    assert "row 11 (line 12): rejected: unbalanced_quote:" in "\n".join(out)  # row and line differ there
    assert out[-1].startswith(f"contacts.csv: {len(LINES)} lines, 10 rows (")
    assert "7 imported (7 new, 0 updated, 0 unchanged), 3 rejected, 0 blank" in out[-1]
    assert set(contacts(db_url)) == set(NAMES.values())
    # every line of the file is the header, part of an imported contact or named in a rejection
    imported_first_lines = set(NAMES) | {9}  # Зуева's cell goes on over line 9
    assert {1} | imported_first_lines | set(rejected_lines(out)) == set(range(1, len(LINES) + 1))

    with report.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    assert table[0] == ["row", "line", "kind", "code", "column", "value", "message"]
    assert [(r[0], r[1], r[3]) for r in table[1:]] == [
        ("3", "3", "unbalanced_quote"),
        ("6", "6", "unbalanced_quote"),
        ("11", "12", "unbalanced_quote"),
    ]


def test_a_valid_multi_line_cell_with_bom_and_crlf_is_one_contact(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bitrix.csv"
    text = 'ФИО;Телефон;Город\r\n"Иванов\r\nИван";89120000001;"Москва"\r\nПетров;89120000002;Тула\r\n'
    path.write_bytes(text.encode("utf-8-sig"))
    code, out, err = import_file(db_url, path)
    assert code == 0, err
    assert out[-1].startswith("bitrix.csv: 4 lines, 2 rows (utf-8-sig, delimiter ';'): 2 imported")
    assert ", 0 rejected," in out[-1]
    stored = contacts(db_url)
    assert set(stored) == {"Иванов Иван", "Петров"}
    assert stored["Иванов Иван"].city == "Москва"


def test_genuine_windows_1251_with_brands_and_a_long_capitalised_cell_is_imported(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "1c.csv"
    rows = [
        "ФИО;Телефон;Сегмент",
        "Иванов Иван;89120000001;МегаФон",
        "Петров Пётр;89120000002;СберБанк",
        "Сидорова Анна;89120000003;ВымпелКом",
        "ТорговыйДомПромышленныеТехнологииЮгЗапад;89120000004;Опт",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1251"))
    code, out, err = import_file(db_url, path)
    assert code == 0, err
    assert "(cp1251, delimiter ';'): 4 imported (4 new" in out[-1]
    stored = contacts(db_url)
    assert {name: contact.segment for name, contact in stored.items()} == {
        "Иванов Иван": "МегаФон",
        "Петров Пётр": "СберБанк",
        "Сидорова Анна": "ВымпелКом",
        "ТорговыйДомПромышленныеТехнологииЮгЗапад": "Опт",
    }


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(random.Random(7).randbytes(3000).replace(b"\x00", b""), id="random bytes"),
        pytest.param("ФИО;Телефон\r\nИванов;89123456789\r\n".encode("utf-16-le"), id="UTF-16 without BOM"),
        pytest.param("ФИО;Телефон\r\nМегаФон Иванов;89123456789\r\n".encode("koi8-r"), id="KOI8-R"),
    ],
)
def test_garbage_is_refused_and_nothing_is_stored(db_url: str, tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(payload)
    code, out, err = import_file(db_url, path)
    assert code == 1
    assert err.startswith(f"ringdesk-server: {path}: ")
    assert "Save it from Excel as 'CSV UTF-8'" in err
    assert out == []
    assert contacts(db_url) == {}
