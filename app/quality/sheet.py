"""The scoring sheet a team lead fills in beside the player: answers so far, the live total and the
evaluation to send. Qt-free so the arithmetic the lead sees is the server's own (``app.quality.score``)
and is tested without widgets."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.quality.score import Score, answer_range, score
from app.wire.quality import EvaluationIn, FormOut, Question


class Incomplete(ValueError):
    """Saving before every question is answered."""


@dataclass
class ScoreSheet:
    """One form being filled in for one recording."""

    form: FormOut
    recording_id: int
    answers: dict[str, int] = field(default_factory=dict)
    comment: str = ""

    def question(self, key: str) -> Question:
        return next(q for q in self.form.questions() if q.key == key)

    def answer(self, key: str, value: int | None) -> None:
        """Set (or, with ``None``, clear) one answer; out of the question's range is a ValueError."""
        if value is None:
            self.answers.pop(key, None)
            return
        if value not in answer_range(self.question(key)):
            raise ValueError(f"{key}: {value} is out of range")
        self.answers[key] = value

    @property
    def total(self) -> Score:
        """The live total: what the answers so far earn (unanswered earn nothing), critical zeroing."""
        return score(self.form, self.answers)

    @property
    def unanswered(self) -> list[str]:
        return [q.key for q in self.form.questions() if q.key not in self.answers]

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def evaluation(self) -> EvaluationIn:
        """What is sent: the answers and the comment, never the score (the server computes it)."""
        if not self.complete:
            raise Incomplete(f"unanswered: {', '.join(self.unanswered)}")
        return EvaluationIn(
            recording_id=self.recording_id,
            form_id=self.form.id,
            answers=dict(self.answers),
            comment=self.comment.strip(),
        )
