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
from pathlib import Path
from typing import Any

import pjsua2 as pj

import app
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.config import EngineConfig
from sip.account_manager import AccountManager
from sip.audio.bridge import AudioBridge
from sip.call_manager import CallManager
from sip.calls import LIVE_CALLS, CommandFailed
from sip.endpoint import create_endpoint, create_transports, error_text, set_codec_priorities
from sip.loop import EngineLoop, Waker
from sip.recording.recorder import CallRecorder, RecordingRefused
from sip.supervision.manager import SupervisionManager

log = logging.getLogger(__name__)


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
        self._bridge = AudioBridge(
            config.audio, on_error=lambda m: self._emit(ev.EngineError(m, "audio")), on_route=self._emit
        )
        self._recorder = CallRecorder(lambda: self._bridge.port, emit)
        self._calls = CallManager(
            config,
            self._loop,
            self._bridge,
            emit=self._call_event,
            report_error=self._report_error,
        )
        self._accounts = AccountManager(
            config, self._loop, self._calls, emit=self._emit, report_error=self._report_error
        )
        self._calls.owner_of = self._accounts.owner_of
        self._supervision = SupervisionManager(
            self._calls.calls, lambda: self._bridge.port, emit, sip_call_id=self._calls.sip_call_id
        )
        self._calls.supervision = self._supervision
        self._waker = Waker()
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
        self._waker.wake()

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
            self._accounts.transports = transports.ids
            self.listen = transports.listen
            self._waker.arm(self.listen)
            set_codec_priorities(self._ep, self.config.codecs, self.config.keep_other_codecs)
            self._bridge.create()
            self._accounts.add_local(self.listen)
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
        busy = self.config.busy_poll_ms
        # Without a UDP socket to wake us, commands would wait for the whole idle poll.
        idle = self.config.idle_poll_ms if self._waker.armed else min(self.config.idle_poll_ms, 20)
        while not self._stopping:
            self._drain_commands()
            self._loop.run_due(lambda exc: self._report_error("timer", exc))
            self._accounts.tick(time.monotonic())
            self._bridge.watch()  # a headset unplugged: its sound to the fallback at once, back later
            if self._calls.calls or self._loop.has_work():
                poll = busy
            else:
                poll = idle
                due = min(
                    (t for t in (self._loop.next_due(), self._accounts.next_due()) if t is not None),
                    default=None,
                )
                if due is not None:
                    poll = max(0, min(idle, int((due - time.monotonic()) * 1000) + 1))
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
                    self._accounts.add(account)
                case cmd.RemoveAccount(account_id=account_id):
                    self._accounts.remove(account_id)
                case cmd.MakeCall():
                    call_id = self._calls.make_call(command, self._accounts.for_call(command.account_id))
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
                    via = self._accounts.for_call(call.account_id if call else "")
                    self._calls.blind_transfer(target, to, via)
                case cmd.AttendedTransfer(call_id=target, consult_call_id=consult):
                    self._calls.attended_transfer(target, consult)
                case cmd.SelectAudioDevices(headset=headset, ringer=ringer, fallback=fallback):
                    self._bridge.select_devices(headset, ringer, fallback)
                    self._emit_devices()
                case cmd.RescanAudioDevices():
                    self._bridge.rescan()
                    self._emit_devices()
                case cmd.PlayTestTone(target=target_device):
                    self._bridge.test_tone(target_device)
                case cmd.QueryStats():
                    self._emit_stats()
                case cmd.StartRecording(call_id=target, path=path):
                    record = self._calls.calls.get(target)
                    if record is None:
                        raise CommandFailed(f"no call {target}")
                    self._recorder.start(target, path, record.audio)
                case cmd.PauseRecording(call_id=target, paused=paused):
                    self._recorder.pause(target, paused)
                case cmd.PlayRecording(path=path, position_s=position, speed=speed):
                    from sip.recording.playback import pcm_for  # numpy and libsndfile on first use

                    if self._calls.calls:
                        raise CommandFailed("a recording cannot be played during a call")
                    self._bridge.play_in_headset(pcm_for(Path(path), position, speed))
                case cmd.StopPlayback():
                    self._bridge.stop_headset_sound()
                case cmd.SetSupervision(operator=operator, public_key=key, hide_listen=hide):
                    try:
                        self._supervision.set_trust(operator, key, hide)
                    except ValueError as exc:
                        raise CommandFailed(f"not a public key: {exc}") from None
                case cmd.Supervise(target=to, grant=grant, account_id=account_id):
                    call_id = self._calls.supervise(to, grant, self._accounts.for_call(account_id))
                case cmd.SwitchSupervision(call_id=target, mode=mode):
                    self._calls.switch_supervision(target, mode)
            return ev.CommandResult(ref=command.ref, ok=True, call_id=call_id)
        except (CommandFailed, RecordingRefused) as exc:
            return ev.CommandResult(ref=command.ref, ok=False, error=str(exc))
        except pj.Error as exc:
            return ev.CommandResult(ref=command.ref, ok=False, error=error_text(exc))
        except Exception as exc:
            log.exception("command %s failed", command.type)
            return ev.CommandResult(ref=command.ref, ok=False, error=error_text(exc))

    # ----- reporting ---------------------------------------------------------------------------

    def _report_error(self, where: str, exc: BaseException) -> None:
        log.error("%s failed: %s", where, error_text(exc), exc_info=not isinstance(exc, pj.Error))
        self._emit(ev.EngineError(message=error_text(exc), where=where))

    def _call_event(self, event: ev.Event) -> None:
        """Pass a call event on, and keep a recording listening to the call's current media."""
        self._emit(event)
        if isinstance(event, ev.CallStateChanged):
            record = self._calls.calls.get(event.call_id)
            self._recorder.follow(event.call_id, record.audio if record is not None else None)
        elif isinstance(event, ev.CallEnded):
            self._recorder.stop(event.call_id)

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
                accounts=self._accounts.live_count(), calls=len(self._calls.calls), pj_calls=len(LIVE_CALLS)
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
            self._supervision.close()
            self._recorder.close()
            self._bridge.close()
            self._accounts.release_all()
            self._ep.libHandleEvents(50)  # let un-REGISTERs leave
        except Exception:
            log.exception("error while releasing SIP objects")
        finally:
            self._waker.close()
            self._loop.clear()
            self._destroy()

    def _destroy(self) -> None:
        gc.collect()
        if self._ep is not None:
            try:
                self._ep.libDestroy()
            finally:
                self._ep = None
