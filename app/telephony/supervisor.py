"""The desktop's side of the telephony service: start it, talk to it, restart it when it dies.

The service is a child process speaking JSON lines (see :mod:`app.telephony.wire`). If it exits
unexpectedly (a PJSIP abort, a kill), the supervisor reports the operator as not routable at once,
starts it again with a growing delay, re-adds the accounts, and reports routable only when an account
has registered again. asyncio only, no Qt: the desktop runs it on its qasync loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony import wire
from app.telephony.config import AccountConfig
from app.telephony.events import RegState
from app.telephony.process import spawn_service, stop_unread

log = logging.getLogger(__name__)

RESTART_DELAYS_S = (0.2, 1.0, 2.0, 5.0)
"""Waits before each restart in a row; the last repeats. A service that stayed up a minute resets it."""


class ServiceUnavailable(RuntimeError):
    """The telephony service is not running, so the command could not be delivered."""


class TelephonyService:
    """Runs and supervises the telephony service process for the desktop."""

    def __init__(
        self,
        argv: Sequence[str],
        accounts: Sequence[AccountConfig] = (),
        *,
        on_event: Callable[[ev.Event], None] = lambda e: None,
        on_routable: Callable[[bool], None] = lambda r: None,
        stderr_path: Path | None = None,
        restart_delays_s: Sequence[float] = RESTART_DELAYS_S,
    ) -> None:
        self.argv = list(argv)
        self.accounts = list(accounts)
        self.on_event = on_event
        self.on_routable = on_routable
        self.stderr_path = stderr_path
        self.restart_delays_s = tuple(restart_delays_s)
        self.restarts = 0
        self.pid: int | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._registration: dict[str, RegState] = {}
        self._pending: dict[str, asyncio.Future[ev.CommandResult]] = {}
        self._refs = itertools.count(1)
        self._routable = False
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._started = asyncio.Event()
        self._tasks: set[asyncio.Future[None]] = set()
        self._prespawned: asyncio.subprocess.Process | None = None

    @property
    def routable(self) -> bool:
        """True when the service runs and (if there are accounts) at least one is registered."""
        return self._routable

    async def prespawn(self) -> None:
        """Start the service's process now, ahead of :meth:`start`, so that its own start-up (Python,
        PJSIP: a few hundred ms) runs on the other core while the desktop builds its window (issue 15:
        start time). Nothing is read from it before :meth:`start`: its first events wait in the pipe, and
        are handled exactly as they would have been without this."""
        if self._prespawned is None and self._task is None:
            self._prespawned = await self._spawn()
            self.pid = self._prespawned.pid

    def adopt(self, proc: asyncio.subprocess.Process) -> None:
        """Take over a process started from this service's command line before the desktop loaded the
        rest of itself (``ui.head_start``), as :meth:`prespawn` would have started it."""
        if self._prespawned is None and self._task is None:
            self._prespawned = proc
            self.pid = proc.pid

    async def start(self, timeout_s: float = 20.0) -> None:
        """Start the service and wait for it to listen."""
        self._task = asyncio.create_task(self._supervise(), name="telephony-supervisor")
        await asyncio.wait_for(self._started.wait(), timeout_s)

    async def send(self, command: cmd.Command, timeout_s: float = 10.0) -> ev.CommandResult:
        """Send one command and wait for its result."""
        proc = self._proc
        if proc is None or proc.stdin is None or proc.returncode is not None:
            raise ServiceUnavailable("the telephony service is not running")
        ref = f"d{next(self._refs)}"
        future: asyncio.Future[ev.CommandResult] = asyncio.get_running_loop().create_future()
        self._pending[ref] = future
        try:
            proc.stdin.write(wire.encode(replace(command, ref=ref)))
            await proc.stdin.drain()
            return await asyncio.wait_for(future, timeout_s)
        except (BrokenPipeError, ConnectionResetError):
            raise ServiceUnavailable("the telephony service went away") from None
        finally:
            self._pending.pop(ref, None)

    async def drop_prespawned(self) -> None:
        """Stop the process :meth:`prespawn` or :meth:`adopt` gave, before :meth:`start` read anything
        of it (the login waits for a password: the service is not left running unseen meanwhile, its
        events unread; :meth:`prespawn` starts another)."""
        early, self._prespawned = self._prespawned, None
        if early is not None:  # prespawned, never started
            await stop_unread(early)

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Orderly shutdown: the service hangs up, unregisters and exits."""
        self._stopping = True
        await self.drop_prespawned()
        proc = self._proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ServiceUnavailable, TimeoutError):
                await self.send(cmd.Shutdown(), timeout_s=2.0)
            try:
                await asyncio.wait_for(proc.wait(), timeout_s)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # ----- internals ---------------------------------------------------------------------------

    async def _supervise(self) -> None:
        failures = 0
        while not self._stopping:
            started_at = asyncio.get_running_loop().time()
            code = await self._run_once()
            if self._stopping:
                return
            if asyncio.get_running_loop().time() - started_at > 60:
                failures = 0
            delay = self.restart_delays_s[min(failures, len(self.restart_delays_s) - 1)]
            failures += 1
            self.restarts += 1
            log.warning("telephony service exited with %s; restarting in %.1f s", code, delay)
            await asyncio.sleep(delay)

    async def _spawn(self) -> asyncio.subprocess.Process:
        return await spawn_service(self.argv, self.stderr_path)

    async def _run_once(self) -> int:
        early, self._prespawned = self._prespawned, None
        self._proc = early if early is not None else await self._spawn()
        self.pid = self._proc.pid
        assert self._proc.stdout is not None
        while line := await self._proc.stdout.readline():
            try:
                event = wire.decode_event(line)
            except wire.WireError as exc:
                log.error("unreadable line from the telephony service: %s", exc)
                continue
            self._handle(event)
        code = await self._proc.wait()
        self._lost(code)
        return code

    def _handle(self, event: ev.Event) -> None:
        match event:
            case ev.EngineStarted():
                self._registration.clear()
                for account in self.accounts:
                    task = asyncio.ensure_future(self._add_account(account))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
                self._started.set()
                self._update_routable()
            case ev.RegistrationChanged(account_id=account_id, state=state):
                self._registration[account_id] = state
                self._update_routable()
            case ev.CommandResult(ref=ref):
                future = self._pending.get(ref)
                if future is not None and not future.done():
                    future.set_result(event)
        self._deliver(self.on_event, event)

    @staticmethod
    def _deliver(handler: Callable[[Any], None], value: object) -> None:
        """Hand one event to the desktop. A handler that raises (a full disk under a status change,
        a bug) is logged and the reader goes on: it must never stop reading the phone (issue 14)."""
        try:
            handler(value)
        except Exception:
            log.exception("the desktop failed to handle %r from the telephony service", value)

    async def _add_account(self, account: AccountConfig) -> None:
        try:
            result = await self.send(cmd.AddAccount(account=account))
        except (ServiceUnavailable, TimeoutError) as exc:
            log.error("could not add account %s: %s", account.account_id, exc)
            return
        if not result.ok:
            error = ev.EngineError(message=result.error, where=f"account {account.account_id}")
            self._deliver(self.on_event, error)

    def _lost(self, code: int) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ServiceUnavailable("the telephony service went away"))
        self._registration.clear()
        self._proc = None
        self._update_routable(force_down=True)
        if not self._stopping:
            self._deliver(
                self.on_event,
                ev.EngineStopped(reason=f"the telephony service stopped unexpectedly (exit code {code})"),
            )

    def _update_routable(self, *, force_down: bool = False) -> None:
        if force_down or self._proc is None:
            routable = False
        elif self.accounts:
            routable = any(state is RegState.REGISTERED for state in self._registration.values())
        else:
            routable = True
        if routable != self._routable:
            self._routable = routable
            self._deliver(self.on_routable, routable)
