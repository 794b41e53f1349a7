"""Scoring calls of :class:`app.client.api.ApiClient` (issue 18, ``docs/quality.md`` "Scoring"): the
evaluation forms, an operator's recorded calls with their evaluations (team leads), saving an
evaluation, and reading evaluations (an operator their own).

The quality wire models are imported by the calls, on first use: every desktop has this mixin and
most never score (issue 15's idle memory)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.client.answers import JSON, created, ok, parse_list
from app.client.errors import TransientError
from app.client.mixin import SendsRequests

if TYPE_CHECKING:
    from app.wire.quality import EvaluationIn, EvaluationOut, FormOut, ScoredRecording


class QualityCalls(SendsRequests):
    """Mixed into :class:`~app.client.api.ApiClient` (which supplies :meth:`request`)."""

    async def evaluation_forms(self) -> list[FormOut]:
        """The forms a lead may score on now (retired ones are not offered)."""
        from app.wire.quality import FormOut

        return parse_list(FormOut, await self.request("GET", "/quality/forms"))

    async def scored_recordings(self, operator: str) -> list[ScoredRecording]:
        """The operator's stored recordings, newest first, each with its evaluation if scored."""
        from app.wire.quality import ScoredRecording

        return parse_list(
            ScoredRecording, await self.request("GET", "/quality/recordings", params={"operator": operator})
        )

    async def evaluate(self, evaluation: EvaluationIn) -> EvaluationOut:
        """Save an evaluation; the answer carries the score the server computed."""
        from app.wire.quality import EvaluationOut

        response = await self.request(
            "POST", "/quality/evaluations", content=evaluation.model_dump_json(), headers=JSON
        )
        saved = created(EvaluationOut, response)
        if saved is None:
            raise TransientError("malformed answer to /quality/evaluations", response.status_code)
        return saved

    async def evaluations(self, operator: str | None = None) -> list[EvaluationOut]:
        """Evaluations of ``operator`` (``None``: the caller's own), newest call first."""
        from app.wire.quality import EvaluationOut

        params = {"operator": operator} if operator is not None else None
        return parse_list(EvaluationOut, await self.request("GET", "/quality/evaluations", params=params))

    async def evaluation(self, evaluation_id: int) -> EvaluationOut:
        from app.wire.quality import EvaluationOut

        return ok(EvaluationOut, await self.request("GET", f"/quality/evaluations/{evaluation_id}"))
