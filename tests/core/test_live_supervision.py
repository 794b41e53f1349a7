"""The desktop's side of live supervision (``app.supervision.live``), with a fake phone and server:
what is sent to the telephony service for each intent, and what the operator is shown."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from app.supervision.live import LeadSide, OperatorSide, Supervised, SupervisionFailed
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.supervision import GrantOut, SupervisionMode, SupervisionPolicy


class FakePhone:
    def __init__(self) -> None:
        self.sent: list[cmd.Command] = []

    async def send(self, command: cmd.Command, timeout_s: float = 10.0) -> ev.CommandResult:
        self.sent.append(command)
        return ev.CommandResult(
            ref="", ok=True, call_id="sup-1" if isinstance(command, cmd.Supervise) else ""
        )


class FakeServer:
    def __init__(self, target: str | None = "sip:op_n1@10.0.0.5:5070", via: str = "ringdesk") -> None:
        self.target = target
        self.via = via
        self.asked: list[tuple[str, SupervisionMode]] = []
        self.spied: list[tuple[str, SupervisionMode] | None] = []

    async def supervision_policy(self) -> SupervisionPolicy:
        return SupervisionPolicy(public_key="KEY", hide_listen=True, grant_seconds=60, via=self.via)  # type: ignore[arg-type]

    async def supervision_spy(self, operator: str, mode: SupervisionMode) -> GrantOut:
        self.spied.append((operator, mode))
        return GrantOut(
            grant="",
            operator=operator,
            call_id="sip-1@pbx",
            modes=list(SupervisionMode),
            mode=mode,
            expires_at=datetime.now(UTC),
            target=None,
        )

    async def supervision_spy_stop(self) -> None:
        self.spied.append(None)

    async def supervision_grant(self, operator: str, mode: SupervisionMode) -> GrantOut:
        self.asked.append((operator, mode))
        return GrantOut(
            grant=f"grant-{len(self.asked)}",
            operator=operator,
            call_id="sip-1@pbx",
            modes=list(SupervisionMode),
            mode=mode,
            expires_at=datetime.now(UTC),
            target=self.target,
        )


def test_the_lead_grants_calls_switches_and_hangs_up_through_the_service() -> None:
    phone, server = FakePhone(), FakeServer()
    lead = LeadSide(server, phone)
    changes: list[tuple[SupervisionMode | None, CallState | None]] = []
    lead.on_change = lambda: changes.append((lead.mode, lead.state))

    async def go() -> None:
        await lead.start("op_n1", SupervisionMode.LISTEN)
        lead.on_event(ev.SupervisingChanged("sup-1", CallState.ACTIVE))
        await lead.start("op_n1", SupervisionMode.WHISPER)  # same operator: a switch, no new grant
        await lead.switch(SupervisionMode.BARGE)
        await lead.hang_up()
        lead.on_event(ev.SupervisingChanged("sup-1", CallState.ENDED, 200))

    asyncio.run(go())
    assert server.asked == [("op_n1", SupervisionMode.LISTEN)]
    assert phone.sent == [
        cmd.Supervise(target="sip:op_n1@10.0.0.5:5070", grant="grant-1"),
        cmd.SwitchSupervision("sup-1", "whisper"),
        cmd.SwitchSupervision("sup-1", "barge"),
        cmd.Hangup("sup-1"),
    ]
    assert not lead.active and not lead.refused
    assert changes[-1] == (SupervisionMode.BARGE, CallState.ENDED)


def test_where_the_centre_runs_asterisk_the_same_intents_go_to_chanspy_through_the_server() -> None:
    phone, server = FakePhone(), FakeServer(target=None, via="asterisk")
    lead = LeadSide(server, phone)

    async def go() -> None:
        await lead.start("op_n1", SupervisionMode.LISTEN)
        assert lead.active and lead.state is CallState.ACTIVE
        await lead.start("op_n1", SupervisionMode.WHISPER)  # same operator: a switch
        await lead.switch(SupervisionMode.BARGE)
        await lead.hang_up()

    asyncio.run(go())
    assert server.spied == [
        ("op_n1", SupervisionMode.LISTEN),
        ("op_n1", SupervisionMode.WHISPER),
        ("op_n1", SupervisionMode.BARGE),
        None,
    ]
    assert server.asked == [] and phone.sent == []  # no grant, nothing through the lead's service
    assert not lead.active and lead.mode is SupervisionMode.BARGE


def test_a_refused_grant_and_an_unknown_phone_are_said() -> None:
    lead = LeadSide(FakeServer(target=None), FakePhone())
    with pytest.raises(SupervisionFailed, match="where to reach"):
        asyncio.run(lead.start("op_n1", SupervisionMode.LISTEN))
    lead = LeadSide(FakeServer(), FakePhone())
    asyncio.run(lead.start("op_n1", SupervisionMode.LISTEN))
    lead.on_event(ev.SupervisingChanged("sup-1", CallState.ENDED, 403, "Forbidden"))
    assert lead.refused and not lead.active


def test_the_operator_arms_the_service_and_is_shown_what_it_says() -> None:
    phone = FakePhone()
    side = OperatorSide("op_n1", FakeServer(), phone)
    assert asyncio.run(side.arm())
    assert phone.sent == [cmd.SetSupervision("op_n1", "KEY", True)]
    assert side.on_event(ev.SupervisionChanged("c1", "lead_n", "whisper"))
    assert side.supervised == Supervised("lead_n", SupervisionMode.WHISPER)
    assert not side.on_event(ev.SupervisionChanged("c1", "lead_n", "whisper"))  # nothing new
    assert side.on_event(ev.SupervisionChanged("c1", "lead_n", "", active=False))
    assert side.supervised is None
