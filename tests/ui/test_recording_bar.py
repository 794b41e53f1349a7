"""The call's recording as the operator sees it (issue 18): the bar above the card says whether the call
is recorded, paused or can be, in words, in English and Russian; its button starts, pauses and resumes
the recording through the core; a queue never recorded shows nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.recordings import RecordingIn
from app.workstation.recordings import attach_recordings
from tests.core.helpers import CATALOGUE, ended, incoming, state
from tests.ui.test_desk import Harness
from ui.i18n import Language, set_language

CATALOGUE_WITH_POLICY = CATALOGUE.model_copy(
    update={"recording": "always", "recording_queues": {"shop": "on_demand", "survey": "never"}}
)


class FakeServer:
    """The outbox and the server's recordings as the desk sees them."""

    def __init__(self) -> None:
        self.put: list[tuple[RecordingIn, str]] = []
        self.fetched: list[int] = []

    def put_recording(self, recording: RecordingIn, path: str) -> None:
        self.put.append((recording, path))

    async def download_recording(self, recording_id: int) -> bytes:
        self.fetched.append(recording_id)  # the server audits this as a play
        return b"OggS-fake-recording"


def _answered(h: Harness, queue: str, tmp_path: Path) -> None:
    attach_recordings(h.ws, h.phone, tmp_path / "rec", FakeServer())
    h.ws.start_shift()
    h.event(incoming("c1", 10, queue=queue))
    h.window.ringing.answer_requested.emit()
    h.settle()
    h.event(state("c1", CallState.ACTIVE, 13))
    h.settle()


def _shown(h: Harness) -> tuple[bool, str, str]:
    bar = h.window.recording
    button = bar.button.text() if bar.button.isVisibleTo(bar) else ""
    return bar.isVisibleTo(h.window), bar.state.text(), button


def test_on_demand_record_pause_resume_in_both_languages(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    h = Harness(loop, catalogue=CATALOGUE_WITH_POLICY)
    _answered(h, "shop", tmp_path)
    assert _shown(h) == (True, "Not recorded", "Record")
    h.phone.take()

    h.window.recording.button.click()
    h.settle()
    [start] = h.phone.take()
    assert isinstance(start, cmd.StartRecording) and start.call_id == "c1"
    h.event(ev.RecordingChanged(call_id="c1", state=ev.RecordingState.RECORDING, path=start.path))
    assert _shown(h) == (True, "● Recording", "Pause recording")

    h.window.recording.button.click()
    h.settle()
    assert h.phone.take() == [cmd.PauseRecording(call_id="c1", paused=True)]
    h.event(ev.RecordingChanged(call_id="c1", state=ev.RecordingState.PAUSED, path=start.path))
    assert _shown(h) == (True, "Recording paused", "Resume recording")
    set_language(Language.RU)
    assert _shown(h) == (True, "Запись приостановлена", "Продолжить запись")
    set_language(Language.EN)

    h.window.recording.button.click()
    h.settle()
    assert h.phone.take() == [cmd.PauseRecording(call_id="c1", paused=False)]

    h.event(ended("c1", 70))
    assert _shown(h)[0] is False


def test_an_always_queue_shows_recording_at_once_and_a_never_queue_shows_nothing(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    h = Harness(loop, catalogue=CATALOGUE_WITH_POLICY)
    _answered(h, "sales", tmp_path)
    [start] = [c for c in h.phone.take() if isinstance(c, cmd.StartRecording)]
    h.event(ev.RecordingChanged(call_id="c1", state=ev.RecordingState.RECORDING, path=start.path))
    set_language(Language.RU)
    assert _shown(h) == (True, "● Идёт запись", "Приостановить запись")
    set_language(Language.EN)

    other = Harness(loop, catalogue=CATALOGUE_WITH_POLICY)
    _answered(other, "survey", tmp_path)
    assert not [c for c in other.phone.take() if isinstance(c, cmd.StartRecording)]
    assert _shown(other)[0] is False


def test_the_history_shows_each_calls_recording_with_its_pauses(qapp: object) -> None:
    from datetime import UTC, datetime

    from app.wire.contacts import HistoryCall
    from app.wire.recordings import Pause, RecordingRef
    from ui.card.history_view import HistoryView

    when = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    items = [
        HistoryCall(
            call_id="a",
            operator="op",
            ring_at=when,
            recording=RecordingRef(id=1, seconds=62.4, stored=True, pauses=[Pause(start=2.0, end=4.5)]),
        ),
        HistoryCall(
            call_id="b", operator="op", ring_at=when, recording=RecordingRef(id=2, seconds=5, stored=True)
        ),
        HistoryCall(
            call_id="c",
            operator="op",
            ring_at=when,
            recording=RecordingRef(id=3, seconds=5, stored=True, purged=True),
        ),
        HistoryCall(call_id="d", operator="op", ring_at=when),
    ]
    view = HistoryView()
    view.show_history(items, list(CATALOGUE.dispositions))
    column = [view.headerItem().text(4)] + [view.topLevelItem(i).text(4) for i in range(4)]
    assert column == ["Recording", "1:02, paused 0:02\u20130:04", "0:05", "deleted", ""]
    set_language(Language.RU)
    column = [view.headerItem().text(4)] + [view.topLevelItem(i).text(4) for i in range(4)]
    assert column == ["Запись", "1:02, пауза 0:02\u20130:04", "0:05", "удалена", ""]
    set_language(Language.EN)


def test_a_recording_in_the_history_plays_in_the_headset_with_seek_speed_and_stop(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from app.wire.contacts import HistoryCall, HistoryItem
    from app.wire.recordings import RecordingRef

    h = Harness(loop, catalogue=CATALOGUE_WITH_POLICY)
    earlier = HistoryCall(
        call_id="old",
        operator="op",
        ring_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        recording=RecordingRef(id=77, seconds=90.0, stored=True),
    )

    async def history(contact_id: int) -> list[HistoryItem]:
        return [earlier]

    h.services.history = history  # type: ignore[method-assign]
    server = FakeServer()
    attach_recordings(h.ws, h.phone, tmp_path / "rec", server)
    h.ws.start_shift()
    h.event(incoming("c1", 10, queue="survey"))  # the caller's card opens with their history
    h.settle()
    page = h.window.card.contact_page
    row = page.history.topLevelItem(0)
    assert row.text(4) == "1:30"
    assert not page.player.isVisibleTo(h.window)

    page.history.itemActivated.emit(row, 0)
    h.settle()
    [play] = h.phone.take()
    assert isinstance(play, cmd.PlayRecording) and (play.position_s, play.speed) == (0.0, 1.0)
    assert server.fetched == [77] and Path(play.path).read_bytes() == b"OggS-fake-recording"
    assert page.player.isVisibleTo(h.window) and page.player.button.text() == "Stop"
    assert page.player.time.text() == "0:00 / 1:30"

    page.player.speed.activated.emit(2)  # 2x
    h.settle()
    [faster] = h.phone.take()
    assert isinstance(faster, cmd.PlayRecording) and faster.speed == 2.0
    page.player.slider.setValue(45)
    page.player.slider.sliderReleased.emit()
    h.settle()
    [seek] = h.phone.take()
    assert isinstance(seek, cmd.PlayRecording) and (seek.position_s, seek.speed) == (45.0, 2.0)
    set_language(Language.RU)
    assert page.player.button.text() == "Стоп"
    set_language(Language.EN)

    page.player.button.click()
    h.settle()
    assert h.phone.take() == [cmd.StopPlayback()]
    assert page.player.button.text() == "Play"
