"""A call session as plain JSON, so a crash or a power cut during after-call work brings the operator
back to the same form for the same call.

Only what the disposition needs survives (who, when, the queue, the contact, the script and its
answers, the ACW deadline): after a restart the phone call itself is long gone, so a restored session
is always in after-call work, whatever phase it was saved in (a call that was still live when the
desktop died ended at the moment of the last save, the latest time known for it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from app.session.call import CallSession
from app.session.phase import Direction, Phase
from app.wire.scripts import ScriptRef

FORMAT = 1


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def to_json(session: CallSession, *, at: datetime) -> dict[str, Any]:
    """The session as JSON-ready data; ``at`` is now (the end of a call still live at a crash)."""
    return {
        "format": FORMAT,
        "call_id": session.call_id,
        "record_id": session.record_id,
        "direction": session.direction.value,
        "operator": session.operator,
        "number": session.number,
        "display_name": session.display_name,
        "sip_call_id": session.sip_call_id,
        "queue": session.queue,
        "ring_at": _time(session.ring_at),
        "answer_at": _time(session.answer_at),
        "end_at": _time(session.end_at or at),
        "acw_deadline": _time(session.acw_deadline),
        "hold_seconds": session.held_for(session.end_at or at),
        "contact_id": session.contact_id,
        "script": session.script.model_dump(mode="json") if session.script else None,
        "answers": dict(session.answers),
        "suggested_code": session.suggested_code,
    }


def from_json(data: dict[str, Any]) -> CallSession:
    """The saved session, back in after-call work. ``ValueError`` when ``data`` is not a snapshot."""
    if data.get("format") != FORMAT:
        raise ValueError("not a call-session snapshot of a known format")
    ring_at = _parse(data.get("ring_at"))
    if ring_at is None:
        raise ValueError("a snapshot without the time the call rang")
    session = CallSession(
        call_id=str(data["call_id"]),
        direction=Direction(data["direction"]),
        phase=Phase.ACW,
        operator=str(data["operator"]),
        ring_at=ring_at,
        number=str(data.get("number") or ""),
        display_name=str(data.get("display_name") or ""),
        sip_call_id=str(data.get("sip_call_id") or ""),
        queue=data.get("queue"),
    )
    script = data.get("script")
    return replace(
        session,
        answer_at=_parse(data.get("answer_at")),
        end_at=_parse(data.get("end_at")),
        acw_deadline=_parse(data.get("acw_deadline")),
        hold_seconds=float(data.get("hold_seconds") or 0.0),
        contact_id=data.get("contact_id"),
        script=ScriptRef.model_validate(script) if script else None,
        answers=dict(data.get("answers") or {}),
        suggested_code=data.get("suggested_code"),
    )
