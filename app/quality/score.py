"""The quality score of one evaluation, pure: the form and the answers in, a score from 0 to 100 out.

One function for both sides: the server computes the stored score with it (never trusting a client's
figure) and the lead's window shows the same live total while the form is filled in.

* A yes/no question earns its weight for "yes" (1), nothing for "no" (0).
* A scale question earns ``points / SCALE_MAX`` of its weight (0 to 5 points).
* The score is the earned weight over the total weight, in percent, rounded to one decimal.
* A critical question answered "no" makes the score 0 whatever else was earned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.wire.quality import SCALE_MAX, AnswerKind, FormIn, Question


class BadAnswers(ValueError):
    """The answers do not fit the form: a question unanswered, unknown, or out of its range."""


@dataclass(frozen=True)
class Score:
    score: float
    """0-100; 0 when a critical question failed."""
    critical_failed: bool
    earned: float
    possible: int


def answer_range(question: Question) -> range:
    return range(0, 2) if question.kind is AnswerKind.YES_NO else range(0, SCALE_MAX + 1)


def check(form: FormIn, answers: Mapping[str, int]) -> None:
    """Every question answered within its range, and nothing else: :class:`BadAnswers` otherwise."""
    questions = {q.key: q for q in form.questions()}
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise BadAnswers(f"no such question in the form: {', '.join(unknown)}")
    missing = [key for key in questions if key not in answers]
    if missing:
        raise BadAnswers(f"unanswered: {', '.join(missing)}")
    for key, value in answers.items():
        if value not in answer_range(questions[key]):
            allowed = answer_range(questions[key])
            raise BadAnswers(f"{key}: {value} is outside {allowed.start}..{allowed.stop - 1}")


def score(form: FormIn, answers: Mapping[str, int]) -> Score:
    """The score of ``answers`` (unanswered questions earn nothing: the live total of a sheet being
    filled in; :func:`check` first for a stored one)."""
    earned = 0.0
    possible = 0
    critical_failed = False
    for question in form.questions():
        possible += question.weight
        value = answers.get(question.key)
        if value is None:
            continue
        if question.kind is AnswerKind.YES_NO:
            earned += question.weight if value else 0
            if question.critical and value == 0:
                critical_failed = True
        else:
            earned += question.weight * min(max(value, 0), SCALE_MAX) / SCALE_MAX
    percent = 0.0 if critical_failed or possible == 0 else round(100 * earned / possible, 1)
    return Score(percent, critical_failed, earned, possible)
