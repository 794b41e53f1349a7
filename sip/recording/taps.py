"""Two listening ports on the conference bridge that pair the caller's and the operator's frames.

Why two ports and not pjsua2's ``AudioMediaRecorder``: the recorder mixes everything it is given into one
mono WAV file, and a listener must tell the caller from the operator. The conference mixes what a port
receives, so each voice needs its own listener: ``CallerTap`` hears the call, ``OperatorTap`` hears the
headset port (the microphone as the call gets it, silence while muted).

Both run on pjmedia's clock thread, once per 20 ms tick each. The operator tap is the clock of the file:
the headset port exists for the whole engine, so it hears a frame every tick, while the call's media goes
away during hold. Each operator frame takes the caller frame queued since the previous tick (or silence)
and hands the pair to the writer: the two channels cannot drift apart. As in ``sip.audio.port``, each
callback does as little as possible and lets no exception escape.
"""

from __future__ import annotations

import collections
import queue
from typing import Any

import pjsua2 as pj

from sip.audio.frames import FrameIO
from sip.audio.port import BridgePort
from sip.audio.streams import FRAME_BYTES

Pair = tuple[bytes, bytes, bool]
"""One tick: caller frame, operator frame (FRAME_BYTES each, or b"" for silence), paused."""

_CALLER_BACKLOG = 3  # caller frames kept for the next operator tick: tick order varies by one at most


class _Tap(pj.AudioMediaPort):  # type: ignore[misc]
    """A receive-only 16 kHz mono conference port. Released like the headset port (same hazards)."""

    closing = False
    errors = 0
    last_error = ""
    destroy = BridgePort.destroy  # unlink, wait for the conference to apply it, then free the C++ port
    _unlink_all = BridgePort._unlink_all

    def __init__(self, frames: FrameIO) -> None:
        super().__init__()
        self.frames = frames
        self.errors = 0
        self.last_error = ""

    def create(self, name: str) -> None:
        fmt = pj.MediaFormatAudio()
        fmt.init(pj.PJMEDIA_FORMAT_PCM, 16000, 1, 20000, 16)
        self.createPort(name, fmt)

    def read(self, frame: Any) -> bytes:
        data = self.frames.read(frame)
        if len(data) == FRAME_BYTES:
            return data
        return data[:FRAME_BYTES] + bytes(FRAME_BYTES - len(data[:FRAME_BYTES])) if data else b""


class CallerTap(_Tap):
    """Listens to the call; keeps its newest frames for the operator tap to pair."""

    def __init__(self, frames: FrameIO) -> None:
        super().__init__(frames)
        self.backlog: collections.deque[bytes] = collections.deque(maxlen=_CALLER_BACKLOG)

    def onFrameReceived(self, frame: object) -> None:
        if self.closing:
            return
        try:
            self.backlog.append(self.read(frame))
        except Exception as exc:
            self.errors += 1
            self.last_error = repr(exc)


class OperatorTap(_Tap):
    """Listens to the headset port; every tick emits one (caller, operator, paused) pair to ``out``."""

    def __init__(self, frames: FrameIO, caller: CallerTap, out: queue.SimpleQueue[Pair | None]) -> None:
        super().__init__(frames)
        self.caller = caller
        self.out = out
        self.paused = False  # set by the engine thread; read once per tick
        self.ticks = 0

    def onFrameReceived(self, frame: object) -> None:
        if self.closing:
            return
        try:
            mine = self.read(frame)
            backlog = self.caller.backlog
            theirs = backlog.popleft() if backlog else b""
            self.ticks += 1
            if self.paused:
                self.out.put((b"", b"", True))
            else:
                self.out.put((theirs, mine, False))
        except Exception as exc:
            self.errors += 1
            self.last_error = repr(exc)
