"""Asterisk ``app_queue`` following operator statuses over AMI (the table in the contact-centre notes).

| status                          | AMI                                                           |
|---------------------------------|---------------------------------------------------------------|
| logged in after being offline   | ``QueueAdd`` per queue, paused, reason ``shift_start``        |
| ready                           | ``QueuePause`` Paused false (all queues), ``QueuePenalty`` 0  |
| not ready, routable reason      | unpause, ``QueuePenalty`` N (back of queue)                   |
| not ready (break, training...)  | ``QueuePause`` Paused true, Reason = the reason code          |
| after-call work                 | ``QueuePause`` Paused true, Reason ``acw``                    |
| on a call                       | nothing: Asterisk knows                                       |
| offline                         | ``QueueRemove`` per queue                                     |

The adapter remembers the latest status of each operator. When the AMI connection comes back it
re-applies every one (``QueueAdd`` first: an "Already there" error is expected and ignored), since
the queue may have changed, or Asterisk restarted, while it was away. Events read back
(``QueueMemberStatus``, ``QueueMemberPause``, ``AgentComplete``, ``Hold``..., and the callers'
``QueueCallerJoin/Abandon/Leave``, ``AgentRingNoAnswer`` that ``server.pbx.calls`` turns into call
outcomes) go to ``listeners`` as :class:`PbxEvent`; ``AgentComplete``'s HoldTime is queue wait,
not on-hold time (``Hold``/``Unhold``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from app.wire.statuses import SHIFT_START, OperatorStatus
from server.pbx.adapter import QueueChange
from server.pbx.ami import AmiAddress, AmiClient, AmiError, Message
from server.pbx.spy import AsteriskSpy

log = logging.getLogger("ringdesk.server.pbx.asterisk")

EVENTS = frozenset(
    {
        "QueueMemberStatus",
        "QueueMemberPause",
        "QueueMemberPenalty",
        "QueueMemberAdded",
        "QueueMemberRemoved",
        "AgentConnect",
        "AgentComplete",
        "Hold",
        "Unhold",
        "QueueCallerJoin",
        "QueueCallerAbandon",
        "QueueCallerLeave",
        "AgentRingNoAnswer",
    }
)


@dataclass(frozen=True)
class PbxEvent:
    """A queue or call event read back from the PBX."""

    kind: str
    interface: str | None
    queue: str | None
    fields: dict[str, str] = field(default_factory=dict)


def parse_event(message: Message) -> PbxEvent | None:
    kind = message.get("Event", "")
    if kind not in EVENTS:
        return None
    interface = message.get("Interface") or message.get("Channel")
    return PbxEvent(kind, interface, message.get("Queue"), dict(message))


class AsteriskAdapter:
    """A :class:`~server.pbx.adapter.QueueAdapter` over AMI (module notes)."""

    name = "asterisk"

    def __init__(
        self,
        address: AmiAddress,
        *,
        interface: str = "PJSIP/{user}",
        queues: tuple[str, ...] = (),
        back_of_queue_penalty: int = 10,
    ) -> None:
        self.client = AmiClient(address, on_event=self._event, on_connected=self._resync)
        self.interface_template = interface
        self.default_queues = queues
        self.penalty = back_of_queue_penalty
        self.latest: dict[str, QueueChange] = {}
        self.listeners: list[Callable[[PbxEvent], None]] = []
        self.on_connect: list[Callable[[], Awaitable[None]]] = []
        """Run on every AMI login before the statuses are re-applied (the waiting callers' resync,
        ``server.pbx.waiting``)."""
        self.spy = AsteriskSpy(self.client, interface)
        """Live supervision through ``ChanSpy`` (``server.pbx.spy``)."""

    async def start(self) -> None:
        await self.client.start()

    async def stop(self) -> None:
        await self.client.stop()

    def interface(self, change: QueueChange) -> str | None:
        user = change.extension
        return self.interface_template.format(user=user) if user else None

    async def apply(self, change: QueueChange) -> None:
        previous = self.latest.get(change.operator)
        self.latest[change.operator] = change
        if not self.client.connected.is_set():
            return  # re-applied on reconnect
        was_in = previous is not None and previous.status.logged_in
        try:
            await self._apply(change, add=not was_in)
        except (ConnectionError, TimeoutError) as exc:
            log.warning(
                "AMI action lost, re-applied on reconnect", extra={"event": "ami.retry", "error": str(exc)}
            )

    async def _resync(self) -> None:
        for hook in self.on_connect:
            await hook()
        for change in list(self.latest.values()):
            await self._apply(change, add=True)

    async def _apply(self, change: QueueChange, *, add: bool) -> None:
        interface = self.interface(change)
        if interface is None:
            return  # no SIP address: not a queue member
        queues = change.queues if change.queues is not None else self.default_queues
        status = change.status
        if status is OperatorStatus.OFFLINE:
            for queue in queues:
                await self._action("QueueRemove", Queue=queue, Interface=interface)
            return
        if add:
            for queue in queues:
                await self._action(
                    "QueueAdd",
                    Queue=queue,
                    Interface=interface,
                    Penalty="0",
                    Paused="true",
                    Reason=SHIFT_START,
                    MemberName=change.operator,
                    StateInterface=interface,
                )
        if status is OperatorStatus.READY:
            await self._action("QueuePause", Interface=interface, Paused="false")
            await self._action("QueuePenalty", Interface=interface, Penalty="0")
        elif status is OperatorStatus.NOT_READY and change.reason is not None and change.reason.routable:
            await self._action("QueuePause", Interface=interface, Paused="false")
            await self._action("QueuePenalty", Interface=interface, Penalty=str(self.penalty))
        elif status is OperatorStatus.NOT_READY:
            reason = change.reason.code if change.reason is not None else "not_ready"
            await self._action("QueuePause", Interface=interface, Paused="true", Reason=reason)
        elif status is OperatorStatus.ACW:
            await self._action("QueuePause", Interface=interface, Paused="true", Reason="acw")

    async def _action(self, action: str, **fields: str) -> None:
        try:
            await self.client.send(action, **fields)
        except AmiError as exc:
            if action == "QueueAdd" and "already there" in exc.message.lower():
                return
            if action == "QueueRemove" and "not there" in exc.message.lower():
                return
            log.warning("AMI refused an action", extra={"event": "ami.refused", "error": str(exc)})

    def _event(self, message: Message) -> None:
        self.spy.on_event(message)
        event = parse_event(message)
        if event is None:
            return
        for listener in self.listeners:
            listener(event)
