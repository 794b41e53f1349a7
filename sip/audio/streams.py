"""The PortAudio side of the bridge: the headset's output and microphone streams and the ringer's stream.

Why streams are opened once and kept open: a new PulseAudio stream stays silent for up to ~1.8 s after it
starts (measured: a few callbacks, then nothing for 1-1.7 s, then a steady 50 per second), so opening per
call would clip the first words. The headset streams therefore run for the bridge's whole life and only
move audio while call audio is connected (``HeadsetIO.active``); otherwise the output plays silence plus
any local sound (beep, ring) and the microphone's blocks are dropped.

Why two streams per headset and not one duplex ``RawStream``: on ALSA's ``pulse``/``default`` devices (the
only way PortAudio 19.6 reaches PulseAudio or PipeWire: it has no PulseAudio host API) a duplex stream in
callback mode keeps PortAudio's thread spinning at ~100 % of a core, idle or not, while its callbacks
still come at a normal 50/s, whenever the microphone and the headset output run on different clocks
(measured: 1 % when the source was the output sink's own monitor, 96-100 % with any separately clocked
source; no latency, blocksize or priming setting changed it). On a 2-core PC that starved the desktop.
A separate output stream and input stream cost ~1 % together; the ring buffers already decouple the two
directions, so nothing depends on them sharing a clock.

The callbacks run on PortAudio's threads and hold the GIL only for a few list and bytes operations; they
never log, never raise (an exception would stop the stream for good) and never call pjsua2.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from sip.audio.devices import Route, pulse_routing
from sip.audio.ringbuffer import RingBuffer
from sip.audio.tones import SAMPLE_RATE, ToneCursor, mix

FRAME_SAMPLES = 320
"""20 ms at 16 kHz: pjmedia's frame and the PortAudio block, so one callback moves one frame."""
FRAME_BYTES = FRAME_SAMPLES * 2
RINGER_BLOCK = 1600  # 100 ms: the ring tone needs no low latency, and fewer callbacks cost less

_SILENCE = bytes(FRAME_BYTES)


