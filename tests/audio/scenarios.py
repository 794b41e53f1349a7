"""Bridge scenarios run in a child process: ``python scenarios.py NAME WORKDIR`` prints ``RESULT {json}``.

Why a child process: a pjsua2 Endpoint is a process-wide singleton that asserts at exit if any pjsua2
object outlives ``libDestroy``, and PortAudio sees the test's PulseAudio server only if the server runs
before PortAudio initialises. A fresh process per scenario gets both right, and a crash in native code
fails one test instead of killing pytest.

Each scenario builds an Endpoint the way the engine does (``threadCnt=0``, ``mainThreadOnly``, null sound
device, polled with ``libHandleEvents``), drives the bridge from this single thread, measures, and
releases every pjsua2 object before ``libDestroy``. Recordings (``parec``) are started and stopped here.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pulse  # path set up above
from harness import Harness, cpu_window, measure, stats_dict

SCENARIOS: dict[str, Callable[[Any, Path, dict[str, Any]], None]] = {}


def scenario(fn: Callable[[Any, Path, dict[str, Any]], None]) -> Callable[[Any, Path, dict[str, Any]], None]:
    SCENARIOS[fn.__name__] = fn
    return fn


# -- scenarios -------------------------------------------------------------------------------------------


@scenario
def tone_to_headset(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """Far-end 440 Hz -> bridge -> PulseAudio sink "headset"; counters over ~3 s of steady audio."""
    rec = h.record(dict(os.environ), "headset.monitor", work / "headset.wav")
    wav = work / "far.wav"
    pulse.write_tone_wav(wav, 440.0, 2.0)
    bridge = h.make_bridge()
    out["frame_path"] = bridge.frame_path
    out["frame_timings_us"] = bridge.frame_timings_us
    out["stall_s"] = h.wait_streaming()
    player = h.player(wav)
    before = stats_dict(bridge)
    bridge.connect(player)
    h.pump(0.5)
    settled = stats_dict(bridge)
    h.pump(3.0)
    out["stats_before"], out["stats_settled"], out["stats_after"] = before, settled, stats_dict(bridge)
    bridge.disconnect(player)
    h.pump(0.6)
    out["headset"] = measure(rec.stop())
    out["devices"] = [d.name for d in bridge.devices()]
    out["headset_device"] = bridge.headset_device


@scenario
def mic_to_call(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """Sine "microphone" -> bridge -> call (a WAV recorder); then the same muted."""
    bridge = h.make_bridge()
    out["stall_s"] = h.wait_streaming()
    live = h.recorder(work / "live.wav")
    bridge.connect(live)
    h.pump(1.5)
    bridge.disconnect(live)
    h.release(live)
    del live  # the recorder writes its WAV header when the last reference goes
    out["stats_live"] = stats_dict(bridge)
    bridge.set_mute(True)
    muted = h.recorder(work / "muted.wav")
    bridge.connect(muted)
    h.pump(1.5)
    bridge.disconnect(muted)
    h.release(muted)
    del muted
    out["stats_muted"] = stats_dict(bridge)
    h.pump(0.1)  # PJSIP 2.15 removes conference ports asynchronously: the WAV is finished on the next tick
    for name in ("live", "muted"):
        samples = pulse.read_wav(work / f"{name}.wav")[pulse.RATE // 4 :]  # skip the start-up cushion
        out[name] = {"rms": round(pulse.rms(samples), 1), "hz": round(pulse.frequency(samples), 1)}


@scenario
def beep(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """``play_beep`` with no call connected reaches the headset sink."""
    rec = h.record(dict(os.environ), "headset.monitor", work / "headset.wav")
    bridge = h.make_bridge()
    h.wait_streaming()
    h.pump(0.3)
    bridge.play_beep()
    h.pump(0.8)
    out["headset"] = measure(rec.stop())
    # A call whose media disappears without disconnect(): stats() notices, underruns stop counting.
    wav = work / "far.wav"
    pulse.write_tone_wav(wav, 440.0, 1.0)
    player = h.player(wav)
    bridge.connect(player)
    h.pump(0.8)
    h.release(player)
    del player
    h.pump(0.1)
    out["vanished_first"] = stats_dict(bridge)
    h.pump(1.0)
    out["vanished_later"] = stats_dict(bridge)


@scenario
def ringer(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """Ring tone on a separate "ringer" sink, then (ringer = headset) mixed into the headset."""
    env = dict(os.environ)
    rec_ring = h.record(env, "ringer.monitor", work / "ringer.wav")
    rec_head = h.record(env, "headset.monitor", work / "headset.wav")
    bridge = h.make_bridge(ringer="ringer")
    out["ringer_device"] = bridge.ringer_device
    h.wait_streaming()
    bridge.start_ringing()
    h.pump(1.2)
    bridge.stop_ringing()
    h.pump(0.8)
    out["ringer_sink"] = measure(rec_ring.stop())
    out["headset_sink_while_separate"] = measure(rec_head.stop())
    rec_head2 = h.record(env, "headset.monitor", work / "headset2.wav")
    bridge.select_devices("", "")
    out["shared_ringer_device"] = bridge.ringer_device
    h.pump(1.0)  # the new recording's own start stall
    bridge.start_ringing()
    h.pump(1.2)
    bridge.stop_ringing()
    h.pump(0.8)
    out["headset_sink_shared"] = measure(rec_head2.stop())


@scenario
def test_tones(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """The settings dialog's test buttons: one second of tone in the headset, one of ring on the ringer."""
    env = dict(os.environ)
    rec_ring = h.record(env, "ringer.monitor", work / "ringer.wav")
    rec_head = h.record(env, "headset.monitor", work / "headset.wav")
    bridge = h.make_bridge(ringer="ringer")
    h.wait_streaming()
    bridge.test_tone("headset")
    h.pump(1.5)
    bridge.test_tone("ringer")
    h.pump(2.5)
    out["headset"] = measure(rec_head.stop())
    out["ringer"] = measure(rec_ring.stop())


