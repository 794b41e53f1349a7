"""The lead's scoring core (issue 18): the sheet's live total is the server's arithmetic (weights,
0-5 scales, a critical "no" zeroes it), nothing is sent before every question is answered, the score
is never sent, and a call is played through the same player the card's history uses."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.quality.score import BadAnswers, check, score
from app.quality.scoring import CallScoring
from app.quality.sheet import Incomplete, ScoreSheet
from app.telephony import commands as cmd
from app.wire.quality import EvaluationIn, EvaluationOut, FormOut, ScoredRecording
from app.wire.recordings import RecordingOut
from app.workstation.playback import RecordingPlayer
from tests.core.helpers import FakePhone

NOW = datetime(2026, 12, 6, 10, tzinfo=UTC)
FORM = FormOut.model_validate(
    {
        "id": 7,
        "name": "Sales",
        "active": True,
        "created_at": NOW,
        "sections": [
            {
                "title": "Opening",
                "questions": [
                    {"key": "greeting", "text": "Greeting", "weight": 2},
                    {"key": "consent", "text": "Consent", "critical": True},
                ],
            },
            {"title": "Talk", "questions": [{"key": "tone", "text": "Tone", "kind": "scale", "weight": 5}]},
        ],
    }
)


def recording(rec_id: int) -> RecordingOut:
    return RecordingOut(
        id=rec_id,
        operator="op",
        call_id=f"c{rec_id}",
        started_at=NOW,
        seconds=90.0,
        size=10,
        sha256="0" * 64,
        received=10,
        stored=True,
    )


def test_the_score_weighs_scales_and_zeroes_on_a_critical_no() -> None:
    assert score(FORM, {"greeting": 1, "consent": 1, "tone": 5}).score == 100.0
    assert score(FORM, {"greeting": 1, "consent": 1, "tone": 3}).score == 75.0  # (2 + 1 + 3) / 8
    assert score(FORM, {"greeting": 0, "consent": 1, "tone": 0}).score == 12.5
    failed = score(FORM, {"greeting": 1, "consent": 0, "tone": 5})
    assert failed.score == 0.0 and failed.critical_failed
    with pytest.raises(BadAnswers):
        check(FORM, {"greeting": 1, "consent": 1})
    with pytest.raises(BadAnswers):
        check(FORM, {"greeting": 1, "consent": 1, "tone": 6})


def test_the_sheet_totals_live_and_sends_answers_not_a_score() -> None:
    sheet = ScoreSheet(FORM, recording_id=3)
    assert sheet.total.score == 0.0 and not sheet.complete
    sheet.answer("greeting", 1)
    assert sheet.total.score == 25.0  # 2 of 8 so far
    sheet.answer("tone", 5)
    assert sheet.total.score == 87.5
    with pytest.raises(Incomplete):
        sheet.evaluation()
    sheet.answer("consent", 0)
    assert sheet.total.score == 0.0 and sheet.total.critical_failed
    with pytest.raises(ValueError, match="out of range"):
        sheet.answer("greeting", 2)
    sheet.comment = "  read the consent line  "
    sent = sheet.evaluation()
    assert sent.answers == {"greeting": 1, "tone": 5, "consent": 0}
    assert sent.comment == "read the consent line"
    assert "score" not in sent.model_dump()


class FakeApi:
    def __init__(self) -> None:
        self.sent: list[EvaluationIn] = []
        self.calls = [ScoredRecording(recording=recording(1)), ScoredRecording(recording=recording(2))]

    async def evaluation_forms(self) -> list[FormOut]:
        return [FORM]

    async def scored_recordings(self, operator: str) -> list[ScoredRecording]:
        return list(self.calls)

    async def evaluate(self, evaluation: EvaluationIn) -> EvaluationOut:
        self.sent.append(evaluation)
        result = score(FORM, evaluation.answers)
        return EvaluationOut(
            id=len(self.sent),
            recording_id=evaluation.recording_id,
            call_id="c",
            call_started_at=NOW,
            operator="op",
            evaluator="lead",
            form=FORM,
            answers=evaluation.answers,
            comment=evaluation.comment,
            score=result.score,
            critical_failed=result.critical_failed,
            created_at=NOW,
        )

    async def download_recording(self, recording_id: int) -> bytes:
        return b"OggS" + bytes([recording_id])


def test_the_lead_listens_through_the_shared_player_and_saves(tmp_path: Path) -> None:
    api, phone = FakeApi(), FakePhone()
    player = RecordingPlayer(phone, api.download_recording, tmp_path)
    scoring = CallScoring(api, lambda: player)

    async def go() -> None:
        assert [c.recording.id for c in await scoring.load("op")] == [1, 2]
        await scoring.listen(2)
        [play] = phone.take()
        assert isinstance(play, cmd.PlayRecording) and play.position_s == 0.0
        assert Path(play.path).read_bytes() == b"OggS\x02"
        sheet = scoring.start_sheet(2)
        assert sheet is not None and sheet.form.id == 7
        for key, value in {"greeting": 1, "consent": 1, "tone": 4}.items():
            sheet.answer(key, value)
        saved = await scoring.save()
        assert saved.score == 87.5
        assert scoring.find(2).evaluation == saved and scoring.find(1).evaluation is None
        assert scoring.start_sheet(2) is None  # scored: its evaluation is shown, not a new sheet

    asyncio.run(go())
    assert [e.recording_id for e in api.sent] == [2]
