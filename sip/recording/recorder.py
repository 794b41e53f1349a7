"""Per-call recordings in the engine: which taps listen to what, pause, and the end of each file.

Engine thread only (it links and releases conference ports). The engine tells it about every call state
(``follow``): the call's media object changes on hold and resume, and the caller tap must listen to the
current one. A recording ends with its call (``CallEnded``) or at shutdown; the file is then finished by
the writer's thread and announced with ``RecordingChanged(finished)`` from a short helper thread, so the
engine never waits for the encoder.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pjsua2 as pj

from app.telephony import events as ev
from sip.audio.frames import FrameIO
from sip.audio.streams import FRAME_BYTES
from sip.recording.taps import CallerTap, OperatorTap

if TYPE_CHECKING:  # numpy and libsndfile load with the first recording, not with every phone
    from sip.recording.writer import OpusWriter, Result

log = logging.getLogger(__name__)


class RecordingRefused(Exception):
    """The recording cannot start or change (no such call, no headset port, already recording)."""


@dataclass
class _Recording:
    call_id: str
    writer: OpusWriter
    caller: CallerTap
    operator: OperatorTap
    media: Any = None  # the call's AudioMedia the caller tap listens to now
    media_id: int = -1


class CallRecorder:
    """Starts, pauses, follows and ends the recordings of the engine's calls."""

    def __init__(self, headset_port: Callable[[], Any], emit: Callable[[ev.Event], None]) -> None:
        self._headset_port = headset_port
        self._emit = emit
        self._frames: FrameIO | None = None
        self.recordings: dict[str, _Recording] = {}
        self._finishing: list[threading.Thread] = []

    def start(self, call_id: str, path: str, media: Any) -> None:
        """Begin recording ``call_id`` into ``path`` (an ``.ogg`` file); ``media`` may be None (held)."""
        if call_id in self.recordings:
            raise RecordingRefused(f"call {call_id} is already being recorded")
        port = self._headset_port()
        if port is None:
            raise RecordingRefused("the audio bridge has no headset port")
        target = Path(path)
        if target.suffix != ".ogg" or not target.is_absolute():
            raise RecordingRefused("a recording's path must be an absolute .ogg path")
        from sip.recording.writer import OpusWriter

        if self._frames is None:
            self._frames = FrameIO(pj, FRAME_BYTES)
            self._frames.calibrate()
        writer = OpusWriter(target)
        caller = CallerTap(self._frames)
        caller.create(f"rec-caller-{call_id}")
        operator = OperatorTap(self._frames, caller, writer.queue)
        operator.create(f"rec-operator-{call_id}")
        writer.start()
        rec = _Recording(call_id, writer, caller, operator)
        self.recordings[call_id] = rec
        port.startTransmit(operator)
        self._listen(rec, media)
        self._announce(rec, ev.RecordingState.RECORDING)

    def pause(self, call_id: str, paused: bool) -> None:
        """Silence (and mark) or resume the recording from the next 20 ms tick."""
        rec = self.recordings.get(call_id)
        if rec is None:
            raise RecordingRefused(f"call {call_id} is not being recorded")
        if rec.operator.paused != paused:
            rec.operator.paused = paused
            self._announce(rec, ev.RecordingState.PAUSED if paused else ev.RecordingState.RECORDING)

    def follow(self, call_id: str, media: Any) -> None:
        """The call's media is now ``media`` (None on hold or at the end): listen to it instead."""
        rec = self.recordings.get(call_id)
        if rec is not None:
            self._listen(rec, media)

    def stop(self, call_id: str) -> None:
        """End the recording: release the taps now, finish the file in the background."""
        rec = self.recordings.pop(call_id, None)
        if rec is None:
            return
        self._release(rec)
        thread = threading.Thread(target=self._finish, args=(rec,), name=f"finish-{call_id}", daemon=True)
        self._finishing.append(thread)
        thread.start()

    def close(self, timeout_s: float = 30.0) -> None:
        """At shutdown: end every recording and wait until each file is complete."""
        for call_id in list(self.recordings):
            self.stop(call_id)
        for thread in self._finishing:
            thread.join(timeout_s)
        self._finishing.clear()

    # -- internals ------------------------------------------------------------------------------------

    def _listen(self, rec: _Recording, media: Any) -> None:
        new_id = -1
        if media is not None:
            with contextlib.suppress(Exception):
                new_id = int(media.getPortId())
        if new_id == rec.media_id and media is not None:
            return
        if rec.media is not None:
            with contextlib.suppress(Exception):  # the call's slot may already be gone
                rec.media.stopTransmit(rec.caller)
        rec.media, rec.media_id = None, -1
        rec.caller.backlog.clear()
        if media is not None and new_id >= 0:
            media.startTransmit(rec.caller)
            rec.media, rec.media_id = media, new_id

    def _release(self, rec: _Recording) -> None:
        self._listen(rec, None)
        for tap in (rec.operator, rec.caller):
            try:
                tap.destroy()
            except Exception as exc:
                log.warning("recording tap of call %s did not close cleanly: %s", rec.call_id, exc)

    def _finish(self, rec: _Recording) -> None:
        result: Result = rec.writer.finish()
        state = ev.RecordingState.FAILED if result.error else ev.RecordingState.FINISHED
        self._emit(
            ev.RecordingChanged(
                call_id=rec.call_id,
                state=state,
                path=str(result.path),
                seconds=result.seconds,
                size=result.size,
                sha256=result.sha256,
                pauses=tuple(result.pauses),
                error=result.error,
            )
        )

    def _announce(self, rec: _Recording, state: ev.RecordingState) -> None:
        self._emit(
            ev.RecordingChanged(
                call_id=rec.call_id,
                state=state,
                path=str(rec.writer.path),
                seconds=round(rec.operator.ticks * 0.02, 2),
            )
        )
