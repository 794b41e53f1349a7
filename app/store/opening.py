"""Opening the local store when it may be unusable: read-only, damaged, or emptied (issue 14, item 2).

Before, a store that could not be opened ended the desktop with a traceback on stderr, and a store
truncated to 0 bytes was silently replaced by an empty one, losing its pending records. Now
:func:`open_checked`:

* refuses a store it cannot write (a read-only file, folder or disk) with :class:`StoreUnusable`,
  which names the fault and the file; the desktop shows it in a dialog and the log;
* moves a damaged file aside (renamed ``<name>.damaged-<UTC time>``, with its ``-wal`` and
  ``-shm``: never overwritten, never deleted), opens a new store, and copies into it every pending
  outbox record it can still read from the damaged file, under its original key (the server answers
  a record it already has with a replay, so nothing is stored twice). What cannot be read is named
  (:class:`StoreProblem`), with the count the sidecar knew;
* detects a store that lost records: a small sidecar file beside it (``<name>.seq``, written by the
  outbox after every change, :func:`note_outbox`) keeps the newest outbox id and the pending count; a
  store whose newest id is below it (truncated to 0 bytes, replaced) is reported, with how many
  records were pending then.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from app.store.database import HEAD_REVISION, LocalStore, connect, current_revision, migrate
from app.store.faults import StoreFault, fault_of

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".seq"


class StoreUnusable(Exception):
    """The store cannot be used at all (the message names the file); the desktop cannot start."""

    def __init__(self, fault: StoreFault, path: Path, detail: str) -> None:
        super().__init__(f"the local store {path} cannot be used ({fault.value}): {detail}")
        self.fault = fault
        self.path = path
        self.detail = detail


class ProblemKind(StrEnum):
    DAMAGED = "damaged"
    """The file was damaged and moved aside; ``recovered`` records were copied, ``unreadable`` not."""
    LOST = "lost"
    """The file had lost records (emptied or replaced) before this start; ``unreadable`` were pending."""


@dataclass(frozen=True)
class StoreProblem:
    """Something the operator and IT must hear about the store found at start."""

    kind: ProblemKind
    path: Path
    moved_to: Path | None = None
    recovered: int = 0
    unreadable: int = 0
    detail: str = ""


@dataclass
class Opened:
    store: LocalStore
    problems: list[StoreProblem] = field(default_factory=list)


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def note_outbox(path: Path, last_item: int, pending: int) -> None:
    """Remember the newest outbox id and the pending count beside the store (cheap: no fsync)."""
    sidecar = sidecar_of(path)
    temporary = sidecar.with_name(sidecar.name + ".tmp")
    try:
        temporary.write_text(json.dumps({"last_item": last_item, "pending": pending}), encoding="utf-8")
        os.replace(temporary, sidecar)
    except OSError as exc:  # a full disk: the store itself says so louder
        log.debug("the store's sidecar could not be written: %s", exc)


def _sidecar(path: Path) -> tuple[int, int]:
    try:
        data = json.loads(sidecar_of(path).read_text(encoding="utf-8"))
        return int(data.get("last_item", 0)), int(data.get("pending", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return 0, 0


def _check_writable(path: Path) -> None:
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".{path.name}.write-test"
        with probe.open("wb") as out:
            out.write(b"x")
        probe.unlink()
        if path.exists():
            with path.open("r+b"):
                pass
    except OSError as exc:
        raise StoreUnusable(fault_of(exc), path, exc.strerror or str(exc)) from exc


def _move_aside(path: Path, why: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{why}-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            os.replace(source, target.with_name(target.name + suffix))
    log.error("the local store %s was %s: moved aside to %s", path, why, target)
    return target


def _healthy(path: Path) -> None:
    """Raise ``sqlite3.DatabaseError`` when the file is not a sound database."""
    connection = connect(path)
    try:
        row = connection.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {row[0] if row else '?'}")
        if current_revision(connection) != HEAD_REVISION:
            migrate(path)
    finally:
        connection.close()


_COPIED = ("key", "kind", "stream", "payload", "target", "if_match", "state", "attempts", "created_at")


def _recover(damaged: Path, store: LocalStore) -> tuple[int, int]:
    """Copy the pending outbox records still readable in ``damaged`` (and their dispositions and status
    changes) into ``store``; how many were copied, and how many rows could not be read."""
    rows: list[sqlite3.Row] = []
    extra: list[tuple[str, sqlite3.Row]] = []
    failed = 0
    try:
        source = sqlite3.connect(f"file:{damaged}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return 0, 0
    source.row_factory = sqlite3.Row
    try:
        try:
            rows = source.execute(
                f"SELECT {', '.join(_COPIED)} FROM outbox WHERE state = 'pending' ORDER BY id"
            ).fetchall()
        except sqlite3.Error as exc:
            log.error("no pending record could be read from %s: %s", damaged, exc)
            return 0, 0
        for table in ("dispositions", "status_changes"):
            try:
                for row in source.execute(f"SELECT * FROM {table}").fetchall():
                    extra.append((table, row))
            except sqlite3.Error:
                failed += 1
    finally:
        source.close()
    keys = {row["key"] for row in rows}
    copied = 0
    with store.transaction() as db:
        for table, row in extra:
            if row["key"] in keys:
                columns = [c for c in row.keys() if c != "id"]  # noqa: SIM118 - sqlite3.Row has no __iter__ of names
                marks = ", ".join("?" * len(columns))
                db.execute(
                    f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [row[c] for c in columns],
                )
        for row in rows:
            marks = ", ".join("?" * len(_COPIED))
            db.execute(
                f"INSERT OR IGNORE INTO outbox ({', '.join(_COPIED)}) VALUES ({marks})",
                [row[c] for c in _COPIED],
            )
            copied += 1
    return copied, failed


def open_checked(path: Path) -> Opened:
    """Open the store at ``path`` as the module notes say (``StoreUnusable``: it cannot be used)."""
    from app.store.database import open_store

    _check_writable(path)
    last_item, pending = _sidecar(path)
    problems: list[StoreProblem] = []
    moved: Path | None = None
    if path.exists() and path.stat().st_size > 0:
        try:
            _healthy(path)
        except sqlite3.DatabaseError as exc:
            if fault_of(exc) is not StoreFault.DAMAGED and "malformed" not in str(exc):
                raise StoreUnusable(fault_of(exc), path, str(exc)) from exc
            moved = _move_aside(path, "damaged")
            detail = str(exc)
    elif path.exists() and last_item > 0:
        moved = _move_aside(path, "emptied")  # 0 bytes: kept as found, for IT
    try:
        store = open_store(path)
    except sqlite3.Error as exc:
        raise StoreUnusable(fault_of(exc), path, str(exc)) from exc
    if moved is not None and moved.name.startswith(f"{path.name}.damaged"):
        recovered, _failed = _recover(moved, store)
        problems.append(
            StoreProblem(
                ProblemKind.DAMAGED,
                path,
                moved_to=moved,
                recovered=recovered,
                unreadable=max(pending - recovered, 0),
                detail=detail,
            )
        )
    else:
        with store.reading() as db:
            newest = db.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0]
        if last_item > newest:
            problems.append(StoreProblem(ProblemKind.LOST, path, moved_to=moved, unreadable=pending))
    for problem in problems:
        log.error("local store problem at start: %s", problem)
    with contextlib.suppress(OSError):
        with store.reading() as db:
            newest, waiting = db.execute(
                "SELECT coalesce(max(id), 0), coalesce(sum(state = 'pending'), 0) FROM outbox"
            ).fetchone()
        note_outbox(path, int(newest), int(waiting))
    return Opened(store, problems)
