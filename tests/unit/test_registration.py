"""Registrar failover and recovery timing, without a SIP stack."""

from __future__ import annotations

from app.telephony.events import RegState
from sip.registration import Probe, Register, RegistrationSupervisor, Report


def supervisor(n: int = 2) -> RegistrationSupervisor:
    return RegistrationSupervisor(
        tuple(f"sip:r{i}" for i in range(n)), failover_timeout_s=3, retry_interval_s=2, probe_interval_s=10
    )


def reports(actions: list[object]) -> list[Report]:
    return [a for a in actions if isinstance(a, Report)]


def test_silent_primary_fails_over_after_the_timeout() -> None:
    s = supervisor()
    assert s.start(0)[0] == Register(0)
    assert s.tick(2.9) == []
    actions = s.tick(3.0)
    assert reports(actions)[0].state is RegState.FAILED and reports(actions)[0].code == 408
    assert Register(1) in actions
    assert reports(s.on_response(200, "OK", 300, 3.1)) == [Report(RegState.REGISTERED, 1, 200, "OK", 300)]


def test_wrong_password_does_not_fail_over() -> None:
    s = supervisor()
    s.start(0)
    actions = s.on_response(403, "Forbidden", 0, 0.1)
    assert actions == [Report(RegState.FAILED, 0, 403, "Forbidden")]
    assert s.tick(100) == []


def test_dead_registrar_is_noticed_by_probe_and_retried_until_it_returns() -> None:
    s = supervisor(1)
    s.start(0)
    s.on_response(200, "OK", 300, 0.1)
    assert s.tick(10.1) == [Probe(0)]
    lost = s.tick(13.2)  # no answer to the probe
    assert reports(lost)[0].state is RegState.FAILED
    assert s.state is RegState.FAILED
    assert s.tick(15.3) == [Register(0)]  # retry interval later
    assert reports(s.tick(18.4))[0].state is RegState.FAILED  # still gone
    assert s.tick(20.5) == [Register(0)]
    assert reports(s.on_response(200, "OK", 300, 20.6))[0].state is RegState.REGISTERED


def test_answered_probe_keeps_registration_and_primary_return_fails_back() -> None:
    s = supervisor()
    s.start(0)
    s.tick(3)  # primary silent -> secondary
    s.on_response(200, "OK", 300, 3.1)
    assert s.tick(13.1) == [Probe(1), Probe(0)]
    assert s.on_probe_answer(1, 13.2) == []
    assert s.state is RegState.REGISTERED
    assert s.on_probe_answer(0, 13.3) == [Register(0)]
    assert s.current == 0


def test_transport_error_on_every_registrar_waits_then_starts_over() -> None:
    s = supervisor()
    s.start(0)
    assert Register(1) in s.on_response(503, "Service Unavailable", 0, 0.5)
    assert [a for a in s.on_response(503, "Service Unavailable", 0, 0.6) if isinstance(a, Register)] == []
    assert s.next_due() == 2.6
    assert s.tick(2.6) == [Register(0)]
