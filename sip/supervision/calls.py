"""The call manager's part in supervision (mixed into ``sip.call_manager.CallManager``): a lead's
INVITE admitted or refused, its media kept off the headset bridge for the mixer, the in-dialog MESSAGE
that switches mode; and on the lead's side, placing the supervision call and sending the switch.

Engine thread only, like the call manager; the rules are ``sip.supervision.manager``'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pjsua2 as pj

from app.supervision.grants import GrantRefused
from app.supervision.modes import GRANT_HEADER, MODE_CONTENT_TYPE, SupervisionMode
from app.telephony.commands import MakeCall
from app.telephony.events import CallState, EndCause
from sip.calls import CallRecord, CommandFailed, RingdeskCall, op_param

if TYPE_CHECKING:
    from sip.accounts import AccountRecord
    from sip.supervision.manager import SupervisionManager


class SupervisionCalls:
    """Mixed into the call manager, which supplies what is declared here."""

    supervision: SupervisionManager | None

    if TYPE_CHECKING:

        def _pj(self, record: CallRecord) -> RingdeskCall: ...
        def _get(self, call_id: str) -> CallRecord: ...
        def make_call(
            self, command: MakeCall, account: AccountRecord, *, supervision: bool = False
        ) -> str: ...

    # ----- the operator's side ----------------------------------------------------------------

    def on_message(self, call: RingdeskCall, content_type: str, body: str) -> None:
        """An in-dialog MESSAGE: on a supervision call, the lead switching mode."""
        record = call.record
        if record is not None and record.supervision and self.supervision is not None:
            self.supervision.message(record, content_type, body)

    def _incoming_supervision(self, record: CallRecord, token: str) -> None:
        """A lead's INVITE with a grant: answered at once when the grant holds, else refused with 403.
        Either way the operator is not disturbed: no ringing, no event as a call, no headset link."""
        record.supervision = True
        record.state = CallState.CONNECTING
        call = self._pj(record)
        try:
            if self.supervision is None:
                raise GrantRefused("this service takes no supervision calls")
            self.supervision.admit(record, token)
        except GrantRefused as exc:
            record.end_cause = EndCause.REJECTED
            if self.supervision is not None:
                self.supervision.refused(str(exc))
            prm = op_param(403)
            prm.reason = "Forbidden (supervision grant refused)"
            call.hangup(prm)
            return
        call.answer(op_param(200))

    def _supervision_media(self, call: RingdeskCall, record: CallRecord) -> None:
        """The lead's media: kept away from the headset bridge; the supervision mixer links it."""
        ci = call.getInfo()  # keep the info in a variable: iterating a temporary's media yields garbage
        media = ci.media
        audio = None
        for index in range(len(media)):
            mi = media[index]
            if mi.type == pj.PJMEDIA_TYPE_AUDIO and mi.status in (
                pj.PJSUA_CALL_MEDIA_ACTIVE,
                pj.PJSUA_CALL_MEDIA_REMOTE_HOLD,
            ):
                audio = record.audio if record.audio is not None else call.getAudioMedia(mi.index)
                break
        record.audio = audio
        if self.supervision is not None:  # no audio: the media went with the call, and its links
            self.supervision.update(record.call_id, gone=audio is None)

    def sip_call_id(self, record: CallRecord) -> str:
        """The SIP Call-ID of a call (what the desktop reports to the server, and a grant names)."""
        if record.pj_call is None:
            return ""
        return str(record.pj_call.getInfo().callIdString)

    # ----- the lead's side --------------------------------------------------------------------

    def supervise(self, target: str, grant: str, account: AccountRecord) -> str:
        """Call the operator's service with the grant; the call is reported as supervision."""
        command = MakeCall(target, account.account_id, ((GRANT_HEADER, grant),))
        return self.make_call(command, account, supervision=True)

    def switch_supervision(self, call_id: str, mode: str) -> None:
        """Ask the operator's service to mix ``call_id`` (our supervision call) as ``mode`` now: an
        in-dialog MESSAGE it answers 200 and acts on when the grant allows the mode."""
        try:
            SupervisionMode(mode)
        except ValueError:
            raise CommandFailed(f"not a supervision mode: {mode!r}") from None
        record = self._get(call_id)
        if record.answered is None:
            raise CommandFailed("the supervision call is not answered yet")
        prm = pj.SendInstantMessageParam()
        prm.contentType = MODE_CONTENT_TYPE
        prm.content = mode
        self._pj(record).sendInstantMessage(prm)
