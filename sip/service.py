"""The telephony service process: the engine behind a JSON-lines channel on stdin/stdout.

stdout carries only events, one JSON object per line. PJSIP's own log goes to the C-level stdout,
so at start-up the real stdout is kept for events and fd 1 is pointed at stderr: no PJSIP line can
ever corrupt the event stream. A writer thread sends events so the engine thread never blocks on a
slow reader. In ``--ipc`` mode the end of stdin means the desktop is gone and the service shuts down.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Iterable
from typing import BinaryIO

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony import wire
from app.telephony.config import AccountConfig, EngineConfig
from sip.engine import Engine, EngineStartError
from sip.headset import HeadsetLink, start_headset

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0
"""How long an orderly shutdown may take before the process leaves without it."""


class EventWriter:
    """Writes events as JSON lines from its own thread, so emitting never blocks the engine."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._queue: queue.SimpleQueue[ev.Event | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="event-writer", daemon=True)
        self._thread.start()

    def emit(self, event: ev.Event) -> None:
        self._queue.put(event)

    def close(self, timeout_s: float = 2.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while (event := self._queue.get()) is not None:
            try:
                self._stream.write(wire.encode(event))
                self._stream.flush()
            except (BrokenPipeError, ValueError, OSError):
                return  # the reader is gone; the stdin watcher or a signal ends the service


def _take_stdout_for_events() -> BinaryIO:
    """Keep the real stdout for events and send every other write to fd 1 (PJSIP's log) to stderr."""
    sys.stdout.flush()
    events_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(events_fd, "wb", buffering=0)


def _read_commands(
    engine: Engine, writer: EventWriter, lines: Iterable[bytes], ipc: bool, headset: HeadsetLink | None
) -> None:
    for line in lines:
        if not line.strip():
            continue
        try:
            command = wire.decode_command(line)
        except wire.WireError as exc:
            log.warning("ignored a malformed command: %s", exc)
            writer.emit(ev.EngineError(message=f"malformed command: {exc}", where="ipc"))
            continue
        _route(command, engine, writer, headset)
    if ipc:
        engine.submit(cmd.Shutdown())


def _route(command: cmd.Command, engine: Engine, writer: EventWriter, headset: HeadsetLink | None) -> None:
    """The headset's own command goes to its thread; a mute also lights the headset's Mute light."""
    if isinstance(command, cmd.SelectHeadset):
        if headset is not None:
            headset.select(command.name, command.ref)
        elif command.ref:
            writer.emit(
                ev.CommandResult(
                    ref=command.ref,
                    ok=False,
                    error="headset buttons are off (--no-hid-headset, or no HID library)",
                )
            )
        return
    if isinstance(command, cmd.SetMute) and headset is not None:
        headset.set_muted(command.muted)
    engine.submit(command)


def run_service(
    config: EngineConfig,
    accounts: Iterable[AccountConfig] = (),
    *,
    ipc: bool = False,
    commands: BinaryIO | None = None,
    calls: Iterable[str] = (),
    headset: str | None = "",
) -> int:
    """Run the telephony service until SIGINT/SIGTERM, a Shutdown command or (with ``ipc``) stdin EOF.
    ``headset``: the USB headset whose buttons and lights to use ("" = automatic, None = none)."""
    # The audio bridge's frame callbacks need the GIL every 20 ms: switch threads often so a busy
    # thread (IPC, logging) cannot hold it for the default 5 ms slices in a row.
    sys.setswitchinterval(0.001)
    writer = EventWriter(_take_stdout_for_events())
    link = start_headset(writer.emit, headset) if headset is not None else None

    def emit(event: ev.Event) -> None:
        writer.emit(event)
        if link is not None:
            link.observe(event)  # the lights follow what the phone really does

    engine = Engine(config, emit)

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: shutting down", signum)
        engine.submit(cmd.Shutdown())  # queued: a signal during start is acted on once it has started

    # Before the start, which announces EngineStarted: whoever saw that may stop us at once.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        engine.start()
    except EngineStartError as exc:
        log.error("the SIP engine could not start: %s", exc)
        writer.emit(ev.EngineError(message=f"cannot start: {exc}", where="start"))
        _stop(link, writer)
        return 2

    for account in accounts:
        engine.submit(cmd.AddAccount(account=account, ref=f"start-{account.account_id}"))
    for n, target in enumerate(calls):
        engine.submit(cmd.MakeCall(target=target, ref=f"start-call-{n}"))
    stream = commands if commands is not None else sys.stdin.buffer
    reader = threading.Thread(
        target=_read_commands, args=(engine, writer, iter(stream.readline, b""), ipc, link), daemon=True
    )
    reader.start()
    while not engine.join(0.2):  # wake up regularly so signal handlers run in the main thread
        asked = engine.shutdown_requested_at
        if asked is not None and time.monotonic() - asked > SHUTDOWN_GRACE_S:
            # A sound server that died under an open stream can block its close for ever; the
            # operator's "quit" and the desktop's restart must still work.
            log.error("the engine did not stop within %.0f s; leaving anyway", SHUTDOWN_GRACE_S)
            writer.emit(ev.EngineStopped(reason="forced: the engine did not stop in time"))
            _stop(link, writer)
            return 3
    _stop(link, writer)
    return 0


def _stop(link: HeadsetLink | None, writer: EventWriter) -> None:
    if link is not None:
        link.stop()
    writer.close()
