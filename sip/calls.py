"""Calls: the pjsua2 ``Call`` subclass and the engine-side bookkeeping around each call.

Lifetime rule (PJSIP reuses call ids 0..3): the engine drops its only reference to a ``Call`` inside
``onCallState`` when the call is DISCONNECTED. A stale ``Call`` kept longer would, when collected later,
hang up whatever new call got the same id. Every ``Call`` is created and released on the engine thread.
"""

from __future__ import annotations

import logging
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import pjsua2 as pj

from app.telephony.events import CallState, EndCause

log = logging.getLogger(__name__)

LIVE_CALLS: weakref.WeakSet[RingdeskCall] = weakref.WeakSet()
"""Every pjsua2 Call object still alive in this process (for stats and leak tests)."""


class Direction(Enum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


@dataclass
class CallRecord:
    """What the engine knows about one call, keyed by our own call id (stable across id reuse)."""

    call_id: str
    account_id: str
    direction: Direction
    pj_call: RingdeskCall | None
    state: CallState
    created: float = field(default_factory=time.monotonic)
    answered: float | None = None
    end_cause: EndCause | None = None  # set when we end the call ourselves
    auto_answer_timer: int | None = None
    held: bool = False
    audio: Any = None  # the pjsua2 AudioMedia connected to the headset bridge
    codec: str = ""
    srtp: bool = False
    last_reported: tuple[CallState, str] | None = None
    supervision: bool = False
    """A team lead's supervision call (``sip.supervision``): never a call of the operator's own."""


class CommandFailed(Exception):
    """A command that cannot be carried out; the message goes back to the desktop as is."""


def op_param(code: int) -> pj.CallOpParam:
    """pjsua2's parameters for answering or ending a call with ``code`` (0: the library's choice)."""
    prm = pj.CallOpParam(True)
    prm.statusCode = code
    return prm


def new_call_id() -> str:
    """Our call id: unique across engine restarts, unlike PJSIP's recycled 0..3."""
    return uuid.uuid4().hex[:12]


class RingdeskCall(pj.Call):  # type: ignore[misc]
    """A pjsua2 call that forwards every callback to the engine, guarded against exceptions.

    A Python exception escaping a SWIG director callback becomes a C++ exception inside PJSIP and aborts
    the process, so each callback catches everything and reports it instead.
    """

    def __init__(self, handler: CallEvents, account: pj.Account, pj_call_id: int = pj.PJSUA_INVALID_ID):
        super().__init__(account, pj_call_id)
        self.handler = handler
        self.account = account
        self.record: CallRecord | None = None
        LIVE_CALLS.add(self)

    def _forward(self, fn: Callable[[], None], what: str) -> None:
        try:
            fn()
        except Exception as exc:
            self.handler.callback_failed(what, exc)

    def onCallState(self, prm: pj.OnCallStateParam) -> None:
        self._forward(lambda: self.handler.on_call_state(self), "onCallState")

    def onCallMediaState(self, prm: pj.OnCallMediaStateParam) -> None:
        self._forward(lambda: self.handler.on_call_media(self), "onCallMediaState")

    def onDtmfDigit(self, prm: pj.OnDtmfDigitParam) -> None:
        digit, method = str(prm.digit), int(prm.method)
        self._forward(lambda: self.handler.on_dtmf(self, digit, method), "onDtmfDigit")

    def onCallTransferRequest(self, prm: pj.OnCallTransferRequestParam) -> None:
        # Our own Call object for the new call, or pjsua2 would reuse this one for both calls.
        self._forward(lambda: self.handler.on_transfer_request(self, prm), "onCallTransferRequest")

    def onInstantMessage(self, prm: pj.OnInstantMessageParam) -> None:
        content_type, body = str(prm.contentType), str(prm.msgBody)
        self._forward(lambda: self.handler.on_message(self, content_type, body), "onInstantMessage")

    def onCallReplaced(self, prm: pj.OnCallReplacedParam) -> None:
        self._forward(lambda: self.handler.on_replaced(self, prm), "onCallReplaced")

    def onCallTransferStatus(self, prm: pj.OnCallTransferStatusParam) -> None:
        code, reason, final = int(prm.statusCode), str(prm.reason), bool(prm.finalNotify)
        self._forward(
            lambda: self.handler.on_transfer_status(self, code, reason, final), "onCallTransferStatus"
        )


class CallEvents:
    """What :class:`RingdeskCall` reports to; implemented by the engine's call manager."""

    def on_call_state(self, call: RingdeskCall) -> None:
        raise NotImplementedError

    def on_call_media(self, call: RingdeskCall) -> None:
        raise NotImplementedError

    def on_dtmf(self, call: RingdeskCall, digit: str, method: int) -> None:
        raise NotImplementedError

    def on_transfer_status(self, call: RingdeskCall, code: int, reason: str, final: bool) -> None:
        raise NotImplementedError

    def on_transfer_request(self, call: RingdeskCall, prm: Any) -> None:
        raise NotImplementedError

    def on_replaced(self, call: RingdeskCall, prm: Any) -> None:
        raise NotImplementedError

    def on_message(self, call: RingdeskCall, content_type: str, body: str) -> None:
        raise NotImplementedError

    def callback_failed(self, what: str, exc: BaseException) -> None:
        raise NotImplementedError


def end_cause(record: CallRecord, code: int) -> EndCause:
    """Why a call ended, from what we did to it and the last SIP status."""
    if record.end_cause is not None:
        return record.end_cause
    if record.answered is not None:
        return EndCause.REMOTE_HANGUP if code < 300 or code in (487, 603) else EndCause.FAILED
    if record.direction is Direction.INCOMING:
        return EndCause.CANCELLED if code in (0, 200, 487) else EndCause.FAILED
    if code in (404, 480, 486, 600, 603, 403, 484):
        return EndCause.DECLINED
    return EndCause.FAILED
