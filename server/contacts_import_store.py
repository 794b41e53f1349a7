"""Storing the CRM import's accepted rows (:mod:`server.contacts_import`): a batch at a time, on a
worker thread, in one transaction each, reporting in the order a one-thread import gives.

Split from :mod:`server.contacts_import` (which reads and judges the file) so that each stays short.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from app.contacts_csv import AcceptedRow, Column, ImportSummary, RowCode, RowIssue
from app.wire.contacts import PHONES_MAX, ContactIn
from server.crud.contacts_bulk import insert_new_contacts
from server.crud.contacts_merge import StoredContact, merge_row
from server.crud.contacts_upsert import stored_owners, update_contacts
from server.db import Database

Kind = Literal["rejected", "warning"]
Reporter = Callable[[Kind, int, tuple[int, int], RowIssue], None]
"""Called for every problem as it is found: the kind, the row (as the spreadsheet numbers it), the
file's first and last line of that row, the issue. A batch's rows are reported as read, then what
storing the batch found, then the next batch's rows."""
_Report = tuple[Kind, int, tuple[int, int], RowIssue]


@dataclass
class ImportResult:
    """What an import did. ``summary`` is the file's side (accepted, rejected, blank rows ...);
    ``rejected`` adds the rows the database side refused (``summary.rejected`` does not count them)."""

    summary: ImportSummary
    columns: tuple[Column, ...]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    """Accepted by the file reader but refused when storing (numbers of several contacts...)."""
    stopped: str | None = None
    """Why the import stopped before the end of the file (the rows before were imported)."""
    rejected_by_code: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    """Warnings from storing (a contact renamed by an upsert); ``summary.warnings`` has the file's."""

    @property
    def rejected_total(self) -> int:
        return self.summary.rejected + self.rejected

    @property
    def stored(self) -> int:
        return self.created + self.updated + self.unchanged


class Writer:
    """Stores batches on a worker thread while the next batch is read, reporting in file order.

    A batch's store is mostly the database's work (looking up numbers and contacts, the bulk
    writes), during which the driver releases the GIL: the worker waits for PostgreSQL while the main
    thread reads and judges the next rows, so the two overlap on a machine with two cores. One batch
    is stored at a time, in file order, each in its own transaction, as without the thread.

    Every report still goes out from the calling thread and in the order a one-thread import gives:
    the rows of a batch as read, then what storing it found, then the next batch's rows. So the
    reports of rows read while the batch before is being stored are held until that store is done.
    A store that fails raises from the next :meth:`store` (or on leaving): the batches before it
    stay committed, the rows after it are neither stored nor reported, as before.
    """

    def __init__(self, database: Database, result: ImportResult, report: Reporter) -> None:
        self._database, self._result, self._report = database, result, report
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contacts-import")
        self._storing: Future[list[_Report]] | None = None
        self._held: list[_Report] = []

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._finish_storing()
            self._emit(self._held)
        finally:
            self._pool.shutdown(wait=True)

    def report(self, kind: Kind, row: int, lines: tuple[int, int], issue: RowIssue) -> None:
        """A problem the file reader found on a row: reported once the batches before it are stored."""
        self._held.append((kind, row, lines, issue))

    def store(self, batch: Sequence[AcceptedRow], known: Sequence[StoredContact | None] = ()) -> None:
        """Wait for the batch before (raising what it raised), report, then start storing ``batch``
        (``known``: for each row, its contact as already read, if that is still it; see :func:`_store`)."""
        self._finish_storing()
        self._emit(self._held)
        self._held = []
        if batch:
            self._storing = self._pool.submit(self._store, list(batch), list(known))

    def _finish_storing(self) -> None:
        if self._storing is not None:
            storing, self._storing = self._storing, None
            self._emit(storing.result())

    def _store(self, batch: Sequence[AcceptedRow], known: Sequence[StoredContact | None]) -> list[_Report]:
        found: list[_Report] = []
        store_batch(self._database, batch, self._result, lambda *report: found.append(report), known)
        return found

    def _emit(self, reports: Sequence[_Report]) -> None:
        for kind, row, lines, issue in reports:
            self._report(kind, row, lines, issue)


