"""A stand-in for the OS keyring in tests that cross process boundaries.

FAKE, and says so: CI machines have no unlocked Secret Service, and an in-memory backend cannot be
shared between the test and the ``ringdesk phone`` process it starts. Selected only through
``PYTHON_KEYRING_BACKEND=tests.support.keyring_file.FileKeyring`` with the file named in
``RINGDESK_TEST_KEYRING``; the product never ships or selects it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    """Secrets in one JSON file named by ``RINGDESK_TEST_KEYRING`` (tests only)."""

    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> Path:
        return Path(os.environ["RINGDESK_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        return json.loads(self._path.read_text()) if self._path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\0{username}"] = password
        self._path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\0{username}", None) is None:
            raise PasswordDeleteError(username)
        self._path.write_text(json.dumps(data))