@scenario
def hotplug(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """A new sink appears; ``rescan`` lists it and ``select_devices`` moves the call audio there."""
    import subprocess

    env = dict(os.environ)
    rec_head = h.record(env, "headset.monitor", work / "headset.wav")
    wav = work / "far.wav"
    pulse.write_tone_wav(wav, 440.0, 2.0)
    bridge = h.make_bridge(headset="headset")
    h.wait_streaming()
    player = h.player(wav)
    bridge.connect(player)
    h.pump(0.5)
    out["before"] = [d.name for d in bridge.devices()]
    subprocess.run(
        ["pactl", "load-module", "module-null-sink", "sink_name=headset2"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    rec_new = h.record(env, "headset2.monitor", work / "headset2.wav")
    t0 = time.monotonic()
    out["after"] = [d.name for d in bridge.rescan()]
    bridge.select_devices("headset2", "")
    out["switch_ms"] = round((time.monotonic() - t0) * 1000, 1)
    out["headset_device"] = bridge.headset_device
    out["stall_s"] = h.wait_streaming()
    h.pump(1.5)
    out["stats"] = stats_dict(bridge)
    bridge.disconnect(player)
    out["headset2"] = measure(rec_new.stop())
    out["headset"] = measure(rec_head.stop())


def _watching(h: Harness, seconds: float) -> None:
    """Pump the endpoint as the engine's loop does: ``watch`` between polls."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        h.bridge.watch()
        h.ep.libHandleEvents(10)


def _heard_after(samples: list[int], offset_s: float) -> float | None:
    """Seconds from ``offset_s`` into a recording to its first loud 20 ms window (None: none)."""
    window = pulse.RATE // 50
    start = max(0, int(offset_s * pulse.RATE))
    for i, level in enumerate(pulse.window_rms(samples[start:], window)):
        if level > 300.0:
            return round(i * window / pulse.RATE, 2)
    return None


def _runs(levels: list[float], *, quiet: bool) -> list[int]:
    """Lengths of the runs of consecutive 20 ms windows that are quiet (or loud)."""
    runs, n = [], 0
    for level in levels:
        if (level <= 300.0) == quiet:
            n += 1
        elif n:
            runs.append(n)
            n = 0
    return [*runs, n] if n else runs


@scenario
def unplug_to_default(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """The headset unplugged mid-call with the fallback "default" (the system's default devices)."""
    _unplug(h, work, out, "default")


@scenario
def unplug_silent(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """The headset unplugged mid-call with the fallback "silent" (nothing until it is back)."""
    _unplug(h, work, out, "silent")


def _unplug(h: Harness, work: Path, out: dict[str, Any], fallback: str) -> None:
    """A call's tone on the headset sink; the sink is unloaded mid-call (a USB headset unplugged), then
    loaded again; the system default sink is "speakers". Records both sinks throughout and times when
    the tone is heard where."""
    import subprocess

    env = dict(os.environ)

    def pactl(*args: str) -> str:
        return subprocess.run(["pactl", *args], check=True, env=env, capture_output=True, text=True).stdout

    rec_speakers = h.record(env, "speakers.monitor", work / "speakers.wav", latency_ms=20)
    rec_head = h.record(env, "headset.monitor", work / "headset.wav", latency_ms=20)
    wav = work / "far.wav"
    pulse.write_tone_wav(wav, 440.0, 2.0)
    routes: list[dict[str, Any]] = []
    bridge = h.make_bridge(
        headset="headset",
        fallback=fallback,
        on_route=lambda change: routes.append(
            {"headset": change.headset, "device": change.device, "back": change.back, "t": time.monotonic()}
        ),
    )
    h.wait_streaming()
    player = h.player(wav)
    bridge.connect(player)
    _watching(h, 1.5)
    module = next(
        line.split("\t")[0]
        for line in pactl("list", "short", "modules").splitlines()
        if "sink_name=headset" in line and "module-null-sink" in line
    )
    t_unplug = time.monotonic()
    pactl("unload-module", module)
    _watching(h, 4.0)
    out["device_while_lost"] = bridge.headset_device
    out["stats_while_lost"] = stats_dict(bridge)
    out["routes_lost"] = [dict(r, t=round(r["t"] - t_unplug, 3)) for r in routes]
    t_plug = time.monotonic()
    pactl("load-module", "module-null-sink", "sink_name=headset")
    rec_back = h.record(env, "headset.monitor", work / "headset-back.wav", latency_ms=20)
    _watching(h, 4.5)
    out["device_back"] = bridge.headset_device
    out["routes"] = [dict(r, t=round(r["t"] - t_plug if r["back"] else r["t"] - t_unplug, 3)) for r in routes]
    out["stats_back"] = stats_dict(bridge)
    bridge.disconnect(player)
    h.pump(0.3)  # what was played before the disconnect reaches the monitors
    speakers = rec_speakers.stop()
    t0 = rec_speakers.origin(speakers)

    def part(samples: list[int], origin: float, start: float, end: float) -> list[int]:
        return samples[max(0, int((start - origin) * pulse.RATE)) : max(0, int((end - origin) * pulse.RATE))]

    out["speakers"] = measure(speakers)
    # (up to 0.3 s before: a recording's place in time is known to a few tens of milliseconds)
    out["speakers_before_unplug"] = measure(part(speakers, t0, t0, t_unplug - 0.3))
    out["speakers_heard_after_unplug_s"] = _heard_after(speakers, t_unplug - t0)
    lost = pulse.window_rms(part(speakers, t0, t_unplug, t_plug))
    out["speakers_longest_quiet_while_lost_s"] = round(max(_runs(lost, quiet=True), default=0) / 50, 2)
    out["speakers_after_back"] = measure(part(speakers, t0, t_plug + 2.5, rec_speakers.stopped - 0.4))
    head = rec_head.stop()
    # PulseAudio moves a recording whose source went away to the default source: keep what came before
    out["headset_before_unplug"] = measure(part(head, rec_head.origin(head), rec_head.origin(head), t_unplug))
    back = rec_back.stop()
    out["headset_back"] = measure(back)
    out["headset_heard_after_plug_s"] = _heard_after(back, t_plug - rec_back.origin(back))


@scenario
def cpu(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """CPU time of this process while the headset streams are open: idle, then with call audio flowing."""
    wav = work / "far.wav"
    pulse.write_tone_wav(wav, 440.0, 2.0)
    bridge = h.make_bridge()
    out["stall_s"] = h.wait_streaming()
    out["idle"] = cpu_window(h, 3.0)
    player = h.player(wav)
    bridge.connect(player)
    h.pump(0.3)
    before = stats_dict(bridge)
    out["call"] = cpu_window(h, 2.0)
    after = stats_dict(bridge)
    bridge.disconnect(player)
    out["call"]["frames_played"] = after["frames_played"] - before["frames_played"]
    out["call"]["frames_captured"] = after["frames_captured"] - before["frames_captured"]
    out["call"]["underruns"] = after["underruns"] - before["underruns"]
    out["call"]["overruns"] = after["overruns"] - before["overruns"]
    out["call"]["max_callback_gap_ms"] = after["max_callback_gap_ms"]


@scenario
def disabled(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """``enabled=False``: the port still runs (silence to the call, call audio dropped), one message."""
    _portless(h, work, out, enabled=False)


@scenario
def no_library(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """``import sounddevice`` raising OSError (no libportaudio): same as disabled, with its own message."""
    import importlib.abc

    class NoPortAudio(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: Any, target: Any = None) -> None:
            if name == "sounddevice":
                raise OSError("PortAudio library not found")

    sys.modules.pop("sounddevice", None)
    sys.meta_path.insert(0, NoPortAudio())
    _portless(h, work, out, enabled=True)
    out["rescan"] = list(h.bridge.rescan())


@scenario
def lifecycle(h: Harness, work: Path, out: dict[str, Any]) -> None:
    """Create and close the bridge repeatedly while call audio is still connected (the close path must
    unlink the port before freeing it), then let the harness destroy the library."""
    wav = work / "far.wav"
    pulse.write_tone_wav(wav, 440.0, 0.5)
    player = h.player(wav)
    rec = h.recorder(work / "call.wav")
    cycles = 0
    for _ in range(8):
        bridge = h.make_bridge(enabled=False)
        bridge.connect(player)
        bridge.connect(rec)
        h.pump(0.06)
        bridge.close()
        h.bridge = None
        cycles += 1
    h.pump(0.1)  # port removal is applied on the next conference tick
    out["cycles"] = cycles
    out["ports_left"] = h.ep.mediaActivePorts()  # null sound device, player, recorder
    del player, rec


def _portless(h: Harness, work: Path, out: dict[str, Any], enabled: bool) -> None:
    wav = work / "far.wav"
    pulse.write_tone_wav(wav, 440.0, 1.0)
    bridge = h.make_bridge(enabled=enabled)
    player = h.player(wav)
    rec = h.recorder(work / "call.wav")
    bridge.connect(player)
    bridge.connect(rec)
    bridge.set_mute(False)
    bridge.play_beep()
    bridge.start_ringing()
    h.pump(1.0)
    bridge.stop_ringing()
    bridge.disconnect(player)
    bridge.disconnect(rec)
    h.release(rec)
    del rec
    h.pump(0.1)  # the recorder's WAV header is written when the conference drops the port (next tick)
    out["stats"] = stats_dict(bridge)
    out["call"] = {"rms": round(pulse.rms(pulse.read_wav(work / "call.wav")), 1)}
    out["devices"] = list(bridge.devices())


def main() -> int:
    name, work = sys.argv[1], Path(sys.argv[2])
    out: dict[str, Any] = {"scenario": name}
    h = Harness()
    failed = False
    try:
        SCENARIOS[name](h, work, out)
    except Exception:
        # Report, then let the traceback (and the pjsua2 objects its frames hold) go before libDestroy.
        out["exception"] = traceback.format_exc()
        failed = True
    out["errors"] = h.errors
    h.close()
    print("RESULT " + json.dumps(out, default=str), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
