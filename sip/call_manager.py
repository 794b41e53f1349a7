"""Everything the engine does with calls: incoming, outgoing, answer, hold, DTMF, transfer, release.

Runs only on the engine thread. Events leave as plain values through ``emit``; pjsua2 objects never do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import pjsua2 as pj

from app.supervision.modes import GRANT_HEADER
from app.telephony import events as ev
from app.telephony.commands import MakeCall
from app.telephony.config import DtmfMethod, EngineConfig
from app.telephony.events import CallState, EndCause
from sip import sipmsg
from sip.accounts import AccountRecord, RingdeskAccount
from sip.calls import (
    CallEvents,
    CallRecord,
    CommandFailed,
    Direction,
    RingdeskCall,
    end_cause,
    new_call_id,
    op_param,
)
from sip.endpoint import error_text
from sip.loop import EngineLoop
from sip.supervision.calls import SupervisionCalls
from sip.supervision.manager import SupervisionManager
from sip.transfers import CallTransfers, target_uri

log = logging.getLogger(__name__)

_PJ_STATE = {
    pj.PJSIP_INV_STATE_CALLING: CallState.CALLING,
    pj.PJSIP_INV_STATE_INCOMING: CallState.RINGING,
    pj.PJSIP_INV_STATE_EARLY: CallState.EARLY,
    pj.PJSIP_INV_STATE_CONNECTING: CallState.CONNECTING,
    pj.PJSIP_INV_STATE_CONFIRMED: CallState.ACTIVE,
}
_DTMF_METHOD = {
    DtmfMethod.RFC4733: pj.PJSUA_DTMF_METHOD_RFC2833,
    DtmfMethod.INFO: pj.PJSUA_DTMF_METHOD_SIP_INFO,
}
_DTMF_NAME = {pj.PJSUA_DTMF_METHOD_RFC2833: "rfc4733", pj.PJSUA_DTMF_METHOD_SIP_INFO: "info"}
_SAVP_PROTOS = {
    getattr(pj, name) for name in dir(pj) if name.startswith("PJMEDIA_TP_PROTO_") and "SAVP" in name
}
_VALID_DTMF = set("0123456789*#ABCDabcd")


class AudioPath(Protocol):
    """The part of the headset bridge the call manager uses."""

    def connect(self, media: Any) -> None: ...
    def disconnect(self, media: Any) -> None: ...
    def play_beep(self) -> None: ...
    def set_mute(self, muted: bool) -> None: ...
    def start_ringing(self) -> None: ...
    def stop_ringing(self) -> None: ...


class CallManager(SupervisionCalls, CallTransfers, CallEvents):
    """Owns every call of the engine, keyed by our call id."""

    def __init__(
        self,
        config: EngineConfig,
        loop: EngineLoop,
        bridge: AudioPath,
        *,
        emit: Callable[[ev.Event], None],
        report_error: Callable[[str, BaseException], None],
    ) -> None:
        self.config = config
        self.loop = loop
        self.bridge = bridge
        self.emit = emit
        self.report_error = report_error
        self.owner_of: Callable[[str, str], str] = lambda request_uri, matched: matched
        """Which account an INVITE is for (set by the engine's account manager)."""
        self.calls: dict[str, CallRecord] = {}
        self.supervision: SupervisionManager | None = None
        """Admits team leads' supervision calls (set by the engine; None: all refused)."""

    # ----- callbacks from pjsua2 (engine thread) -------------------------------------------------

    def callback_failed(self, what: str, exc: BaseException) -> None:
        self.report_error(what, exc)

    def on_incoming_call(self, account: RingdeskAccount, prm: Any) -> None:
        """A new INVITE: read its headers now (gone after this callback), ring, maybe answer."""
        try:
            message = str(prm.rdata.wholeMsg)
        except Exception:  # undecodable bytes in the INVITE: go on with what pjsua2 parsed itself
            message = ""
        owner = self.owner_of(sipmsg.request_uri(message), account.account_id)
        record = self._new_record(RingdeskCall(self, account, prm.callId), owner, Direction.INCOMING)
        call = self._pj(record)
        headers = sipmsg.parse_headers(message) if message else []
        grant = sipmsg.header_values(headers, GRANT_HEADER)
        if grant:
            self._incoming_supervision(record, grant[0])
            return
        ci = call.getInfo()
        from_name, from_uri = _first_name_addr(headers, "From", str(ci.remoteUri))
        pai_name, pai_uri = _first_name_addr(headers, "P-Asserted-Identity", "")
        answer_after = sipmsg.answer_after(headers) if self.config.honour_answer_after else None
        self.emit(
            ev.IncomingCall(
                call_id=record.call_id,
                account_id=owner,
                number=sipmsg.uri_user(pai_uri) or sipmsg.uri_user(from_uri),
                display_name=from_name or pai_name,
                remote_uri=sipmsg.clean_text(from_uri),
                sip_call_id=sipmsg.clean_text(str(ci.callIdString)),
                p_asserted_identity=", ".join(sipmsg.header_values(headers, "P-Asserted-Identity")),
                call_info=tuple(sipmsg.header_values(headers, "Call-Info")),
                x_headers=sipmsg.x_headers(headers),
                answer_after_s=answer_after,
            )
        )
        call.answer(op_param(180))
        # Answer by itself when configured to, or when the PBX asks: whichever comes first.
        delays = [answer_after] if answer_after is not None else []
        if self.config.auto_answer:
            delays.append(self.config.auto_answer_delay_s)
        if delays:
            record.auto_answer_timer = self.loop.call_later(
                min(delays), lambda: self._auto_answer(record.call_id)
            )
        else:
            self.bridge.start_ringing()

    def on_call_state(self, call: RingdeskCall) -> None:
        record = call.record
        if record is None:
            return
        ci = call.getInfo()
        if ci.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self._finish(record, int(ci.lastStatusCode), str(ci.lastReason))
            return
        state = _PJ_STATE.get(ci.state)
        if state is None:
            return
        if record.direction is Direction.INCOMING and state is CallState.EARLY:
            state = CallState.RINGING
        if state is CallState.ACTIVE and record.answered is None:
            record.answered = time.monotonic()
        if state is CallState.ACTIVE and record.held:
            state = CallState.HELD
        self._set_state(record, state, int(ci.lastStatusCode), str(ci.lastReason))
        if state is not CallState.RINGING:
            self._update_ringer()

    def on_call_media(self, call: RingdeskCall) -> None:
        record = call.record
        if record is None:
            return
        if record.supervision and record.direction is Direction.INCOMING:
            self._supervision_media(call, record)
            return
        ci = call.getInfo()  # keep the info in a variable: iterating a temporary's media yields garbage
        media = ci.media
        for index in range(len(media)):
            mi = media[index]
            if mi.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if mi.status in (pj.PJSUA_CALL_MEDIA_ACTIVE, pj.PJSUA_CALL_MEDIA_REMOTE_HOLD):
                if record.audio is None:
                    record.audio = call.getAudioMedia(mi.index)
                    self.bridge.connect(record.audio)
                record.held = False
            elif mi.status == pj.PJSUA_CALL_MEDIA_LOCAL_HOLD:
                self._disconnect_audio(record)
                record.held = True
            else:
                self._disconnect_audio(record)
            if mi.status != pj.PJSUA_CALL_MEDIA_NONE:
                info = call.getStreamInfo(mi.index)
                record.codec = f"{info.codecName}/{info.codecClockRate}"
                record.srtp = info.proto in _SAVP_PROTOS
        if record.answered is not None:
            self._set_state(record, CallState.HELD if record.held else CallState.ACTIVE, 200, "OK")
        if self.supervision is not None:
            self.supervision.update(record.call_id)  # a lead listening follows the call's new media

    def on_dtmf(self, call: RingdeskCall, digit: str, method: int) -> None:
        if call.record is not None:
            self.emit(ev.DtmfReceived(call.record.call_id, digit, _DTMF_NAME.get(method, str(method))))

    # ----- commands (engine thread) ---------------------------------------------------------------

    def make_call(self, command: MakeCall, account: AccountRecord, *, supervision: bool = False) -> str:
        target = target_uri(command.target, account)
        if account.pj_account is None:
            raise CommandFailed("the account is not ready")
        record = self._new_record(
            RingdeskCall(self, account.pj_account), account.account_id, Direction.OUTGOING
        )
        record.supervision = supervision
        call = self._pj(record)
        prm = pj.CallOpParam(True)
        for name, value in command.headers:
            header = pj.SipHeader()
            header.hName, header.hValue = name, value
            prm.txOption.headers.append(header)
        try:
            call.makeCall(target, prm)
        except pj.Error as exc:
            del self.calls[record.call_id]
            record.pj_call = None
            call.record = None
            raise CommandFailed(f"cannot call {target}: {error_text(exc)}") from None
        self._set_state(record, CallState.CALLING)
        return record.call_id

    def answer(self, call_id: str) -> None:
        record = self._ringing(call_id)
        self.loop.cancel(record.auto_answer_timer)
        record.auto_answer_timer = None
        self._pj(record).answer(op_param(200))

    def reject(self, call_id: str, code: int) -> None:
        if code not in (486, 603, 480, 404):
            raise CommandFailed(f"a call is rejected with 486 or 603, not {code}")
        record = self._ringing(call_id)
        self.loop.cancel(record.auto_answer_timer)
        record.end_cause = EndCause.REJECTED
        self._pj(record).hangup(op_param(code))

    def hangup(self, call_id: str) -> None:
        record = self._get(call_id)
        self.loop.cancel(record.auto_answer_timer)
        if record.end_cause is None:
            record.end_cause = EndCause.LOCAL_HANGUP
        self._pj(record).hangup(op_param(0))

    def set_hold(self, call_id: str, held: bool) -> None:
        record = self._get(call_id)
        if record.answered is None:
            raise CommandFailed("only an answered call can be put on hold")
        call = self._pj(record)
        if held:
            call.setHold(op_param(0))
        else:
            prm = op_param(0)
            prm.opt.flag = pj.PJSUA_CALL_UNHOLD
            call.reinvite(prm)

    def send_dtmf(self, call_id: str, digits: str, method: DtmfMethod | None) -> None:
        if not digits or set(digits) - _VALID_DTMF:
            raise CommandFailed(f"DTMF digits must be 0-9, *, #, A-D: {digits!r}")
        record = self._get(call_id)
        prm = pj.CallSendDtmfParam()
        prm.digits = digits
        prm.method = _DTMF_METHOD[method or self.config.dtmf_method]
        prm.duration = 160
        self._pj(record).sendDtmf(prm)

    def uses_account(self, account: RingdeskAccount) -> bool:
        """Whether a live call was made or received through this pjsua2 account."""
        return any(r.pj_call is not None and r.pj_call.account is account for r in self.calls.values())

    def hangup_all(self) -> None:
        """Shutdown: end every call; DISCONNECTED callbacks release them as the loop keeps polling."""
        for record in list(self.calls.values()):
            record.end_cause = record.end_cause or EndCause.SHUTDOWN
            self._hangup_quietly(record)

    def release_all(self) -> None:
        """Last resort before libDestroy: drop calls whose DISCONNECTED never came."""
        for record in list(self.calls.values()):
            self._disconnect_audio(record)
            if record.pj_call is not None:
                record.pj_call.record = None
            record.pj_call = None
        self.calls.clear()

    # ----- internals ------------------------------------------------------------------------------

    def _new_record(self, call: RingdeskCall, account_id: str, direction: Direction) -> CallRecord:
        state = CallState.RINGING if direction is Direction.INCOMING else CallState.CALLING
        record = CallRecord(new_call_id(), account_id, direction, call, state)
        call.record = record
        self.calls[record.call_id] = record
        return record

    def _auto_answer(self, call_id: str) -> None:
        record = self.calls.get(call_id)
        if record is None or record.answered is not None or record.pj_call is None:
            return
        record.auto_answer_timer = None
        self.bridge.play_beep()
        record.pj_call.answer(op_param(200))

    def _finish(self, record: CallRecord, code: int, reason: str) -> None:
        self.loop.cancel(record.auto_answer_timer)
        if self.supervision is not None:
            lead_call = self.supervision.ended(record.call_id)
            lead = self.calls.get(lead_call) if lead_call else None
            if lead is not None:
                self._hangup_quietly(lead)  # the supervised call is over: so is listening to it
        if record.supervision:
            if record.direction is Direction.INCOMING:
                record.audio = None  # never linked to the headset: nothing of the bridge's to undo
            else:
                self._disconnect_audio(record)  # the lead's own call, in the lead's headset
            self.calls.pop(record.call_id, None)
            if record.pj_call is not None:
                record.pj_call.record = None
            record.pj_call = None
            self._set_state(record, CallState.ENDED, code, reason)
            return
        self._disconnect_audio(record)
        now = time.monotonic()
        cause = end_cause(record, code)
        # Drop the only reference now, inside onCallState: the id will be reused by the next call.
        self.calls.pop(record.call_id, None)
        if record.pj_call is not None:
            record.pj_call.record = None
        record.pj_call = None
        self._set_state(record, CallState.ENDED, code, reason)
        self.emit(
            ev.CallEnded(
                call_id=record.call_id,
                cause=cause,
                code=code,
                reason=reason,
                talk_s=round(now - record.answered, 3) if record.answered is not None else 0.0,
                total_s=round(now - record.created, 3),
            )
        )
        self._update_ringer()
        if not self.calls:
            self.bridge.set_mute(False)  # mute belongs to a conversation: the next call starts unmuted

    def _set_state(self, record: CallRecord, state: CallState, code: int = 0, reason: str = "") -> None:
        if record.supervision:  # the desktop hears of a lead's call as supervision, never as a call
            record.state = state
            if record.direction is Direction.OUTGOING and record.last_reported != (state, ""):
                record.last_reported = (state, "")
                self.emit(ev.SupervisingChanged(record.call_id, state, code, reason))
            return
        key = (state, record.codec)
        if record.last_reported == key:
            return
        record.state = state
        record.last_reported = key
        self.emit(ev.CallStateChanged(record.call_id, state, code, reason, record.codec, record.srtp))

    def _update_ringer(self) -> None:
        if not any(r.state is CallState.RINGING and r.auto_answer_timer is None for r in self.calls.values()):
            self.bridge.stop_ringing()

    def _disconnect_audio(self, record: CallRecord) -> None:
        if record.audio is not None:
            try:
                self.bridge.disconnect(record.audio)
            finally:
                record.audio = None

    def _hangup_quietly(self, record: CallRecord) -> None:
        if record.pj_call is None:
            return
        try:
            record.pj_call.hangup(op_param(0))
        except pj.Error as exc:
            log.info("hang-up of %s: %s", record.call_id, error_text(exc))

    def _get(self, call_id: str) -> CallRecord:
        record = self.calls.get(call_id)
        if record is None:
            raise CommandFailed(f"no call {call_id!r}")
        return record

    def _ringing(self, call_id: str) -> CallRecord:
        record = self._get(call_id)
        if record.direction is not Direction.INCOMING or record.answered is not None:
            raise CommandFailed(f"call {call_id} is not ringing")
        return record

    @staticmethod
    def _pj(record: CallRecord) -> RingdeskCall:
        if record.pj_call is None:
            raise CommandFailed(f"call {record.call_id} has ended")
        return record.pj_call


def _first_name_addr(headers: list[tuple[str, str]], name: str, fallback_uri: str) -> tuple[str, str]:
    values = sipmsg.header_values(headers, name)
    if not values:
        return sipmsg.split_name_addr(fallback_uri) if fallback_uri else ("", "")
    return sipmsg.split_name_addr(values[0])
