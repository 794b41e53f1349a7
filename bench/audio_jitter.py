"""Headset audio during a 60 s call while the desktop process is busy: does the operator hear dropouts?

Why this set-up: the telephony service has its own process precisely so that the desktop's Python work
cannot starve the audio callbacks (see the pjsua2 notes: a busy loop in the *same* process caused
underruns). This bench is the desktop: while the call runs it burns CPU in pure Python in a thread, and
the phone's bridge must still move every 20 ms frame with no underrun through its 60 ms buffer.

Set-up: a private PulseAudio daemon (null sink ``headset``, 440 Hz source ``mic``) is the headset; the
measured phone auto-answers with audio on; a second phone with ``--no-audio`` places the call. The phone's
``AudioStats`` counters are cumulative, so figures are the difference between a baseline taken once the
call is up and settled (PulseAudio streams stall up to ~1.8 s at start) and the end of the window.
``max_callback_gap_ms`` restarts at every query: it is queried every 10 s and the largest value kept.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from pathlib import Path

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from bench import pulse
from bench.common import BenchResult, free_port
from bench.idle_cpu import cpu_seconds
from bench.phone import BenchPhone

NAME = "audio_jitter"
CALL_S = 60.0
QUERY_EVERY_S = 10.0
BUFFER_MS = 60
STREAM_SETTLE_S = 2.5  # PulseAudio's new-stream stall, before the call starts
CALL_SETTLE_S = 1.0
HOST = "127.0.0.1"
FRAMES_PER_S = 50  # 20 ms frames


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    why = pulse.unavailable()
    if why:
        result.status = "skipped"
        result.notes.append(why)
        return result
    port = free_port()
    callee_args = ["--listen", f"{HOST}:{port}", "--auto-answer", "--headset", "headset"]
    callee_args += ["--audio-buffer-ms", str(BUFFER_MS), "--sip-log-level", "0"]
    caller_args = ["--listen", f"{HOST}:{free_port()}", "--no-audio", "--sip-log-level", "0"]
    with contextlib.ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ringdesk-bench-pa-")))
        server = stack.enter_context(pulse.server(root))
        phone = stack.enter_context(
            BenchPhone(callee_args, log_dir=log_dir, name="audio-phone", env=server.env)
        )
        caller = stack.enter_context(BenchPhone(caller_args, log_dir=log_dir, name="audio-caller"))
        time.sleep(STREAM_SETTLE_S)
        mark = phone.mark()
        call_id = caller.send(cmd.MakeCall(target=f"sip:ringdesk@{HOST}:{port}")).call_id
        phone.wait_for(ev.CallStateChanged, lambda e: e.state is CallState.ACTIVE, after=mark, timeout=10)
        time.sleep(CALL_SETTLE_S)
        base = phone.audio_stats()
        burner = _Burner()
        cpu_before, started = cpu_seconds(phone.pid), time.monotonic()
        burner.start()
        try:
            gaps = _watch(phone, CALL_S)
            end = phone.audio_stats()
        finally:
            burner.stop()
        elapsed = time.monotonic() - started
        gaps.append(end.max_callback_gap_ms)
        phone_cpu = (cpu_seconds(phone.pid) - cpu_before) / elapsed * 100.0
        caller.send(cmd.Hangup(call_id=call_id))
        phone.wait_for(ev.CallEnded, after=mark, timeout=10)
    expected = elapsed * FRAMES_PER_S
    result.add_exact(f"underruns ({BUFFER_MS} ms buffer)", end.underruns - base.underruns, "", 0)
    result.add("overruns", end.overruns - base.overruns, "")
    result.add("max callback gap", max(gaps), "ms")
    result.add(f"frames played (expected ~{expected:.0f})", end.frames_played - base.frames_played, "")
    result.add(f"frames captured (expected ~{expected:.0f})", end.frames_captured - base.frames_captured, "")
    result.add("phone CPU during the call", round(phone_cpu, 1), "% core")
    result.add("desktop stand-in busy loop", round(burner.rate / 1e6, 2), "M iter/s")
    result.details = {
        "call_s": round(elapsed, 2),
        "gaps_per_10s_ms": gaps,
        "baseline": _stats_dict(base),
        "end": _stats_dict(end),
        "underruns_since_bridge_start": end.underruns,
        "device_open": end.device_open,
    }
    if not end.device_open:
        result.notes.append("the headset stream was not open: figures measure the null path only")
    return result


def _watch(phone: BenchPhone, seconds: float) -> list[float]:
    """Query stats every ``QUERY_EVERY_S`` until ``seconds`` have passed; returns each window's max gap."""
    gaps: list[float] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > QUERY_EVERY_S:
        time.sleep(QUERY_EVERY_S)
        gaps.append(phone.audio_stats().max_callback_gap_ms)
    time.sleep(max(0.0, left))
    return gaps


def _stats_dict(stats: ev.AudioStats) -> dict[str, float | int | bool]:
    return {
        "frames_played": stats.frames_played,
        "frames_captured": stats.frames_captured,
        "underruns": stats.underruns,
        "overruns": stats.overruns,
        "max_callback_gap_ms": stats.max_callback_gap_ms,
    }


class _Burner:
    """Pure-Python work in a thread of this process, standing in for a busy desktop (no C call releases
    the GIL, so it also competes with our own event readers, as the desktop's would)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._burn, name="desktop-busy", daemon=True)
        self._iterations = 0
        self._seconds = 0.0
        self.rate = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:
            self._thread.join(5)
        self.rate = self._iterations / self._seconds if self._seconds else 0.0

    def _burn(self) -> None:
        start = time.perf_counter()
        n = 0
        table: dict[int, int] = {}
        while not self._stop.is_set():
            for i in range(10_000):
                table[i & 1023] = table.get(i & 1023, 0) + i * i
            n += 10_000
        self._iterations, self._seconds = n, time.perf_counter() - start
