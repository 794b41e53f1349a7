"""The operator's service side of live supervision: which lead's call is let in, and what it hears.

A supervision call is an INVITE with the ``X-Ringdesk-Grant`` header (``app.wire.supervision``). The
call manager hands it here before anything else happens to it: no ringing, no event to the desktop as
a call, no link to the headset. :meth:`SupervisionManager.admit` checks the grant offline:

* signed by the server's key (``SetSupervision``: until the desktop gave it, everything is refused);
* for this service's operator, for a call of theirs in progress (its SIP Call-ID), not expired, never
  used before (its nonce), and no other lead already on that call.

Anything else is refused (403 with the reason) before the call is answered; the operator's call is
never touched. An admitted call is answered at once and its audio mixed by :class:`Mixer` as the mode
says; the lead switches mode with an in-dialog MESSAGE (``MODE_CONTENT_TYPE``, the mode as its body),
taken only when the grant allows that mode. When the operator's call ends, the lead's call is hung up.

Engine thread only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.supervision import grants
from app.supervision.grants import Grant, GrantRefused, ReplayGuard
from app.supervision.modes import MODE_CONTENT_TYPE, SupervisionMode
from app.telephony import events as ev
from sip.calls import CallRecord
from sip.supervision.mixer import Mixer

log = logging.getLogger(__name__)


@dataclass
class Supervision:
    """One lead on one operator call."""

    lead_call: str
    """Our call id of the lead's (incoming) supervision call."""
    target_call: str
    """Our call id of the operator's call being supervised."""
    grant: Grant
    mode: SupervisionMode
    mixer: Mixer = field(default_factory=Mixer)
    shown: str | None = None
    """The mode the operator's desktop was last told (None: nothing shown)."""


@dataclass(frozen=True)
class Trust:
    operator: str
    key: Any
    hide_listen: bool


class SupervisionManager:
    """Admits supervision calls and keeps their mixing in step with the calls' media."""

    def __init__(
        self,
        calls: dict[str, CallRecord],
        headset_port: Callable[[], Any],
        emit: Callable[[ev.Event], None],
        *,
        sip_call_id: Callable[[CallRecord], str],
        now: Callable[[], float] = time.time,
    ) -> None:
        self._calls = calls
        self._headset_port = headset_port
        self._emit = emit
        self._sip_call_id = sip_call_id
        self._now = now
        self._trust: Trust | None = None
        self._replays = ReplayGuard()
        self.sessions: dict[str, Supervision] = {}  # by the lead call's id

    def set_trust(self, operator: str, public_key: str, hide_listen: bool) -> None:
        """The desktop's word on whose service this is and the server's key (ValueError: not a key)."""
        self._trust = Trust(operator, grants.public_key(public_key), hide_listen)

    # ----- admission --------------------------------------------------------------------------

    def admit(self, lead: CallRecord, token: str) -> Supervision:
        """Check the grant of the incoming supervision call ``lead``; :class:`GrantRefused` when it
        does not let the lead in."""
        trust = self._trust
        if trust is None:
            raise GrantRefused("this service takes no supervision calls: no key from the server yet")
        grant = grants.verify(token, trust.key, now=self._now())
        if grant.operator != trust.operator:
            raise GrantRefused(f"the grant is for {grant.operator!r}, not this operator")
        target = self._target(grant.call_id)
        if target is None:
            raise GrantRefused("the grant's call is not in progress here")
        if any(s.target_call == target.call_id for s in self.sessions.values()):
            raise GrantRefused("another lead is already on this call")
        self._replays.admit(grant, self._now())
        session = Supervision(lead.call_id, target.call_id, grant, grant.mode)
        self.sessions[lead.call_id] = session
        log.info("supervision of %s by %s admitted (%s)", target.call_id, grant.lead, grant.mode)
        return session

    def refused(self, reason: str, lead: str = "") -> None:
        log.warning("supervision call refused: %s", reason)
        self._emit(ev.SupervisionRefused(reason=reason, lead=lead))

    def _target(self, sip_call_id: str) -> CallRecord | None:
        for record in self._calls.values():
            if record.supervision or record.answered is None or record.pj_call is None:
                continue
            if self._sip_call_id(record) == sip_call_id:
                return record
        return None

    # ----- while it lasts ---------------------------------------------------------------------

    def update(self, call_id: str, *, gone: bool = False) -> None:
        """A call's media changed (the lead's answered, the operator's held or resumed): relink.
        ``gone``: the call's media was torn down with the call (its links went with it)."""
        for session in list(self.sessions.values()):
            if gone and call_id == session.lead_call:
                session.mixer.forget("lead")
            elif gone and call_id == session.target_call:
                session.mixer.forget("caller")
            if call_id in (session.lead_call, session.target_call):
                self._apply(session)

    def message(self, lead: CallRecord, content_type: str, body: str) -> None:
        """An in-dialog MESSAGE on a lead's call: a mode switch when it is one the grant allows."""
        session = self.sessions.get(lead.call_id)
        if session is None or content_type.split(";", 1)[0].strip().lower() != MODE_CONTENT_TYPE:
            return
        try:
            mode = SupervisionMode(body.strip().lower())
        except ValueError:
            log.warning("supervision mode %r unknown", body[:40])
            return
        if mode not in session.grant.modes:
            log.warning("supervision mode %s not granted", mode)
            return
        session.mode = mode
        self._apply(session)

    def ended(self, call_id: str) -> str | None:
        """A call ended. Its supervision ends; returns the lead call to hang up when the operator's
        call was the one that ended."""
        session = self.sessions.pop(call_id, None)
        if session is not None:
            session.mixer.forget("lead")
            session.mixer.clear()
            self._announce(session, active=False)
            return None
        for lead_call, session in list(self.sessions.items()):
            if session.target_call == call_id:
                session.mixer.forget("caller")
                session.mixer.clear()
                return lead_call
        return None

    def close(self) -> None:
        for session in self.sessions.values():
            session.mixer.clear()
        self.sessions.clear()

    def _apply(self, session: Supervision) -> None:
        lead, target = self._calls.get(session.lead_call), self._calls.get(session.target_call)
        ports = {
            "caller": target.audio if target is not None else None,
            "operator": self._headset_port(),
            "lead": lead.audio if lead is not None else None,
        }
        session.mixer.apply(session.mode, ports)
        if ports["lead"] is not None:
            self._announce(session, active=True)

    def _announce(self, session: Supervision, *, active: bool) -> None:
        """Tell the desktop what the operator's window shows now (once per change), unless the centre
        hides listening: then listen mode is not announced (and a switch back to it reads as ended)."""
        trust = self._trust
        hidden = trust is not None and trust.hide_listen and session.mode is SupervisionMode.LISTEN
        shown = session.mode.value if active and not hidden else None
        if shown == session.shown:
            return
        session.shown = shown
        lead = session.grant.lead
        self._emit(ev.SupervisionChanged(session.target_call, lead, shown or "", shown is not None))
