"""Keeps the headset and ringer streams open on the devices the operator chose, across hot-plug.

Why a class of its own: choosing devices is policy with many fallbacks (a name that matches nothing, a
headset without a microphone, a device that refuses to open, a ringer that is the headset), and none of it
touches pjsua2. It owns the PortAudio streams; the bridge owns the pjsua2 port. Every method runs on the
engine thread; problems go to ``report`` as sentences for the operator.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

from app.telephony.events import AudioDevice
from sip.audio import devices as dv
from sip.audio.streams import HeadsetIO, HeadsetStream, RingerStream
from sip.audio.tones import ToneCursor


def load_sounddevice() -> tuple[ModuleType | None, str]:
    """Import ``sounddevice``; it raises OSError when the PortAudio library is missing."""
    try:
        import sounddevice
    except (OSError, ImportError) as exc:
        return None, f"no sound library (PortAudio) available: {exc}; calls have no headset audio"
    return sounddevice, ""


class Router:
    """Opens, re-picks and closes the PortAudio streams of one ``HeadsetIO``."""

    def __init__(self, io: HeadsetIO, buffer_ms: int, ring_pcm: bytes, report: Callable[[str], None]) -> None:
        self.io = io
        self.sd: ModuleType | None = None
        self.devices: tuple[AudioDevice, ...] = ()
        self.headset: HeadsetStream | None = None
        self.ringer: RingerStream | None = None
        self.want_headset = ""
        self.want_ringer = ""
        self._buffer_ms = buffer_ms
        self._ring_pcm = ring_pcm
        self._ringing = False
        self._report = report

    def load(self) -> bool:
        """Import sounddevice if not done yet; False (and a report) when there is no sound library."""
        if self.sd is None:
            self.sd, problem = load_sounddevice()
            if self.sd is None:
                self._report(problem)
        return self.sd is not None

    def reinit_portaudio(self) -> None:
        """Make PortAudio look for new hardware. It closes every stream, so ours are closed first."""
        if self.sd is None:
            return
        self.close()
        try:
            self.sd._terminate()
            self.sd._initialize()
        except Exception as exc:
            self._report(f"could not re-initialise PortAudio: {exc}")

    def open(self) -> None:
        """Scan, resolve the wanted names, and (re)open the streams whose device changed."""
        sd = self.sd
        if sd is None:
            return
        try:
            pa_devs = dv.portaudio_devices(sd)
        except Exception as exc:
            pa_devs = []
            self._report(f"could not list sound devices: {exc}")
        pulse = dv.scan_pulse()
        self.devices = dv.describe(sd, pa_devs, pulse)
        out = dv.resolve(self.want_headset, "output", pa_devs, pulse)
        mic = dv.resolve(self.want_headset, "input", pa_devs, pulse)
        ring = dv.resolve(self.want_ringer, "output", pa_devs, pulse)
        if not out.found:
            self._report(f"headset '{self.want_headset}' not found: using '{out.label}'")
        elif not mic.found:
            self._report(f"no microphone matching '{self.want_headset}': using '{mic.label}'")
        if not ring.found:
            self._report(f"ringer '{self.want_ringer}' not found: using '{ring.label}'")
        self._open_headset(sd, mic, out, dv.resolve("", "input", pa_devs, pulse))
        self._open_ringer(sd, ring)
        self._apply_ringing()

    def close(self) -> None:
        """Close both streams (safe to repeat)."""
        for stream in (self.headset, self.ringer):
            if stream is not None:
                stream.close()
        self.headset = self.ringer = None
        self.io.device_open = False
        self._apply_ringing()

    def check(self) -> None:
        """Notice a stream that PortAudio stopped by itself (device unplugged) and release it."""
        if self.headset is not None and not self.headset.active:
            self._report(f"headset '{self.headset.out.label}' stopped (device lost?): rescan to recover")
            self.headset.close()
            self.headset = None
            self.io.device_open = False
            self._apply_ringing()
        if self.ringer is not None and not self.ringer.active:
            self._report(f"ringer '{self.ringer.out.label}' stopped (device lost?): ringing in the headset")
            self.ringer.close()
            self.ringer = None
            self._apply_ringing()

    def set_ringing(self, on: bool) -> None:
        """Start (from the top of the pattern) or stop the ring tone."""
        self._ringing = on
        self._apply_ringing()

    def _open_headset(self, sd: Any, mic: dv.Route, out: dv.Route, default_mic: dv.Route) -> None:
        current = self.headset
        if current is not None and current.active and (current.mic, current.out) == (mic, out):
            return
        if current is not None:
            current.close()
            self.headset = None
        self.io.device_open = False
        attempts: list[tuple[dv.Route | None, dv.Route]] = []
        for pair in ((mic, out), (default_mic, out), (None, out), (dv.Route(None), dv.Route(None))):
            if pair not in attempts:
                attempts.append(pair)
        failures: list[str] = []
        for attempt_mic, attempt_out in attempts:
            try:
                stream = HeadsetStream(sd, self.io, attempt_mic, attempt_out, self._buffer_ms)
            except Exception as exc:
                failures.append(f"{attempt_out.label}: {exc}")
                continue
            self.headset = stream
            self.io.device_open = True
            if failures:
                self._report(f"headset '{out.label}' could not be opened ({failures[0]}); using a fallback")
            if attempt_mic is None:
                self._report(f"headset '{attempt_out.label}' opened without a microphone")
            return
        self._report("no headset could be opened: " + "; ".join(failures))

    def _open_ringer(self, sd: Any, ring: dv.Route) -> None:
        shared = self.headset is not None and self.headset.out == ring
        current = self.ringer
        if current is not None and current.active and current.out == ring and not shared:
            return
        if current is not None:
            current.close()
            self.ringer = None
        if shared:
            return
        try:
            self.ringer = RingerStream(sd, self.io, ring)
        except Exception as exc:
            self._report(f"ringer '{ring.label}' could not be opened ({exc}): ringing in the headset")

    def test_tone(self, target: str, pcm: bytes) -> None:
        """Play ``pcm`` once on the ringer (``target`` "ringer") or the headset output, as the settings
        dialog's test button asks; a real ring in progress is not interrupted."""
        if self._ringing:
            return
        cursor = ToneCursor(pcm)
        if target == "ringer" and self.ringer is not None:
            self.io.ringer = cursor
        elif self.io.device_open:
            self.io.ring = cursor

    def _apply_ringing(self) -> None:
        """Point the ring tone at the ringer stream, or over the headset when they share a device."""
        io = self.io
        if not self._ringing:
            io.ring = io.ringer = None
            return
        cursor = ToneCursor(self._ring_pcm, loop=True)
        if self.ringer is not None:
            io.ring, io.ringer = None, cursor
        else:
            io.ring, io.ringer = cursor, None
