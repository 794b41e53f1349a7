"""The headset audio bridge: pjsua2's conference bridge <-> PortAudio, for a wheel built without sound.

Why it exists: the ``pjsua2-python`` wheel has no sound-device support (``getDevCount() == 0``), so the
engine runs pjsua2 on its null device and this bridge carries call audio to the operator's headset and the
headset microphone back to the call, through a pjsua2 ``AudioMediaPort`` and two PortAudio streams, one
output and one input (16 kHz mono int16, 20 ms blocks; not one duplex stream, which spins a CPU core on
ALSA's ``pulse`` device: see ``streams``), joined by two drop-oldest ring buffers.

Threads: every public method must be called on the engine thread (the one that owns the Endpoint);
``on_error`` is called synchronously from those methods. The port callbacks run on pjmedia's clock thread
and the stream callbacks on PortAudio's; they share only ``HeadsetIO``.

Without a sound library, with ``AudioConfig.enabled=False`` or without any usable device the bridge still
works as a pjsua2 port (silence to the call, call audio discarded) and says why once through ``on_error``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pjsua2 as pj

from app.telephony.config import AudioConfig
from app.telephony.events import AudioDevice, AudioRouteChanged, AudioStats
from sip.audio.frames import FrameIO
from sip.audio.port import BridgePort
from sip.audio.router import Router
from sip.audio.streams import FRAME_BYTES, HeadsetIO
from sip.audio.tones import SAMPLE_RATE, ToneCursor, beep, ring_pattern, tone

PORT_NAME = "ringdesk-headset"


class AudioBridge:
    """Headset and ringer audio for the SIP engine. See the module docstring for the threading rules."""

    def __init__(
        self,
        config: AudioConfig,
        on_error: Callable[[str], None] | None = None,
        on_route: Callable[[AudioRouteChanged], None] | None = None,
    ) -> None:
        self._config = config
        self._on_error = on_error
        self._on_route = on_route  # the headset lost or back: where the sound goes now (Router.watch)
        self._io = HeadsetIO.for_buffer(config.buffer_ms)
        self._port: BridgePort | None = None
        self._frames: FrameIO | None = None
        self._router: Router | None = None
        self._connected: dict[int, float] = {}  # conference slot of each connected call -> when
        self._reported: set[str] = set()  # problems of the current device round, already told
        self._previous: set[str] = set()  # problems of the previous round: not told again
        self._beep_pcm = b""
        self._playing: ToneCursor | None = None
        self._thread: int | None = None

    # -- life cycle -----------------------------------------------------------------------------------

    def create(self) -> None:
        """Create the pjsua2 port (after ``libInit``) and open the headset and ringer streams."""
        if self._port is not None:
            return
        self._thread = threading.get_ident()
        self._frames = FrameIO(pj, FRAME_BYTES)
        self._frames.calibrate()
        port = BridgePort(self._io, self._frames)
        port.create(PORT_NAME)
        self._port = port
        self._beep_pcm = beep()
        if not self._config.enabled:
            self._report("audio is disabled in the settings: calls have no headset audio")
            return
        router = Router(self._io, self._config.buffer_ms, ring_pattern(), self._report, self._on_route)
        router.want_headset, router.want_ringer = self._config.headset, self._config.ringer
        router.fallback = self._config.fallback
        self._router = router
        if router.load():
            router.open()

    def close(self) -> None:
        """Release streams and the port. Call on the engine thread before ``libDestroy``."""
        self._check_thread()
        self._io.ring = self._io.ringer = self._io.beep = None
        self._io.active = False
        if self._router is not None:
            self._router.set_ringing(False)
            self._router.close()
            self._router.stop_watching()
            self._router = None
        self._connected.clear()
        port, self._port = self._port, None
        if port is not None:
            try:
                port.destroy()
            except Exception as exc:  # never let shutdown fail: the engine must still reach libDestroy
                self._report(f"headset port did not close cleanly: {exc}")
        self._thread = None

    # -- call audio -----------------------------------------------------------------------------------

    def connect(self, call_audio: Any) -> None:
        """Call audio -> headset and microphone -> call. Raises ``pj.Error`` if pjsua2 refuses."""
        port = self._require_port()
        first = not self._connected
        if first:
            self._io.to_headset.clear()
            self._io.from_mic.clear()
        call_audio.startTransmit(port)
        port.startTransmit(call_audio)
        self._connected[int(call_audio.getPortId())] = time.monotonic()
        self._io.active = True

    def disconnect(self, call_audio: Any) -> None:
        """Undo ``connect``; harmless when the call's media is already gone or the bridge is closed."""
        self._check_thread()
        port = self._port
        if port is None:
            return
        for src, dst in ((call_audio, port), (port, call_audio)):
            with contextlib.suppress(Exception):  # the call's conference slot may already be gone
                src.stopTransmit(dst)
        try:
            self._connected.pop(int(call_audio.getPortId()), None)
        except Exception:
            self._connected.clear()
        self._io.active = bool(self._connected)

    def set_mute(self, muted: bool) -> None:
        """Send silence to the call instead of the microphone; the headset keeps playing."""
        self._io.muted = bool(muted)

    # -- local sounds ---------------------------------------------------------------------------------

    def play_beep(self) -> None:
        """A short 1 kHz beep over the headset output (auto-answer notice); no-op without a headset."""
        self._check_thread()
        if self._io.device_open:
            self._io.beep = ToneCursor(self._beep_pcm)

    def test_tone(self, target: str) -> None:
        """The settings dialog's test: one ring period on the ringer, or a one-second tone in the headset."""
        self._check_thread()
        if self._router is not None:
            pcm = (
                ring_pattern()[: SAMPLE_RATE * 2 * 1]
                if target == "ringer"
                else tone((1000.0,), 1.0, level=0.3)
            )
            self._router.test_tone(target, pcm)

    def play_in_headset(self, pcm: bytes) -> None:
        """Play ``pcm`` (16 kHz mono) once over the headset output, replacing what played before (a call
        recording, ``sip.recording.playback``); a ring that starts stops it. No-op without a headset."""
        self._check_thread()
        if self._io.device_open:
            self._playing = ToneCursor(pcm)
            self._io.ring = self._playing

    def stop_headset_sound(self) -> None:
        """Stop what ``play_in_headset`` plays (a ring tone is left alone)."""
        self._check_thread()
        if self._playing is not None and self._io.ring is self._playing:
            self._io.ring = None
        self._playing = None

    def start_ringing(self) -> None:
        """Loop the ring tone on the ringer device (over the headset output if they are the same)."""
        self._check_thread()
        if self._router is not None:
            self._router.set_ringing(True)

    def stop_ringing(self) -> None:
        """Stop the ring tone at once."""
        self._check_thread()
        self._io.ring = self._io.ringer = None
        if self._router is not None:
            self._router.set_ringing(False)

    # -- devices --------------------------------------------------------------------------------------

    def select_devices(self, headset: str, ringer: str, fallback: str | None = None) -> None:
        """Choose devices by name (substring ok, "" = default) and reopen only the streams that change;
        ``fallback`` (when given): where the sound goes while the headset is unplugged."""
        self._check_thread()
        self._reported.clear()  # the operator acted: tell every remaining problem again
        self._previous.clear()
        router = self._router
        if router is not None:
            if headset != router.want_headset:
                router.lost = None  # another headset chosen: the lost one is no longer waited for
            router.want_headset, router.want_ringer = headset, ringer
            if fallback is not None:
                router.fallback = fallback
            router.open()

    def watch(self) -> None:
        """Call often (the engine's loop): a headset unplugged moves the sound to the fallback at once,
        and back when it returns (``on_route`` is told each time)."""
        self._check_thread()
        if self._router is not None:
            self._router.watch()

    def rescan(self, *, reinit_portaudio: bool = True) -> tuple[AudioDevice, ...]:
        """Look for added or removed devices and re-pick the chosen ones by name.

        Re-initialising PortAudio is the only way it sees new hardware, but it closes the open streams and
        the reopened PulseAudio stream is silent for up to ~2 s: pass ``reinit_portaudio=False`` during a
        call (PulseAudio sinks and sources are still refreshed and routed to).
        """
        self._check_thread()
        self._previous, self._reported = self._reported, set()  # a periodic rescan repeats no message
        router = self._router
        if router is None:
            return ()
        if router.sd is None:
            if not router.load():
                return router.devices
        elif reinit_portaudio:
            router.reinit_portaudio()
        router.open()
        return router.devices

    def devices(self) -> tuple[AudioDevice, ...]:
        """The devices found by the last scan (``create``, ``select_devices`` or ``rescan``)."""
        return self._router.devices if self._router is not None else ()

    @property
    def headset_device(self) -> str:
        """Name of the device the headset stream is open on, "" when none is."""
        router = self._router
        return router.headset.out.label if router is not None and router.headset is not None else ""

    @property
    def ringer_device(self) -> str:
        """Name of the device the ring tone goes to ("" when none)."""
        router = self._router
        if router is not None and router.ringer is not None:
            return router.ringer.out.label
        return self.headset_device

    # -- health ---------------------------------------------------------------------------------------

    def stats(self) -> AudioStats:
        """Counters since ``create``; ``max_callback_gap_ms`` is the longest gap between two pjmedia clock
        callbacks since the previous ``stats()`` call. Also notices a stream PortAudio stopped by itself."""
        self._check_thread()
        if self._router is not None:
            self._router.check()
        self._prune_connections()
        io, port = self._io, self._port
        gap = 0.0
        if port is not None:
            gap, port.max_gap_s = port.max_gap_s, 0.0
        return AudioStats(
            frames_played=port.frames_played if port else 0,
            frames_captured=port.frames_captured if port else 0,
            underruns=io.to_headset.underruns + io.from_mic.underruns + io.device_underflows,
            overruns=io.to_headset.overruns + io.from_mic.overruns + io.device_overflows,
            max_callback_gap_ms=round(gap * 1000.0, 2),
            muted=io.muted,
            device_open=io.device_open,
        )

    @property
    def device_blocks(self) -> int:
        """PortAudio callbacks served by the headset's output stream: proof that the device really runs."""
        return self._io.device_blocks

    @property
    def mic_blocks(self) -> int:
        """PortAudio callbacks served by the headset's microphone stream (0 without a microphone)."""
        return self._io.mic_blocks

    @property
    def frame_path(self) -> str:
        """Which frame-buffer access the port uses (``ctypes`` or ``binding``), for the engine's log."""
        return self._frames.path if self._frames else ""

    @property
    def frame_timings_us(self) -> dict[str, float]:
        """Per-frame read+write cost of each access path measured at ``create`` (microseconds)."""
        return dict(self._frames.timings_us) if self._frames else {}

    @property
    def port(self) -> Any:
        """The pjsua2 ``AudioMediaPort`` (e.g. to record the headset side), None before ``create``."""
        return self._port

    # -- internals ------------------------------------------------------------------------------------

    def _prune_connections(self) -> None:
        """Forget calls whose media vanished without ``disconnect`` (the call ended first): otherwise the
        headset would count an underrun every 20 ms waiting for audio that cannot come."""
        port = self._port
        if port is None or not self._connected:
            return
        try:
            info = port.getPortInfo()  # keep it in a variable: its vector dies with a temporary
            linked = {int(i) for i in info.listeners}
        except Exception:
            return
        settled = time.monotonic() - 0.5  # links made just now are applied on the next clock tick
        for slot, since in list(self._connected.items()):
            if slot not in linked and since < settled:
                del self._connected[slot]
        self._io.active = bool(self._connected)

    def _require_port(self) -> BridgePort:
        self._check_thread()
        if self._port is None:
            raise RuntimeError("AudioBridge.create() has not been called (or close() was)")
        return self._port

    def _check_thread(self) -> None:
        if self._thread is not None and threading.get_ident() != self._thread:
            raise RuntimeError("AudioBridge must be used from the engine thread that created it")

    def _report(self, message: str) -> None:
        """Tell the engine once per situation: not again in the same round, nor when the previous rescan
        already found the same problem; ``select_devices`` starts afresh."""
        if message in self._reported:
            return
        self._reported.add(message)
        if message in self._previous:
            return
        if self._on_error is not None:
            with contextlib.suppress(Exception):
                self._on_error(message)
