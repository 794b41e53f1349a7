"""Secrets (the SIP password or its HA1 digest, the server's refresh token) in the OS keyring only.

Never in a file, a setting, a log or the local database. Through ``keyring``: Windows Credential
Manager, macOS Keychain, the Secret Service on Linux. Two traps are closed here:

* No usable backend (no D-Bus Secret Service, a locked keyring with no prompt): ``keyring`` picks its
  ``fail`` backend or raises ``KeyringError`` on use. :class:`SecretStore` then keeps secrets in
  memory for this session only and says so in :attr:`SecretStore.problem`, which the UI shows: the
  operator logs in again after a restart, and nothing is written anywhere.
* ``keyrings.alt`` installed on the machine makes ``keyring`` pick its *plaintext* file backend
  silently (base64 in ``~/.local/share/python_keyring``). Every ``keyrings.alt`` backend is refused
  (and so are ``fail`` and ``null``), also inside a chain of backends.

Secret values never appear in exception messages or logs from this module.
"""

from __future__ import annotations

import logging
import sys
import threading
from enum import StrEnum
from typing import Any, cast

SERVICE = "ringdesk"
log = logging.getLogger("ringdesk.credentials")


class SecretKind(StrEnum):
    SIP_PASSWORD = "sip-password"
    SIP_HA1 = "sip-ha1"
    """The digest ``MD5(user:realm:password)``: lets the phone register without the password itself."""
    REFRESH_TOKEN = "refresh-token"


_REFUSED_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def _refused(backend: Any) -> bool:
    return type(backend).__module__.startswith(_REFUSED_MODULES)


def _is_remote(backend: Any) -> bool:
    return type(backend).__module__ == "app.secrets_helper"


def choose_backend(backend: Any) -> tuple[Any | None, str | None]:
    """The backend to use out of ``backend`` (a chain is reduced to its best acceptable member), or
    ``None`` and why not."""
    from keyring.backends.chainer import ChainerBackend

    if isinstance(backend, ChainerBackend):
        usable = [b for b in backend.backends if not _refused(b)]
        if not usable:
            return None, "no secure system keyring is available"
        return max(usable, key=lambda b: getattr(b, "priority", 0)), None
    if _refused(backend):
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        if "keyrings.alt" in name:
            return None, f"the keyring backend {name} stores secrets unsafely and is not used"
        return None, "no system keyring is available (no Secret Service, Keychain or Credential Manager)"
    return backend, None


class SecretStore:
    """Get and set secrets per account; in memory only when the OS keyring cannot be used."""

    def __init__(self, backend: Any | None = None) -> None:
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        self._name: str | None = None
        self._backend: Any | None = None
        self._problem: str | None = None
        self._remote: Any | None = None
        """A helper process started but not asked yet (:meth:`_settle`)."""
        if _is_remote(backend):
            # started now, asked when a secret is first needed: its start-up (a Python process and
            # the keyring's backend discovery) runs beside the desktop's own (issue 15: start time)
            self._remote = backend
            cast(Any, backend).begin()
        else:
            self._backend, self._problem = choose_backend(backend)
            if self._problem:
                log.warning("secrets kept in memory only: %s", self._problem)
        self._memory: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def _settle(self) -> None:
        """Ask the helper started by ``__init__`` which backend it has (once; the lock held)."""
        remote, self._remote = self._remote, None
        if remote is None:
            return
        problem: str | None
        try:
            self._name, problem = remote.hello()
        except Exception as exc:
            problem = f"the system keyring failed ({type(exc).__name__})"
        self._backend, self._problem = (None, problem) if problem else (remote, None)
        if problem:
            log.warning("secrets kept in memory only: %s", problem)

    @classmethod
    def for_desktop(cls) -> SecretStore:
        """The desktop's store: the OS keyring through a short-lived helper process
        (:mod:`app.secrets_helper`: ``keyring`` and its backend stay out of the desktop's memory),
        unless ``keyring`` is loaded here already (nothing left to save: it is used in-process)."""
        if "keyring" in sys.modules:
            return cls()
        from app.launch import ringdesk_argv
        from app.secrets_helper import RemoteKeyring

        return cls(RemoteKeyring([*ringdesk_argv(), "secrets-helper"]))

    @property
    def backend_name(self) -> str:
        """The keyring in use, for IT (``keyring.backends.SecretService.Keyring``); ``memory`` when none."""
        with self._lock:
            self._settle()
        backend = self._backend
        if backend is None:
            return "memory"
        return self._name or f"{type(backend).__module__}.{type(backend).__name__}"

    @property
    def problem(self) -> str | None:
        """Why secrets are kept in memory for this session only (``None``: the OS keyring works)."""
        with self._lock:
            self._settle()
        return self._problem

    @property
    def message(self) -> str | None:
        """What to tell the operator when the keyring cannot be used."""
        if self.problem is None:
            return None
        return (
            f"Your passwords cannot be saved securely on this computer ({self._problem}). "
            "They are kept only until ringdesk closes; you will be asked for them again next time."
        )

    def get(self, kind: SecretKind, account: str) -> str | None:
        with self._lock:
            self._settle()
            if self._backend is not None:
                try:
                    return self._backend.get_password(f"{SERVICE}/{kind.value}", account)  # type: ignore[no-any-return]
                except Exception as exc:
                    self._degrade(exc)
            return self._memory.get((kind.value, account))

    def set(self, kind: SecretKind, account: str, secret: str) -> None:
        with self._lock:
            self._settle()
            if self._backend is not None:
                try:
                    self._backend.set_password(f"{SERVICE}/{kind.value}", account, secret)
                    return
                except Exception as exc:
                    self._degrade(exc)
            self._memory[(kind.value, account)] = secret

    def delete(self, kind: SecretKind, account: str) -> None:
        with self._lock:
            self._settle()
            self._memory.pop((kind.value, account), None)
            if self._backend is not None:
                try:
                    self._backend.delete_password(f"{SERVICE}/{kind.value}", account)
                except Exception as exc:
                    if type(exc).__name__ != "PasswordDeleteError":
                        self._degrade(exc)

    def _degrade(self, exc: Exception) -> None:
        # The type only: a backend's message could quote what it was given.
        self._problem = f"the system keyring failed ({type(exc).__name__})"
        self._backend = None
        log.warning("secrets kept in memory only: %s", self._problem)
