"""Live supervision on the desktop, Qt-free: the operator's side and the team lead's side.

* :class:`OperatorSide`: hands the server's key and this operator's name to the telephony service
  (``SetSupervision``, again after each restart of the service: it keeps nothing), and follows
  ``SupervisionChanged`` so the window can say "Supervised: whisper". The service checks grants and
  mixes; the desktop only shows.
* :class:`LeadSide`: a lead's intent from the board (listen to, whisper to, barge into an operator's
  call) becomes a grant from the server (``POST /supervision/grants``) and a call of the lead's own
  telephony service to the operator's (``Supervise``); switching mode and hanging up are commands to
  the same call. It follows ``SupervisingChanged`` (calling, active, ended; 403 when the operator's
  service refused the grant). Where the centre's policy says ``via: asterisk``, the same intents go
  to the server instead (``POST /supervision/spy``: Asterisk's ChanSpy rings the lead's own phone;
  a switch asks again with the other mode; ``DELETE`` ends it), and the lead's service is not used.

Both tell observers through ``on_change`` with no argument: they read the state back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.supervision import GrantOut, SupervisionMode, SupervisionPolicy

log = logging.getLogger(__name__)


class Phone(Protocol):
    async def send(self, command: cmd.Command, timeout_s: float = 10.0) -> ev.CommandResult: ...


class PolicySource(Protocol):
    async def supervision_policy(self) -> SupervisionPolicy: ...


class GrantSource(Protocol):
    async def supervision_policy(self) -> SupervisionPolicy: ...

    async def supervision_grant(self, operator: str, mode: SupervisionMode) -> GrantOut: ...

    async def supervision_spy(self, operator: str, mode: SupervisionMode) -> GrantOut: ...

    async def supervision_spy_stop(self) -> None: ...


class SupervisionFailed(Exception):
    """A lead's intent that could not be carried out; the message says why."""


@dataclass(frozen=True)
class Supervised:
    """What the operator is told: who supervises their call, how."""

    lead: str
    mode: SupervisionMode


class OperatorSide:
    """The operator's desktop (module notes)."""

    def __init__(self, operator: str, api: PolicySource, phone: Phone) -> None:
        self.operator = operator
        self._api = api
        self._phone = phone
        self._policy: SupervisionPolicy | None = None
        self.supervised: Supervised | None = None
        self.on_change: Callable[[], None] = lambda: None

    async def arm(self) -> bool:
        """Read the policy (once) and give the service the key; False when either could not be done
        (supervision is then refused by the service, the operator's work goes on)."""
        try:
            if self._policy is None:
                self._policy = await self._api.supervision_policy()
            policy = self._policy
            done = await self._phone.send(
                cmd.SetSupervision(self.operator, policy.public_key, policy.hide_listen)
            )
        except Exception as exc:  # the server or the service away: no supervision, nothing else lost
            log.info("supervision not armed: %s", exc)
            return False
        return done.ok

    def on_event(self, event: ev.Event) -> bool:
        """Follow the service; True when the event changed what is shown. ``EngineStarted`` means a
        new service process: the caller should :meth:`arm` it again."""
        if isinstance(event, ev.SupervisionChanged):
            shown = Supervised(event.lead, SupervisionMode(event.mode)) if event.active else None
        elif isinstance(event, ev.EngineStarted | ev.EngineStopped):
            shown = None
        else:
            return False
        if shown == self.supervised:
            return False
        self.supervised = shown
        self.on_change()
        return True


class LeadSide:
    """The team lead's desktop (module notes). One supervision at a time."""

    def __init__(self, api: GrantSource, phone: Phone) -> None:
        self._api = api
        self._phone = phone
        self.operator: str | None = None
        self.mode: SupervisionMode | None = None
        self.call_id: str | None = None
        self.state: CallState | None = None
        self.refused = False
        self.on_change: Callable[[], None] = lambda: None
        self._via: str | None = None

    @property
    def active(self) -> bool:
        return self.call_id is not None and self.state is not CallState.ENDED

    async def _through_asterisk(self) -> bool:
        if self._via is None:
            self._via = (await self._api.supervision_policy()).via
        return self._via == "asterisk"

    async def start(self, operator: str, mode: SupervisionMode) -> None:
        """Grant, then call; :class:`SupervisionFailed` when the server or the service says no."""
        if self.active:
            if operator == self.operator:
                await self.switch(mode)
                return
            await self.hang_up()
        if await self._through_asterisk():
            spied = await self._api.supervision_spy(operator, mode)
            self.operator, self.mode, self.call_id = operator, mode, f"chanspy:{spied.call_id}"
            self.state, self.refused = CallState.ACTIVE, False  # Asterisk rings the lead's phone
            self.on_change()
            return
        grant = await self._api.supervision_grant(operator, mode)
        if not grant.target:
            raise SupervisionFailed(f"the server does not know where to reach {operator}'s phone")
        result = await self._phone.send(cmd.Supervise(target=grant.target, grant=grant.grant))
        if not result.ok:
            raise SupervisionFailed(result.error)
        self.operator, self.mode, self.call_id = operator, mode, result.call_id
        self.state, self.refused = CallState.CALLING, False
        self.on_change()

    async def switch(self, mode: SupervisionMode) -> None:
        if self.call_id is None or not self.active:
            raise SupervisionFailed("no supervision call to switch")
        if await self._through_asterisk():
            assert self.operator is not None
            await self._api.supervision_spy(self.operator, mode)  # the server re-originates
            self.mode = mode
            self.on_change()
            return
        result = await self._phone.send(cmd.SwitchSupervision(self.call_id, mode.value))
        if not result.ok:
            raise SupervisionFailed(result.error)
        self.mode = mode
        self.on_change()

    async def hang_up(self) -> None:
        if self.call_id is not None and self.active:
            if await self._through_asterisk():
                await self._api.supervision_spy_stop()
                self.state = CallState.ENDED  # no event comes from the lead's service for it
                self.on_change()
                return
            await self._phone.send(cmd.Hangup(self.call_id))

    def on_event(self, event: ev.Event) -> bool:
        """Follow the supervision call; True when it changed the state."""
        if not isinstance(event, ev.SupervisingChanged) or event.call_id != self.call_id:
            return False
        self.state = event.state
        if event.state is CallState.ENDED:
            self.refused = event.code == 403
        self.on_change()
        return True