def store_batch(
    database: Database,
    batch: Sequence[AcceptedRow],
    result: ImportResult,
    report: Reporter,
    known: Sequence[StoredContact | None] = (),
) -> None:
    """Store one batch in one transaction, in three steps:

    1. Who owns the batch's numbers, and those contacts as plain values
       (:func:`~server.crud.contacts_upsert.stored_owners`); each row is then new, for one stored
       contact, or refused (numbers of several contacts).
    2. Each row is merged into its contact in Python
       (:func:`~server.crud.contacts_merge.merge_row`), which decides the row's verdict: updated,
       unchanged, or refused (too many numbers). A contact that two rows of the batch update is
       merged into twice: the second row sees the first row's change.
    3. The contacts that changed are written together (:func:`~server.crud.contacts_upsert.update_contacts`:
       one ``UPDATE`` checking and bumping each version once, as an edit through the API would), and
       the new contacts are inserted in bulk. The two never touch the same numbers: the file reader
       refuses a number already on an earlier row, so a new contact's numbers are its own.

    Reports go out in row order.
    """
    if not batch:
        return
    held: dict[str, int] = {}
    ready: dict[int, StoredContact] = {}
    for row, contact in zip(batch, known, strict=False):
        if contact is not None:
            ready.setdefault(contact.id, contact)
            held.update((e164, contact.id) for e164 in row.contact.phones if e164 in contact.positions)
    with database.session() as session:
        numbers = [e164 for row in batch for e164 in row.contact.phones if e164 not in held]
        owners, contacts = stored_owners(session, numbers)
        owners.update(held)
        for contact_id, contact in ready.items():
            contacts.setdefault(contact_id, contact)
        new: list[ContactIn] = []
        for row in batch:
            ids = sorted({owners[e164] for e164 in row.contact.phones if e164 in owners})
            if len(ids) > 1:
                listed = ", ".join(
                    f"{e164} to contact {owners[e164]}" for e164 in row.contact.phones if e164 in owners
                )
                message = f"the numbers belong to different contacts ({listed}): merge them or fix the row"
                _refuse(result, report, row, RowCode.PHONES_OF_SEVERAL_CONTACTS, message)
            elif ids and ids[0] in contacts:
                _merge(contacts[ids[0]], row, result, report)
            else:  # (a contact deleted since its numbers were looked up has taken them along)
                new.append(row.contact)
        update_contacts(session, [contact for contact in contacts.values() if contact.changed])
        insert_new_contacts(session, new)
        result.created += len(new)
        session.commit()


def _merge(contact: StoredContact, row: AcceptedRow, result: ImportResult, report: Reporter) -> None:
    """Merge ``row`` into ``contact`` and count and report what it did."""
    stored_numbers = len(contact.phones)
    merge = merge_row(contact, row.contact)
    if merge.renamed_from is not None:
        message = f"contact {contact.id} was named {merge.renamed_from!r}; the row renames it"
        issue = RowIssue(RowCode.NAME_CHANGED, message, "name", row.contact.name)
        report("warning", row.row, row.lines, issue)
        result.warnings += 1
    if merge.too_many is not None:
        message = (
            f"with the {stored_numbers} numbers stored, contact {contact.id} would have {merge.too_many}"
        )
        _refuse(result, report, row, RowCode.TOO_MANY_PHONES, f"{message}; at most {PHONES_MAX}")
    elif merge.changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _refuse(result: ImportResult, report: Reporter, row: AcceptedRow, code: RowCode, message: str) -> None:
    result.rejected += 1
    result.rejected_by_code[code.value] = result.rejected_by_code.get(code.value, 0) + 1
    report("rejected", row.row, row.lines, RowIssue(code, message))
