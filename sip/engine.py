"""The SIP engine: one thread that owns the pjsua2 Endpoint and every object made from it.

Other threads talk to it only through :meth:`Engine.submit` (commands in a queue) and receive events
through the ``emit`` callable (plain immutable values from :mod:`app.telephony.events`). The thread polls
PJSIP with ``libHandleEvents`` every few milliseconds, runs due timers (auto-answer, registrar
failover) and carries out commands, so every pjsua2 callback and call happens on this one thread.

Shutdown order matters: calls are hung up and released, then the audio bridge, then accounts, and only
then ``libDestroy()``; a pjsua2 object still alive after it asserts at exit.
"""

from __future__ import annotations

import gc
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

import app
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.config import AccountConfig, EngineConfig
from sip import sipmsg
from sip.accounts import (
    AccountRecord,
    RingdeskAccount,
    pj_account_config,
    pj_local_account_config,
)
from sip.audio.bridge import AudioBridge
from sip.call_manager import CallManager, CommandFailed
from sip.calls import LIVE_CALLS
from sip.endpoint import create_endpoint, create_transports, error_text, set_codec_priorities
from sip.loop import EngineLoop
from sip.probe import RegistrarProber, probe_target
from sip.registration import Action, Probe, Register, RegistrationSupervisor, Report

log = logging.getLogger(__name__)

LOCAL_ACCOUNT = "local"
"""The account that takes direct IP calls to our listening address."""


@dataclass(frozen=True)
class _ProbeKey:
    """Which account's registrar a liveness probe was for."""

    account_id: str
    index: int
    supervisor: RegistrationSupervisor | None


class EngineStartError(RuntimeError):
    """PJSIP could not start (port taken, bad TLS files...)."""


