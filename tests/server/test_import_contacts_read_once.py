"""A re-imported row read the cheap way (``server.contacts_as_stored``) but not as stored is judged
from the values already read, not parsed again, and gets the verdict judging its cells gives: the
same contact, or the same issues (code, message, column, value) when the wire model refuses a value
or a number is on an earlier row, and the import says and stores the same."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.contacts_csv import AcceptedRow, RawRow, RowIssue, open_contacts_csv
from app.contacts_csv.rows import _Row
from server.contacts_as_stored import AsStored
from server.contacts_import import Kind, import_contacts
from server.db import Database
from tests.server.test_import_contacts_as_stored import twin_url  # noqa: F401 (a fixture)
from tests.server.test_import_contacts_bulk import stored

HEADER = ["ФИО", "Телефон", "Город", "E-mail", "Дата рождения"]
BASE = [
    ["Иванов Иван", "89120000001", "Москва", "ivan@example.ru", "01.02.1980"],
    ["Петров Пётр", "89120000002", "Пермь", "", ""],
    ["Сидорова Анна", "89120000003", "Казань", "", ""],
    ["Орлов Юрий", "89120000004", "Омск", "", ""],
]
AGAIN = [
    ["Иванов Иван", "+7 912 000-00-01", "Тверь", "", "01.02.1980"],  # 2: moved
    ["Петров Пётр", "89120000002", "Пермь", "petr@example.ru", ""],  # 3: an e-mail added
    ["Сидорова Анна", "89120000003", "Казань", "", "01.01.1850"],  # 4: a birthday the model refuses
    ["Орлов Юрий", "89120000004", "Омск", "не почта", ""],  # 5: an e-mail the model refuses
    ["Новиков", "89120000005", "Сочи", "", ""],  # 6: new
    ["Новиков", "89120000005", "Сочи", "", ""],  # 7: row 6's number again
    ["Белов", "89120000006", "Г" * 300, "", ""],  # 8: a city too long
    ["Чернов", "  8 (912) 000-00-07 ", " Уфа ", " chernov@example.ru ", " 1975-03-15 "],  # 9: new
]
PARSED_AGAIN = {4, 5, 7, 8}
"""The rows whose cells are parsed again: those only judging their cells can word."""


def write(path: Path, rows: list[list[str]], encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, *rows])
    return path


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows whose cells the judge parsed (one entry per row)."""
    rows: list[int] = []
    take = _Row.take

    def counting(self: _Row, *args: Any) -> None:
        if not any(r is self for r in seen):
            seen.append(self)
            rows.append(len(seen))
        take(self, *args)

    seen: list[_Row] = []
    monkeypatch.setattr(_Row, "take", counting)
    return rows


Reports = list[tuple[Kind, int, tuple[int, int], RowIssue]]


def imported(database: Database, path: Path) -> tuple[dict[str, Any], Reports]:
    reports: Reports = []
    result = import_contacts(
        database, path, default_region="RU", report=lambda *report: reports.append(report)
    )
    counts = (result.created, result.updated, result.unchanged, result.rejected_total, result.warnings)
    return {"counts": counts, "summary": result.summary}, reports


def without_times(contacts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in c.items() if f != "updated_at"} for k, c in contacts.items()}


def test_rows_not_as_stored_are_judged_from_their_read_values_with_the_same_verdicts(
    db_url: str,
    twin_url: str,  # noqa: F811 (the fixture)
    tmp_path: Path,
    parsed: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    once, twice = Database.connect(db_url, pooled=False), Database.connect(twin_url, pooled=False)
    try:
        base, again = write(tmp_path / "base.csv", BASE), write(tmp_path / "again.csv", AGAIN)
        for database in (once, twice):
            imported(database, base)
        parsed.clear()
        result, reports = imported(once, again)
        parsed_rows = len(parsed)

        monkeypatch.setattr("server.contacts_as_stored.AsStored.read", lambda _self, _raw: None)
        parsed.clear()
        result_off, reports_off = imported(twice, again)
        assert len(parsed) == len(AGAIN)  # without the cheap read, every row's cells are parsed

        assert parsed_rows == len(PARSED_AGAIN)
        assert result == result_off
        assert reports == reports_off
        assert {(row, issue.code.value, issue.column) for _kind, row, _lines, issue in reports} == {
            (4, "bad_date", "Дата рождения"),
            (5, "bad_email", "E-mail"),
            (7, "duplicate_phone", "Телефон"),
            (8, "too_long", "Город"),
        }
        assert result["counts"] == (2, 2, 0, 4, 0)
        assert without_times(stored(once)) == without_times(stored(twice))
    finally:
        once.dispose()
        twice.dispose()


def _cells(rng: random.Random, i: int) -> list[str]:
    """A plain row, valid or not, written in the many ways a CRM export writes one."""
    digits = f"912{i:07d}"
    phone = rng.choice(
        [f"8{digits}", f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}", f" 7{digits} ", "-"]
    )
    if rng.random() < 0.05:
        phone = f"8{rng.randrange(10**9, 10**10)}"  # maybe a duplicate, maybe unallocated
    name = rng.choice(["Иванов  Иван", " Петрова\nАнна ", "", "—", "Ф" * 250, "O'Brien <b>"])
    city = rng.choice(["Москва", " Санкт-Петербург ", "", "Город\tN", "Г" * 130])
    email = rng.choice(["", "a@example.ru", " B@Example.RU ", "нет", "a@b", "x" * 300 + "@example.ru"])
    birthday = rng.choice(["", "01.02.1980", "1980-02-01", "31.12.2099", "01.01.1899", "3.4.1975 0:00:00"])
    return [name, phone, city, email, birthday]


def test_judging_from_read_values_gives_the_verdict_of_the_cells(tmp_path: Path) -> None:
    rng = random.Random(15)
    path = write(tmp_path / "rows.csv", [_cells(rng, i) for i in range(3000)], "utf-8")

    def verdicts(read_first: bool) -> Iterator[Any]:
        with open_contacts_csv(path, default_region="RU", derive_time_zone=True) as rows:
            as_stored = AsStored(rows.columns, default_region="RU", field_schema=())
            for raw in rows.raw_rows():
                assert isinstance(raw, RawRow)
                found = as_stored.read(raw) if read_first else None
                read = found.read if found is not None else None
                verdict = rows.judge(RawRow(raw.row, raw.lines, raw.cells, read))
                if isinstance(verdict, AcceptedRow):
                    yield verdict.row, verdict.lines, verdict.contact.model_dump(), verdict.warnings
                else:
                    yield verdict
            yield rows.summary

    fast, slow = list(verdicts(True)), list(verdicts(False))
    assert fast == slow
    accepted = sum(isinstance(v, tuple) for v in fast)
    assert 300 < accepted < len(fast) - 300  # both verdicts are well represented
