"""SIP accounts: the pjsua2 ``Account`` subclass and how our account settings map onto pjsua2's.

Every account is created, modified and shut down on the engine thread; callbacks are forwarded to the
engine and guarded so a Python exception can never escape into PJSIP (which would abort the process).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import pjsua2 as pj

from app.telephony.config import AccountConfig, SecretKind, SrtpMode, Transport
from sip.endpoint import SRTP_USE
from sip.registration import RegistrationSupervisor


class AccountEvents(Protocol):
    """What :class:`RingdeskAccount` reports to; implemented by the engine."""

    def on_reg_state(self, account: RingdeskAccount, code: int, reason: str, expires: int) -> None: ...

    def on_incoming_call(self, account: RingdeskAccount, prm: Any) -> None: ...

    def callback_failed(self, what: str, exc: BaseException) -> None: ...


class RingdeskAccount(pj.Account):  # type: ignore[misc]
    """A pjsua2 account forwarding its callbacks to the engine."""

    def __init__(self, handler: AccountEvents, account_id: str) -> None:
        super().__init__()
        self.handler = handler
        self.account_id = account_id

    def _forward(self, fn: Callable[[], None], what: str) -> None:
        try:
            fn()
        except Exception as exc:
            self.handler.callback_failed(what, exc)

    def onRegState(self, prm: pj.OnRegStateParam) -> None:
        code, reason, expires = int(prm.code), str(prm.reason), int(prm.expiration)
        self._forward(lambda: self.handler.on_reg_state(self, code, reason, expires), "onRegState")

    def onIncomingCall(self, prm: pj.OnIncomingCallParam) -> None:
        self._forward(lambda: self.handler.on_incoming_call(self, prm), "onIncomingCall")


@dataclass
class AccountRecord:
    """An account as the engine holds it. ``config`` is None for the local account (direct IP calls)."""

    account_id: str
    pj_account: RingdeskAccount | None
    config: AccountConfig | None
    supervisor: RegistrationSupervisor | None = None
    last_report: tuple[object, ...] | None = None


def registrar_uri(uri: str, transport: Transport) -> str:
    """The registrar URI with the transport parameter our account uses."""
    if transport is Transport.UDP or "transport=" in uri.lower():
        return uri
    return f"{uri};transport={transport.value}"


def pj_account_config(
    config: AccountConfig, registrar: str, transport_id: int, engine_srtp: SrtpMode, attempt: int
) -> pj.AccountConfig:
    """pjsua2 settings for one of our accounts registering at ``registrar``.

    ``attempt`` makes each pjsua2 account's Contact unique, so that when a replaced account is shut
    down its un-REGISTER removes only its own binding, not the one its successor just made.
    """
    acfg = pj.AccountConfig()
    acfg.sipConfig.contactUriParams = f";rdk={attempt}"
    acfg.idUri = f'"{config.display_name}" <{config.uri}>' if config.display_name else config.uri
    reg = acfg.regConfig
    reg.registrarUri = registrar_uri(registrar, config.transport)
    reg.timeoutSec = config.register_expires_s
    reg.retryIntervalSec = max(1, round(config.retry_interval_s))
    reg.firstRetryIntervalSec = max(1, round(config.retry_interval_s))
    reg.randomRetryIntervalSec = 0
    reg.dropCallsOnFail = False  # a registrar hiccup must not cut the customer off
    reg.registerOnAdd = True
    reg.unregWaitMsec = 500
    data_type = 1 if config.secret_kind is SecretKind.HA1 else 0
    acfg.sipConfig.authCreds.append(
        pj.AuthCredInfo("digest", config.realm, config.username, data_type, config.secret)
    )
    acfg.sipConfig.proxies.append(registrar_uri(registrar, config.transport) + ";lr")
    acfg.sipConfig.transportId = transport_id
    _media(acfg, config.srtp or engine_srtp, secure_signalling=config.transport is Transport.TLS)
    nat = acfg.natConfig
    nat.sipOutboundUse = 0
    nat.iceEnabled = False
    return acfg


def pj_local_account_config(uri: str, srtp: SrtpMode) -> pj.AccountConfig:
    """The registrar-less account that receives direct IP calls (``ringdesk phone --listen``)."""
    acfg = pj.AccountConfig()
    acfg.idUri = uri
    acfg.natConfig.sipOutboundUse = 0
    _media(acfg, srtp, secure_signalling=False)
    return acfg


def _media(acfg: pj.AccountConfig, srtp: SrtpMode, *, secure_signalling: bool) -> None:
    acfg.mediaConfig.srtpUse = SRTP_USE[srtp]
    # Keys travel in the SDP: require TLS signalling for them only when TLS is what we use.
    acfg.mediaConfig.srtpSecureSignaling = 1 if (srtp is SrtpMode.MANDATORY and secure_signalling) else 0
