"""The re-import's store takes the contacts the reader already read, when they are still current.

A row read the cheap way (``server.contacts_as_stored``) whose contact no row being written touches
is handed to the store with that contact (``known``): the store does not read it again (the second
read of every changed contact was half of a changed re-import's database work). And a contact that
a batch stored while the reader was comparing rows with what it had read before stays "busy" until
the reader reads again, so a later row of that contact is never taken as unchanged from a stale read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from server import contacts_import, contacts_import_store
from server.crud.contacts_upsert import stored_owners
from server.db import Database
from tests.server.test_import_contacts_bulk import database, run, stored, write_csv

__all__ = ["database"]  # the fixture, shared with the bulk tests


def test_a_changed_re_import_reads_each_contact_once(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row changed, each its own contact: the store asks the database for no contact (the
    reader's read is taken), the verdicts and the stored values are those of a full read."""
    first = [[f"Клиент {n}", f"8903111{n:04d}", "Тула", "", "", "", ""] for n in range(30)]
    run(database, write_csv(tmp_path / "first.csv", first))
    asked: list[tuple[str, int]] = []
    real = stored_owners

    def counting(session: Any, numbers: Sequence[str]) -> Any:
        asked.append((threading.current_thread().name, len(numbers)))
        return real(session, numbers)

    monkeypatch.setattr(contacts_import, "stored_owners", counting)
    monkeypatch.setattr(contacts_import_store, "stored_owners", counting)
    monkeypatch.setattr(contacts_import, "BATCH", 10)
    second = [[f"Клиент {n}", f"8903111{n:04d}", "Сочи", f"c{n}@mail.ru", "", "", ""] for n in range(30)]
    counts, reports = run(database, write_csv(tmp_path / "second.csv", second))
    assert (counts["updated"], counts["unchanged"], reports) == (30, 0, [])
    by_writer = [count for name, count in asked if name.startswith("contacts-import_")]
    assert by_writer and not any(by_writer), asked
    after = stored(database)
    assert {c["city"] for c in after.values()} == {"Сочи"}
    assert {c["version"] for c in after.values()} == {2}
    assert sorted(c["email"] for c in after.values()) == sorted(f"c{n}@mail.ru" for n in range(30))


def test_a_row_after_a_batch_stored_meanwhile_sees_what_it_stored(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 2, stored slowly. Row 4 changes Орлов (first number) and is stored while the reader
    compares rows 5-6 with what it read before that store; row 5 fills a batch, which waits for the
    store; row 6 writes Орлов's second number with his old city. It must put the old city back
    (updated), not be taken as unchanged from the read that predates the store."""
    first = [
        ["Орлов", "89031112233, 89031112234", "Москва", "", "", "", ""],
        ["Дятлов", "89152223344", "Москва", "", "", "", ""],
        ["Егоров", "89162223344", "Москва", "", "", "", ""],
        ["Фомин", "89172223344", "Москва", "", "", "", ""],
        ["Гусев", "89182223344", "Москва", "", "", "", ""],
    ]
    run(database, write_csv(tmp_path / "first.csv", first))
    monkeypatch.setattr(contacts_import, "BATCH", 2)
    real = contacts_import_store.store_batch

    def slow(*args: Any) -> None:
        time.sleep(0.3)
        real(*args)

    monkeypatch.setattr(contacts_import_store, "store_batch", slow)
    rows = [
        ["Дятлов", "89152223344", "Сочи", "", "", "", ""],  # row 2: updated, waits for the next
        ["Егоров", "89162223344", "Москва", "", "", "", ""],  # row 3: unchanged
        ["Орлов", "89031112233", "Тула", "", "", "", ""],  # row 4: updated; stored with row 2
        ["Фомин", "89172223344", "Сочи", "", "", "", ""],  # row 5: updated
        ["Гусев", "89182223344", "Сочи", "", "", "", ""],  # row 6: updated; a batch with row 5
        ["Орлов", "89031112234", "Москва", "", "", "", ""],  # row 7: Тула -> Москва again
    ]
    counts, reports = run(database, write_csv(tmp_path / "second.csv", rows))
    assert (counts["updated"], counts["unchanged"], reports) == (5, 1, [])
    orlov = stored(database)["+79031112233"]
    assert (orlov["city"], orlov["version"]) == ("Москва", 3)
