"""``/tasks``: callbacks and requests an operator works through (rules in ``docs/tasks.md``).

* ``POST /tasks`` (a source, ``X-Source-Key``): a web or other request becomes a task. Needs an
  ``Idempotency-Key`` (the source's UUID for the request): the same key again answers the first task
  (``Idempotent-Replayed: true``) with 200, a different body under a used key is 422.
* ``POST /tasks/next`` (operators): claim the next task with a lease; 204 when there is none.
* ``POST /tasks/{id}/renew``, ``POST /tasks/{id}/release``, ``POST /tasks/{id}/result`` (the operator
  holding it): keep the lease; give the task back at once;
  report the call (``Idempotency-Key`` optional: an outbox replay is answered, not stored twice).
  409 when the task is not theirs any more.
* ``GET /tasks`` (anyone): operators their own and their team's unowned tasks, team leads their
  team's and the unassigned ones, admins all.
* ``GET /tasks/rules`` (team leads, admins), ``PUT /tasks/rules`` (admins): the queue's order, SLA and
  the centre's working hours (``app.wire.task_rules``); a change reorders the waiting tasks at once.
* ``POST /tasks/{id}/reassign``, ``POST /tasks/{id}/cancel`` (team leads within their team, admins).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status

from app.wire.task_rules import TaskRules
from app.wire.tasks import MAX_DUE_DAYS, ReassignIn, ResultIn, TaskIn, TaskOut, TaskState
from server.api.acting import REPLAYED_HEADER, invalid
from server.api.acting import idempotency_key as idempotency_key_of
from server.api.context import get_context
from server.api.deps import CurrentUser, LeadOrAdmin, SessionDep, TeamScope, require_role
from server.api.schemas.common import BigIdPath
from server.api.sources import SourceDep
from server.crud import task_queue as queue
from server.crud import task_rules
from server.crud import tasks as crud
from server.crud.users import get_user_by_name
from server.models import Role, Task, User, utcnow
from server.settings import Settings

router = APIRouter(prefix="/tasks", tags=["tasks"])

PAST_GRACE = timedelta(minutes=5)
"""A ``due_at`` this far in the past is clock skew, taken as now; earlier is refused."""


def rules_of(settings: Settings) -> queue.Rules:
    return queue.Rules(
        lease=timedelta(seconds=settings.task_lease_seconds),
        retry=timedelta(minutes=settings.task_retry_minutes),
        max_attempts=settings.task_max_attempts,
        default_zone=settings.task_default_time_zone,
    )


def _rules(request: Request) -> queue.Rules:
    return rules_of(get_context(request).settings)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "a replay: the task stored before under this Idempotency-Key"},
        400: {"description": "Idempotency-Key missing or not a UUID"},
        401: {"description": "missing or unknown X-Source-Key"},
        422: {"description": "invalid request, due time in the past or too far ahead, key reused"},
    },
)
def create_task(
    *,
    body: TaskIn,
    source: SourceDep,
    session: SessionDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(description="the source's UUID for this request")] = None,
) -> TaskOut:
    """A web or other request becomes a task (module notes)."""
    key = idempotency_key_of(idempotency_key, required_for="request")
    assert key is not None
    now = utcnow()
    existing = crud.by_key(session, key)
    if existing is not None:
        same = (existing.phone, existing.request_type, existing.text, existing.queue, existing.source) == (
            body.phone,
            body.request_type,
            body.text,
            body.queue,
            source,
        )
        if not same:
            raise invalid("idempotency_key", "this Idempotency-Key was already used for another request")
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED_HEADER] = "true"
        return crud.out(session, existing, now=now)
    due = body.due_at or now
    if due < now - PAST_GRACE:
        raise invalid("due_at", "due_at is in the past")
    if due > now + timedelta(days=MAX_DUE_DAYS):
        raise invalid("due_at", f"due_at is more than {MAX_DUE_DAYS} days ahead")
    task = crud.create_request(
        session,
        phone=body.phone,
        request_type=body.request_type,
        text=body.text,
        queue=body.queue,
        due_at=max(due, now),
        source=source,
        key=key,
    )
    session.commit()
    response.headers["Location"] = f"/tasks/{task.id}"
    return crud.out(session, task, now=now)


OperatorOnly = Annotated[User, Depends(require_role(Role.OPERATOR))]
AdminOnly = Annotated[User, Depends(require_role(Role.ADMIN))]


@router.post(
    "/next",
    response_model=TaskOut,
    responses={204: {"description": "nothing to do now"}, 403: {"description": "operators only"}},
)
def next_task(user: OperatorOnly, session: SessionDep, request: Request) -> TaskOut | Response:
    """Claim the next task (priority, then the oldest due; only in the client's hours)."""
    now = utcnow()
    task = queue.claim_next(session, user=user, now=now, rules=_rules(request))
    if task is None:
        session.commit()
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    answer = crud.out(session, task, now=now, asker=user)  # in the claim's transaction: one BEGIN
    session.commit()
    return answer


@router.get("/rules", response_model=TaskRules, responses={403: {"description": "team leads and admins"}})
def read_rules(user: LeadOrAdmin, session: SessionDep) -> TaskRules:
    """The queue's order, SLA and the centre's working hours (``docs/tasks.md``)."""
    return task_rules.load(session)


@router.put(
    "/rules",
    response_model=TaskRules,
    responses={403: {"description": "admins only"}, 422: {"description": "invalid rules"}},
)
def write_rules(body: TaskRules, user: AdminOnly, session: SessionDep) -> TaskRules:
    """Replace the rules; the tasks still to be worked are reordered at once."""
    task_rules.save(session, body)
    session.commit()
    return task_rules.load(session)


def _held(session: SessionDep, task_id: int) -> Task:
    task = queue.lock(session, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such task")
    return task


@router.post(
    "/{task_id}/renew", responses={404: {"description": "no such task"}, 409: {"description": "lost"}}
)
def renew(task_id: BigIdPath, user: OperatorOnly, session: SessionDep, request: Request) -> TaskOut:
    """Keep holding a task being worked (the desktop calls this well inside the lease)."""
    task = _held(session, task_id)
    now = utcnow()
    try:
        queue.renew(task, user=user, now=now, rules=_rules(request))
    except queue.TaskConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    session.commit()
    return crud.out(session, task, now=now)


@router.post(
    "/{task_id}/release", responses={404: {"description": "no such task"}, 409: {"description": "not held"}}
)
def release(task_id: BigIdPath, user: OperatorOnly, session: SessionDep) -> TaskOut:
    """Give a held task back at once (given up in the preview), instead of waiting for the lease."""
    task = _held(session, task_id)
    try:
        queue.release(task, user=user)
    except queue.TaskConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    session.commit()
    return crud.out(session, task)


@router.post(
    "/{task_id}/result",
    responses={404: {"description": "no such task"}, 409: {"description": "not held by you"}},
)
def result(
    *,
    task_id: BigIdPath,
    body: ResultIn,
    user: OperatorOnly,
    session: SessionDep,
    request: Request,
    response: Response,
    idempotency_key: Annotated[str | None, Header(description="the desktop's UUID for this result")] = None,
) -> TaskOut:
    """Report the call made for a claimed task: done, sent only, or not reached (rescheduled)."""
    key = idempotency_key_of(idempotency_key)
    now = utcnow()
    if key is not None and (attempt := queue.replayed(session, key)) is not None:
        if attempt.task_id != task_id:
            raise invalid("idempotency_key", "this Idempotency-Key was already used for another task")
        response.headers[REPLAYED_HEADER] = "true"
        task = session.get(Task, task_id)
        assert task is not None
        return crud.out(session, task, now=now)
    task = _held(session, task_id)
    try:
        queue.report(session, task, user=user, result=body, now=now, rules=_rules(request), key=key)
    except queue.TaskConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    session.commit()
    return crud.out(session, task, now=now)


@router.get("")
def read_tasks(
    user: CurrentUser,
    session: SessionDep,
    state: Annotated[list[TaskState] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[TaskOut]:
    """Tasks in queue order (module notes on who sees which)."""
    now = utcnow()
    scope = TeamScope.of(user)
    states = state or []
    if user.role is Role.OPERATOR:
        rows = crud.list_tasks(session, team_ids=None, operator=user, states=states, limit=limit)
    else:
        team_ids = None if scope.all_teams else scope.team_ids
        rows = crud.list_tasks(session, team_ids=team_ids, operator=None, states=states, limit=limit)
    return [crud.out(session, task, now=now) for task in rows]


def _team_task(session: SessionDep, user: User, task_id: int) -> Task:
    task = queue.lock(session, task_id)
    if task is None or (task.team_id is not None and not TeamScope.of(user).allows(task.team_id)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such task (or not your team's)")
    return task


@router.post(
    "/{task_id}/reassign",
    responses={404: {"description": "no such task"}, 409: {"description": "closed"}},
)
def reassign(task_id: BigIdPath, body: ReassignIn, user: LeadOrAdmin, session: SessionDep) -> TaskOut:
    """Give a task to another operator of the team, or to anyone (``owner`` null)."""
    task = _team_task(session, user, task_id)
    owner = None
    if body.owner is not None:
        owner = get_user_by_name(session, name=body.owner)
        if owner is None or owner.role is not Role.OPERATOR or not owner.active:
            raise invalid("owner", f"{body.owner!r} is not an active operator")
        if not TeamScope.of(user).allows(owner.team_id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads reassign within their own team only")
    try:
        queue.reassign(task, owner)
    except queue.TaskConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    session.commit()
    return crud.out(session, task, now=utcnow())


@router.post(
    "/{task_id}/cancel", responses={404: {"description": "no such task"}, 409: {"description": "closed"}}
)
def cancel(task_id: BigIdPath, user: LeadOrAdmin, session: SessionDep) -> TaskOut:
    task = _team_task(session, user, task_id)
    try:
        queue.cancel(task)
    except queue.TaskConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    session.commit()
    return crud.out(session, task, now=utcnow())
