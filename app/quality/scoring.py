"""A team lead's recorded calls of one operator: list them, listen to one through the lead's own
telephony service (the same :class:`~app.workstation.playback.RecordingPlayer` the card's history
uses), score it on a form and save the evaluation. Qt-free; ``ui.team.scoring`` shows it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from app.quality.sheet import ScoreSheet
from app.refused import Refused
from app.wire.quality import EvaluationIn, EvaluationOut, FormOut, ScoredRecording
from app.workstation.playback import RecordingPlayer


class QualityApi(Protocol):
    async def evaluation_forms(self) -> list[FormOut]: ...

    async def scored_recordings(self, operator: str) -> list[ScoredRecording]: ...

    async def evaluate(self, evaluation: EvaluationIn) -> EvaluationOut: ...


class CallScoring:
    """One operator's recorded calls as the lead works through them."""

    def __init__(self, api: QualityApi, player: Callable[[], RecordingPlayer | None]) -> None:
        self.api = api
        self.player = player
        self.operator: str | None = None
        self.calls: list[ScoredRecording] = []
        self.forms: list[FormOut] = []
        self.sheet: ScoreSheet | None = None

    async def load(self, operator: str) -> list[ScoredRecording]:
        """The operator's recorded calls (newest first) and the forms to score them on."""
        self.operator = operator
        self.calls = await self.api.scored_recordings(operator)
        self.forms = await self.api.evaluation_forms()
        return self.calls

    def find(self, recording_id: int) -> ScoredRecording:
        return next(c for c in self.calls if c.recording.id == recording_id)

    def start_sheet(self, recording_id: int, form_id: int | None = None) -> ScoreSheet | None:
        """A fresh sheet for an unscored call (the first form unless one is named); ``None`` when the
        call is scored already (its evaluation is shown instead) or no form exists."""
        call = self.find(recording_id)
        if call.evaluation is not None or not self.forms:
            self.sheet = None
            return None
        form = next((f for f in self.forms if f.id == form_id), self.forms[0])
        self.sheet = ScoreSheet(form, recording_id)
        return self.sheet

    async def listen(self, recording_id: int) -> None:
        """Fetch and play the call in the lead's headset (the server audits the play)."""
        player = self.player()
        if player is None:
            raise Refused(
                "no telephony service to play through", code="recording", key="recording_unavailable"
            )
        call = self.find(recording_id)
        await player.open(call.recording.id, call.recording.seconds)

    async def save(self) -> EvaluationOut:
        """Send the sheet (``Incomplete`` when a question is unanswered); the list then shows the
        score the server computed."""
        sheet = self.sheet
        if sheet is None:
            raise Refused("nothing to save", code="quality", key="recording_unavailable")
        saved = await self.api.evaluate(sheet.evaluation())
        self.calls = [
            ScoredRecording(recording=c.recording, evaluation=saved)
            if c.recording.id == saved.recording_id
            else c
            for c in self.calls
        ]
        self.sheet = None
        return saved
