"""Keeps the headset and ringer streams open on the devices the operator chose, across hot-plug.

Why a class of its own: choosing devices is policy with many fallbacks (a name that matches nothing, a
headset without a microphone, a device that refuses to open, a ringer that is the headset), and none of it
touches pjsua2. It owns the PortAudio streams; the bridge owns the pjsua2 port. Every method runs on the
engine thread; problems go to ``report`` as sentences for the operator.

A headset lost while open (unplugged: PortAudio stops its stream by itself) is noticed by ``watch``, which
the engine calls from its poll loop: the call's sound goes where ``fallback`` says at once (the system's
default devices, a named device, or nowhere until the headset is back: ``FALLBACK_SILENT``), and while the
headset is missing ``watch`` looks for it again every ``LOOK_AGAIN_S`` and moves the sound back to it.
Each move is told to ``on_route`` as an :class:`~app.telephony.events.AudioRouteChanged`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from app.telephony.config import FALLBACK_DEFAULT, FALLBACK_SILENT
from app.telephony.events import AudioDevice, AudioRouteChanged
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


WATCH_INTERVAL_S = 0.1
"""How often ``watch`` asks whether the headset stream still runs (a property read, no system call)."""
LOOK_AGAIN_S = 1.0
"""How often a lost headset is looked for without PulseAudio's events (a ``pactl`` listing, or a
PortAudio re-initialisation when nothing plays)."""
LOOK_AGAIN_PLAYING_S = 10.0
"""The same while a fallback device plays the call without PulseAudio: re-initialising PortAudio
reopens its stream too (a short break in the sound each time)."""


class Router:
    """Opens, re-picks and closes the PortAudio streams of one ``HeadsetIO``."""

    def __init__(
        self,
        io: HeadsetIO,
        buffer_ms: int,
        ring_pcm: bytes,
        report: Callable[[str], None],
        on_route: Callable[[AudioRouteChanged], None] | None = None,
    ) -> None:
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
        self._on_route = on_route
        self.fallback = FALLBACK_SILENT
        """Where the sound goes when the headset is lost: ``FALLBACK_SILENT``, ``FALLBACK_DEFAULT`` or a
        device name."""
        self.lost: tuple[dv.Route, dv.Route | None] | None = None
        """The lost headset's output and microphone routes while it is missing (None: not lost)."""
        self._told: tuple[str, str, bool] | None = None
        self._next_watch = 0.0
        self._next_look = 0.0
        self._events = dv.PulseEvents()

    def load(self) -> bool:
        """Import sounddevice if not done yet; False (and a report) when there is no sound library."""
        if self.sd is None:
            self.sd, problem = load_sounddevice()
            if self.sd is None:
                self._report(problem)
            else:
                self._events.start()  # before the first scan: no plug between the two goes unseen
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
        if self.lost is not None:
            self._open_while_lost(sd, pa_devs, pulse)
            return
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
        """Notice a stream that PortAudio stopped by itself (device unplugged): the headset's sound goes
        to the fallback at once; the ringer rings in the headset."""
        if self.headset is not None and not self.headset.active:
            self._lose(self.headset)
        if self.ringer is not None and not self.ringer.active:
            self._report(f"ringer '{self.ringer.out.label}' stopped (device lost?): ringing in the headset")
            self.ringer.close()
            self.ringer = None
            self._apply_ringing()

    def _lose(self, gone: HeadsetStream) -> None:
        """The headset stream's device is gone: re-scan (PortAudio sees devices only when re-initialised)
        and open the fallback, or nothing (silent)."""
        gone.close()
        self.headset = None
        self.io.device_open = False
        self._apply_ringing()
        if self.lost is None:  # the headset itself, not the fallback that stood in for it
            self.lost = (gone.out, gone.mic)
        self._next_look = time.monotonic() + LOOK_AGAIN_S
        self.reinit_portaudio()
        self.open()

    def watch(self) -> None:
        """Called often from the engine's loop: notice a lost headset, and look for it while it is lost."""
        if self.sd is None:
            return
        if self._events.changed():
            self._pulse_changed()
        now = time.monotonic()
        if now < self._next_watch:
            return
        self._next_watch = now + WATCH_INTERVAL_S
        self.check()
        if self.lost is not None and now >= self._next_look:
            playing = self.headset is not None and not self.lost[0].pulse_name
            self._next_look = now + (LOOK_AGAIN_PLAYING_S if playing else LOOK_AGAIN_S)
            if not (self._events.running and self.lost[0].pulse_name):
                self._look_for_lost()

    def stop_watching(self) -> None:
        """Stop listening to PulseAudio's events (the bridge closes)."""
        self._events.stop()

    def _pulse_changed(self) -> None:
        """A PulseAudio sink or source came or went: is it the headset (gone, or back)?"""
        sinks = dv.pulse_sinks()
        if self.lost is not None:
            if self.lost[0].pulse_name in sinks:
                self.reinit_portaudio()
                self.open()
        elif self.headset is not None and self.headset.out.pulse_name not in sinks | {""}:
            self._lose(self.headset)  # PulseAudio moved our stream elsewhere by itself

    def _look_for_lost(self) -> None:
        """Re-open on the lost headset when it is back: PulseAudio's list is asked first (cheap, and
        the fallback stream is left alone while it is still missing); without PulseAudio only a PortAudio
        re-initialisation can tell."""
        assert self.lost is not None
        lost_out = self.lost[0]
        if lost_out.pulse_name and lost_out.pulse_name not in dv.pulse_sinks():
            return
        self.reinit_portaudio()
        self.open()

    def _open_while_lost(self, sd: Any, pa_devs: list[dict[str, Any]], pulse: dv.PulseInventory) -> None:
        """The headset is missing: open it if it is back, else the fallback (or nothing: silent)."""
        assert self.lost is not None
        lost = self.lost
        name = lost[0].label
        out = dv.resolve(name, "output", pa_devs, pulse)
        if out.found and out.label == name:
            wanted_mic = lost[1].label if lost[1] is not None else self.want_headset
            mic = dv.resolve(wanted_mic, "input", pa_devs, pulse)
            self.lost = None
            self._open_headset(sd, mic, out, dv.resolve("", "input", pa_devs, pulse))
            if self.headset is not None:
                self._route(AudioRouteChanged(headset=name, device=self.headset.out.label, back=True))
            else:
                self.lost = lost
        elif self.fallback == FALLBACK_SILENT:
            if self.headset is not None:
                self.headset.close()
                self.headset = None
                self.io.device_open = False
            self._route(AudioRouteChanged(headset=name, device=""))
        else:
            wanted = "" if self.fallback == FALLBACK_DEFAULT else self.fallback
            f_out = dv.resolve(wanted, "output", pa_devs, pulse)
            f_mic = dv.resolve(wanted, "input", pa_devs, pulse)
            if not f_out.found:
                self._report(f"fallback '{wanted}' not found: using '{f_out.label}'")
            self._open_headset(sd, f_mic, f_out, dv.resolve("", "input", pa_devs, pulse))
            where = self.headset.out.label if self.headset is not None else ""
            self._route(AudioRouteChanged(headset=name, device=where))
        ring = dv.resolve(self.want_ringer, "output", pa_devs, pulse)
        self._open_ringer(sd, ring)
        self._apply_ringing()

    def _route(self, change: AudioRouteChanged) -> None:
        """Tell where the sound goes now, once per change (a look that finds nothing new is quiet)."""
        key = (change.headset, change.device, change.back)
        if key == self._told:
            return
        self._told = key
        if self._on_route is not None:
            self._on_route(change)

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
