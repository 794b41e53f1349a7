"""All of the operator's calls at once: the rules that span calls (one talking at a time, call waiting,
consultation for an attended transfer, mute belongs to the conversation).

A mutable container of immutable :class:`CallSession` values. Intents return the telephony commands
to send in order (answering a second call puts the first on hold first); phone events move the
sessions. Every session that changed is queued for :meth:`Calls.drain`, so the coordinator publishes
exactly what moved, and a session that reached ``done`` with a disposition is how a disposition
leaves the core. Pure: no I/O, no clock (``at`` is passed in).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime

from app.refused import Refused
from app.session import wrapup
from app.session.acw import AcwPolicy
from app.session.call import CallSession
from app.session.phase import Phase
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.dispositions import DispositionCode, DispositionIn

Keep = Callable[[DispositionIn], None]
"""Stores a disposition durably (the outbox), raising when it cannot."""

RETIRED_KEPT = 256
"""Ended calls whose ids are remembered, so that a late event of one is ignored rather than refused as an
anomaly. Late events come within seconds of the end; keeping every id of a shift leaked (issue 15)."""


class RecentlyEnded:
    """The ids of the last :data:`RETIRED_KEPT` ended calls (a set that forgets the oldest)."""

    def __init__(self, keep: int = RETIRED_KEPT) -> None:
        self._ids: dict[str, None] = {}  # insertion-ordered: the oldest first
        self._keep = keep

    def add(self, call_id: str) -> None:
        self._ids.pop(call_id, None)
        self._ids[call_id] = None
        while len(self._ids) > self._keep:
            del self._ids[next(iter(self._ids))]

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._ids


_CALL_EVENTS = (ev.CallStateChanged, ev.CallEnded, ev.DtmfReceived, ev.TransferProgress, ev.CallReplaced)


class Calls:
    """The open call sessions of one operator (everything not yet ``done``)."""

    def __init__(self, operator: str, policy: AcwPolicy, *, queue_header: str = "X-Queue") -> None:
        self.operator = operator
        self.policy = policy
        self.queue_header = queue_header
        self.muted = False
        self._sessions: dict[str, CallSession] = {}
        self._retired = RecentlyEnded()
        self._changes: list[CallSession] = []

    # ----- reading -----------------------------------------------------------------------------

    @property
    def sessions(self) -> Mapping[str, CallSession]:
        """Open sessions by engine call id, oldest first."""
        return dict(self._sessions)

    def get(self, call_id: str) -> CallSession:
        session = self._sessions.get(call_id)
        if session is None:
            raise Refused(f"there is no open call {call_id!r}", code="unknown_call", key="unknown_call")
        return session

    @property
    def engaged(self) -> bool:
        """Whether the operator is on the phone (dialling, talking or holding; a ring alone is not)."""
        return any(s.phase.engaged for s in self._sessions.values())

    @property
    def in_acw(self) -> bool:
        return any(s.phase is Phase.ACW for s in self._sessions.values())

    def next_deadline(self) -> datetime | None:
        """The earliest ACW timer still running."""
        deadlines = [
            s.acw_deadline for s in self._sessions.values() if s.phase is Phase.ACW and s.acw_deadline
        ]
        return min(deadlines, default=None)

    def drain(self) -> list[CallSession]:
        """Sessions that changed since the last drain, in order (a ``done`` one appears once, last)."""
        changes, self._changes = self._changes, []
        return changes

    # ----- intents -----------------------------------------------------------------------------

    def answer(self, call_id: str) -> list[cmd.Command]:
        session = self.get(call_id)
        if session.phase is Phase.RINGING and any(s.phase is Phase.DIALING for s in self._others(call_id)):
            raise Refused(
                "cancel the outgoing call being dialled before answering another",
                code="busy",
                key="answer_dialling",
            )
        session, commands = session.answer()
        return [*self._hold_others(call_id), *self._put(session, commands)]

    def reject(self, call_id: str, code: int = 486) -> list[cmd.Command]:
        return self._put(*self.get(call_id).reject(code))

    def hangup(self, call_id: str) -> list[cmd.Command]:
        return self._put(*self.get(call_id).hangup())

    def hold(self, call_id: str) -> list[cmd.Command]:
        return self._put(*self.get(call_id).hold())

    def resume(self, call_id: str) -> list[cmd.Command]:
        session, commands = self.get(call_id).resume()
        return [*self._hold_others(call_id), *self._put(session, commands)]

    def send_dtmf(self, call_id: str, digits: str) -> list[cmd.Command]:
        return self._put(*self.get(call_id).send_dtmf(digits))

    def mute(self, muted: bool) -> list[cmd.Command]:
        if not any(s.phase in (Phase.TALKING, Phase.HELD) for s in self._sessions.values()):
            raise Refused(
                "the microphone is muted during a conversation only", code="phase", key="mute_phase"
            )
        if muted == self.muted:
            raise Refused(
                "the microphone is already " + ("muted" if muted else "on"),
                code="same",
                key="already_muted" if muted else "already_unmuted",
            )
        return [cmd.SetMute(muted=muted)]

    def mute_applied(self, muted: bool) -> None:
        """The phone confirmed a mute change (there is no phone event for it)."""
        self.muted = muted

    def dial(self, target: str, headers: tuple[tuple[str, str], ...] = ()) -> list[cmd.Command]:
        """Commands to place an outgoing call (with extra INVITE ``headers``: the queue's caller ID);
        the session appears with :meth:`dialed`."""
        target = target.strip()
        if not target:
            raise Refused("nothing to dial", code="target", key="dial_target")
        if any(s.phase is Phase.DIALING for s in self._sessions.values()):
            raise Refused("an outgoing call is already being dialled", code="busy", key="already_dialling")
        return [*self._hold_others(""), cmd.MakeCall(target=target, headers=headers)]

    def dialed(self, call_id: str, target: str, at: datetime, consult_for: str = "") -> None:
        """The phone placed the call ``call_id`` (its ``calling`` state may have arrived first)."""
        session = self._sessions.get(call_id)
        if session is None:
            if call_id in self._retired:
                return  # it failed and ended before the command's answer came back
            session = CallSession.outgoing(call_id, operator=self.operator, at=at)
        self._store(replace(session, number=target, remote_uri=target, consult_for=consult_for))
        if consult_for:
            self._store(self.get(consult_for).begin_consultation(call_id, target))

    def consult(self, call_id: str, target: str) -> list[cmd.Command]:
        """Commands to start an attended transfer: hold the customer, call the target."""
        self.get(call_id).begin_consultation("", target)  # only checks the call can be transferred
        return self.dial(target)

    def complete_transfer(self, call_id: str) -> list[cmd.Command]:
        session = self.get(call_id)
        transfer = session.transfer
        consult = self._sessions.get(transfer.consult_call_id) if transfer is not None else None
        if consult is not None and consult.phase not in (Phase.TALKING, Phase.HELD):
            raise Refused(
                "the consulted party has not answered yet", code="transfer", key="consult_not_answered"
            )
        return self._put(*session.complete_consultation())

    def blind_transfer(self, call_id: str, target: str) -> list[cmd.Command]:
        return self._put(*self.get(call_id).blind_transfer(target))

    def command_failed(self, call_id: str) -> None:
        """The phone refused a command for ``call_id``: clear what was pending on it."""
        session = self._sessions.get(call_id)
        if session is not None:
            self._store(session.command_failed())

    def restore(self, session: CallSession) -> None:
        """Take back a session saved before a crash (always in after-call work: see ``snapshot``)."""
        if session.phase is not Phase.ACW:
            raise Refused("only a call in after-call work can be restored", code="phase", key="restore_phase")
        if session.call_id in self._sessions:
            raise Refused(f"call {session.call_id} is already on the desk", code="duplicate")
        self._put(session)

    def update(self, call_id: str, change: Callable[[CallSession], CallSession]) -> CallSession:
        """Apply an attachment (contact, queue, script answers) to an open session."""
        return self._store(change(self.get(call_id)))

    # ----- after-call work ---------------------------------------------------------------------

    def submit(
        self,
        call_id: str,
        code: DispositionCode,
        at: datetime,
        *,
        comment: str = "",
        callback_at: datetime | None = None,
        keep: Keep = lambda disposition: None,
    ) -> CallSession:
        """The operator's disposition. ``keep`` stores it durably before the call is done: when it
        raises, the call stays in after-call work as it was (nothing typed is lost)."""
        session = wrapup.submit(
            self.get(call_id), self.policy, code, at, comment=comment, callback_at=callback_at
        )
        return self._done(session, keep)

    def leave_acw(self, call_id: str, at: datetime, *, keep: Keep = lambda disposition: None) -> CallSession:
        return self._done(wrapup.leave(self.get(call_id), self.policy, at), keep)

    def tick(self, at: datetime, *, keep: Keep = lambda disposition: None) -> list[Exception]:
        """End every ACW whose timer has run out by ``at``; what ``keep`` raised for the calls that
        stay in after-call work (to try again later)."""
        failures: list[Exception] = []
        for session in list(self._sessions.values()):
            expired = wrapup.expire(session, self.policy, at)
            if expired is not None:
                try:
                    self._done(expired, keep)
                except Exception as exc:
                    failures.append(exc)
        return failures

    def _done(self, session: CallSession, keep: Keep) -> CallSession:
        if session.phase is Phase.DONE and session.disposition is not None:
            keep(session.disposition)  # first durable, then done: a failure changes nothing
        return self._store(session)

    # ----- phone events ------------------------------------------------------------------------

    def on_event(self, event: ev.Event, at: datetime) -> None:
        """Move the sessions on a phone event; a contradiction raises ``Refused(code="anomaly")``."""
        if isinstance(event, ev.IncomingCall):
            if event.call_id in self._sessions:
                raise Refused(f"call {event.call_id} rings twice", code="anomaly")
            self._put(
                CallSession.incoming(event, operator=self.operator, at=at, queue_header=self.queue_header)
            )
            return
        if isinstance(event, ev.EngineStopped | ev.EngineStarted):
            self._phone_lost(event, at)
            return
        if not isinstance(event, _CALL_EVENTS) or event.call_id in self._retired:
            return
        session = self._sessions.get(event.call_id)
        if session is None:
            if isinstance(event, ev.CallStateChanged) and event.state is CallState.CALLING:
                self._put(CallSession.outgoing(event.call_id, operator=self.operator, at=at))
                return
            raise Refused(f"phone reports {event.type} for unknown call {event.call_id}", code="anomaly")
        match event:
            case ev.CallStateChanged():
                self._put(session.on_state(event, at))
            case ev.DtmfReceived():
                self._put(session.on_dtmf(event))
            case ev.TransferProgress():
                self._put(session.on_transfer(event))
            case ev.CallReplaced():
                del self._sessions[event.call_id]
                self._retired.add(event.call_id)
                self._put(session.replaced_by(event.new_call_id, event.remote_uri))
            case ev.CallEnded():
                self._ended(session.on_ended(event, at), at)

    def _phone_lost(self, event: ev.EngineStopped | ev.EngineStarted, at: datetime) -> None:
        """The telephony service died (or came back without them): its calls are gone, and no phone
        event will ever end them, so end them here. Answered ones still get their after-call work."""
        why = event.reason if isinstance(event, ev.EngineStopped) else "the telephony service restarted"
        for session in [s for s in self._sessions.values() if s.phase.live]:
            lost = ev.CallEnded(session.call_id, ev.EndCause.FAILED, 0, why, 0.0, 0.0, at=event.at)
            self._ended(session.on_ended(lost, at), at)

    def _ended(self, session: CallSession, at: datetime) -> None:
        if wrapup.needs_acw(session):
            self._put(wrapup.start(session, self.policy, at))
        else:
            self._put(session)
            self._put(wrapup.close_without_acw(session, self.policy))
        if session.is_consultation and session.consult_for in self._sessions:
            self._put(self._sessions[session.consult_for].consultation_over())
        if not any(s.phase.live for s in self._sessions.values()):
            self.muted = False  # the phone unmutes when the last call ends

    # ----- internals ---------------------------------------------------------------------------

    def _others(self, call_id: str) -> Iterator[CallSession]:
        return (s for s in self._sessions.values() if s.call_id != call_id)

    def _hold_others(self, call_id: str) -> list[cmd.Command]:
        """Put the call we are talking on (other than ``call_id``) on hold: one conversation at a time."""
        commands: list[cmd.Command] = []
        for other in list(self._others(call_id)):
            if other.phase is Phase.TALKING:
                commands += self._put(*other.hold())
        return commands

    def _put(self, session: CallSession, commands: list[cmd.Command] | None = None) -> list[cmd.Command]:
        """Store ``session`` and pass its commands on."""
        self._store(session)
        return commands or []

    def _store(self, session: CallSession) -> CallSession:
        if session.phase is Phase.DONE:
            self._sessions.pop(session.call_id, None)
            self._retired.add(session.call_id)
        else:
            self._sessions[session.call_id] = session
        self._changes.append(session)
        return session
