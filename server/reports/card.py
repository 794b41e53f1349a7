"""One call as a team lead opens it from a report's drill-down (``GET /reports/calls/card``): the
call as its sources reported it, the client's contact card, every disposition of it with the
operator's comment and the script answers (stored with the disposition: a script run leaves no
other record) with the questions the script version asked, and its stored recordings.

Scoped as the reports are: a lead may open a call one of whose facts they may see (their team's
dispositions, the calls nobody answered in their queues); any other call is "not found", so a
lead cannot probe other teams' call ids. The contact is the one the disposition named, else the
one owning the caller's number. Read-only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.wire.reports import CallCard, CardDisposition, CardRecording
from server.api.schemas.contacts import contact_out
from server.crud.contacts import find_by_phone, get_contact
from server.models import Disposition, Script, User
from server.models.recordings import Recording
from server.models.reports import ReportFact
from server.models.tasks import Call
from server.reports.drill import fact_scope
from server.reports.query import Scope


def visible(session: Session, call_id: str, scope: Scope) -> bool:
    """Whether ``scope`` sees any fact of the call (so it saw the call in a report)."""
    table = ReportFact.__table__
    found = session.execute(
        select(table.c.id).where(table.c.call_id == call_id, fact_scope(scope)).limit(1)
    ).first()
    return found is not None


def _questions(document: dict[str, Any]) -> dict[str, str]:
    """Each field's label in a script document (the first node asking it), by field id."""
    out: dict[str, str] = {}
    for node in document.get("nodes", []):
        for field in node.get("fields", []) if isinstance(node, dict) else []:
            if isinstance(field, dict) and "id" in field:
                out.setdefault(str(field["id"]), str(field.get("label", "")))
    return out


def call_card(session: Session, call_id: str, scope: Scope) -> CallCard | None:
    """The call's card, or ``None`` when there is no such call in ``scope`` (module notes)."""
    if not visible(session, call_id, scope):
        return None
    call = session.scalars(select(Call).where(Call.call_id == call_id)).first()
    dispositions = session.scalars(
        select(Disposition)
        .where(Disposition.call_id == call_id)
        .order_by(Disposition.ring_at, Disposition.id)
    ).all()
    names: dict[int, str] = {}
    teams_of: dict[int, int | None] = {}
    for uid, name, team_id in session.execute(select(User.id, User.name, User.team_id)):
        names[uid], teams_of[uid] = name, team_id
    if scope.team_ids is not None:  # another team's operator's handling of the same call stays theirs
        dispositions = [d for d in dispositions if teams_of.get(d.operator_id) in scope.team_ids]
    recordings = [
        CardRecording(id=r.id, operator=names.get(r.operator_id), seconds=r.seconds)
        for r in session.scalars(
            select(Recording)
            .where(Recording.call_id == call_id, Recording.stored.is_(True), Recording.purged_at.is_(None))
            .order_by(Recording.started_at, Recording.id)
        )
        if scope.team_ids is None or teams_of.get(r.operator_id) in scope.team_ids
    ]
    facts = ReportFact.__table__
    request_type = session.scalar(
        select(facts.c.request_type).where(facts.c.call_id == call_id, facts.c.request_type != "").limit(1)
    )
    scripts: dict[tuple[str, int], tuple[str, dict[str, str]]] = {}
    for d in dispositions:
        ref = (d.script_id, d.script_version)
        if ref[0] is not None and ref[1] is not None and ref not in scripts:
            row = session.get(Script, ref)
            if row is not None:
                scripts[(ref[0], ref[1])] = (row.name, _questions(row.document))
    contact = None
    contact_id = next((d.contact_id for d in dispositions if d.contact_id is not None), None)
    if contact_id is not None:
        contact = get_contact(session, contact_id=contact_id)
    if contact is None and call is not None and call.caller:
        contact = find_by_phone(session, e164s=[call.caller])
    return CallCard(
        call_id=call_id,
        outcome=call.outcome.value if call else None,
        missed_reason=call.missed_reason.value if call and call.missed_reason else None,
        caller=call.caller if call else None,
        dnis=call.dnis if call else None,
        queue=(call.queue if call else None) or next((d.queue for d in dispositions if d.queue), None),
        operator=call.operator if call else None,
        arrived_at=call.arrived_at if call else None,
        answered_at=call.answered_at if call else None,
        ended_at=call.ended_at if call else None,
        wait_seconds=call.wait_seconds if call else None,
        service_seconds=call.service_seconds if call else None,
        request_type=request_type or None,
        contact=contact_out(contact) if contact is not None else None,
        dispositions=[
            CardDisposition(
                id=d.id,
                operator=names.get(d.operator_id),
                code=d.code,
                ring_at=d.ring_at,
                answer_at=d.answer_at,
                end_at=d.end_at,
                acw_end_at=d.acw_end_at,
                hold_seconds=d.hold_seconds,
                comment=d.comment,
                script_id=d.script_id,
                script_version=d.script_version,
                script_answers=dict(d.script_answers or {}),
                script_name=scripts.get((d.script_id or "", d.script_version or 0), (None, {}))[0],
                script_questions={
                    key: label
                    for key, label in scripts.get((d.script_id or "", d.script_version or 0), (None, {}))[
                        1
                    ].items()
                    if key in (d.script_answers or {})
                },
            )
            for d in dispositions
        ],
        recordings=recordings,
    )
