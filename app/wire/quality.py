"""Scoring recorded calls on the wire (issue 18, ``docs/quality.md`` "Scoring").

An admin defines an evaluation form: sections of questions, each with a weight and an answer kind,
``yes_no`` (yes earns the weight, no nothing) or ``scale`` (0 to :data:`SCALE_MAX` points, earning that
share of the weight). A ``critical`` question (yes/no only) answered "no" zeroes the whole score. A team
lead answers every question for one recorded call of their team; the server computes the score from
the answers (``app.quality.score``), never takes it from the client. A form is frozen once an
evaluation used it: an evaluation always shows the form it was scored on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from app.wire.common import Comment, Id64, Label, UserName, UtcDatetime, WireModel
from app.wire.recordings import RecordingOut
from app.wire.schema import Field, StringConstraints, model_validator

SCALE_MAX = 5
"""A scale answer is a whole number of points from 0 to this."""
QUESTIONS_MAX = 100
SECTIONS_MAX = 20

QuestionKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
QuestionText = Annotated[str, StringConstraints(min_length=1, max_length=500)]


class AnswerKind(StrEnum):
    YES_NO = "yes_no"
    SCALE = "scale"


class Question(WireModel):
    """One question: its key (unique in the form), its text, how it is answered and what it weighs."""

    key: QuestionKey
    text: QuestionText
    kind: AnswerKind = AnswerKind.YES_NO
    weight: int = Field(default=1, ge=1, le=100)
    critical: bool = False
    """Answered "no", the whole score is 0 (yes/no questions only)."""

    @model_validator(mode="after")
    def _critical_is_yes_no(self) -> Question:
        if self.critical and self.kind is not AnswerKind.YES_NO:
            raise ValueError("only a yes/no question can be critical")
        return self


class Section(WireModel):
    title: Label
    questions: list[Question] = Field(min_length=1, max_length=QUESTIONS_MAX)


class FormIn(WireModel):
    """An evaluation form as an admin writes it."""

    name: Label
    sections: list[Section] = Field(min_length=1, max_length=SECTIONS_MAX)

    @model_validator(mode="after")
    def _keys_unique(self) -> FormIn:
        keys = [q.key for s in self.sections for q in s.questions]
        if len(keys) != len(set(keys)):
            raise ValueError("each question's key must be unique in the form")
        if len(keys) > QUESTIONS_MAX:
            raise ValueError(f"a form has at most {QUESTIONS_MAX} questions")
        return self

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


class FormOut(FormIn):
    """A form as the server holds it. ``used``: an evaluation was scored on it, so it is frozen;
    ``active`` false: retired (no new evaluations, its old ones still show it)."""

    id: int
    active: bool
    used: bool = False
    created_at: UtcDatetime


Answers = dict[QuestionKey, int]
"""Question key -> answer: 1 (yes) or 0 (no) for yes/no, 0..SCALE_MAX points for a scale."""


class EvaluationIn(WireModel):
    """A team lead's scoring of one recorded call on one form. No score: the server computes it."""

    recording_id: Id64
    form_id: int
    answers: Answers = Field(max_length=QUESTIONS_MAX)
    comment: Comment = ""


class EvaluationOut(WireModel):
    """An evaluation with its form (as scored), the score the server computed (0-100) and whether a
    critical question zeroed it."""

    id: Id64
    recording_id: Id64
    call_id: str
    call_started_at: UtcDatetime
    operator: UserName
    evaluator: UserName
    form: FormOut
    answers: Answers
    comment: Comment
    score: float
    critical_failed: bool
    created_at: UtcDatetime


class ScoredRecording(WireModel):
    """One of an operator's recorded calls as the lead's window lists it, with its evaluation if any."""

    recording: RecordingOut
    evaluation: EvaluationOut | None = None
