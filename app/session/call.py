"""One call session: an immutable value that moves from ringing to done, one transition at a time.

Every transition is a method returning a *new* session (and, for the operator's intents, the
telephony commands that carry the intent out). Intents only say what to ask the phone; the phase
moves when the phone reports the fact (answer -> ``active``), so the screen never shows a state the
phone is not in. An intent that does not fit the phase raises :class:`app.refused.Refused`; so does a
phone fact that contradicts the session (``code="anomaly"``), which the coordinator logs and shows
rather than dropping.

Being immutable, a session doubles as the UI's view model: the hub hands out the same object.
After-call work transitions live in :mod:`app.session.wrapup`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from app.clock import later
from app.refused import Refused
from app.session.phase import Direction, Phase, Transfer, TransferKind, TransferStatus
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState, EndCause
from app.wire.dispositions import DispositionIn
from app.wire.scripts import AnswerValue, ScriptRef

Pending = Literal["", "answer", "reject", "hangup", "hold", "resume"]
"""An intent sent to the phone whose fact has not come back yet (so a double click is refused)."""

_DTMF = re.compile(r"^[0-9*#A-Da-d]{1,32}$")
_NOT_CONNECTED = frozenset({Phase.RINGING, Phase.DIALING})


@dataclass(frozen=True)
class Draft:
    """A disposition submitted before a no-early-exit ACW timer ran out: sent when it does."""

    code: str
    comment: str = ""
    callback_at: datetime | None = None


@dataclass(frozen=True)
class CallSession:
    """Everything the workstation knows about one conversation, from the first ring to the disposition."""

    call_id: str
    """The engine's id of the call carrying the conversation now (it changes when a transfer replaces
    the call); intents and phone events use it."""
    direction: Direction
    phase: Phase
    operator: str
    ring_at: datetime
    """When it started ringing (inbound) or dialling (outbound)."""
    number: str = ""
    display_name: str = ""
    remote_uri: str = ""
    sip_call_id: str = ""
    account_id: str = ""
    queue: str | None = None
    x_headers: tuple[tuple[str, str], ...] = ()
    answer_at: datetime | None = None
    end_at: datetime | None = None
    acw_deadline: datetime | None = None
    """When a time-boxed ACW ends by itself."""
    acw_end_at: datetime | None = None
    end_cause: EndCause | None = None
    end_code: int = 0
    end_reason: str = ""
    early: bool = False
    """Outbound: the other end is ringing (18x)."""
    pending: Pending = ""
    dtmf_sent: str = ""
    dtmf_received: str = ""
    transfer: Transfer | None = None
    consult_for: str = ""
    """Set on a consultation call (attended transfer): the engine id of the customer's call."""
    previous_ids: tuple[str, ...] = ()
    """Engine ids this conversation had before a transfer replaced its call."""
    contact_id: int | None = None
    script: ScriptRef | None = None
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    suggested_code: str | None = None
    """The script's suggestion, preselected in the disposition form."""
    held_since: datetime | None = None
    """When the current hold began (``None``: not on hold)."""
    hold_seconds: float = 0.0
    """Time on hold in the holds that are over; :meth:`held_for` adds the one running. The
    disposition carries it (``hold_seconds``) for the hold KPI."""
    draft: Draft | None = None
    disposition: DispositionIn | None = None
    """The final disposition, once ACW is over (``None`` for a call that needs none)."""

    # ----- creation ----------------------------------------------------------------------------

    @classmethod
    def incoming(
        cls, event: ev.IncomingCall, *, operator: str, at: datetime, queue_header: str = "X-Queue"
    ) -> CallSession:
        """A ringing incoming call; the queue comes from the PBX's ``X-Queue`` header when present."""
        queue = next((v for k, v in event.x_headers if k.lower() == queue_header.lower() and v), None)
        return cls(
            call_id=event.call_id,
            direction=Direction.INBOUND,
            phase=Phase.RINGING,
            operator=operator,
            ring_at=at,
            number=event.number,
            display_name=event.display_name,
            remote_uri=event.remote_uri,
            sip_call_id=event.sip_call_id,
            account_id=event.account_id,
            queue=queue,
            x_headers=event.x_headers,
        )

    @classmethod
    def outgoing(
        cls, call_id: str, *, operator: str, at: datetime, target: str = "", consult_for: str = ""
    ) -> CallSession:
        """An outgoing call the phone has started dialling."""
        return cls(
            call_id=call_id,
            direction=Direction.OUTBOUND,
            phase=Phase.DIALING,
            operator=operator,
            ring_at=at,
            number=target,
            remote_uri=target,
            consult_for=consult_for,
        )

    # ----- what the call is --------------------------------------------------------------------

    @property
    def record_id(self) -> str:
        """The call id the disposition carries: the SIP Call-ID of an incoming call (what the PBX logs),
        else the engine id the conversation started with (stable across a replaced call)."""
        if self.sip_call_id:
            return self.sip_call_id
        return self.previous_ids[0] if self.previous_ids else self.call_id

    @property
    def is_consultation(self) -> bool:
        """Whether this is the operator's side call for an attended transfer (no ACW, no disposition)."""
        return bool(self.consult_for)

    @property
    def answered(self) -> bool:
        return self.answer_at is not None

    def held_for(self, at: datetime) -> float:
        """Seconds on hold by ``at``, the hold in progress included."""
        running = (at - self.held_since).total_seconds() if self.held_since is not None else 0.0
        return self.hold_seconds + max(running, 0.0)

    def _hold_over(self, at: datetime) -> CallSession:
        """The hold in progress, if any, added to the total."""
        if self.held_since is None:
            return self
        return replace(self, hold_seconds=self.held_for(at), held_since=None)

    # ----- the operator's intents --------------------------------------------------------------

    def answer(self) -> tuple[CallSession, list[cmd.Command]]:
        self._need(Phase.RINGING, "answer")
        return replace(self, pending="answer"), [cmd.Answer(call_id=self.call_id)]

    def reject(self, code: int = 486) -> tuple[CallSession, list[cmd.Command]]:
        self._need(Phase.RINGING, "reject")
        if code not in (486, 603):
            raise Refused(
                f"a call is rejected with 486 (busy) or 603 (decline), not {code}",
                key="reject_code",
                sip=code,
            )
        return replace(self, pending="reject"), [cmd.Reject(call_id=self.call_id, code=code)]

    def hangup(self) -> tuple[CallSession, list[cmd.Command]]:
        if self.phase is Phase.RINGING:
            raise Refused(
                "an incoming call that is still ringing is rejected, not hung up",
                code="phase",
                key="hangup_ringing",
            )
        self._need_live("hang up")
        if self.pending == "hangup":
            raise Refused("hang-up already requested", code="pending", key="hangup_pending")
        return replace(self, pending="hangup"), [cmd.Hangup(call_id=self.call_id)]

    def hold(self) -> tuple[CallSession, list[cmd.Command]]:
        self._need(Phase.TALKING, "put on hold")
        return replace(self, pending="hold"), [cmd.SetHold(call_id=self.call_id, held=True)]

    def resume(self) -> tuple[CallSession, list[cmd.Command]]:
        self._need(Phase.HELD, "resume")
        return replace(self, pending="resume"), [cmd.SetHold(call_id=self.call_id, held=False)]

    def send_dtmf(self, digits: str) -> tuple[CallSession, list[cmd.Command]]:
        self._need(Phase.TALKING, "send keypad digits", allow_pending=True)
        if not _DTMF.match(digits):
            raise Refused(
                f"keypad digits are 0-9, *, # and A-D (1 to 32 of them), not {digits[:40]!r}",
                key="dtmf_digits",
                digits=digits[:40],
            )
        return (
            replace(self, dtmf_sent=(self.dtmf_sent + digits)[-200:]),
            [cmd.SendDtmf(call_id=self.call_id, digits=digits)],
        )

    def blind_transfer(self, target: str) -> tuple[CallSession, list[cmd.Command]]:
        self._need_transferable()
        if not target.strip():
            raise Refused("a transfer needs a target number or address", key="transfer_target")
        transfer = Transfer(TransferKind.BLIND, target.strip(), TransferStatus.REQUESTED)
        return (
            replace(self, transfer=transfer),
            [cmd.BlindTransfer(call_id=self.call_id, target=target.strip())],
        )

    def begin_consultation(self, consult_call_id: str, target: str) -> CallSession:
        """An attended transfer started: ``consult_call_id`` is the operator's call to the target."""
        self._need_transferable()
        return replace(
            self, transfer=Transfer(TransferKind.ATTENDED, target, TransferStatus.CONSULTING, consult_call_id)
        )

    def complete_consultation(self) -> tuple[CallSession, list[cmd.Command]]:
        """Join the customer to the consulted party (REFER with Replaces)."""
        t = self.transfer
        if t is None or t.kind is not TransferKind.ATTENDED or t.status is not TransferStatus.CONSULTING:
            raise Refused(
                "no consultation call to complete the transfer with", code="transfer", key="no_consult"
            )
        self._need_live("transfer")
        return (
            replace(self, transfer=replace(t, status=TransferStatus.REQUESTED)),
            [cmd.AttendedTransfer(call_id=self.call_id, consult_call_id=t.consult_call_id)],
        )

    def consultation_over(self) -> CallSession:
        """The consultation call ended without the transfer happening: the customer stays ours."""
        t = self.transfer
        if t is None or t.kind is not TransferKind.ATTENDED or t.status is not TransferStatus.CONSULTING:
            return self  # once the REFER is out, its own progress tells how the transfer ended
        return replace(self, transfer=None)

    # ----- what the operator attaches to the call ----------------------------------------------

    def with_contact(self, contact_id: int | None) -> CallSession:
        self._need_open("attach a contact")
        return replace(self, contact_id=contact_id)

    def with_queue(self, queue: str | None) -> CallSession:
        self._need_open("set the queue")
        return replace(self, queue=queue)

    def with_script(
        self, script: ScriptRef | None, answers: Mapping[str, AnswerValue], suggested_code: str | None = None
    ) -> CallSession:
        self._need_open("record script answers")
        if answers and script is None:
            raise Refused("script answers need the script they answer (id and version)", key="script_ref")
        return replace(self, script=script, answers=dict(answers), suggested_code=suggested_code)

    # ----- facts from the phone ----------------------------------------------------------------

    def on_state(self, event: ev.CallStateChanged, at: datetime) -> CallSession:
        state = event.state
        if state is CallState.ENDED:
            return self  # CallEnded follows with the cause
        if not self.phase.live:
            raise self._anomaly(f"phone reports {state.value} for a call that has ended")
        match state:
            case CallState.ACTIVE if self.phase in _NOT_CONNECTED:
                answer_at = later(at, self.ring_at)
                return replace(self, phase=Phase.TALKING, answer_at=answer_at, pending=self._settle("answer"))
            case CallState.ACTIVE:
                resumed = self._hold_over(at)
                return replace(resumed, phase=Phase.TALKING, pending=self._settle("resume"))
            case CallState.HELD if self.phase in (Phase.TALKING, Phase.HELD):
                since = self.held_since if self.held_since is not None else at
                return replace(self, phase=Phase.HELD, pending=self._settle("hold"), held_since=since)
            case CallState.HELD:
                raise self._anomaly(f"phone reports held for a call that is {self.phase.value}")
            case CallState.EARLY if self.phase is Phase.DIALING:
                return replace(self, early=True)
            case _:
                return self  # ringing, calling, connecting: nothing the operator sees changes

    def on_ended(self, event: ev.CallEnded, at: datetime) -> CallSession:
        if not self.phase.live:
            raise self._anomaly("phone reports the end of a call that had already ended")
        end_at = later(at, self.answer_at or self.ring_at)
        return replace(
            self._hold_over(end_at),
            phase=Phase.ENDED,
            end_at=end_at,
            end_cause=event.cause,
            end_code=event.code,
            end_reason=event.reason,
            pending="",
        )

    def on_dtmf(self, event: ev.DtmfReceived) -> CallSession:
        return replace(self, dtmf_received=(self.dtmf_received + event.digit)[-200:])

    def on_transfer(self, event: ev.TransferProgress) -> CallSession:
        t = self.transfer
        if t is None:
            raise self._anomaly(f"transfer progress {event.code} for a call nobody is transferring")
        if event.final and not 200 <= event.code < 300:
            return replace(
                self, transfer=replace(t, status=TransferStatus.FAILED, code=event.code, reason=event.reason)
            )
        return replace(self, transfer=replace(t, code=event.code, reason=event.reason))

    def replaced_by(self, new_call_id: str, remote_uri: str) -> CallSession:
        """The remote side moved the conversation to another call (it transferred us, or an attended
        transfer towards us replaced the call): same conversation, same disposition, new engine id."""
        if not self.phase.live:
            raise self._anomaly("a call that has ended cannot be replaced")
        return replace(
            self,
            call_id=new_call_id,
            previous_ids=(*self.previous_ids, self.call_id),
            remote_uri=remote_uri or self.remote_uri,
            pending="",
        )

    def command_failed(self) -> CallSession:
        """The phone refused the last command: nothing is pending any more (the phase never moved)."""
        return replace(self, pending="")

    def _settle(self, done: Pending) -> Pending:
        """The pending intent once the fact ``done`` happened (a hang-up stays pending until the end)."""
        return "" if self.pending == done else self.pending

    # ----- guards ------------------------------------------------------------------------------

    def _need(self, phase: Phase, what: str, *, allow_pending: bool = False) -> None:
        if self.phase is not phase:
            raise Refused(
                f"cannot {what}: the call is {self.phase.value}, not {phase.value}",
                code="phase",
                key="wrong_phase",
                what=what,
                phase=self.phase,
                expected=phase,
            )
        if self.pending and not allow_pending:
            raise Refused(
                f"cannot {what}: still waiting for the phone to {self.pending}",
                code="pending",
                key="pending",
                what=what,
            )

    def _need_live(self, what: str) -> None:
        if not self.phase.live:
            raise Refused(f"cannot {what}: the call has ended", code="phase", key="call_ended", what=what)

    def _need_open(self, what: str) -> None:
        if self.phase is Phase.DONE:
            raise Refused(
                f"cannot {what}: the call's disposition is already done",
                code="phase",
                key="call_done",
                what=what,
            )

    def _need_transferable(self) -> None:
        if self.phase not in (Phase.TALKING, Phase.HELD):
            raise Refused(
                f"only a connected call can be transferred; this one is {self.phase.value}",
                key="transfer_not_connected",
                phase=self.phase,
            )
        if self.is_consultation:
            raise Refused("a consultation call cannot itself be transferred", key="transfer_consult")
        t = self.transfer
        if t is not None and t.status is not TransferStatus.FAILED:
            raise Refused(
                f"a {t.kind.value} transfer to {t.target} is already under way",
                code="transfer",
                key="transfer_under_way",
                target=t.target,
            )

    def _anomaly(self, what: str) -> Refused:
        return Refused(f"call {self.call_id}: {what}", code="anomaly", key="anomaly")
