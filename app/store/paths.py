"""Where the desktop keeps its database: the platform's user data dir, or ``RINGDESK_DATA_DIR``.

platformdirs gives ``~/.local/share/ringdesk`` on Linux and ``%LOCALAPPDATA%\\ringdesk`` on Windows:
per user and not roaming, because a SQLite file on a roaming profile share is a corruption risk.
The environment override exists for tests and for IT who keep profiles elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "RINGDESK_DATA_DIR"
DATABASE_NAME = "ringdesk.sqlite3"


def data_dir() -> Path:
    """The directory for the local database (created, private to the user)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = platformdirs.user_data_path("ringdesk", appauthor=False, roaming=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def database_path() -> Path:
    """The local database file."""
    return data_dir() / DATABASE_NAME
