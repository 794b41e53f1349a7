"""What the operator asks of the phone (answer, hold, transfer...), as the workstation's intents.

Each picks the call it means (the one ringing, the one heard, the one held, unless a call id is given)
and sends the phone's commands in order through the workstation, which stops at the first refusal and
publishes it. Kept apart from the coordinator so each reads on its own; :class:`CallIntents` is mixed
into :class:`~app.workstation.coordinator.Workstation`, which supplies the plumbing declared below.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from app.clock import Clock
from app.session.call import CallSession
from app.session.calls import Calls
from app.session.phase import Phase
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.workstation.config import WorkstationConfig
from app.workstation.ports import KnownContact


class CallIntents:
    """The call intents; the workstation provides the calls, the clock and the sending."""

    _calls: Calls
    _clock: Clock
    config: WorkstationConfig
    last_dialled: str = ""
    """The last number or URI this desk dialled (the headset's redial button calls it again)."""

    @property
    def calls(self) -> Mapping[str, CallSession]:
        raise NotImplementedError

    def _pick(self, call_id: str | None, what: str, *phases: Phase) -> str:
        raise NotImplementedError

    def _settle(self, at: datetime) -> None:
        raise NotImplementedError

    async def _send(self, commands: list[cmd.Command]) -> list[ev.CommandResult]:
        raise NotImplementedError

    async def _dial(
        self, commands: list[cmd.Command], target: str, consult_for: str, known: KnownContact | None = None
    ) -> str:
        raise NotImplementedError

    async def answer(self, call_id: str | None = None) -> None:
        call_id = self._pick(call_id, "answer", Phase.RINGING)
        await self._send(self._calls.answer(call_id))

    async def reject(self, call_id: str | None = None, code: int = 486) -> None:
        call_id = self._pick(call_id, "reject", Phase.RINGING)
        await self._send(self._calls.reject(call_id, code))

    async def hangup(self, call_id: str | None = None) -> None:
        if call_id is None and not any(
            s.phase.engaged and s.phase is not Phase.HELD for s in self.calls.values()
        ):
            call_id = self._pick(None, "hang up", Phase.HELD)  # only held calls: the one held
        call_id = self._pick(call_id, "hang up", Phase.TALKING, Phase.DIALING)  # else the one we hear
        await self._send(self._calls.hangup(call_id))

    async def hold(self, call_id: str | None = None) -> None:
        await self._send(self._calls.hold(self._pick(call_id, "hold", Phase.TALKING)))

    async def resume(self, call_id: str | None = None) -> None:
        await self._send(self._calls.resume(self._pick(call_id, "resume", Phase.HELD)))

    async def send_dtmf(self, digits: str, call_id: str | None = None) -> None:
        await self._send(self._calls.send_dtmf(self._pick(call_id, "send digits", Phase.TALKING), digits))

    async def mute(self, muted: bool) -> None:
        await self._send(self._calls.mute(muted))
        self._calls.mute_applied(muted)
        self._settle(self._clock())

    async def dial(self, target: str, *, queue: str | None = None, known: KnownContact | None = None) -> str:
        """Call ``target`` (a number, ``tel:`` or ``sip:`` URI) for ``queue`` (its caller ID, when the
        configuration gives one); returns the new call's id. ``known``: the contact already looked up
        (a task's preview): the call is bound to it with no second lookup."""
        headers = self.config.caller_id_headers(queue)
        self.last_dialled = target.strip()
        return await self._dial(self._calls.dial(target, headers), target.strip(), "", known)

    async def blind_transfer(self, target: str, call_id: str | None = None) -> None:
        call_id = self._pick(call_id, "transfer", Phase.TALKING, Phase.HELD)
        await self._send(self._calls.blind_transfer(call_id, target))

    async def consult(self, target: str, call_id: str | None = None) -> str:
        """Attended transfer, step one: hold the customer and call ``target``; returns that call's id."""
        call_id = self._pick(call_id, "transfer", Phase.TALKING, Phase.HELD)
        return await self._dial(self._calls.consult(call_id, target), target.strip(), call_id)

    async def complete_transfer(self, call_id: str) -> None:
        """Attended transfer, step two: join the customer (``call_id``) to the consulted party."""
        await self._send(self._calls.complete_transfer(call_id))
