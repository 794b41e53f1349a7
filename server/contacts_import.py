"""Importing contacts from a CSV file (``ringdesk-server import-contacts``): upsert by phone.

The file is read by :mod:`app.contacts_csv` (encoding, columns, one verdict per row); this module
stores the accepted rows and reports every row it does not store, so nothing is dropped silently.

Decisions:

- **Upsert by phone, merging, never clearing.** A row whose numbers belong to no contact creates one.
  A row whose numbers belong to one contact updates it with the values the row has: empty cells and
  missing columns keep what is stored, new numbers are added to the ones stored (an operator's number
  survives an import), consent changes only the flags the row gives, custom fields change key by key.
  A row whose numbers belong to several contacts is rejected (``phones_of_several_contacts``): which
  one it means is a person's call. A row that renames the contact it updates is imported with a
  warning (``name_changed_warning``): a shared office number can make two people one contact.
- **Time zones** come from the file when it has them; otherwise a new contact (or one without a zone)
  gets the zone of a landline, and a zone stored earlier is kept.
- **Batches**: rows are stored in transactions of :data:`BATCH` rows, so the server keeps answering
  during a long import (on SQLite a transaction holds the write lock). Within a batch, new contacts
  are inserted in bulk (:mod:`server.crud.contacts_bulk`: ``COPY`` on PostgreSQL); updates of stored
  contacts go through the ORM like an edit through the API (merge, version bump, ETag change).
- **A row exactly as stored is not judged** (:mod:`server.contacts_as_stored`): a row of the plain
  shape (numbers, full name, city, e-mail, birthday) whose values all equal its contact's is counted
  unchanged after a cheap read; judging it could not have said anything else. Judging was most of the
  time of re-importing an unchanged export (docs/performance.md). Any other row is judged as before;
  one read the cheap way but not as stored (a changed row) is judged from the values read
  (``RawRow.read``), so its cells are not parsed twice, with the verdict its cells would get.
- **A number on two rows of one file**: the first row keeps it; the later row is rejected as a whole
  (``duplicate_phone``, naming the first row), by the file reader, before anything is stored.
- **A line that cannot be a row** (a stray quote, a cell too large to read) is a rejected row naming
  its line, and the import goes on with the next line: no line vanishes into a neighbour's cell.
- **A file breaking down mid-way** (should the reader still raise): the rows before it stay
  imported. Importing the fixed file again is safe, since rows already imported update their contact
  instead of duplicating it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from app.contacts_csv import (
    AcceptedRow,
    Column,
    ContactsCsv,
    CsvError,
    ImportSummary,
    RawRow,
    RejectedRow,
    RowCode,
    RowIssue,
    open_contacts_csv,
)
from app.wire.contacts import PHONES_MAX, ContactIn
from server.audit import record_audit
from server.contacts_as_stored import AsStored, known, unchanged
from server.crud.contacts import field_schema
from server.crud.contacts_bulk import insert_new_contacts
from server.crud.contacts_merge import StoredContact, merge_row
from server.crud.contacts_upsert import stored_owners, update_contacts
from server.db import Database

BATCH = 5000
"""Rows stored per transaction: large enough that the bulk inserts pay off, small enough that a
transaction (on SQLite: the write lock) lasts well under a second."""

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


def import_contacts(
    database: Database,
    path: str | Path,
    *,
    default_region: str | None,
    report: Reporter,
    source: str | None = None,
) -> ImportResult:
    """Import ``path`` into ``database``. Raises :class:`~app.contacts_csv.CsvError` when the file
    cannot be imported at all (encoding, no header, no phone column); a file breaking down mid-way
    ends the import with ``stopped`` set instead. One audit row (``contact.import``) records it."""
    with database.session() as session:
        schema = field_schema(session)
        session.commit()
    with open_contacts_csv(
        path, default_region=default_region, field_schema=schema, derive_time_zone=False
    ) as rows:
        result = ImportResult(summary=rows.summary, columns=rows.columns)
        as_stored = AsStored(rows.columns, default_region=default_region, field_schema=schema)
        with _Writer(database, result, report) as writer:
            reader = _Reader(database, rows, as_stored, writer)
            try:
                raw: list[RawRow | RejectedRow] = []
                for item in rows.raw_rows():
                    raw.append(item)
                    if len(raw) >= BATCH:
                        reader.read(raw)
                        raw = []
                reader.read(raw)
            except CsvError as exc:
                reader.read(raw)  # the rows before the break, as the plain reader gives them
                result.stopped = str(exc)
            writer.store(reader.pending, reader.known)
        result.unchanged += reader.as_stored
    with database.session() as session:
        record_audit(
            session,
            actor=None,
            action="contact.import",
            details={
                "file": source or Path(path).name,
                "via": "cli",
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "rejected": result.rejected_total,
                "complete": result.stopped is None,
            },
        )
        session.commit()
    return result


class _Reader:
    """Turns the file's rows into verdicts a batch at a time, settling the rows found exactly as
    stored without judging them (:mod:`server.contacts_as_stored`) and handing the accepted others
    to the writer; reports go through the writer, in file order.

    The stored contacts a batch's cheap rows name are read here, on this thread, while the writer
    stores the batch before: a contact that batch (or an earlier row of this one) writes is never
    taken as stored, so what was read is what the row's turn would see. (On SQLite every transaction
    takes the write lock, so this read waits for that store instead: slower, the same verdicts.)"""

    def __init__(self, database: Database, rows: ContactsCsv, as_stored: AsStored, writer: _Writer) -> None:
        self._database, self._rows, self._as_stored, self._writer = database, rows, as_stored, writer
        self.pending: list[AcceptedRow] = []
        """Accepted rows not handed to the writer yet."""
        self._writing: set[str] = set()
        """The numbers of the rows being written: those of the batch being stored and of the
        accepted rows waiting for the next batch (the rows of the batches before are stored)."""
        self._storing: set[str] = set()
        self._stored: set[str] = set()
        """The numbers of batches stored since the last read of stored contacts (still in
        ``_writing``: that read may predate their commit)."""
        self.known: list[StoredContact | None] = []
        """For each of :attr:`pending`, its contact as read here when that is still its contact when
        the batch is stored (:func:`~server.contacts_as_stored.known`): the writer need not read it."""
        self.as_stored = 0
        """Rows settled as unchanged without judging (added to the result at the end: the writer's
        thread counts the others)."""

    def read(self, raw: Sequence[RawRow | RejectedRow]) -> None:
        """Settle, judge and report ``raw`` (the next rows of the file), then store every full batch."""
        self._writing -= self._stored  # committed before the read below: what it reads includes them
        self._stored = set()
        candidates = {
            id(item): found
            for item in raw
            if isinstance(item, RawRow) and (found := self._as_stored.read(item)) is not None
        }
        owners: dict[str, int] = {}
        contacts: dict[int, StoredContact] = {}
        if candidates:
            with self._database.session() as session:
                numbers = sorted({e164 for found in candidates.values() for e164 in found.phones})
                owners, contacts = stored_owners(session, numbers)
                session.rollback()
        for item in raw:
            if isinstance(item, RejectedRow):
                for issue in item.issues:
                    self._writer.report("rejected", item.row, item.lines, issue)
                continue
            found = candidates.get(id(item))
            if (
                found is not None
                and self._rows.none_taken(found.phones)
                and unchanged(found, owners, contacts, self._writing)
            ):
                self._rows.accept_as_read(item, found.phones)
                self.as_stored += 1
                continue
            if found is not None:  # not as stored: its cells need not be parsed again
                verdict = self._rows.judge(RawRow(item.row, item.lines, item.cells, found.read))
            else:
                verdict = self._rows.judge(item)
            if isinstance(verdict, RejectedRow):
                for issue in verdict.issues:
                    self._writer.report("rejected", verdict.row, verdict.lines, issue)
                continue
            for issue in verdict.warnings:
                self._writer.report("warning", verdict.row, verdict.lines, issue)
            self.pending.append(verdict)
            self.known.append(None if found is None else known(verdict, owners, contacts, self._writing))
            self._writing.update(verdict.contact.phones)
            if len(self.pending) >= BATCH:
                self._send()

    def _send(self) -> None:
        """Hand the waiting rows to the writer (which first waits for the batch before them)."""
        batch, self.pending = self.pending, []
        contacts, self.known = self.known, []
        self._writer.store(batch, contacts)
        before, self._storing = self._storing, {e164 for row in batch for e164 in row.contact.phones}
        # That batch is stored now, but the stored contacts this call of read() compares with were
        # read before: its numbers stay busy until the next read, which sees what it wrote.
        self._stored |= before


class _Writer:
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

    def __enter__(self) -> _Writer:
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
        _store(self._database, batch, self._result, lambda *report: found.append(report), known)
        return found

    def _emit(self, reports: Sequence[_Report]) -> None:
        for kind, row, lines, issue in reports:
            self._report(kind, row, lines, issue)


def _store(
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
