"""``/quality``: scoring recorded calls (issue 18, ``docs/quality.md`` "Scoring").

* ``GET /quality/forms`` (leads, admins; ``all=true`` lists retired ones too), ``GET /quality/forms/{id}``.
* ``POST /quality/forms``, ``PUT /quality/forms/{id}``, ``DELETE /quality/forms/{id}`` (admins): a form
  an evaluation used is frozen: changing it is a 409 (write a new one), deleting retires it (kept for
  the evaluations scored on it, offered for no new ones). Audited.
* ``GET /quality/recordings?operator=`` (leads, admins): the operator's stored recordings, newest first,
  each with its evaluation if scored. A lead: their own team's operators only (403).
* ``POST /quality/evaluations`` (leads, admins): score one recorded call. The score is computed here
  from the answers; a lead scores their own team's operators only, never their own calls (403); one
  evaluation per recording (409). Audited.
* ``GET /quality/evaluations?operator=`` and ``GET /quality/evaluations/{id}`` (anyone signed in): an
  operator their own only (403 for anyone else's), a lead their team's, an admin everyone's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.quality.score import BadAnswers
from app.wire.common import UserName
from app.wire.quality import EvaluationIn, EvaluationOut, FormIn, FormOut, ScoredRecording
from server.api.deps import AdminUser, AuditDep, CurrentUser, LeadOrAdmin, SessionDep
from server.api.routes.recordings import recording_out
from server.api.schemas.common import BigIdPath
from server.crud import quality
from server.crud.users import get_user_by_name
from server.models import Evaluation, EvaluationForm, Recording, User

router = APIRouter(prefix="/quality", tags=["quality"])

LEADS_ONLY: dict[int | str, dict[str, Any]] = {
    403: {"description": "team leads and admins only; a lead: their own team"}
}


def _form(session: SessionDep, form_id: int) -> EvaluationForm:
    row = session.get(EvaluationForm, form_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no evaluation form {form_id}")
    return row


def _operator(session: SessionDep, name: str) -> User:
    row = get_user_by_name(session, name=name)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user is called {name!r}")
    return row


@router.get("/forms", responses=LEADS_ONLY)
def list_forms(
    user: LeadOrAdmin, session: SessionDep, all: Annotated[bool, Query()] = False
) -> list[FormOut]:
    query = select(EvaluationForm).order_by(EvaluationForm.id)
    if not all:
        query = query.where(EvaluationForm.active.is_(True))
    return [quality.form_out(session, row) for row in session.scalars(query)]


@router.get("/forms/{form_id}", responses=LEADS_ONLY)
def read_form(form_id: int, user: LeadOrAdmin, session: SessionDep) -> FormOut:
    return quality.form_out(session, _form(session, form_id))


@router.post("/forms", status_code=status.HTTP_201_CREATED, responses={403: {"description": "admins only"}})
def create_form(
    body: FormIn, user: AdminUser, session: SessionDep, audit: AuditDep, response: Response
) -> FormOut:
    row = EvaluationForm(
        name=body.name, sections=body.model_dump(mode="json")["sections"], created_by_id=user.id
    )
    session.add(row)
    session.flush()
    audit("quality.form.create", target=f"evaluation_form:{row.id}", details={"name": body.name})
    session.commit()
    response.headers["Location"] = f"/quality/forms/{row.id}"
    return quality.form_out(session, row, is_used=False)


@router.put(
    "/forms/{form_id}",
    responses={403: {"description": "admins only"}, 409: {"description": "the form was used: frozen"}},
)
def update_form(form_id: int, body: FormIn, user: AdminUser, session: SessionDep, audit: AuditDep) -> FormOut:
    row = _form(session, form_id)
    if quality.used(session, row.id):
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            "this form was used to score calls and is frozen: create a new form (and retire this one)",
        )
    row.name, row.sections = body.name, body.model_dump(mode="json")["sections"]
    audit("quality.form.update", target=f"evaluation_form:{row.id}", details={"name": body.name})
    session.commit()
    return quality.form_out(session, row, is_used=False)


@router.delete(
    "/forms/{form_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={403: {"description": "admins only"}},
)
def retire_form(form_id: int, user: AdminUser, session: SessionDep, audit: AuditDep) -> None:
    row = _form(session, form_id)
    row.active = False
    audit("quality.form.retire", target=f"evaluation_form:{row.id}")
    session.commit()


@router.get("/recordings", responses=LEADS_ONLY)
def operator_recordings(
    operator: Annotated[UserName, Query()], user: LeadOrAdmin, session: SessionDep
) -> list[ScoredRecording]:
    person = _operator(session, operator)
    if not quality.may_read(user, person.id, person.team_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads see their own team's calls only")
    answer = []
    for recording in quality.recordings_of(session, person.id):
        evaluation = quality.evaluation_of(session, recording.id)
        answer.append(
            ScoredRecording(
                recording=recording_out(session, recording),
                evaluation=quality.evaluation_out(session, evaluation) if evaluation is not None else None,
            )
        )
    return answer


@router.post(
    "/evaluations",
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"description": "a lead scores their own team's operators' calls only"},
        409: {"description": "this call is already scored, or its form is retired"},
        422: {"description": "the answers do not fit the form"},
    },
)
def create_evaluation(
    body: EvaluationIn, user: LeadOrAdmin, session: SessionDep, audit: AuditDep, response: Response
) -> EvaluationOut:
    recording = session.get(Recording, body.recording_id)
    if recording is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no recording {body.recording_id}")
    operator = session.get(User, recording.operator_id)
    assert operator is not None
    if not quality.may_score(user, operator):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "team leads score their own team's operators' calls only"
        )
    form = _form(session, body.form_id)
    if not form.active:
        raise HTTPException(status.HTTP_409_CONFLICT, "this form is retired: score on a current one")
    if quality.evaluation_of(session, recording.id) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "this call is already scored")
    try:
        row = quality.create_evaluation(session, body, form, recording, user)
    except BadAnswers as exc:
        raise RequestValidationError(
            [{"loc": ("body", "answers"), "type": "value_error", "msg": str(exc)}]
        ) from None
    try:
        session.flush()
    except IntegrityError:  # scored at the same moment by someone else
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "this call is already scored") from None
    audit(
        "quality.evaluate",
        target=f"recording:{recording.id}",
        details={"evaluation": row.id, "form": form.id, "score": row.score},
    )
    session.commit()
    response.headers["Location"] = f"/quality/evaluations/{row.id}"
    return quality.evaluation_out(session, row)


@router.get("/evaluations", responses={403: {"description": "operators: their own only"}})
def list_evaluations(
    user: CurrentUser, session: SessionDep, operator: Annotated[UserName | None, Query()] = None
) -> list[EvaluationOut]:
    person = user if operator is None or operator == user.name else _operator(session, operator)
    if not quality.may_read(user, person.id, person.team_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "you may read your own evaluations only")
    return [quality.evaluation_out(session, row) for row in quality.evaluations_of(session, person.id)]


@router.get("/evaluations/{evaluation_id}", responses={403: {"description": "operators: their own only"}})
def read_evaluation(evaluation_id: BigIdPath, user: CurrentUser, session: SessionDep) -> EvaluationOut:
    row = session.get(Evaluation, evaluation_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no evaluation {evaluation_id}")
    operator = session.get(User, row.operator_id)
    if operator is None or not quality.may_read(user, operator.id, operator.team_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "you may read your own evaluations only")
    return quality.evaluation_out(session, row)
