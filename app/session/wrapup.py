"""After-call work on a call session: start it, submit the disposition, leave it, let its timer run out.

Which calls get ACW: every outgoing call (the operator records "no answer" or "busy" too) and every
incoming call that was answered. An incoming call that was never answered (missed, rejected, the
caller gave up) and a consultation call of an attended transfer go straight to ``done``.

Each function returns a new session; a session that reaches ``done`` with a disposition to send
carries it in ``disposition``. Rules that depend on the chosen code (comment or callback required)
are the wire's :func:`app.wire.dispositions.check_disposition`, the same the server runs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from app import phones
from app.clock import later
from app.refused import Refused
from app.session.acw import AcwMode, AcwPolicy
from app.session.call import CallSession, Draft
from app.session.phase import Direction, Phase
from app.wire.dispositions import DispositionCode, DispositionIn, check_disposition
from app.wire.schema import ValidationError


def needs_acw(session: CallSession) -> bool:
    """Whether the call gets after-call work (see the module notes)."""
    if session.is_consultation:
        return False
    return session.direction is Direction.OUTBOUND or session.answered


def start(session: CallSession, policy: AcwPolicy, at: datetime) -> CallSession:
    """Open after-call work on an ended call; a timed policy sets the deadline."""
    _need(session, Phase.ENDED, "start after-call work")
    begin = later(at, _end(session))
    deadline = begin + timedelta(seconds=policy.timeout_s) if policy.timeout_s is not None else None
    return replace(session, phase=Phase.ACW, acw_deadline=deadline)


def close_without_acw(session: CallSession, policy: AcwPolicy) -> CallSession:
    """Finish a call that gets no ACW; a missed incoming call is stamped with ``missed_code`` if set."""
    _need(session, Phase.ENDED, "close the call")
    disposition = None
    if policy.missed_code is not None and not session.is_consultation and not session.answered:
        disposition = build(session, policy.missed_code, acw_end_at=None)
    return replace(session, phase=Phase.DONE, disposition=disposition)


def submit(
    session: CallSession,
    policy: AcwPolicy,
    code: DispositionCode,
    at: datetime,
    *,
    comment: str = "",
    callback_at: datetime | None = None,
) -> CallSession:
    """The operator's disposition. Ends ACW now, except with no early exit: then it is kept as a
    draft (a later submit replaces it) and sent when the timer ends."""
    _need(session, Phase.ACW, "submit a disposition")
    strict = policy.mode is AcwMode.TIME_BOXED_NO_EARLY_EXIT
    end = session.acw_deadline if strict and session.acw_deadline is not None else later(at, _end(session))
    disposition = build(session, code.code, comment=comment, callback_at=callback_at, acw_end_at=end)
    problems = check_disposition(disposition, code)
    if problems:
        raise Refused("; ".join(problems), code="disposition", key="disposition_invalid")
    if strict:
        return replace(session, draft=Draft(code.code, comment, callback_at))
    return replace(session, phase=Phase.DONE, acw_end_at=end, disposition=disposition)


def leave(session: CallSession, policy: AcwPolicy, at: datetime) -> CallSession:
    """Leave ACW without choosing a code: only where ACW is optional (stamped with ``skipped_code``)."""
    _need(session, Phase.ACW, "leave after-call work")
    if policy.mode is not AcwMode.OPTIONAL:
        if policy.mode is AcwMode.TIME_BOXED_NO_EARLY_EXIT:
            raise Refused("after-call work lasts until its timer ends", code="acw", key="acw_timed")
        raise Refused(
            f"a disposition is required to leave after-call work ({policy.mode.value})",
            code="acw",
            key="acw_required",
        )
    end = later(at, _end(session))
    return replace(
        session, phase=Phase.DONE, acw_end_at=end, disposition=build(session, policy.skipped_code, end)
    )


def expire(session: CallSession, policy: AcwPolicy, at: datetime) -> CallSession | None:
    """End a timed ACW whose deadline has passed (``None`` when it has not): the draft if there is
    one, else the system ``timeout_code``. The ACW end is the deadline, not the moment we noticed."""
    deadline = session.acw_deadline
    if session.phase is not Phase.ACW or deadline is None or at < deadline:
        return None
    draft = session.draft
    if draft is not None:
        disposition = build(
            session, draft.code, comment=draft.comment, callback_at=draft.callback_at, acw_end_at=deadline
        )
    else:
        disposition = build(session, policy.timeout_code, acw_end_at=deadline)
    return replace(session, phase=Phase.DONE, acw_end_at=deadline, disposition=disposition)


def build(
    session: CallSession,
    code: str,
    acw_end_at: datetime | None,
    *,
    comment: str = "",
    callback_at: datetime | None = None,
) -> DispositionIn:
    """The wire record for the call with ``code``; a value the wire refuses becomes a :class:`Refused`."""
    end_at = _end(session)
    try:
        return DispositionIn(
            call_id=session.record_id,
            operator=session.operator,
            contact_id=session.contact_id,
            queue=session.queue,
            ring_at=session.ring_at,
            answer_at=session.answer_at,
            end_at=end_at,
            acw_end_at=acw_end_at,
            hold_seconds=_hold_seconds(session, end_at),
            script=session.script,
            answers=dict(session.answers),
            code=code,
            comment=comment,
            callback_at=callback_at,
            direction=session.direction.value,
            number=_dialled(session),
        )
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'disposition'}: {e['msg']}" for e in exc.errors()
        )
        raise Refused(
            f"the disposition is not valid: {details}", code="disposition", key="disposition_invalid"
        ) from None


def _dialled(session: CallSession) -> str | None:
    """The number an outbound call dialled, E.164 (the server tells the CRM of the call with it);
    ``None`` for an inbound call or a target that is not a phone number (an extension's SIP URI):
    the disposition itself must never be refused over it."""
    if session.direction is not Direction.OUTBOUND or not session.number:
        return None
    try:
        return phones.normalise(session.number)
    except phones.PhoneError:
        return None


def _hold_seconds(session: CallSession, end_at: datetime) -> int:
    """Whole seconds on hold, never more than the answered part of the call (the wire's rule)."""
    if session.answer_at is None:
        return 0
    answered = max(int((end_at - session.answer_at).total_seconds()), 0)
    return min(round(session.held_for(end_at)), answered)


def _end(session: CallSession) -> datetime:
    if session.end_at is None:
        raise Refused("the call has not ended yet", code="phase", key="call_not_ended")
    return session.end_at


def _need(session: CallSession, phase: Phase, what: str) -> None:
    if session.phase is not phase:
        raise Refused(
            f"cannot {what}: the call is {session.phase.value}, not {phase.value}",
            code="phase",
            key="wrong_phase",
            what=what,
            phase=session.phase,
            expected=phase,
        )
