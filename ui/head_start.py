"""What the desktop starts before it loads the rest of itself: its two helper processes.

Issue 15 (the cold start): the desktop waits at start for two other processes, each a Python start of
its own. The login waits for the keyring helper (the operator's saved session is in the OS keyring)
and "ready" waits for the telephony service (PJSIP up, listening). Started after the desktop had
imported its ~500 modules and logged in, they ran one after the other on the critical path; started
here, first thing in the loop, they start on the other core while this process imports the desktop.

Only the standard library and two small modules are loaded before they are started. Nothing of theirs
is read here: :class:`~ui.main.Desktop` takes them over (``DesktopOptions.head_start``) and reads the
service's first events exactly as it would have from a process it started itself.

The keyring helper is asked at once, from a thread, for the operator's saved session: the answer is
not kept (the desktop asks again when it logs in), but the helper's first question (its backend found,
the Secret Service's connection and session opened) is then behind it when the login's comes.

Started only once ``ui.start`` knows this is the one desktop of the session (a second launch hands its
link over and exits first): a second telephony service would register the operator's account again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.credentials import SecretKind, SecretStore
from app.telephony.process import service_argv, spawn_service, stop_unread

if TYPE_CHECKING:
    from app.config import Config

log = logging.getLogger(__name__)


@dataclass
class HeadStart:
    """The keyring helper's store and the telephony service's process, started early."""

    secrets: SecretStore
    """The desktop's secret store; its helper process was started when it was made."""
    phone_argv: list[str]
    """The service's command line (the desktop restarts it with the same one)."""
    phone: asyncio.subprocess.Process | None
    """The service's process, or ``None`` when it could not be started here: the desktop's own start
    tries again, and says why when it fails again."""
    taken: bool = False
    """Set by the desktop once it took both over (then :meth:`discard` leaves them alone)."""

    @classmethod
    async def begin(
        cls, phone_args: list[str], config: Config | None, phone_log: Path | None, account: str = ""
    ) -> HeadStart:
        """Start the keyring helper and the telephony service, without waiting for either; ``account``
        (the operator's login, as the desktop's options give it) is the saved session the helper is
        first asked for."""
        secrets = SecretStore.for_desktop()
        threading.Thread(target=_first_question, args=(secrets, account), daemon=True).start()
        argv = service_argv(phone_args, config)
        phone: asyncio.subprocess.Process | None = None
        try:
            phone = await spawn_service(argv, phone_log)
        except OSError as exc:
            log.warning("the telephony service did not start early (%s); trying again later", exc)
        return cls(secrets, argv, phone)

    async def discard(self) -> None:
        """Stop what the desktop never took over (it failed to load or to start)."""
        if self.taken:
            return
        self.taken = True
        if self.phone is not None:
            await stop_unread(self.phone)
        # (the keyring helper leaves by itself once idle, as it does after any question)


def _first_question(secrets: SecretStore, account: str) -> None:
    """Ask the keyring what the login will ask first (the module docstring says why); never raises: a
    keyring that fails here fails the same way for the login, which says so."""
    try:
        secrets.get(SecretKind.REFRESH_TOKEN, account)  # (the login's own question: app.client.tokens)
    except Exception:
        log.debug("the keyring's first question failed (the login asks again)", exc_info=True)
