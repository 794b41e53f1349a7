"""The engine's SIP accounts: registration through the supervisor, failover, retirement, ownership.

Runs only on the engine thread. Each registration attempt gets a fresh pjsua2 account (see
:meth:`AccountManager._replace_pj_account`); replaced accounts that still carry a call are kept until
the call ends, so a registrar failure never cuts off a customer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.telephony import events as ev
from app.telephony.config import AccountConfig, EngineConfig, Transport
from sip import sipmsg
from sip.accounts import AccountRecord, RingdeskAccount, pj_account_config, pj_local_account_config
from sip.call_manager import CallManager
from sip.calls import CommandFailed
from sip.loop import EngineLoop
from sip.probe import RegistrarProber, probe_target
from sip.registration import Action, Probe, Register, RegistrationSupervisor, Report

log = logging.getLogger(__name__)

LOCAL_ACCOUNT = "local"
"""The account that takes direct IP calls to our listening address."""


@dataclass(frozen=True)
class _ProbeKey:
    """Which account's registrar a liveness probe was for."""

    account_id: str
    index: int
    supervisor: RegistrationSupervisor | None


class AccountManager:
    """Owns every account of the engine, keyed by our account id."""

    def __init__(
        self,
        config: EngineConfig,
        loop: EngineLoop,
        calls: CallManager,
        *,
        emit: Callable[[ev.Event], None],
        report_error: Callable[[str, BaseException], None],
    ) -> None:
        self.config = config
        self.loop = loop
        self.calls = calls
        self.emit = emit
        self.report_error = report_error
        self.accounts: dict[str, AccountRecord] = {}
        self.transports: dict[Transport, int] = {}
        self._retired: list[RingdeskAccount] = []
        self._attempts = 0
        self._prober = RegistrarProber(self._on_registrar_alive)

    # ----- lifecycle (engine thread) -------------------------------------------------------------

    def add_local(self, listen: tuple[str, ...]) -> None:
        """The registrar-less account for direct IP calls to our first listening address."""
        host, port = listen[0].split(":", 1)[1].rsplit(":", 1) if listen else ("127.0.0.1", "5060")
        account = RingdeskAccount(self, LOCAL_ACCOUNT)
        uri = f"sip:{self.config.local_user}@{host}:{port}"
        account.create(pj_local_account_config(uri, self.config.srtp), True)
        self.accounts[LOCAL_ACCOUNT] = AccountRecord(LOCAL_ACCOUNT, account, None)

    def add(self, config: AccountConfig) -> None:
        if config.account_id == LOCAL_ACCOUNT:
            raise CommandFailed(f"the account id {LOCAL_ACCOUNT!r} is reserved")
        if config.transport not in self.transports:
            raise CommandFailed(f"the engine does not listen on {config.transport.value}")
        if config.account_id in self.accounts:
            self.remove(config.account_id)
        supervisor = RegistrationSupervisor(
            config.registrars,
            failover_timeout_s=config.failover_timeout_s,
            retry_interval_s=config.retry_interval_s,
            probe_interval_s=config.probe_interval_s,
        )
        record = AccountRecord(config.account_id, None, config, supervisor)
        self.accounts[config.account_id] = record
        self._apply(record, supervisor.start(time.monotonic()))

    def remove(self, account_id: str) -> None:
        record = self.accounts.pop(account_id, None)
        if record is None:
            raise CommandFailed(f"no account {account_id!r}")
        if record.supervisor is not None:
            self._apply(record, record.supervisor.stop())
        if record.pj_account is not None:
            self._retire(record.pj_account)
            record.pj_account = None

    def tick(self, now: float) -> None:
        """Registration timers, probe answers and retired accounts whose calls have ended."""
        for record in list(self.accounts.values()):
            due = record.supervisor.next_due() if record.supervisor is not None else None
            if record.supervisor is not None and due is not None and due <= now:
                try:
                    self._apply(record, record.supervisor.tick(now))
                except Exception as exc:
                    self.report_error(f"registration of {record.account_id}", exc)
        self._prober.poll()
        for account in [a for a in self._retired if not self.calls.uses_account(a)]:
            self._retired.remove(account)
            account.shutdown()

    def next_due(self) -> float | None:
        """The earliest registration timer of any account (monotonic seconds), or None."""
        times = [r.supervisor.next_due() for r in self.accounts.values() if r.supervisor is not None]
        return min((t for t in times if t is not None), default=None)

    def release_all(self) -> None:
        """Shutdown: unregister and release every account (after the calls are gone)."""
        for account in self._retired:
            account.shutdown()
        self._retired.clear()
        for record in self.accounts.values():
            if record.pj_account is not None:
                record.pj_account.shutdown()
                record.pj_account = None
        self.accounts.clear()
        self._prober.close()

    def live_count(self) -> int:
        return sum(1 for r in self.accounts.values() if r.pj_account is not None) + len(self._retired)

    # ----- who a call belongs to -------------------------------------------------------------------

    def owner_of(self, request_uri: str, matched: str) -> str:
        """Which of our accounts an INVITE is for, by the user part of its Request-URI.

        PJSIP matches an incoming request to an account by domain before user, so a call relayed by
        the registrar to ``sip:1001@<our address>`` would be credited to the local IP account.
        """
        user = sipmsg.uri_user(request_uri)
        for record in self.accounts.values():
            config = record.config
            if config is not None and user and user in (config.username, sipmsg.uri_user(config.uri)):
                return record.account_id
        return matched

    def for_call(self, account_id: str) -> AccountRecord:
        """The account to place a call with: the one named, else the first SIP account, else local."""
        if account_id:
            record = self.accounts.get(account_id)
            if record is None:
                raise CommandFailed(f"no account {account_id!r}")
            return record
        registered = [r for r in self.accounts.values() if r.config is not None]
        return registered[0] if registered else self.accounts[LOCAL_ACCOUNT]

    # ----- pjsua2 account callbacks (engine thread) ------------------------------------------------

    def on_reg_state(self, account: RingdeskAccount, code: int, reason: str, expires: int) -> None:
        record = self.accounts.get(account.account_id)
        if record is None or record.supervisor is None or record.pj_account is not account:
            return  # a replaced account's late answer
        actions = record.supervisor.on_response(code, reason, expires, time.monotonic())
        # Re-registering from inside PJSIP's callback would re-enter it: do it on the next loop turn.
        self.loop.soon(lambda: self._apply(record, actions))

    def on_incoming_call(self, account: RingdeskAccount, prm: Any) -> None:
        self.calls.on_incoming_call(account, prm)

    def callback_failed(self, what: str, exc: BaseException) -> None:
        self.report_error(what, exc)

    # ----- internals ------------------------------------------------------------------------------

    def _apply(self, record: AccountRecord, actions: list[Action]) -> None:
        """Carry out what the registration supervisor decided."""
        self.loop.check_thread()
        config = record.config
        assert config is not None
        for action in actions:
            match action:
                case Register(index=index):
                    self._attempts += 1
                    transport_id = self.transports[config.transport]
                    registrar = config.registrars[index]
                    acfg = pj_account_config(
                        config, registrar, transport_id, self.config.srtp, self._attempts
                    )
                    self._replace_pj_account(record, acfg)
                case Probe(index=index):
                    target = probe_target(config.registrars[index], config.transport)
                    self._prober.probe(_ProbeKey(config.account_id, index, record.supervisor), target)
                case Report(state=state, index=index, code=code, reason=reason, expires_s=expires):
                    key = (state, index, code)
                    if record.last_report == key:
                        continue
                    record.last_report = key
                    self.emit(
                        ev.RegistrationChanged(
                            account_id=config.account_id,
                            state=state,
                            registrar=config.registrars[index],
                            code=code,
                            reason=reason,
                            expires_s=expires,
                        )
                    )

    def _replace_pj_account(self, record: AccountRecord, acfg: Any) -> None:
        """Register through a fresh pjsua2 account.

        A REGISTER still being retransmitted to a silent registrar (for ~32 s) makes PJSIP refuse a new
        one on the same account (PJSIP_EBUSY), and ``modify()`` does not cancel it. So each attempt gets
        its own account (with its own Contact, see :func:`pj_account_config`).
        """
        old = record.pj_account
        account = RingdeskAccount(self, record.account_id)
        account.create(acfg)
        record.pj_account = account
        if old is not None:
            self._retire(old)

    def _retire(self, account: RingdeskAccount) -> None:
        if self.calls.uses_account(account):
            self._retired.append(account)
        else:
            account.shutdown()

    def _on_registrar_alive(self, key: object) -> None:
        assert isinstance(key, _ProbeKey)
        record = self.accounts.get(key.account_id)
        if record is None or record.supervisor is None or record.supervisor is not key.supervisor:
            return  # an answer for an account that has since been replaced
        self._apply(record, record.supervisor.on_probe_answer(key.index, time.monotonic()))
