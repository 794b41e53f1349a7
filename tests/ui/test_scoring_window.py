"""The team lead's recorded calls and the operator's own scores, as widgets (issue 18): the lead opens
a call, it plays through the same player core and bar as the card's history (play_recording, speed,
seek), the form beside it totals live with a critical "no" zeroing it, Save sends the answers and
shows the server's score; the operator's "My scores" lists their evaluations with the comment. The
admin's texts are plain text; the words are Russian too."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from app.quality.scoring import CallScoring
from app.team.feed import Kpis, Snapshot
from app.telephony import commands as cmd
from app.wire.kpi import KpiReport, KpiRow
from app.wire.quality import EvaluationIn, EvaluationOut, FormOut
from app.wire.statuses import BoardRow, OperatorStatus
from app.workstation.playback import RecordingPlayer
from tests.core.helpers import FakePhone
from tests.core.test_scoring import FORM, FakeApi
from tests.e2e.conftest import until
from ui.i18n import Language, set_language
from ui.team.model import SORT_ROLE, Column, TeamTableModel
from ui.team.my_scores import MyScoresWindow
from ui.team.scoring import ScoringWindow

ODD_FORM = FORM.model_copy(update={"name": "<b>Sales</b> & more"})


def wait(loop: asyncio.AbstractEventLoop, what: Callable[[], bool]) -> None:
    loop.run_until_complete(until(what, timeout=10))


def choose(box: QComboBox, value: int | None) -> None:
    box.setCurrentIndex(box.findData(value))


class OddApi(FakeApi):
    async def evaluation_forms(self) -> list[FormOut]:
        return [ODD_FORM]


def test_a_lead_plays_a_call_and_scores_it_beside_the_player(
    loop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    api, phone = OddApi(), FakePhone()
    player = RecordingPlayer(phone, api.download_recording, tmp_path)
    window = ScoringWindow(CallScoring(api, lambda: player))
    window.open_operator("op")
    window.show()
    wait(loop, lambda: window.calls.topLevelItemCount() == 2)
    assert window.windowTitle() == "Recorded calls: op"
    first = window.calls.topLevelItem(1)
    assert first is not None and [first.text(c) for c in (1, 2, 3)] == ["1:30", "", ""]
    assert not window.player.isVisible()

    window.calls.itemActivated.emit(first, 0)  # double-click / Enter: play it and score it
    wait(loop, window.player.isVisible)
    [play] = phone.take()
    assert isinstance(play, cmd.PlayRecording) and (play.position_s, play.speed) == (0.0, 1.0)
    assert Path(play.path).read_bytes() == b"OggS\x02"
    assert window.player.button.text() == "Stop" and window.player.time.text() == "0:00 / 1:30"
    window.player.speed.activated.emit(1)  # 1.5x
    wait(loop, lambda: len(phone.sent) == 1)
    [faster] = phone.take()
    assert isinstance(faster, cmd.PlayRecording) and faster.speed == 1.5
    window.player.slider.setValue(30)
    window.player.slider.sliderReleased.emit()
    wait(loop, lambda: len(phone.sent) == 1)
    [seek] = phone.take()
    assert isinstance(seek, cmd.PlayRecording) and (seek.position_s, seek.speed) == (30.0, 1.5)

    form = window.form
    assert form.title.text() == "<b>Sales</b> & more"
    assert form.title.textFormat() is Qt.TextFormat.PlainText
    assert form.total.text() == "Total: 0 %" and not form.save_button.isEnabled()
    boxes = form.answer_boxes
    assert [boxes["greeting"].itemText(i) for i in range(3)] == ["–", "Yes", "No"]
    assert [boxes["tone"].itemText(i) for i in range(7)] == ["–", "0", "1", "2", "3", "4", "5"]
    choose(boxes["greeting"], 1)
    assert form.total.text() == "Total: 25 %"
    choose(boxes["tone"], 4)
    choose(boxes["consent"], 0)
    assert form.total.text() == "Total: 0 % (a critical question failed)"
    assert form.save_button.isEnabled()
    set_language(Language.RU)
    try:
        assert form.total.text() == "Итого: 0 % (провален критический вопрос)"
        assert form.save_button.text() == "Сохранить оценку"
        assert boxes["greeting"].itemText(1) == "Да"
        assert window.windowTitle() == "Записанные звонки: op"
    finally:
        set_language(Language.EN)
    choose(boxes["consent"], 1)
    assert form.total.text() == "Total: 87.5 %"
    form.comment.setPlainText("Good tone; say the consent line earlier")
    form.save_button.click()
    wait(loop, lambda: window.message.text() == "Saved: 87.5 %")
    [sent] = api.sent
    assert sent.recording_id == 2 and sent.answers == {"greeting": 1, "tone": 4, "consent": 1}
    assert sent.comment == "Good tone; say the consent line earlier"
    row = window.calls.topLevelItem(1)
    assert row is not None and row.text(3) == "87.5 %"
    assert not form.save_button.isVisible() and not boxes_enabled(window)
    assert form.by.text() == "Scored by lead"

    window.player.button.click()  # Stop
    wait(loop, lambda: phone.sent == [cmd.StopPlayback()])
    window.close()


def boxes_enabled(window: ScoringWindow) -> bool:
    return any(box.isEnabled() for box in window.form.answer_boxes.values())


class ScoresApi:
    def __init__(self, evaluations: list[EvaluationOut]) -> None:
        self.list = evaluations
        self.asked: list[str | None] = []

    async def evaluations(self, operator: str | None = None) -> list[EvaluationOut]:
        self.asked.append(operator)
        return self.list


def test_the_operator_reads_their_scores_and_comments(loop: asyncio.AbstractEventLoop) -> None:
    api = FakeApi()

    async def saved(rec: int, answers: dict[str, int], comment: str) -> EvaluationOut:
        return await api.evaluate(EvaluationIn(recording_id=rec, form_id=7, answers=answers, comment=comment))

    good = loop.run_until_complete(saved(1, {"greeting": 1, "consent": 1, "tone": 5}, "<i>Great</i> call"))
    bad = loop.run_until_complete(saved(2, {"greeting": 1, "consent": 0, "tone": 5}, "No consent asked"))
    scores = ScoresApi([bad, good])
    window = MyScoresWindow(scores)
    window.reload()
    window.show()
    wait(loop, lambda: window.list.topLevelItemCount() == 2)
    assert scores.asked == [None]  # their own: the server answers nobody else's
    assert window.summary.text() == "Average 50 % over 2 scored call(s)"
    first, second = window.list.topLevelItem(0), window.list.topLevelItem(1)
    assert first is not None and second is not None
    assert (first.text(1), first.text(2)) == ("0 % (critical)", "lead")
    assert window.form.comment.toPlainText() == "No consent asked" and window.form.comment.isReadOnly()
    assert window.form.total.text() == "Total: 0 % (a critical question failed)"
    window.list.setCurrentItem(second)
    assert window.form.comment.toPlainText() == "<i>Great</i> call"
    assert window.form.answer_boxes["tone"].currentText() == "5"
    assert not window.form.save_button.isVisible()
    set_language(Language.RU)
    try:
        assert window.windowTitle() == "Мои оценки"
        assert window.summary.text() == "В среднем 50 % по 2 оценённым звонкам"
    finally:
        set_language(Language.EN)
    window.close()


def test_the_board_shows_each_operators_quality_score(qapp: object) -> None:
    model = TeamTableModel()
    since = datetime(2026, 12, 6, 9, tzinfo=UTC)
    rows = [BoardRow(operator=name, status=OperatorStatus.READY, since=since) for name in ("anna", "boris")]
    model.apply(Snapshot(rows=rows, requests=[], thresholds=[]))
    report = KpiReport(
        since=since,
        until=since,
        operators=[KpiRow(operator="anna", evaluated=2, quality_score=68.8), KpiRow(operator="boris")],
        total=KpiRow(),
    )
    model.apply(Kpis(report))
    cells = {
        model.index(row, Column.OPERATOR).data(): model.index(row, Column.QUALITY).data() for row in range(2)
    }
    assert cells == {"anna": "68.8 %", "boris": ""}
    assert model.headerData(Column.QUALITY, Qt.Orientation.Horizontal) == "Quality"
    assert model.index(1, Column.QUALITY).data(SORT_ROLE) == -1.0  # unscored sorts below any score
