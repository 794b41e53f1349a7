"""Logging the desktop in at start: the saved session, else the password given on the command line,
else the login dialog (imported only then: most starts resume a saved session, issue 5).

The dialog may change the server or the user name; the sync service is then opened again on them, so
:func:`log_in` answers with the service in use beside the user.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtWidgets import QApplication

from app.client.errors import ApiError, LoginRequiredError, TransientError, UntrustedServerError
from app.sync.service import SyncService
from app.wire.auth import UserOut
from ui.refusals import server_error_detail, server_error_text

log = logging.getLogger("ui.main")


class LoginOptions(Protocol):
    """What logging in reads of the desktop's options (and updates when the operator changes them)."""

    server_url: str
    user: str
    password: str | None
    database: Path | None


Built = TypeVar("Built")


async def while_logging_in(
    build: Callable[[], Built], login: Awaitable[tuple[SyncService, UserOut | None]]
) -> tuple[Built, tuple[SyncService, UserOut | None]]:
    """What ``build`` makes (the desktop's window), made while ``login`` waits for the keyring and the
    server, and the login's answer.

    Issue 15 (the cold start): a start resuming a saved session waits ~0.1 s for the keyring helper
    and the server, and the window's construction (~40-100 ms) needs nothing of the login (the
    catalogue's labels are read when the desk fills the window in). The caller keeps what is built
    hidden and unused until the operator is known, so a start that ends at the login dialog shows
    nothing of it."""
    logging_in = asyncio.ensure_future(login)
    try:
        await asyncio.sleep(0)  # the login's first step: it asks the keyring from a worker thread
        built = build()
    except BaseException:
        logging_in.cancel()
        raise
    return built, await logging_in


async def log_in(
    opts: LoginOptions, sync: SyncService, *, before_dialog: Callable[[], Awaitable[None]] | None = None
) -> tuple[SyncService, UserOut | None]:
    """The sync service in use and the user logged in (``None``: the operator gave up).

    ``before_dialog`` is awaited when the operator must type a password: the desktop stops what it
    started ahead for a start that resumes a saved session (the telephony service)."""
    with contextlib.suppress(ApiError):
        user = await sync.resume()
        if user is not None:
            return sync, user
    if opts.password is not None:
        return sync, await sync.login(opts.user, opts.password)
    if before_dialog is not None:
        await before_dialog()
    from ui.login_dialog import LoginDialog, LoginForm

    dialog = LoginDialog()
    dialog.show_defaults(opts.server_url, opts.user)
    result: asyncio.Future[UserOut | None] = asyncio.get_running_loop().create_future()
    current = sync

    async def attempt(form: LoginForm) -> None:
        nonlocal current
        dialog.show_busy(True)
        try:
            if form.server_url != opts.server_url or form.user != opts.user:
                await current.close()
                opts.server_url, opts.user = form.server_url, form.user
                current = SyncService.open(
                    form.server_url,
                    account=form.user,
                    database=opts.database,
                    secrets=current.api.tokens.secrets,
                    ca_file=current.api.ca_file,  # a machine setting: the same for any server
                )
            user = await current.login(form.user, form.password)
        except LoginRequiredError:
            dialog.show_error(QApplication.translate("Desktop", "Wrong login or password"))
        except UntrustedServerError:  # not "does not answer": IT must act (the client logged why)
            dialog.show_error(
                QApplication.translate(
                    "Desktop",
                    "The server's certificate is not trusted on this computer (%1). Tell IT: the reason "
                    "is in the log.",
                ).replace("%1", form.server_url)
            )
        except TransientError:
            dialog.show_error(
                QApplication.translate("Desktop", "The server does not answer: %1").replace(
                    "%1", form.server_url
                )
            )
        except ApiError as exc:
            log.info("login refused: %s", server_error_detail(exc))
            dialog.show_error(server_error_text(exc))
        else:
            if not result.done():
                result.set_result(user)
            dialog.accept()

    dialog.login_requested.connect(lambda form: asyncio.ensure_future(attempt(form)))

    def given_up() -> None:
        if not result.done():
            result.set_result(None)

    dialog.rejected.connect(given_up)
    dialog.show()
    user = await result
    return current, user
