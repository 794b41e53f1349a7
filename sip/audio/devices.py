"""Finding the operator's headset and ringer by name, through PortAudio and, where it runs, PulseAudio.

Why by name: PortAudio renumbers its devices whenever it is re-initialised (hot-plug), so an index saved in
the settings points at the wrong device after a USB headset is plugged in.

Why PulseAudio too: on a Linux desktop PortAudio (ALSA host API) sees only the ``pulse`` and ``default``
devices; the real sinks (the USB headset, the laptop speakers) live inside PulseAudio or PipeWire's
PulseAudio service. So a name that matches a PulseAudio sink or source is routed by opening PortAudio's
``pulse`` device with ``PULSE_SINK`` / ``PULSE_SOURCE`` set for the moment the stream is created
(libpulse reads them when the ALSA plugin connects). Sinks and sources are listed with ``pactl``; without
it, or without a PulseAudio server, only PortAudio devices are offered.

Matching order for a wanted name: an exact PortAudio device name, then an exact PulseAudio name, then a
case-insensitive substring of a PulseAudio name, then of a PortAudio name. "" means the default device; with
PulseAudio that is the server's default sink/source at the time of opening, named explicitly so that
PulseAudio's per-application memory of an earlier sink cannot redirect the stream.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.telephony.events import AudioDevice

PULSE_HOST_API = "PulseAudio"
_PACTL_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class PulseInventory:
    """What a PulseAudio server offers: sinks and sources (no monitors) with channel counts, defaults."""

    sinks: tuple[tuple[str, int], ...] = ()
    sources: tuple[tuple[str, int], ...] = ()
    default_sink: str = ""
    default_source: str = ""

    @property
    def available(self) -> bool:
        return bool(self.sinks or self.sources)


@dataclass(frozen=True)
class Route:
    """Where one direction of a stream goes: a PortAudio device (index) plus, for PulseAudio, the sink or
    source name to put in the environment while opening. ``found`` is False when the wanted name matched
    nothing and the default was taken instead."""

    device: int | None
    pulse_name: str = ""
    label: str = "default"
    found: bool = True


def _pactl(*args: str) -> str | None:
    exe = shutil.which("pactl")
    if exe is None:
        return None
    try:
        done = subprocess.run(
            [exe, *args], capture_output=True, text=True, timeout=_PACTL_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _parse_short(text: str, *, skip_monitors: bool) -> tuple[tuple[str, int], ...]:
    """Rows of ``pactl list short sinks|sources``: index, name, driver, "s16le 2ch 44100Hz", state."""
    out: list[tuple[str, int]] = []
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) < 2 or not cols[1]:
            continue
        name = cols[1]
        if skip_monitors and name.endswith(".monitor"):
            continue
        channels = 2
        if len(cols) >= 4:
            for word in cols[3].split():
                if word.endswith("ch") and word[:-2].isdigit():
                    channels = int(word[:-2])
        out.append((name, channels))
    return tuple(out)


def scan_pulse() -> PulseInventory:
    """Ask the PulseAudio server (the one this process's environment points at) for its devices."""
    info = _pactl("info")
    if info is None:
        return PulseInventory()
    sinks = _pactl("list", "short", "sinks") or ""
    sources = _pactl("list", "short", "sources") or ""
    default_sink = default_source = ""
    for line in info.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Default Sink":
            default_sink = value.strip()
        elif key.strip() == "Default Source":
            default_source = value.strip()
    return PulseInventory(
        sinks=_parse_short(sinks, skip_monitors=False),
        sources=_parse_short(sources, skip_monitors=True),
        default_sink=default_sink,
        default_source=default_source,
    )


def pulse_sinks() -> set[str]:
    """The PulseAudio server's sink names now (one ``pactl`` call: quicker than ``scan_pulse``)."""
    return {name for name, _ in _parse_short(_pactl("list", "short", "sinks") or "", skip_monitors=False)}


def portaudio_devices(sd: Any) -> list[dict[str, Any]]:
    """PortAudio's device list as dicts with their index (the list is only valid until re-initialisation)."""
    out: list[dict[str, Any]] = []
    for index, dev in enumerate(sd.query_devices()):
        d = dict(dev)
        d["index"] = index
        d["host_api"] = str(sd.query_hostapis(int(dev["hostapi"]))["name"])
        out.append(d)
    return out


def _default_indexes(sd: Any) -> tuple[int, int]:
    try:
        dev_in, dev_out = sd.default.device
        return int(dev_in), int(dev_out)
    except Exception:
        return -1, -1


def describe(sd: Any | None, pa_devs: list[dict[str, Any]], pulse: PulseInventory) -> tuple[AudioDevice, ...]:
    """The operator-facing list: PortAudio devices, then PulseAudio sinks and sources."""
    default_in, default_out = _default_indexes(sd) if sd is not None else (-1, -1)
    out = [
        AudioDevice(
            name=str(d["name"]),
            host_api=str(d["host_api"]),
            inputs=int(d["max_input_channels"]),
            outputs=int(d["max_output_channels"]),
            default_input=d["index"] == default_in,
            default_output=d["index"] == default_out,
        )
        for d in pa_devs
    ]
    for name, channels in pulse.sinks:
        out.append(AudioDevice(name, PULSE_HOST_API, 0, channels, default_output=name == pulse.default_sink))
    for name, channels in pulse.sources:
        out.append(AudioDevice(name, PULSE_HOST_API, channels, 0, default_input=name == pulse.default_source))
    return tuple(out)


def _pulse_portaudio_device(pa_devs: list[dict[str, Any]], kind: str) -> int | None:
    """PortAudio's device that talks to PulseAudio: ``pulse`` if listed, else ``default`` (None)."""
    channels = "max_output_channels" if kind == "output" else "max_input_channels"
    for d in pa_devs:
        if d["name"] == "pulse" and d[channels] > 0:
            return int(d["index"])
    return None


def resolve(wanted: str, kind: str, pa_devs: list[dict[str, Any]], pulse: PulseInventory) -> Route:
    """Pick the device for ``kind`` ("output" or "input") whose name best matches ``wanted``."""
    channels = "max_output_channels" if kind == "output" else "max_input_channels"
    candidates = [d for d in pa_devs if d[channels] > 0]
    pulse_names = [n for n, _ in (pulse.sinks if kind == "output" else pulse.sources)]
    pulse_default = pulse.default_sink if kind == "output" else pulse.default_source
    via_pulse = _pulse_portaudio_device(pa_devs, kind)
    key = wanted.strip().lower()

    def by_pulse(name: str, found: bool = True) -> Route:
        return Route(via_pulse, pulse_name=name, label=name, found=found)

    if key:
        for d in candidates:
            if str(d["name"]).lower() == key:
                return Route(int(d["index"]), label=str(d["name"]))
        for name in pulse_names:
            if name.lower() == key:
                return by_pulse(name)
        for name in pulse_names:
            if key in name.lower():
                return by_pulse(name)
        for d in candidates:
            if key in str(d["name"]).lower():
                return Route(int(d["index"]), label=str(d["name"]))
    found = not key
    if pulse_default and pulse_default in pulse_names:
        return by_pulse(pulse_default, found)
    return Route(None, label="default", found=found)


@contextlib.contextmanager
def pulse_routing(sink: str = "", source: str = "") -> Iterator[None]:
    """Set ``PULSE_SINK`` / ``PULSE_SOURCE`` while a stream is being opened, then restore the environment.

    Only the engine thread opens streams, so changing the process environment for those few milliseconds
    races with nothing of ours.
    """
    saved = {k: os.environ.get(k) for k in ("PULSE_SINK", "PULSE_SOURCE")}
    try:
        for key, value in (("PULSE_SINK", sink), ("PULSE_SOURCE", source)):
            if value:
                os.environ[key] = value
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


class PulseEvents:
    """``pactl subscribe``, read without blocking: whether a sink or source came or went since last asked.

    Why: PulseAudio (and PipeWire's PulseAudio service) moves a stream whose sink was removed to the
    default sink by itself, so an unplugged USB headset does not stop our PortAudio stream: the call would
    go on in the PC's speakers unnoticed. Its event stream tells us at once, at no cost while nothing
    changes (no polling ``pactl`` every second on the engine thread).
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._fd = -1
        self._rest = b""

    @property
    def running(self) -> bool:
        return self._proc is not None

    def start(self) -> bool:
        """Start listening (False without ``pactl`` or a pipe that can be read without blocking)."""
        exe = shutil.which("pactl")
        if exe is None or self._proc is not None:
            return self._proc is not None
        try:
            proc = subprocess.Popen(
                [exe, "subscribe"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return False
        assert proc.stdout is not None
        try:
            os.set_blocking(proc.stdout.fileno(), False)
        except OSError:
            proc.kill()
            proc.wait()
            return False
        self._proc, self._fd = proc, proc.stdout.fileno()
        return True

    def changed(self) -> bool:
        """Whether a sink or source was added or removed since the last call (never blocks)."""
        if self._proc is None:
            return False
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return False
        except OSError:
            data = b""
        if not data:  # pactl ended: the sound server is gone
            self.stop()
            return False
        lines = (self._rest + data).split(b"\n")
        self._rest = lines.pop()
        return any(
            (b" sink #" in line or b" source #" in line) and (b"'new'" in line or b"'remove'" in line)
            for line in lines
        )

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
