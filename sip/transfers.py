"""The call manager's part in transfers (mixed into ``sip.call_manager.CallManager``): blind and
attended transfers the operator starts, and the remote party transferring us (REFER) or taking our
call over (INVITE with Replaces). Engine thread only, like the call manager.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.telephony import events as ev
from app.telephony.events import EndCause
from sip import sipmsg
from sip.accounts import AccountRecord
from sip.calls import CallEvents, CallRecord, CommandFailed, Direction, RingdeskCall, op_param

if TYPE_CHECKING:
    from sip.loop import EngineLoop


class CallTransfers(CallEvents):
    """Mixed into the call manager, which supplies what is declared here."""

    emit: Callable[[ev.Event], None]
    loop: EngineLoop

    if TYPE_CHECKING:

        def _pj(self, record: CallRecord) -> RingdeskCall: ...
        def _get(self, call_id: str) -> CallRecord: ...
        def _new_record(self, call: RingdeskCall, account_id: str, direction: Direction) -> CallRecord: ...
        def _hangup_quietly(self, record: CallRecord) -> None: ...

    def on_transfer_status(self, call: RingdeskCall, code: int, reason: str, final: bool) -> None:
        record = call.record
        if record is None:
            return
        self.emit(ev.TransferProgress(record.call_id, code, reason, final))
        if final and 200 <= code < 300:
            record.end_cause = EndCause.TRANSFERRED
            self.loop.soon(lambda: self._hangup_quietly(record))

    def on_transfer_request(self, call: RingdeskCall, prm: Any) -> None:
        """The remote party transfers us (REFER): pjsua2 calls the target with our new Call object."""
        old = call.record
        if old is None:
            return
        new = self._new_record(RingdeskCall(self, call.account), old.account_id, Direction.OUTGOING)
        prm.newCall = new.pj_call
        self.emit(ev.CallReplaced(old.call_id, new.call_id, "refer", sipmsg.clean_text(str(prm.dstUri))))

    def on_replaced(self, call: RingdeskCall, prm: Any) -> None:
        """An INVITE with Replaces took over this call (attended transfer towards us)."""
        old = call.record
        if old is None:
            return
        new_call = RingdeskCall(self, call.account, int(prm.newCallId))
        new = self._new_record(new_call, old.account_id, Direction.INCOMING)
        new.answered = time.monotonic()  # the conversation is already up
        prm.newCall = new_call
        remote = sipmsg.clean_text(str(new_call.getInfo().remoteUri))
        self.emit(ev.CallReplaced(old.call_id, new.call_id, "replaces", remote))

    def blind_transfer(self, call_id: str, target: str, account: AccountRecord) -> None:
        record = self._get(call_id)
        self._pj(record).xfer(target_uri(target, account), op_param(0))

    def attended_transfer(self, call_id: str, consult_call_id: str) -> None:
        record, consult = self._get(call_id), self._get(consult_call_id)
        if record.answered is None or consult.answered is None:
            raise CommandFailed("both calls must be answered for an attended transfer")
        self._pj(record).xferReplaces(self._pj(consult), op_param(0))


def target_uri(target: str, account: AccountRecord) -> str:
    """A dialable URI: SIP URIs as given, ``tel:`` and bare numbers completed with the account's domain."""
    target = target.strip()
    if target.lower().startswith(("sip:", "sips:")):
        return target
    number = target[4:] if target.lower().startswith("tel:") else target
    number = "".join(ch for ch in number.split(";", 1)[0] if ch.isdigit() or ch in "+*#")
    if not number:
        raise CommandFailed(f"not a number or SIP address: {target!r}")
    if account.config is None or "@" not in account.config.uri:
        raise CommandFailed("a number needs an account with a SIP domain; dial a sip: URI instead")
    domain = account.config.uri.split("@", 1)[1].split(";", 1)[0].rstrip(">")
    return f"sip:{number}@{domain}"
