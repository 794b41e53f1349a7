"""The supervision mixer's links per mode, and the grant checks of the operator's service, without SIP
(the audio proof is ``tests/engine/test_supervision_audio.py``)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.supervision import grants
from app.telephony import events as ev
from app.wire.supervision import MODE_CONTENT_TYPE, SupervisionMode
from sip.calls import CallRecord, Direction
from sip.supervision.manager import SupervisionManager
from sip.supervision.mixer import Mixer

KEY = grants.key_from_secret("a secret key for the supervision unit tests, long enough")


class Port:
    """A conference port that records which ports it transmits to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.to: set[str] = set()
        self.stopped: list[str] = []

    def startTransmit(self, sink: Port) -> None:
        assert sink.name not in self.to, f"{self.name}->{sink.name} made twice"
        self.to.add(sink.name)

    def stopTransmit(self, sink: Port) -> None:
        self.to.discard(sink.name)
        self.stopped.append(sink.name)


THREE_WAY = {"caller->lead", "operator->lead", "lead->operator", "lead->caller"}


def links(*ports: Port) -> set[str]:
    return {f"{p.name}->{t}" for p in ports for t in p.to}


def test_each_mode_links_exactly_whom_it_should_and_a_switch_changes_only_the_difference() -> None:
    caller, operator, lead = Port("caller"), Port("operator"), Port("lead")
    ports: dict[str, Any] = {"caller": caller, "operator": operator, "lead": lead}
    mixer = Mixer()
    mixer.apply(SupervisionMode.LISTEN, ports)
    assert links(caller, operator, lead) == {"caller->lead", "operator->lead"}
    mixer.apply(SupervisionMode.WHISPER, ports)
    assert links(caller, operator, lead) == {"caller->lead", "operator->lead", "lead->operator"}
    mixer.apply(SupervisionMode.BARGE, ports)
    assert links(caller, operator, lead) == {
        "caller->lead",
        "operator->lead",
        "lead->operator",
        "lead->caller",
    }
    held = dict(ports, caller=None)  # the operator holds the call: the caller's media goes away
    mixer.apply(SupervisionMode.BARGE, held)
    assert links(operator, lead) == {"operator->lead", "lead->operator"}
    resumed = Port("caller")  # a new port after the hold
    mixer.apply(SupervisionMode.BARGE, dict(ports, caller=resumed))
    assert links(resumed, operator, lead) == {
        "caller->lead",
        "operator->lead",
        "lead->operator",
        "lead->caller",
    }
    mixer.clear()
    assert links(resumed, operator, lead) == set()


def test_a_port_gone_with_its_call_is_forgotten_never_stopped() -> None:
    """pjsua removes a call's port with its links; a stopTransmit on that removed slot afterwards broke
    the operator's own links with the caller (tests/engine/test_supervision_audio.py saw the silence)."""
    caller, operator, lead = Port("caller"), Port("operator"), Port("lead")
    mixer = Mixer()
    mixer.apply(SupervisionMode.BARGE, {"caller": caller, "operator": operator, "lead": lead})
    for port in (caller, operator, lead):
        port.stopped.clear()
    mixer.forget("lead")
    mixer.clear()
    assert mixer.links == frozenset()
    assert caller.stopped == operator.stopped == lead.stopped == []


class Fixture:
    def __init__(self, *, hide_listen: bool = False) -> None:
        self.events: list[Any] = []
        self.now = time.time()
        self.calls: dict[str, CallRecord] = {}
        self.sip_ids: dict[str, str] = {}
        self.manager = SupervisionManager(
            self.calls,
            lambda: Port("operator"),
            self.events.append,
            sip_call_id=lambda r: self.sip_ids[r.call_id],
            now=lambda: self.now,
        )
        self.manager.set_trust("op_n1", grants.public_text(KEY), hide_listen)
        target = self.add("target", "sip-1@pbx")
        target.answered = 1.0
        target.audio = Port("caller")

    def add(self, call_id: str, sip_id: str = "", supervision: bool = False) -> CallRecord:
        record = CallRecord(call_id, "", Direction.INCOMING, object(), ev.CallState.ACTIVE)  # type: ignore[arg-type]
        record.supervision = supervision
        self.calls[call_id] = record
        self.sip_ids[call_id] = sip_id
        return record

    def grant(self, **changes: Any) -> str:
        fields: dict[str, Any] = {
            "lead": "lead_n",
            "operator": "op_n1",
            "call_id": "sip-1@pbx",
            "modes": tuple(SupervisionMode),
            "mode": SupervisionMode.LISTEN,
            "seconds": 60,
            "now": self.now,
        } | changes
        return grants.sign(KEY, **fields)[0]


def test_the_service_admits_only_its_operators_live_call_once_with_a_fresh_grant() -> None:
    f = Fixture()
    refused = {
        "for another operator": f.grant(operator="op_n2"),
        "not in progress here": f.grant(call_id="other@pbx"),
        "expired": f.grant(now=f.now - 120),
        "forged": grants.sign(
            grants.key_from_secret("x" * 40),
            lead="lead_n",
            operator="op_n1",
            call_id="sip-1@pbx",
            modes=tuple(SupervisionMode),
            mode=SupervisionMode.LISTEN,
            seconds=60,
        )[0],
    }
    for what, token in refused.items():
        with pytest.raises(grants.GrantRefused):
            f.manager.admit(f.add(f"lead-{what}", supervision=True), token)
    token = f.grant()
    session = f.manager.admit(f.add("lead-1", supervision=True), token)
    assert session.target_call == "target" and session.mode is SupervisionMode.LISTEN
    with pytest.raises(grants.GrantRefused, match="already"):  # a second lead on the same call
        f.manager.admit(f.add("lead-2", supervision=True), f.grant())
    f.manager.ended("lead-1")
    with pytest.raises(grants.GrantRefused, match="already used"):  # the same grant again
        f.manager.admit(f.add("lead-3", supervision=True), token)


def test_a_service_without_the_servers_key_refuses_everything() -> None:
    f = Fixture()
    bare = SupervisionManager(f.calls, lambda: None, f.events.append, sip_call_id=lambda r: "sip-1@pbx")
    with pytest.raises(grants.GrantRefused, match="no key"):
        bare.admit(f.add("lead", supervision=True), f.grant())


def test_mode_switches_take_granted_modes_only_and_the_operator_is_told_unless_listen_is_hidden() -> None:
    f = Fixture(hide_listen=True)
    lead = f.add("lead-1", supervision=True)
    f.manager.admit(lead, f.grant(modes=(SupervisionMode.LISTEN, SupervisionMode.WHISPER)))
    lead.audio = Port("lead")
    f.manager.update("lead-1")
    assert f.events == []  # listening, hidden by the centre's policy
    f.manager.message(lead, MODE_CONTENT_TYPE, "whisper")
    assert [(e.mode, e.active) for e in f.events if isinstance(e, ev.SupervisionChanged)] == [
        ("whisper", True)
    ]
    f.manager.message(lead, MODE_CONTENT_TYPE, "barge")  # not granted: ignored
    f.manager.message(lead, "text/plain", "listen")  # not a mode switch
    assert f.manager.sessions["lead-1"].mode is SupervisionMode.WHISPER
    f.manager.message(lead, MODE_CONTENT_TYPE, "listen")  # back to listening: shown as ended
    assert [(e.mode, e.active) for e in f.events][-1] == ("", False)
    assert f.manager.ended("target") == "lead-1"  # the operator's call ended: hang up the lead's
