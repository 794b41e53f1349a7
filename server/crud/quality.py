"""Scoring recorded calls (issue 18, ``docs/quality.md`` "Scoring"): forms, evaluations and who may
score or read them.

Who may do what (the routes check the role first, these the person):

* an admin defines forms and scores anyone's recorded calls;
* a team lead scores the recorded calls of their own team's operators (not their own: nobody marks
  their own work) and reads their team's evaluations;
* an operator reads their own evaluations, nobody else's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.quality.score import check, score
from app.wire.quality import EvaluationIn, EvaluationOut, FormIn, FormOut
from server.models import Evaluation, EvaluationForm, Recording, Role, User
from server.models.users import Person

EVALUATIONS_MAX = 500
"""The most evaluations (or recordings) one list answers, newest first."""


def used(session: Session, form_id: int) -> bool:
    return bool(session.scalar(select(exists().where(Evaluation.form_id == form_id))))


def form_out(session: Session, row: EvaluationForm, *, is_used: bool | None = None) -> FormOut:
    return FormOut.model_validate(
        {
            "id": row.id,
            "name": row.name,
            "sections": row.sections,
            "active": row.active,
            "used": used(session, row.id) if is_used is None else is_used,
            "created_at": row.created_at,
        }
    )


def as_form(row: EvaluationForm) -> FormIn:
    return FormIn.model_validate({"name": row.name, "sections": row.sections})


def may_score(user: Person, operator: User) -> bool:
    """An admin anyone's calls; a lead their own team's operators' (never their own)."""
    if user.role is Role.ADMIN:
        return True
    return (
        user.role is Role.TEAM_LEAD
        and user.team_id is not None
        and operator.team_id == user.team_id
        and operator.id != user.id
    )


def may_read(user: Person, operator_id: int, operator_team_id: int | None) -> bool:
    """An operator their own evaluations; a lead their team's; an admin all."""
    if user.role is Role.ADMIN or user.id == operator_id:
        return True
    return user.role is Role.TEAM_LEAD and user.team_id is not None and operator_team_id == user.team_id


def create_evaluation(
    session: Session, body: EvaluationIn, form_row: EvaluationForm, recording: Recording, evaluator: Person
) -> Evaluation:
    """Check the answers against the form (``BadAnswers``) and store the score computed here."""
    form = as_form(form_row)
    check(form, body.answers)
    result = score(form, body.answers)
    row = Evaluation(
        recording_id=recording.id,
        form_id=form_row.id,
        operator_id=recording.operator_id,
        evaluator_id=evaluator.id,
        call_started_at=recording.started_at,
        answers=dict(body.answers),
        comment=body.comment,
        score=result.score,
        critical_failed=result.critical_failed,
    )
    session.add(row)
    return row


def evaluation_out(session: Session, row: Evaluation) -> EvaluationOut:
    recording = session.get(Recording, row.recording_id)
    operator = session.get(User, row.operator_id)
    evaluator = session.get(User, row.evaluator_id)
    form = session.get(EvaluationForm, row.form_id)
    assert recording is not None and operator is not None and evaluator is not None and form is not None
    return EvaluationOut(
        id=row.id,
        recording_id=row.recording_id,
        call_id=recording.call_id,
        call_started_at=row.call_started_at,
        operator=operator.name,
        evaluator=evaluator.name,
        form=form_out(session, form, is_used=True),
        answers=row.answers,
        comment=row.comment,
        score=row.score,
        critical_failed=row.critical_failed,
        created_at=row.created_at,
    )


def evaluations_of(
    session: Session, operator_id: int, since: datetime | None = None, until: datetime | None = None
) -> Sequence[Evaluation]:
    query = select(Evaluation).where(Evaluation.operator_id == operator_id)
    if since is not None:
        query = query.where(Evaluation.call_started_at >= since)
    if until is not None:
        query = query.where(Evaluation.call_started_at < until)
    return session.scalars(
        query.order_by(Evaluation.call_started_at.desc(), Evaluation.id.desc()).limit(EVALUATIONS_MAX)
    ).all()


def recordings_of(session: Session, operator_id: int) -> Sequence[Recording]:
    """The operator's stored, not yet purged recordings, newest first."""
    return session.scalars(
        select(Recording)
        .where(
            Recording.operator_id == operator_id,
            Recording.stored.is_(True),
            Recording.purged_at.is_(None),
        )
        .order_by(Recording.started_at.desc(), Recording.id.desc())
        .limit(EVALUATIONS_MAX)
    ).all()


def evaluation_of(session: Session, recording_id: int) -> Evaluation | None:
    return session.scalar(select(Evaluation).where(Evaluation.recording_id == recording_id))
