"""The pjsua2 side of the bridge: an ``AudioMediaPort`` whose frames go to and come from the ring buffers.

Why so little code per frame: ``onFrameReceived`` / ``onFrameRequested`` run on pjmedia's clock thread
every 20 ms inside the conference's mixing loop, and they must take the GIL to run. Anything slow here
delays every call's audio, so each callback does one buffer access, two counters and one clock read; no
logging, no allocation beyond the frame's bytes, no exception escapes (a Python exception crossing the
SWIG director would be printed per frame, and its traceback would keep this port alive past
``libDestroy``, which asserts at exit).
"""

from __future__ import annotations

import contextlib
import time

import pjsua2 as pj

from sip.audio.frames import FrameIO
from sip.audio.streams import FRAME_BYTES, HeadsetIO

_SILENCE = bytes(FRAME_BYTES)


def _fit(data: bytes) -> bytes:
    """A frame of exactly FRAME_BYTES: empty (NONE frame) becomes silence, odd sizes are padded or cut."""
    if not data:
        return _SILENCE
    if len(data) >= FRAME_BYTES:
        return data[:FRAME_BYTES]
    return data + bytes(FRAME_BYTES - len(data))


class BridgePort(pj.AudioMediaPort):  # type: ignore[misc]
    """Conference-bridge port of the headset: call audio in, microphone (or silence) out.

    Counters are written here (clock thread) and read by the engine thread.
    """

    # Class-level defaults: still readable if a callback races Python's teardown of the instance (only
    # possible when the owner drops the port without ``destroy``); the callbacks then end in ``except``.
    closing = False
    errors = 0
    last_error = ""

    def __init__(self, io: HeadsetIO, frames: FrameIO) -> None:
        super().__init__()
        self.io = io
        self.frames = frames
        self.frames_played = 0  # call frames taken for the headset while connected
        self.frames_captured = 0  # frames handed to the call (microphone or, muted, silence)
        self.errors = 0
        self.last_error = ""
        self.max_gap_s = 0.0  # longest interval between two clock callbacks while connected
        self._last = 0.0

    def create(self, name: str) -> None:
        """Register with the conference bridge as 16 kHz mono, 16-bit, 20 ms frames."""
        fmt = pj.MediaFormatAudio()
        fmt.init(pj.PJMEDIA_FORMAT_PCM, 16000, 1, 20000, 16)
        self.createPort(name, fmt)

    def onFrameReceived(self, frame: object) -> None:
        """Audio from the conference (the call) for the headset; NONE frames arrive every 20 ms when idle."""
        if self.closing:
            return
        try:
            io = self.io
            if not io.active:
                # Idle, the conference stops calling after a few NONE frames: gaps mean nothing then.
                self._last = 0.0
                return
            now = time.perf_counter()
            last = self._last
            self._last = now
            if last and now - last > self.max_gap_s:
                self.max_gap_s = now - last
            self.frames_played += 1
            if io.device_open:
                data = self.frames.read(frame)
                io.to_headset.write(data if len(data) == FRAME_BYTES else _fit(data))
        except Exception as exc:
            self.errors += 1
            self.last_error = repr(exc)

    def onFrameRequested(self, frame: object) -> None:
        """The conference asks for the microphone's next 20 ms for the call."""
        if self.closing:
            return
        try:
            io = self.io
            if io.active and io.device_open:
                data = io.from_mic.read_padded(FRAME_BYTES)  # read even when muted: keep the mic drained
                if io.muted:
                    data = _SILENCE
            else:
                data = _SILENCE
            self.frames.write(frame, data)
            self.frames_captured += 1
        except Exception as exc:
            self.errors += 1
            self.last_error = repr(exc)

    def destroy(self, timeout_s: float = 0.5) -> None:
        """Leave the conference bridge safely, then free the C++ port. Engine thread only.

        Why not just drop the reference: PJSIP 2.15 removes conference ports asynchronously (queued, applied
        at the next clock tick) and runs a tick without holding its mutex, so a port deleted while linked
        can still be called by the tick in progress, into freed memory: seen as a SIGSEGV in about one
        close out of four. Unlinked ports are skipped by the clock, so: unlink everything, wait until the
        conference has applied it (plus two frame periods), and only then delete the C++ object, while
        this Python object is still whole. (The queued removal still reads the freed port's lock pointer
        on the next tick: a pjsua2 hazard we cannot avoid; 450 create/close cycles ran clean.)
        """
        self.closing = True
        try:
            self._unlink_all(timeout_s)
        finally:
            pj.AudioMediaPort.__swig_destroy__(self)  # frees the C++ object now; Python side disowned

    def _unlink_all(self, timeout_s: float) -> None:
        my_id = self.getPortId()
        ep = pj.Endpoint.instance()
        deadline = time.monotonic() + timeout_s
        while True:
            ports = ep.mediaEnumPorts2()  # keep the vector alive while iterating it
            others = {int(m.getPortId()): m for m in ports}
            others.pop(my_id, None)
            linked = False
            # Keep each ConfPortInfo in a variable: iterating a temporary's vector yields garbage.
            mine = self.getPortInfo()
            for listener in list(mine.listeners):
                linked = True
                if listener in others:
                    with contextlib.suppress(Exception):  # that port may be going away itself
                        self.stopTransmit(others[listener])
            for media in others.values():
                try:
                    info = media.getPortInfo()
                except Exception:  # removed since the enumeration
                    continue
                if my_id in list(info.listeners):
                    linked = True
                    with contextlib.suppress(Exception):
                        media.stopTransmit(self)
            if not linked or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        time.sleep(0.045)  # let any tick that started before the unlink finish
