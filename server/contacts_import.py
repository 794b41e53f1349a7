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

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app.contacts_csv import AcceptedRow, ContactsCsv, CsvError, RawRow, RejectedRow, open_contacts_csv
from server.audit import record_audit
from server.contacts_as_stored import AsStored, Candidate, known, unchanged
from server.contacts_import_store import ImportResult, Kind, Reporter, Writer
from server.crud.contacts import field_schema
from server.crud.contacts_merge import StoredContact
from server.crud.contacts_upsert import stored_owners
from server.db import Database

__all__ = ["BATCH", "ImportResult", "Kind", "Reporter", "import_contacts"]

BATCH = 5000
"""Rows stored per transaction: large enough that the bulk inserts pay off, small enough that a
transaction (on SQLite: the write lock) lasts well under a second."""


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
        with Writer(database, result, report) as writer, _Reader(database, rows, as_stored, writer) as reader:
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
            reader.flush()
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

    The stored contacts a batch's cheap rows name are read on a thread of their own, one batch
    ahead: while this thread judges a batch (and the writer stores the one before), the database
    reads the next batch's contacts (a round trip per batch that the main thread used to wait for:
    about as long as judging the batch, on a re-import of unchanged rows). A contact some row being
    written touches is never taken as stored: its numbers are "busy" from the row's acceptance until
    a read of stored contacts *started* after its batch was stored, so what was read is what the
    row's turn would see. (On SQLite every transaction takes the write lock, so a read waits for the
    store in progress instead: slower, the same verdicts.)"""

    def __init__(self, database: Database, rows: ContactsCsv, as_stored: AsStored, writer: Writer) -> None:
        self._database, self._rows, self._as_stored, self._writer = database, rows, as_stored, writer
        self.pending: list[AcceptedRow] = []
        """Accepted rows not handed to the writer yet."""
        self.known: list[StoredContact | None] = []
        """For each of :attr:`pending`, its contact as read here when that is still its contact when
        the batch is stored (:func:`~server.contacts_as_stored.known`): the writer need not read it."""
        self._writing: set[str] = set()
        """Busy numbers: those of the rows accepted and not yet known stored before the read of
        stored contacts that the rows being settled are compared with."""
        self._storing: set[str] = set()
        """The numbers of the batch the writer is storing."""
        self._stored: set[str] = set()
        """The numbers of batches stored since the last read of stored contacts was started."""
        self._ahead: _Prepared | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="contacts-import-read")
        self.as_stored = 0
        """Rows settled as unchanged without judging (added to the result at the end: the writer's
        thread counts the others)."""

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._ahead is not None and self._ahead.contacts is not None:  # an import failing half-way
            self._ahead.contacts.cancel()
        self._pool.shutdown(wait=True)

    def read(self, raw: Sequence[RawRow | RejectedRow]) -> None:
        """Take ``raw`` (the next rows of the file): start reading the contacts its cheap rows name,
        then settle the rows taken before it (so its read overlaps with their judging)."""
        candidates = {
            id(item): found
            for item in raw
            if isinstance(item, RawRow) and (found := self._as_stored.read(item)) is not None
        }
        numbers = sorted({e164 for found in candidates.values() for e164 in found.phones})
        contacts = self._pool.submit(self._stored_owners, numbers) if numbers else None
        prepared = _Prepared(list(raw), candidates, contacts, self._stored)
        self._stored = set()
        self.flush()
        self._ahead = prepared

    def flush(self) -> None:
        """Settle the rows taken and not settled yet."""
        if self._ahead is None:
            return
        prepared, self._ahead = self._ahead, None
        self._writing -= prepared.stored  # stored before the read started: the read sees them
        owners, contacts = prepared.contacts.result() if prepared.contacts is not None else ({}, {})
        self._settle(prepared.raw, prepared.candidates, owners, contacts)

    def _stored_owners(self, numbers: list[str]) -> tuple[dict[str, int], dict[int, StoredContact]]:
        with self._database.session() as session:
            found = stored_owners(session, numbers)
            session.rollback()
        return found

    def _settle(
        self,
        raw: Sequence[RawRow | RejectedRow],
        candidates: dict[int, Candidate],
        owners: dict[str, int],
        contacts: dict[int, StoredContact],
    ) -> None:
        """Settle, judge and report ``raw``, then store every full batch."""
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
        # That batch is stored now, but the stored contacts the rows being settled are compared with
        # may have been read before: its numbers stay busy until a read started after now.
        self._stored |= before


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Rows taken and not settled yet: their cheap reads, the read of their stored contacts under
    way, and the numbers of the batches stored before that read started."""

    raw: list[RawRow | RejectedRow]
    candidates: dict[int, Candidate]
    contacts: Future[tuple[dict[str, int], dict[int, StoredContact]]] | None
    stored: set[str]
