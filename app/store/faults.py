"""What went wrong with the local store, in the few kinds an operator can act on.

SQLite and the OS report a full disk, a read-only file or a damaged one with numeric codes deep in an
exception chain (the outbox raises ``sqlite3.OperationalError``; the disposition keeper wraps it in a
refusal). :func:`fault_of` finds the first one and names it, so the desktop can say what to do ("free
disk space at <path>") instead of showing an exception's text.
"""

from __future__ import annotations

import errno
import sqlite3
from enum import StrEnum


class StoreFault(StrEnum):
    """Why the store could not be written (or opened)."""

    FULL = "full"
    """No space left on the disk that holds the store (or the file hit its size limit)."""
    READ_ONLY = "read_only"
    """The file or its folder cannot be written: permissions, a read-only disk or mount."""
    DAMAGED = "damaged"
    """The file is not a database, or its pages are corrupt."""
    UNAVAILABLE = "unavailable"
    """Anything else: an I/O error, the file could not be opened."""


_SQLITE = {
    13: StoreFault.FULL,  # SQLITE_FULL
    8: StoreFault.READ_ONLY,  # SQLITE_READONLY
    23: StoreFault.READ_ONLY,  # SQLITE_AUTH
    3: StoreFault.READ_ONLY,  # SQLITE_PERM
    11: StoreFault.DAMAGED,  # SQLITE_CORRUPT
    26: StoreFault.DAMAGED,  # SQLITE_NOTADB
}
_ERRNO = {
    errno.ENOSPC: StoreFault.FULL,
    errno.EDQUOT: StoreFault.FULL,
    errno.EROFS: StoreFault.READ_ONLY,
    errno.EACCES: StoreFault.READ_ONLY,
    errno.EPERM: StoreFault.READ_ONLY,
}


def fault_of(exc: BaseException) -> StoreFault:
    """The kind of ``exc`` or of the first exception in its chain that tells (``UNAVAILABLE``: none does)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            code = getattr(current, "sqlite_errorcode", None)
            if isinstance(code, int) and (code & 0xFF) in _SQLITE:
                return _SQLITE[code & 0xFF]
            text = str(current).lower()
            if "disk is full" in text:
                return StoreFault.FULL
            if "readonly" in text or "read-only" in text:
                return StoreFault.READ_ONLY
            if "not a database" in text or "malformed" in text:
                return StoreFault.DAMAGED
        if isinstance(current, OSError) and current.errno in _ERRNO:
            return _ERRNO[current.errno]
        current = current.__cause__ or current.__context__
    return StoreFault.UNAVAILABLE
