"""CPU used by an idle phone: it runs all shift long on the operator's PC, so idle must be almost free.

Measured from ``/proc/<pid>/stat`` (``utime + stime`` of every thread, in clock ticks) over 20 s, after a
short settle so start-up work is not counted; reported as % of one core. The resolution is one tick
(10 ms) per window, i.e. 0.05 % over 20 s.

With PulseAudio installed, a second phone with audio enabled (its headset stream on a private null sink,
which the bridge keeps open for its whole life) is measured afterwards, alone, over 10 s: that is what an
operator's phone really costs at rest. It is informative; the < 1 % target is for the phone itself.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench import pulse
from bench.common import BenchResult, free_port
from bench.phone import BenchPhone

NAME = "idle_cpu"
WINDOW_S = 20.0
AUDIO_WINDOW_S = 10.0  # informative figure: a shorter window keeps `make bench` under 3 minutes
SETTLE_S = 2.0
TARGET_PCT = 1.0
HOST = "127.0.0.1"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may contain spaces
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    with BenchPhone(_args("--no-audio"), log_dir=log_dir, name="idle") as phone:
        pct, elapsed = _measure({"phone": phone.pid}, WINDOW_S)
    result.add("idle phone (--no-audio)", pct["phone"], "% core", TARGET_PCT)
    result.details = {"window_s": elapsed, "clock_tick_s": 1 / os.sysconf("SC_CLK_TCK")}
    why = pulse.unavailable()
    if why:
        result.notes.append(f"audio-on figure skipped: {why}")
        return result
    with tempfile.TemporaryDirectory(prefix="ringdesk-bench-pa-") as root, pulse.server(Path(root)) as server:
        args = _args("--headset", "headset")
        with BenchPhone(args, log_dir=log_dir, name="idle-audio", env=server.env) as phone:
            pct, elapsed = _measure({"phone": phone.pid, "pulse": server.pid}, AUDIO_WINDOW_S)
    result.add("idle phone, audio on (headset stream open)", pct["phone"], "% core")
    result.add("its PulseAudio daemon (reference)", pct["pulse"], "% core")
    result.details["audio_window_s"] = elapsed
    return result


def _args(*extra: str) -> list[str]:
    """A phone as an operator runs it between calls: listening, auto-answer on, PJSIP log off."""
    return ["--listen", f"{HOST}:{free_port()}", "--auto-answer", "--sip-log-level", "0", *extra]


def _measure(pids: dict[str, int], window_s: float) -> tuple[dict[str, float], float]:
    """% of one core used by each process over ``window_s``, after ``SETTLE_S`` of start-up grace."""
    time.sleep(SETTLE_S)
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    start = time.monotonic()
    time.sleep(window_s)
    elapsed = time.monotonic() - start
    pct = {name: round((cpu_seconds(pid) - before[name]) / elapsed * 100.0, 2) for name, pid in pids.items()}
    return pct, round(elapsed, 2)