@dataclass
class HeadsetIO:
    """State shared by the engine thread, pjmedia's clock thread and PortAudio's callback thread.

    Plain attributes written by one thread and read by others: single assignments of ints, bools and object
    references are atomic under the GIL, and the ring buffers lock internally.
    """

    to_headset: RingBuffer
    from_mic: RingBuffer
    active: bool = False  # call audio connected: move audio, count underruns
    muted: bool = False
    device_open: bool = False
    beep: ToneCursor | None = None  # one-shot sound over the headset output
    ring: ToneCursor | None = None  # ring tone over the headset output (ringer shares the headset)
    ringer: ToneCursor | None = None  # ring tone on the separate ringer stream
    device_blocks: int = 0  # output callbacks of the headset stream
    mic_blocks: int = 0  # input callbacks of the microphone stream
    device_underflows: int = 0  # PortAudio reported output underflow (our callback was late)
    device_overflows: int = 0  # PortAudio reported input overflow
    callback_errors: int = 0
    last_error: str = field(default="", repr=False)

    @classmethod
    def for_buffer(cls, buffer_ms: int) -> HeadsetIO:
        """Rings sized from the configured latency: hold twice ``buffer_ms`` (at least three frames) and
        wait for two frames before playing after running dry."""
        frames = max(3, -(-2 * max(buffer_ms, 20) // 20))
        cap = frames * FRAME_BYTES
        start = 2 * FRAME_BYTES
        return cls(
            to_headset=RingBuffer(cap, start_level=start),
            from_mic=RingBuffer(cap, start_level=start),
        )

    def overlay(self, out: bytes, n: int) -> bytes:
        """Lay the beep and the headset ring tone over ``out`` (n bytes)."""
        beep = self.beep
        if beep is not None:
            chunk = beep.take(n)
            if chunk is None:
                self.beep = None
            else:
                out = mix(out, chunk) if self.active else chunk
        ring = self.ring
        if ring is not None:
            chunk = ring.take(n)
            if chunk is not None:
                out = mix(out, chunk)
        return out


class HeadsetStream:
    """The headset: a 16 kHz mono int16 output stream plus, when it has a microphone, an input stream.

    Both are opened, routed and started together and count as one device: ``active`` is False as soon as
    either stopped. ``mic``/``out`` are the routes they were opened on.
    """

    def __init__(self, sd: Any, io: HeadsetIO, mic: Route | None, out: Route, buffer_ms: int) -> None:
        self.io = io
        self.mic = mic
        self.out = out
        self.streams: list[Any] = []
        kwargs: dict[str, Any] = {
            "samplerate": SAMPLE_RATE,
            "blocksize": FRAME_SAMPLES,
            "channels": 1,
            "dtype": "int16",
            "latency": max(buffer_ms, 10) / 1000.0,
        }
        # New streams start from empty buffers: their start-up stall is not a dropout of the old ones.
        io.to_headset.clear()
        io.from_mic.clear()
        try:
            with pulse_routing(sink=out.pulse_name, source=mic.pulse_name if mic else ""):
                self.streams.append(sd.RawOutputStream(device=out.device, callback=self._output, **kwargs))
                if mic is not None:
                    self.streams.append(sd.RawInputStream(device=mic.device, callback=self._input, **kwargs))
            for stream in self.streams:
                stream.start()
        except BaseException:
            self.close()
            raise

    @property
    def active(self) -> bool:
        """False once PortAudio stopped either stream by itself (device lost, fatal error)."""
        try:
            return bool(self.streams) and all(bool(stream.active) for stream in self.streams)
        except Exception:
            return False

    def close(self) -> None:
        """Stop and release the streams; safe to call twice."""
        streams, self.streams = self.streams, []
        for stream in streams:
            with contextlib.suppress(Exception):
                stream.close(ignore_errors=True)

    def _input(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        io = self.io
        try:
            io.mic_blocks += 1
            if status and status.input_overflow:
                io.device_overflows += 1
            if io.active:
                io.from_mic.write(bytes(indata))
        except Exception as exc:
            io.callback_errors += 1
            io.last_error = repr(exc)

    def _output(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        io = self.io
        try:
            io.device_blocks += 1
            if status and status.output_underflow:
                io.device_underflows += 1
            n = len(outdata)
            out = io.to_headset.read_padded(n) if io.active else _SILENCE if n == FRAME_BYTES else bytes(n)
            if io.beep is not None or io.ring is not None:
                out = io.overlay(out, n)
            outdata[:] = out
        except Exception as exc:
            io.callback_errors += 1
            io.last_error = repr(exc)
            outdata[:] = bytes(len(outdata))


class RingerStream:
    """An output-only stream for the ring tone on a device other than the headset; plays silence when
    not ringing so that ringing starts without the new-stream stall."""

    def __init__(self, sd: Any, io: HeadsetIO, out: Route) -> None:
        self.io = io
        self.out = out
        with pulse_routing(sink=out.pulse_name):
            self.stream = sd.RawOutputStream(
                samplerate=SAMPLE_RATE,
                blocksize=RINGER_BLOCK,
                channels=1,
                dtype="int16",
                latency="high",
                device=out.device,
                callback=self._output,
            )
            try:
                self.stream.start()
            except BaseException:
                self.stream.close()
                raise

    @property
    def active(self) -> bool:
        try:
            return bool(self.stream.active)
        except Exception:
            return False

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stream.close(ignore_errors=True)

    def _output(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        try:
            ring = self.io.ringer
            chunk = ring.take(len(outdata)) if ring is not None else None
            outdata[:] = chunk if chunk is not None else bytes(len(outdata))
        except Exception as exc:
            self.io.callback_errors += 1
            self.io.last_error = repr(exc)
            outdata[:] = bytes(len(outdata))
