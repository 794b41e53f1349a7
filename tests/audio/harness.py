"""The scenarios' test bench: a pjsua2 Endpoint set up like the engine's, the bridge on it, and measurements.

Used only inside the child process that scenarios.py runs (a pjsua2 Endpoint is a process-wide singleton).
Every pjsua2 object it hands out is released by ``Harness.close`` before ``libDestroy``.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Any

import pulse


class Harness:
    """The Endpoint, the bridge and everything that must be released before ``libDestroy``."""

    def __init__(self) -> None:
        import pjsua2 as pj

        self.pj = pj
        self.ep = pj.Endpoint()
        self.ep.libCreate()
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0
        cfg.uaConfig.mainThreadOnly = True
        cfg.logConfig.level = 1
        cfg.logConfig.consoleLevel = 1
        self.ep.libInit(cfg)
        self.ep.audDevManager().setNullDev()
        self.ep.libStart()
        self.errors: list[str] = []
        self.bridge: Any = None
        self.media: list[Any] = []
        self.recordings: list[pulse.Recording] = []

    def make_bridge(self, on_route: Any = None, **config: Any) -> Any:
        from app.telephony.config import AudioConfig
        from sip.audio.bridge import AudioBridge

        self.bridge = AudioBridge(AudioConfig(**config), on_error=self.errors.append, on_route=on_route)
        self.bridge.create()
        return self.bridge

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.ep.libHandleEvents(10)

    def wait_streaming(self, timeout: float = 8.0, *, mic: bool = True) -> float:
        """Poll until the headset's output stream (and, with ``mic``, its microphone stream) runs at a
        steady 50 blocks/s for half a second. A new stream on PulseAudio first gets a burst of callbacks,
        then may stall for up to ~2 s (the sink's idle block), then steadies. Returns the seconds waited."""
        start = time.monotonic()
        samples: list[tuple[int, int]] = []
        while time.monotonic() - start < timeout:
            self.pump(0.1)
            samples.append((self.bridge.device_blocks, self.bridge.mic_blocks))
            recent = samples[-6:]
            steps = [(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(recent)]
            if len(steps) == 5 and all(3 <= o <= 7 and (not mic or 3 <= i <= 7) for o, i in steps):
                break
        return round(time.monotonic() - start, 3)

    def player(self, path: Path) -> Any:
        p = self.pj.AudioMediaPlayer()
        p.createPlayer(str(path), 0)  # loops
        self.media.append(p)
        return p

    def recorder(self, path: Path) -> Any:
        r = self.pj.AudioMediaRecorder()
        r.createRecorder(str(path))
        self.media.append(r)
        return r

    def record(
        self, env: dict[str, str], source: str, path: Path, latency_ms: int | None = None
    ) -> pulse.Recording:
        rec = pulse.Recording(env, source, path, latency_ms)
        self.recordings.append(rec)
        return rec

    def release(self, obj: Any) -> None:
        """Drop one pjsua2 media object now (a recorder finalises its WAV header when released)."""
        self.media = [m for m in self.media if m is not obj]

    def close(self) -> None:
        for rec in self.recordings:
            rec.stop()
        if self.bridge is not None:
            self.bridge.close()
            self.bridge = None
        self.media.clear()
        self.ep.libDestroy()


def stats_dict(bridge: Any) -> dict[str, Any]:
    s = bridge.stats()
    return {k: getattr(s, k) for k in s.__dataclass_fields__ if k not in ("at", "type")}


def measure(samples: list[int]) -> dict[str, float]:
    loud = pulse.loud_part(samples)
    return {
        "seconds": round(len(samples) / pulse.RATE, 2),
        "loud_s": round(pulse.loud_seconds(samples), 2),
        "rms": round(pulse.rms(loud), 1),
        "hz": round(pulse.frequency(loud), 1),
        "rms_tail": round(pulse.rms(samples[-pulse.RATE // 2 :]), 1),
    }


def _thread_cpu_s() -> dict[str, float]:
    """CPU seconds of each thread of this process, from /proc (empty where there is no /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    try:
        tids = os.listdir("/proc/self/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:  # the thread ended
            continue
        fields = stat.rsplit(")", 1)[1].split()
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        out[f"{tid}:{name}"] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return out


def cpu_window(h: Harness, seconds: float) -> dict[str, Any]:
    """Pump the endpoint for ``seconds`` and measure this process's CPU time (all threads: pjmedia's
    clock, PortAudio's callbacks, the polling loop) as a percentage of one core, plus stream rates."""
    bridge = h.bridge
    threads0, times0, wall0 = _thread_cpu_s(), os.times(), time.monotonic()
    blocks0, mic0 = bridge.device_blocks, bridge.mic_blocks
    h.pump(seconds)
    threads1, times1, wall = _thread_cpu_s(), os.times(), time.monotonic() - wall0
    used = (times1.user - times0.user) + (times1.system - times0.system)
    per_thread = {k: v - threads0.get(k, 0.0) for k, v in threads1.items()}
    busiest = max(per_thread.items(), key=lambda kv: kv[1], default=("", 0.0))
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(used, 3),
        "cpu_pct": round(100.0 * used / wall, 1),
        "busiest_thread": busiest[0],
        "busiest_thread_pct": round(100.0 * busiest[1] / wall, 1),
        "blocks_per_s": round((bridge.device_blocks - blocks0) / wall, 1),
        "mic_blocks_per_s": round((bridge.mic_blocks - mic0) / wall, 1),
    }
