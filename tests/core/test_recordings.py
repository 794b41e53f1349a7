"""Call recording at the desk (issue 18): the queue's policy from the catalogue decides whether a call
is recorded when answered, offered on demand, or never; pause and resume reach the phone; a finished
file goes to the outbox under the call's id as the server knows it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.refused import Refused
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.recordings import RecordingIn
from app.workstation.notices import RecordingNotice
from app.workstation.recordings import CallRecordings
from tests.core.helpers import CATALOGUE, incoming, state
from tests.core.test_workstation import Desk

RECORDED_CATALOGUE = CATALOGUE.model_copy(
    update={"recording": "always", "recording_queues": {"survey": "never", "shop": "on_demand"}}
)


class Recorded(Desk):
    def __init__(self, tmp: Path) -> None:
        super().__init__()
        self.delivered: list[tuple[RecordingIn, str]] = []
        self.ws.recordings = CallRecordings(
            self.phone,
            self.ws.hub,
            lambda: RECORDED_CATALOGUE,
            tmp / "recordings",
            lambda rec, path: self.delivered.append((rec, path)),
        )

    def views(self, call_id: str) -> list[str]:
        return [n.view.state for n in self.of(RecordingNotice) if n.view.call_id == call_id]


def answered(d: Recorded, queue: str, call_id: str = "c1") -> None:
    async def go() -> None:
        d.event(incoming(call_id, 10, queue=queue))
        await d.ws.answer()
        d.event(state(call_id, CallState.ACTIVE, 13))
        await asyncio.sleep(0)  # the start command goes out

    asyncio.run(go())


def test_an_always_queue_records_from_the_answer_and_hands_the_file_to_the_outbox(tmp_path: Path) -> None:
    d = Recorded(tmp_path)
    answered(d, "sales")
    [start] = [c for c in d.phone.take() if isinstance(c, cmd.StartRecording)]
    assert start.call_id == "c1" and start.path.endswith(".ogg") and Path(start.path).is_absolute()
    d.event(ev.RecordingChanged(call_id="c1", state=ev.RecordingState.RECORDING, path=start.path))
    asyncio.run(d.ws.recordings.pause("c1", True))  # type: ignore[union-attr]
    assert d.phone.take() == [cmd.PauseRecording(call_id="c1", paused=True)]
    d.event(ev.RecordingChanged(call_id="c1", state=ev.RecordingState.PAUSED, path=start.path))
    d.event(
        ev.RecordingChanged(
            call_id="c1",
            state=ev.RecordingState.FINISHED,
            path=start.path,
            seconds=61.2,
            size=123_456,
            sha256="ab" * 32,
            pauses=((2.0, 3.5),),
        )
    )
    assert d.views("c1") == ["off", "starting", "recording", "paused", "finished"]
    [(recording, path)] = d.delivered
    assert path == start.path
    assert recording.call_id == d.ws.calls["c1"].record_id and recording.queue == "sales"
    assert (recording.size, recording.sha256, recording.seconds) == (123_456, "ab" * 32, 61.2)
    assert [(p.start, p.end) for p in recording.pauses] == [(2.0, 3.5)]


def test_an_on_demand_queue_offers_recording_and_a_never_queue_refuses_it(tmp_path: Path) -> None:
    d = Recorded(tmp_path)
    answered(d, "shop")
    assert not [c for c in d.phone.take() if isinstance(c, cmd.StartRecording)]
    assert d.views("c1") == ["available"]
    asyncio.run(d.ws.recordings.record("c1"))  # type: ignore[union-attr]
    assert [type(c) for c in d.phone.take()] == [cmd.StartRecording]

    answered(d, "survey", call_id="c2")
    assert not [c for c in d.phone.take() if isinstance(c, cmd.StartRecording)]
    assert d.views("c2") == ["off"]
    with pytest.raises(Refused):
        asyncio.run(d.ws.recordings.record("c2"))  # type: ignore[union-attr]
    with pytest.raises(Refused):
        asyncio.run(d.ws.recordings.pause("c2", True))  # type: ignore[union-attr]
