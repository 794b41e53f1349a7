"""The re-import's shortcut (``server.contacts_as_stored``): a row exactly as stored is counted
unchanged without being judged, and the import says and stores exactly what it says and stores
without the shortcut: the same counts, the same reports (kind, row, lines, code, message), the same
contacts, on a file of rows the shortcut must leave to the judge (a rename, a number with an
extension, a duplicate, a contact an earlier row of the file changed, a contact with no time zone and
a landline, a consent cell, two numbers of two contacts, a new contact, an e-mail in another case).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from app.contacts_csv import ContactsCsv, RawRow, RowResult
from server.db import Database
from server.models import Contact
from tests.server.conftest import _postgres_database
from tests.server.test_import_contacts_bulk import run, stored

BASE = [
    ["Иванов Иван", "+7 912 000-00-01", "Москва", "ivan@example.ru", "01.02.1980", ""],
    ["Петров Пётр", "89120000002", "Пермь", "", "", ""],
    ["Сидорова Анна", "8 (912) 000-00-03", "Казань", "anna@example.ru", "", ""],
    ["Офис", "8 (342) 200-00-04", "Пермь", "", "", ""],
    ["Кузнецов Олег", "89120000005", "Самара", "oleg@example.ru", "", ""],
    ["Орлов Юрий", "89120000006, 89120000007", "Омск", "", "", ""],
    ["Лебедев Игорь", "89120000008", "Тула", "", "", ""],
    ["Зайцев Иван", "89120000009", "Уфа", "", "", ""],
    ["Белов", "89120000010", "", "", "", ""],
    ["Чернов", "89120000011", "", "", "", ""],
    ["Волков Андрей", "89120000012", "Сочи", "", "15.03.1975", ""],
]
AGAIN = [
    ["Иванов Иван", "+79120000001", "Москва", "ivan@example.ru", "1980-02-01", ""],  # row 2: as stored
    ["Петров Пётр", "+7 (912) 000-00-02", "Пермь", "", "", ""],  # 3: as stored
    ["Сидорова Анна Петровна", "89120000003", "Казань", "", "", ""],  # 4: renamed
    ["Офис", "83422000004", "Пермь", "", "", ""],  # 5: no zone stored, a landline gives one
    ["Кузнецов Олег", "89120000005", "Самара", "Oleg@Example.ru", "", ""],  # 6: another case
    ["Орлов Юрий", "89120000006", "Томск", "", "", ""],  # 7: moved
    ["Орлов Юрий", "89120000007", "Омск", "", "", ""],  # 8: as stored, but row 7 changed him
    ["Иванов Иван", "8 912 000 00 01", "Москва", "", "", ""],  # 9: row 2's number again
    ["Лебедев Игорь", "89120000008 доб. 12", "Тула", "", "", ""],  # 10: an extension
    ["Зайцев Иван", "89120000009", "Уфа", "", "", "да"],  # 11: consent given
    ["Белов и Чернов", "89120000010, 89120000011", "", "", "", ""],  # 12: two contacts' numbers
    ["Новиков", "89120000099", "Сочи", "", "", ""],  # 13: new
    ["", "89120000012", "", "", "", ""],  # 14: only the number: as stored
]
AS_STORED_ROWS = {2, 3, 14}
HEADER = ["ФИО", "Телефон", "Город", "E-mail", "Дата рождения", "Согласие на SMS"]


@pytest.fixture
def twin_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second empty database at the newest revision, beside ``db_url``."""
    if backend == "sqlite":
        path = tmp_path / "twin.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        yield from _postgres_database(request, request.getfixturevalue("postgres_template"))


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows the file reader judged (each import appends its own)."""
    rows: list[int] = []
    judge = ContactsCsv.judge

    def counting(self: ContactsCsv, raw: RawRow) -> RowResult:
        rows.append(raw.row)
        return judge(self, raw)

    monkeypatch.setattr(ContactsCsv, "judge", counting)
    return rows


def prepared(url: str, tmp_path: Path) -> Database:
    database = Database.connect(url, pooled=False)
    base = write_csv_with(tmp_path / "base.csv", BASE)
    run(database, base)
    with database.session() as session:  # a contact stored before zones were derived
        session.execute(update(Contact).where(Contact.name == "Офис").values(time_zone=None))
        session.commit()
    return database


def write_csv_with(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="cp1251", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([HEADER, *rows])
    return path


def without_times(contacts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in c.items() if f != "updated_at"} for k, c in contacts.items()}


def test_rows_as_stored_are_not_judged_and_the_import_says_and_stores_the_same(
    db_url: str, twin_url: str, tmp_path: Path, judged: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_shortcut, without = prepared(db_url, tmp_path), prepared(twin_url, tmp_path)
    try:
        again = write_csv_with(tmp_path / "again.csv", AGAIN)
        judged.clear()
        counts, reports = run(with_shortcut, again)
        assert set(range(2, len(AGAIN) + 2)) - set(judged) == AS_STORED_ROWS

        monkeypatch.setattr("server.contacts_as_stored.AsStored.read", lambda _self, _raw: None)
        judged.clear()
        counts_off, reports_off = run(without, again)
        assert len(judged) == len(AGAIN)

        assert counts == counts_off
        assert reports == reports_off
        assert without_times(stored(with_shortcut)) == without_times(stored(without))
        assert counts["unchanged"] >= len(AS_STORED_ROWS)
        assert counts["created"] == 1
        assert {code for kind, _row, _lines, code, _msg in reports if kind == "rejected"} == {
            "duplicate_phone",
            "phones_of_several_contacts",
        }
    finally:
        with_shortcut.dispose()
        without.dispose()


def test_a_file_imported_again_is_read_without_judging_its_plain_rows(
    db_url: str, tmp_path: Path, judged: list[int]
) -> None:
    database = prepared(db_url, tmp_path)
    try:
        base = write_csv_with(tmp_path / "base.csv", BASE)
        run(database, base)  # the zone of "Офис" derived again: stored as the file has it now
        judged.clear()
        counts, reports = run(database, base)
        assert judged == [7]  # "89120000006, 89120000007": a cell of several numbers is judged
        assert counts["unchanged"] == len(BASE)
        assert reports == []
    finally:
        database.dispose()