class Engine:
    """The telephony engine; create it, :meth:`start` it, :meth:`submit` commands, :meth:`stop` it."""

    def __init__(self, config: EngineConfig, emit: Callable[[ev.Event], None]) -> None:
        self.config = config
        self._emit = emit
        self._commands: queue.SimpleQueue[cmd.Command] = queue.SimpleQueue()
        self._loop = EngineLoop()
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._start_error: str = ""
        self._stopping = False
        self._ep: Any = None
        self._accounts: dict[str, AccountRecord] = {}
        self._retired: list[RingdeskAccount] = []
        self._attempts = 0
        self._prober = RegistrarProber(self._on_registrar_alive)
        self._transports: dict[Any, int] = {}
        self._bridge = AudioBridge(config.audio, on_error=lambda m: self._emit(ev.EngineError(m, "audio")))
        self._calls = CallManager(
            config,
            self._loop,
            self._bridge,
            emit=self._emit,
            report_error=self._report_error,
            owner_of=self._owner_of,
        )
        self.listen: tuple[str, ...] = ()
        self.shutdown_requested_at: float | None = None

    # ----- any thread --------------------------------------------------------------------------

    def start(self, timeout_s: float = 15.0) -> None:
        """Start the engine thread and wait until PJSIP listens; raises :class:`EngineStartError`."""
        self._thread = threading.Thread(target=self._run, name="sip-engine", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout_s):
            raise EngineStartError("the SIP engine did not start in time")
        if self._start_error:
            raise EngineStartError(self._start_error)

    def submit(self, command: cmd.Command) -> None:
        """Queue a command for the engine thread (thread-safe, never blocks)."""
        if isinstance(command, cmd.Shutdown) and self.shutdown_requested_at is None:
            self.shutdown_requested_at = time.monotonic()
        self._commands.put(command)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask for an orderly shutdown and wait for the engine thread to finish."""
        self.submit(cmd.Shutdown(ref=""))
        self.join(timeout_s)

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait for the engine thread; True when it has finished."""
        if self._thread is not None:
            self._thread.join(timeout_s)
            return not self._thread.is_alive()
        return True

    # ----- engine thread -----------------------------------------------------------------------

    def _run(self) -> None:
        self._loop.bind_to_current_thread()
        try:
            self._ep = create_endpoint(self.config)
            transports = create_transports(self._ep, self.config)
            self._transports = transports.ids
            self.listen = transports.listen
            set_codec_priorities(self._ep, self.config.codecs, self.config.keep_other_codecs)
            self._bridge.create()
            self._add_local_account()
        except Exception as exc:
            self._start_error = error_text(exc)
            self._started.set()
            self._destroy()
            return
        self._emit(ev.EngineStarted(pid=os.getpid(), version=app.__version__, listen=self.listen))
        self._started.set()
        self._emit_devices()
        reason = "shutdown"
        try:
            self._poll_until_stopped()
        except Exception as exc:  # never leave PJSIP objects behind, whatever went wrong
            log.exception("engine loop failed")
            reason = f"engine failure: {error_text(exc)}"
        finally:
            self._shutdown()
            self._emit(ev.EngineStopped(reason=reason))

    def _poll_until_stopped(self) -> None:
        idle, busy = self.config.idle_poll_ms, self.config.busy_poll_ms
        while not self._stopping:
            self._drain_commands()
            self._loop.run_due(lambda exc: self._report_error("timer", exc))
            now = time.monotonic()
            for record in list(self._accounts.values()):
                if record.supervisor is not None and (due := record.supervisor.next_due()) and due <= now:
                    try:
                        self._apply(record, record.supervisor.tick(now))
                    except Exception as exc:
                        self._report_error(f"registration of {record.account_id}", exc)
            self._prober.poll()
            if self._retired:
                self._release_retired()
            poll = busy if (self._calls.calls or self._loop.has_work()) else idle
            self._ep.libHandleEvents(poll)

    def _drain_commands(self) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            result = self._execute(command)
            if command.ref:
                self._emit(result)

    def _execute(self, command: cmd.Command) -> ev.CommandResult:
        self._loop.check_thread()
        call_id = ""
        try:
            match command:
                case cmd.Shutdown():
                    self._stopping = True
                case cmd.AddAccount(account=account):
                    self._add_account(account)
                case cmd.RemoveAccount(account_id=account_id):
                    self._remove_account(account_id)
                case cmd.MakeCall():
                    call_id = self._calls.make_call(command, self._account_for_call(command.account_id))
                case cmd.Answer(call_id=target):
                    self._calls.answer(target)
                case cmd.Reject(call_id=target, code=code):
                    self._calls.reject(target, code)
                case cmd.Hangup(call_id=target):
                    self._calls.hangup(target)
                case cmd.SetHold(call_id=target, held=held):
                    self._calls.set_hold(target, held)
                case cmd.SetMute(muted=muted):
                    self._bridge.set_mute(muted)
                case cmd.SendDtmf(call_id=target, digits=digits, method=method):
                    self._calls.send_dtmf(target, digits, method)
                case cmd.BlindTransfer(call_id=target, target=to):
                    call = self._calls.calls.get(target)
                    via = self._account_for_call(call.account_id if call else "")
                    self._calls.blind_transfer(target, to, via)
                case cmd.AttendedTransfer(call_id=target, consult_call_id=consult):
                    self._calls.attended_transfer(target, consult)
                case cmd.SelectAudioDevices(headset=headset, ringer=ringer):
                    self._bridge.select_devices(headset, ringer)
                    self._emit_devices()
                case cmd.RescanAudioDevices():
                    self._bridge.rescan()
                    self._emit_devices()
                case cmd.QueryStats():
                    self._emit_stats()
            return ev.CommandResult(ref=command.ref, ok=True, call_id=call_id)
        except CommandFailed as exc:
            return ev.CommandResult(ref=command.ref, ok=False, error=str(exc))
        except pj.Error as exc:
            return ev.CommandResult(ref=command.ref, ok=False, error=error_text(exc))
        except Exception as exc:
            log.exception("command %s failed", command.type)
            return ev.CommandResult(ref=command.ref, ok=False, error=error_text(exc))

    # ----- accounts ----------------------------------------------------------------------------

    def _add_local_account(self) -> None:
        host, port = self.listen[0].split(":", 1)[1].rsplit(":", 1) if self.listen else ("127.0.0.1", "5060")
        account = RingdeskAccount(self, LOCAL_ACCOUNT)
        account.create(
            pj_local_account_config(f"sip:{self.config.local_user}@{host}:{port}", self.config.srtp), True
        )
        self._accounts[LOCAL_ACCOUNT] = AccountRecord(LOCAL_ACCOUNT, account, None)

    def _add_account(self, config: AccountConfig) -> None:
        if config.account_id == LOCAL_ACCOUNT:
            raise CommandFailed(f"the account id {LOCAL_ACCOUNT!r} is reserved")
        if config.transport not in self._transports:
            raise CommandFailed(f"the engine does not listen on {config.transport.value}")
        if config.account_id in self._accounts:
            self._remove_account(config.account_id)
        supervisor = RegistrationSupervisor(
            config.registrars,
            failover_timeout_s=config.failover_timeout_s,
            retry_interval_s=config.retry_interval_s,
            probe_interval_s=config.probe_interval_s,
        )
        record = AccountRecord(config.account_id, None, config, supervisor)
        self._accounts[config.account_id] = record
        self._apply(record, supervisor.start(time.monotonic()))

    def _remove_account(self, account_id: str) -> None:
        record = self._accounts.pop(account_id, None)
        if record is None:
            raise CommandFailed(f"no account {account_id!r}")
        if record.supervisor is not None:
            self._apply(record, record.supervisor.stop())
        if record.pj_account is not None:
            self._retire(record.pj_account)
            record.pj_account = None

    def _owner_of(self, request_uri: str, matched: str) -> str:
        """Which of our accounts an INVITE is for, by the user part of its Request-URI.

        PJSIP matches an incoming request to an account by domain before user, so a call relayed by
        the registrar to ``sip:1001@<our address>`` would be credited to the local IP account.
        """
        user = sipmsg.uri_user(request_uri)
        for record in self._accounts.values():
            config = record.config
            if config is not None and user and user in (config.username, sipmsg.uri_user(config.uri)):
                return record.account_id
        return matched

    def _account_for_call(self, account_id: str) -> AccountRecord:
        if account_id:
            record = self._accounts.get(account_id)
            if record is None:
                raise CommandFailed(f"no account {account_id!r}")
            return record
        registered = [r for r in self._accounts.values() if r.config is not None]
        return registered[0] if registered else self._accounts[LOCAL_ACCOUNT]

    def _apply(self, record: AccountRecord, actions: list[Action]) -> None:
        """Carry out what the registration supervisor decided."""
        self._loop.check_thread()
        config = record.config
        assert config is not None
        for action in actions:
            match action:
                case Register(index=index):
                    self._attempts += 1
                    acfg = pj_account_config(
                        config,
                        config.registrars[index],
                        self._transports[config.transport],
                        self.config.srtp,
                        self._attempts,
                    )
                    self._replace_pj_account(record, acfg)
                case Probe(index=index):
                    target = probe_target(config.registrars[index], config.transport)
                    self._prober.probe(_ProbeKey(config.account_id, index, record.supervisor), target)
                case Report(state=state, index=index, code=code, reason=reason, expires_s=expires):
                    key = (state, index, code)
                    if record.last_report == key:
                        continue
                    record.last_report = key
                    self._emit(
                        ev.RegistrationChanged(
                            account_id=config.account_id,
                            state=state,
                            registrar=config.registrars[index],
                            code=code,
                            reason=reason,
                            expires_s=expires,
                        )
                    )

    def _replace_pj_account(self, record: AccountRecord, acfg: Any) -> None:
        """Register through a fresh pjsua2 account.

        A REGISTER still being retransmitted to a silent registrar (for ~32 s) makes PJSIP refuse a new
        one on the same account (PJSIP_EBUSY), and ``modify()`` does not cancel it. So each attempt gets
        its own account; the previous one is shut down, or kept until its calls end (a registrar failure
        must not cut off a customer).
        """
        old = record.pj_account
        account = RingdeskAccount(self, record.account_id)
        account.create(acfg)
        record.pj_account = account
        if old is not None:
            self._retire(old)

    def _retire(self, account: RingdeskAccount) -> None:
        if self._calls.uses_account(account):
            self._retired.append(account)
        else:
            account.shutdown()

    def _release_retired(self) -> None:
        for account in [a for a in self._retired if not self._calls.uses_account(a)]:
            self._retired.remove(account)
            account.shutdown()

    # pjsua2 account callbacks (engine thread) -----------------------------------------------------

    def on_reg_state(self, account: RingdeskAccount, code: int, reason: str, expires: int) -> None:
        record = self._accounts.get(account.account_id)
        if record is None or record.supervisor is None or record.pj_account is not account:
            return
        actions = record.supervisor.on_response(code, reason, expires, time.monotonic())
        # Re-registering from inside PJSIP's callback would re-enter it: do it on the next loop turn.
        self._loop.soon(lambda: self._apply(record, actions))

    def on_incoming_call(self, account: RingdeskAccount, prm: Any) -> None:
        self._calls.on_incoming_call(account, prm)

    def _on_registrar_alive(self, key: object) -> None:
        assert isinstance(key, _ProbeKey)
        record = self._accounts.get(key.account_id)
        if record is None or record.supervisor is None or record.supervisor is not key.supervisor:
            return  # an answer for an account that has since been replaced
        self._apply(record, record.supervisor.on_probe_answer(key.index, time.monotonic()))

    def callback_failed(self, what: str, exc: BaseException) -> None:
        self._report_error(what, exc)

    # ----- reporting ---------------------------------------------------------------------------

    def _report_error(self, where: str, exc: BaseException) -> None:
        log.error("%s failed: %s", where, error_text(exc), exc_info=not isinstance(exc, pj.Error))
        self._emit(ev.EngineError(message=error_text(exc), where=where))

    def _emit_devices(self) -> None:
        self._emit(
            ev.AudioDevicesChanged(
                devices=self._bridge.devices(),
                headset=self._bridge.headset_device,
                ringer=self._bridge.ringer_device,
            )
        )

    def _emit_stats(self) -> None:
        gc.collect()
        self._emit(
            ev.EngineStats(
                accounts=sum(1 for r in self._accounts.values() if r.pj_account is not None),
                calls=len(self._calls.calls),
                pj_calls=len(LIVE_CALLS),
                players=0,
            )
        )
        self._emit(self._bridge.stats())

    # ----- shutdown ----------------------------------------------------------------------------

    def _shutdown(self) -> None:
        """Release every pjsua2 object in order, on this thread, then destroy the library."""
        try:
            self._calls.hangup_all()
            deadline = time.monotonic() + 1.0
            while self._calls.calls and time.monotonic() < deadline:
                self._ep.libHandleEvents(10)
            self._calls.release_all()
            self._bridge.close()
            for account in self._retired:
                account.shutdown()
            self._retired.clear()
            for account_id in list(self._accounts):
                record = self._accounts.pop(account_id)
                if record.pj_account is not None:
                    record.pj_account.shutdown()
                    record.pj_account = None
            self._ep.libHandleEvents(50)  # let un-REGISTERs leave
        except Exception:
            log.exception("error while releasing SIP objects")
        finally:
            self._prober.close()
            self._loop.clear()
            self._destroy()

    def _destroy(self) -> None:
        gc.collect()
        if self._ep is not None:
            try:
                self._ep.libDestroy()
            finally:
                self._ep = None
