"""Call recording at the desk: when to record, pause and resume, and handing finished files to the outbox.

The policy comes from the server's catalogue (``Catalogue.recording`` and ``recording_queues``): in a
queue recorded ``always`` the recording starts when the call is answered; ``on_demand`` offers the
operator "Record"; ``never`` records nothing. The telephony service does the recording
(``StartRecording``/``PauseRecording``, ``RecordingChanged``); this class keeps one
:class:`RecordingView` per call, publishes it (:class:`RecordingNotice`) for the card, and gives each
finished file to ``deliver`` (the outbox) with the call's id as the server knows it.

Decision: the default, when the server says nothing, is ``always``: a contact centre buys recording to
hear its calls, and a queue that must not be recorded (a survey, a doctor's line) is configured so.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from app.refused import Refused
from app.session.call import CallSession
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.wire.dispositions import Catalogue
from app.wire.recordings import Pause, RecordingIn, RecordingPolicy
from app.workstation.hub import Hub
from app.workstation.notices import RecordingNotice, RecordingState, RecordingView
from app.workstation.playback import RecordingPlayer
from app.workstation.ports import PhoneCommands

if TYPE_CHECKING:
    from app.workstation.coordinator import Workstation

log = logging.getLogger(__name__)


def policy_for(catalogue: Catalogue, queue: str | None) -> RecordingPolicy:
    """The recording policy of ``queue`` (its exception, else the centre's default)."""
    value = catalogue.recording_queues.get(queue or "", catalogue.recording)
    try:
        return RecordingPolicy(value)
    except ValueError:
        return RecordingPolicy.ALWAYS


class CallRecordings:
    """Starts, pauses and hands over the recordings of the desk's calls. Runs on the workstation's loop."""

    def __init__(
        self,
        phone: PhoneCommands,
        hub: Hub,
        catalogue: Callable[[], Catalogue],
        directory: Path,
        deliver: Callable[[RecordingIn, str], None],
    ) -> None:
        self._phone = phone
        self._hub = hub
        self._catalogue = catalogue
        self._directory = directory
        self._deliver = deliver
        self.views: dict[str, RecordingView] = {}
        self.player: RecordingPlayer | None = None
        """Playback of recordings from the card's history (set by :func:`attach_recordings`)."""
        self._tasks: set[asyncio.Task[None]] = set()

    # ----- events ---------------------------------------------------------------------------------

    def on_phone_event(self, event: ev.Event, sessions: Mapping[str, CallSession]) -> None:
        """Called by the workstation after its sessions took ``event``."""
        if isinstance(event, ev.CallStateChanged) and event.state is ev.CallState.ACTIVE:
            session = sessions.get(event.call_id)
            if session is not None and event.call_id not in self.views:
                self._answered(session)
        elif isinstance(event, ev.RecordingChanged):
            self._changed(event)

    def _answered(self, session: CallSession) -> None:
        policy = policy_for(self._catalogue(), session.queue)
        view = RecordingView(
            call_id=session.call_id,
            state="available" if policy is RecordingPolicy.ON_DEMAND else "off",
            policy=policy,
            record_id=session.record_id,
            queue=session.queue,
            started_at=datetime.now(UTC),
        )
        self._put(view)
        if policy is RecordingPolicy.ALWAYS:
            self._spawn(self._start(session.call_id))

    def _changed(self, event: ev.RecordingChanged) -> None:
        view = self.views.get(event.call_id)
        if view is None:
            return
        state: RecordingState = event.state.value
        view = replace(view, state=state, pauses=event.pauses or view.pauses, error=event.error)
        self._put(view)
        if event.state is ev.RecordingState.FINISHED:
            recording = RecordingIn(
                call_id=view.record_id or view.call_id,
                queue=view.queue,
                started_at=view.started_at or datetime.now(UTC),
                seconds=event.seconds,
                size=max(event.size, 1),
                sha256=event.sha256,
                pauses=[Pause(start=a, end=b) for a, b in event.pauses],
            )
            self._deliver(recording, event.path)
        if event.state in (ev.RecordingState.FINISHED, ev.RecordingState.FAILED):
            if event.error:
                log.warning("recording of %s failed: %s", event.call_id, event.error)
            self.views.pop(event.call_id, None)

    # ----- intents --------------------------------------------------------------------------------

    async def record(self, call_id: str) -> None:
        """Start recording a call whose queue records on demand."""
        view = self.views.get(call_id)
        if view is None or view.state != "available":
            raise Refused("this call cannot be recorded now", code="recording", key="recording_unavailable")
        await self._start(call_id)

    async def pause(self, call_id: str, paused: bool) -> None:
        """Pause (a client reads a card number) or resume the call's recording."""
        view = self.views.get(call_id)
        if view is None or view.state not in ("recording", "paused"):
            raise Refused("this call is not being recorded", code="recording", key="recording_unavailable")
        result = await self._phone.send(cmd.PauseRecording(call_id=call_id, paused=paused))
        if not result.ok:
            raise Refused(f"the phone refused to pause: {result.error}", code="phone", key="phone_refused")

    # ----- internals ------------------------------------------------------------------------------

    async def _start(self, call_id: str) -> None:
        view = self.views.get(call_id)
        if view is None:
            return
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)  # clients' voices: this user only
        path = self._directory / f"{uuid.uuid4()}.ogg"
        self._put(replace(view, state="starting", path=str(path)))
        result = await self._phone.send(cmd.StartRecording(call_id=call_id, path=str(path)))
        current = self.views.get(call_id)
        if not result.ok and current is not None and current.state == "starting":
            self._put(replace(current, state="failed", error=result.error))

    def _put(self, view: RecordingView) -> None:
        self.views[view.call_id] = view
        self._hub.publish(RecordingNotice(view))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class RecordingServer(Protocol):
    """Where finished recordings go (the outbox) and where earlier ones come from (the server)."""

    def put_recording(self, recording: RecordingIn, path: str) -> None: ...

    async def download_recording(self, recording_id: int) -> bytes: ...


def attach_recordings(
    workstation: Workstation, phone: PhoneCommands, directory: Path, server: RecordingServer
) -> CallRecordings:
    """Record the workstation's calls into ``directory`` (the desktop's data dir), give each finished
    file to the outbox, and play earlier ones from the card's history; the policy follows the
    workstation's catalogue."""
    recordings = CallRecordings(
        phone, workstation.hub, lambda: workstation.catalogue, directory, server.put_recording
    )
    recordings.player = RecordingPlayer(phone, server.download_recording, directory / "playback")
    workstation.recordings = recordings
    return recordings
