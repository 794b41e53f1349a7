"""Registration against a real Kamailio registrar with digest auth: transports, errors, loss, failover."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.telephony import events as ev
from app.telephony.config import AccountConfig, Transport
from app.telephony.events import RegState
from app.telephony.supervisor import TelephonyService
from tests.conftest import REPO
from tests.support.kamailio import Kamailio, kamailio_available, tls_available
from tests.support.phone import Phone
from tests.support.ports import free_port

pytestmark = [
    pytest.mark.peers,
    pytest.mark.skipif(not kamailio_available(), reason="kamailio is not installed (make test installs it)"),
]
StartPhone = Callable[..., Phone]
USERS = {"1001": "s3cret-1001", "1002": "s3cret-1002"}


@pytest.fixture
def kam() -> Iterator[Kamailio]:
    with Kamailio(USERS, tls=tls_available()) as k:
        yield k


def register(
    start_phone: StartPhone,
    registrars: list[str],
    *,
    user: str = "1001",
    password: str | None = None,
    transport: str = "udp",
    extra: tuple[str, ...] = (),
    domain: str = "ringdesk.test",
) -> Phone:
    args = [
        "--listen",
        f"127.0.0.1:{free_port()}",
        "--no-audio",
        "--account",
        f"sip:{user}@{domain}",
        "--account-transport",
        transport,
        "--password-stdin",
        *extra,
    ]
    for registrar in registrars:
        args += ["--registrar", registrar]
    return start_phone(*args, stdin_first_line=USERS[user] if password is None else password)


def registered(p: Phone, *, after: int = 0, timeout: float = 10) -> ev.RegistrationChanged:
    return p.wait_for(
        ev.RegistrationChanged, lambda e: e.state is RegState.REGISTERED, after=after, timeout=timeout
    )


@pytest.mark.parametrize("transport", ["udp", "tcp", "tls"])
def test_register_with_digest_auth(start_phone: StartPhone, kam: Kamailio, transport: str) -> None:
    if transport == "tls" and kam.ca_file is None:
        pytest.skip("kamailio-tls-modules is not installed")
    extra = ("--tls-ca", str(kam.ca_file)) if transport == "tls" else ()
    phone = register(start_phone, [kam.uri(transport)], transport=transport, extra=extra)  # type: ignore[arg-type]
    event = registered(phone)
    assert event.code == 200 and event.expires_s > 0
    contact = kam.wait_registered("1001")[0]
    assert f"transport={transport}" in str(contact).lower() or transport == "udp"


def test_tls_registrar_with_an_untrusted_certificate_is_refused(
    start_phone: StartPhone, kam: Kamailio, tmp_path: Path
) -> None:
    if kam.ca_file is None:
        pytest.skip("kamailio-tls-modules is not installed")
    from tests.support.kamailio import make_test_pki

    other_ca = make_test_pki(tmp_path / "other").ca_file
    phone = register(start_phone, [kam.uri("tls")], transport="tls", extra=("--tls-ca", str(other_ca)))
    failed = phone.wait_for(ev.RegistrationChanged, lambda e: e.state is RegState.FAILED)
    assert failed.code != 200
    assert not kam.is_registered("1001")


def test_wrong_password_gives_a_clear_403(start_phone: StartPhone, kam: Kamailio) -> None:
    phone = register(start_phone, [kam.uri()], password="wrong")
    failed = phone.wait_for(ev.RegistrationChanged, lambda e: e.state is RegState.FAILED)
    assert (failed.code, failed.reason) == (403, "Forbidden")
    assert not phone.all(ev.RegistrationChanged, lambda e: e.state is RegState.REGISTERED)


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_registrar_restart_is_noticed_and_reregistered_within_5_s(
    start_phone: StartPhone, kam: Kamailio, transport: str
) -> None:
    phone = register(
        start_phone,
        [kam.uri(transport)],  # type: ignore[arg-type]
        transport=transport,
        extra=("--probe-interval", "1", "--failover-timeout", "1", "--retry-interval", "1"),
    )
    registered(phone)
    mark = phone.mark()
    kam.kill()
    lost = phone.wait_for(ev.RegistrationChanged, lambda e: e.state is RegState.FAILED, after=mark, timeout=5)
    # UDP: our probe times out (408). TCP: PJSIP sees the connection refused (503) even sooner.
    assert (lost.code, bool(lost.reason)) == ((408 if transport == "udp" else 503), True)
    time.sleep(2)
    mark = phone.mark()
    kam.restart()
    back_at = time.time()
    again = registered(phone, after=mark, timeout=10)
    assert again.at - back_at < 5.0
    kam.wait_registered("1001")
    time.sleep(1.0)  # the replaced attempt's un-REGISTER must not remove the new binding
    assert kam.is_registered("1001")


def test_failover_to_the_second_registrar_and_back(start_phone: StartPhone) -> None:
    with Kamailio(USERS) as primary, Kamailio(USERS) as secondary:
        primary.stop()  # the preferred registrar is down: REGISTERs to it go unanswered
        phone = register(
            start_phone,
            [primary.uri(), secondary.uri()],
            extra=("--failover-timeout", "1", "--probe-interval", "1"),
        )
        first = registered(phone, timeout=8)
        assert first.registrar == secondary.uri()
        failed = phone.all(ev.RegistrationChanged, lambda e: e.state is RegState.FAILED)
        assert failed and failed[0].registrar == primary.uri()
        assert first.at - failed[0].at < 1.0  # failed over at once, not after PJSIP's 32 s
        secondary.wait_registered("1001")
        mark = phone.mark()
        primary.start()
        back = registered(phone, after=mark, timeout=8)
        assert back.registrar == primary.uri()
        primary.wait_registered("1001")


def test_desktop_supervisor_restarts_a_killed_service_and_waits_for_registration(
    kam: Kamailio, tmp_path: Path
) -> None:
    account = AccountConfig(
        account_id="main",
        uri="sip:1002@ringdesk.test",
        registrars=(kam.uri(),),
        username="1002",
        secret=USERS["1002"],
        transport=Transport.UDP,
    )
    routable: list[tuple[float, bool]] = []
    events: list[ev.Event] = []
    argv = [
        sys.executable,
        "-m",
        "ui.cli",
        "phone",
        "--ipc",
        "--no-audio",
        "--listen",
        f"127.0.0.1:{free_port()}",
    ]

    async def scenario() -> None:
        service = TelephonyService(
            argv,
            [account],
            on_event=events.append,
            on_routable=lambda r: routable.append((time.monotonic(), r)),
            stderr_path=tmp_path / "service.log",
        )
        await service.start()
        try:
            await _until(lambda: routable and routable[-1][1], 10)
            first_pid = service.pid
            assert first_pid is not None
            import os
            import signal

            os.kill(first_pid, signal.SIGKILL)
            await _until(lambda: not routable[-1][1], 5)
            await _until(lambda: routable[-1][1], 15)
            assert service.pid != first_pid and service.restarts == 1
        finally:
            await service.stop()

    asyncio.run(scenario())
    assert [r for _, r in routable][:3] == [True, False, True]  # (and False again once stopped)
    assert any(isinstance(e, ev.EngineStopped) and "unexpectedly" in e.reason for e in events)
    assert REPO.exists()


async def _until(condition: Callable[[], object], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)
