"""Proof that the real-peer harness works, using only sipp, Kamailio and raw sockets (no pjsua2).

Engine tests trust these helpers to tell a broken engine from a broken test set-up, so each
helper and scenario is exercised here against a peer whose behaviour is known: Kamailio as
registrar/proxy, sipp against sipp, and tiny raw-socket peers where bytes on the wire matter.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.kamailio import Kamailio, KamailioError, kamailio_available, tls_available
from tests.support.ports import free_port, free_ports, is_port_free, sip_options
from tests.support.sipp import (
    SCENARIO_DEFAULTS,
    SIPP_DIR,
    SippResult,
    Transport,
    build_invite,
    build_response,
    pcap_play_available,
    run_sipp,
    send_raw_udp,
    sipp_available,
    start_uas,
)

pytestmark = [
    pytest.mark.peers,
    pytest.mark.timeout(60),
    pytest.mark.skipif(
        not kamailio_available(), reason="kamailio is not installed (Debian package kamailio)"
    ),
    pytest.mark.skipif(not sipp_available(), reason="sipp is not installed (Debian package sip-tester)"),
]

USERS = {"1001": "s3cret-1001", "1002": "s3cret-1002", "1003": "s3cret-1003"}


@pytest.fixture(scope="module")
def kam() -> Iterator[Kamailio]:
    """One registrar for the read-mostly tests of this module (start-up costs ~0.1 s, still share it)."""
    with Kamailio(USERS) as k:
        yield k


def register(
    kam: Kamailio,
    user: str,
    password: str,
    *,
    contact: str | None = None,
    expect: int = 200,
    expires: int = 60,
    transport: Transport = "udp",
) -> SippResult:
    """REGISTER ``user`` through sipp's register_auth.xml; ``contact`` defaults to sipp itself."""
    variables = {"user": user, "expect": str(expect), "expires": str(expires)}
    if contact:
        variables["contact"] = contact
    return run_sipp(
        "register_auth.xml",
        kam.target,
        variables=variables,
        auth_password=password,
        transport=transport,
        timeout=10,
    )


# ------------------------------------------------------------------------------------------ ports
def test_free_port_is_free_for_udp_and_tcp_and_never_repeats() -> None:
    ports = [free_port("both") for _ in range(20)]
    assert len(set(ports)) == 20
    for port in ports:
        assert is_port_free(port, "both")
    block = free_ports(4, "udp", consecutive=True, align=2)
    assert block == list(range(block[0], block[0] + 4)) and block[0] % 2 == 0
    assert not set(block) & set(ports)


def test_free_port_skips_a_port_held_by_someone_else() -> None:
    port = free_port("both")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as held:
        held.bind(("127.0.0.1", port))
        assert not is_port_free(port, "both")
        assert not is_port_free(port, "udp")
        assert is_port_free(port, "tcp")


# --------------------------------------------------------------------------------------- kamailio
def test_kamailio_answers_options_over_udp_and_tcp(kam: Kamailio) -> None:
    assert kam.running and kam.port and kam.domain == "ringdesk.test"
    assert kam.options("udp") == 200
    assert kam.options("tcp") == 200
    # OPTIONS to a user of the domain that is not registered is answered by the proxy itself.
    assert sip_options(kam.address, kam.port, user="9999") == 200
    kam.wait_log(r"RDK-OPTIONS from .*/tcp")


def test_register_with_right_password_gets_200_and_is_listed(kam: Kamailio) -> None:
    res = register(kam, "1001", USERS["1001"], contact="127.0.0.1:29999")
    assert res.ok, res.describe()
    contacts = kam.wait_registered("1001")
    assert contacts[0]["Address"].startswith("sip:1001@127.0.0.1:29999")
    assert "1001" in kam.registered_users()
    # expires 0 removes the binding again
    res = register(kam, "1001", USERS["1001"], contact="127.0.0.1:29999", expires=0)
    assert res.ok, res.describe()
    kam.wait_unregistered("1001")


def test_register_with_wrong_password_gets_403_not_another_401(kam: Kamailio) -> None:
    mark = len(kam.log_text())
    res = register(kam, "1002", "not-the-password", expect=403)
    assert res.ok, res.describe()
    assert not kam.is_registered("1002")
    kam.wait_log(r"RDK-AUTH-FAIL user=1002 reason=wrong-password", start=mark)
    # The scenario really checks the code: expecting 200 with a wrong password fails.
    assert not register(kam, "1002", "not-the-password", expect=200).ok


def test_register_unknown_user_gets_403(kam: Kamailio) -> None:
    res = register(kam, "7777", "whatever", expect=403)
    assert res.ok, res.describe()


def test_users_can_change_at_run_time(kam: Kamailio) -> None:
    kam.set_user("1004", "fresh-pass")
    assert register(kam, "1004", "fresh-pass", expires=0).ok
    kam.remove_user("1004")
    assert register(kam, "1004", "fresh-pass", expect=403).ok


def test_call_auth_challenges_invites_from_known_users() -> None:
    with Kamailio(USERS, call_auth=True) as k:
        port = free_port("udp")
        invite = build_invite(
            k.address, k.port, display_name="Op", user="2000", from_user="1001", local_port=port
        )
        replies = send_raw_udp(k.address, k.port, invite, wait_reply=1.0, local_port=port)
        assert any(r.startswith(b"SIP/2.0 407 ") for r in replies), replies


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"call_auth": True, "single_contact": False, "tcp_received": True},
        pytest.param(
            {"tls": True, "routes": {"2000": "sip:2000@127.0.0.1:5099"}},
            marks=pytest.mark.skipif(not tls_available(), reason="Kamailio tls module missing"),
        ),
    ],
)
def test_every_config_variant_passes_kamailio_check(options: dict[str, Any]) -> None:
    k = Kamailio(**options)
    try:
        k.check_config()
    finally:
        k.close()


def test_start_failure_reports_the_log_tail() -> None:
    port = free_port("both")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", port))
        k = Kamailio(USERS, port=port, startup_timeout=5)
        with pytest.raises(KamailioError, match="log tail") as info:
            k.start()
        k.close()
    assert "exited" in str(info.value)
    assert not k.running


def test_kill_then_restart_on_the_same_port() -> None:
    with Kamailio(USERS) as k:
        port = k.port
        assert register(k, "1003", USERS["1003"]).ok
        k.wait_registered("1003")
        k.kill()
        assert not k.running
        assert sip_options(k.address, port, timeout=0.3) is None
        k.restart()
        assert k.port == port
        assert k.options() == 200
        assert not k.is_registered("1003"), "a crash loses the memory-only location table"
        assert "starting kamailio" in k.log_text()


@pytest.mark.skipif(not tls_available(), reason="Kamailio tls module missing (Debian kamailio-tls-modules)")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl CLI is not installed")
def test_tls_listener_completes_a_verified_handshake() -> None:
    with Kamailio(USERS, tls=True) as k:
        assert k.tls_port and k.ca_file and k.ca_file.exists()
        proc = subprocess.run(
            [
                "openssl",
                "s_client",
                "-connect",
                f"127.0.0.1:{k.tls_port}",
                "-CAfile",
                str(k.ca_file),
                "-verify_return_error",
                "-verify_ip",
                "127.0.0.1",
                "-tls1_2",
            ],
            input="Q\n",
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
        assert "Verify return code: 0 (ok)" in proc.stdout, proc.stdout + proc.stderr
        assert k.options("tls") == 200


# ------------------------------------------------------------------------------- sipp vs sipp
def test_uac_headers_calls_a_sipp_uas_directly() -> None:
    with start_uas("uas.xml") as uas:
        res = run_sipp(
            "uac_headers.xml",
            uas.address,
            service="2000",
            variables={"hold_ms": "100", "extra_header": "X-Campaign: spring"},
        )
        assert res.ok, res.describe()
        uas_res = uas.wait(10)
        assert uas_res.ok, uas_res.describe()
    invite = uas_res.messages()
    assert 'From: "Иван Петров" <sip:+79123456789@' in invite
    assert 'P-Asserted-Identity: "Иван Петров" <sip:+79123456789@' in invite
    assert "Call-Info: <http://crm.example/c/42>;purpose=info" in invite
    assert "X-Customer-Id: 42" in invite and "X-Queue: sales" in invite
    assert "X-Campaign: spring" in invite


@pytest.mark.parametrize(
    ("uac", "uas", "uac_vars", "uas_vars"),
    [
        ("uac_wait_bye.xml", "uas_hangup.xml", {}, {"hold_ms": "100"}),
        ("uac_cancel.xml", "uas_ring.xml", {"ring_ms": "100"}, {}),
        ("uac_rejected.xml", "uas_busy.xml", {}, {}),
        ("uac_rejected.xml", "uas_decline.xml", {}, {}),
        ("uac_answer_after.xml", "uas.xml", {"hold_ms": "100"}, {}),
    ],
)
def test_scenario_pairs_complete(
    uac: str, uas: str, uac_vars: dict[str, str], uas_vars: dict[str, str]
) -> None:
    with start_uas(uas, variables=uas_vars) as server:
        res = run_sipp(uac, server.address, service="2000", variables=uac_vars)
        assert res.ok, res.describe()
        server_res = server.wait(10)
        assert server_res.ok, server_res.describe()


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_call_through_kamailio_to_a_registered_sipp_uas(kam: Kamailio, transport: Transport) -> None:
    """sipp registers a UAS's address as 1003's contact; a sipp UAC then calls 1003 via Kamailio."""
    with start_uas("uas.xml", transport=transport) as uas:
        assert register(kam, "1003", USERS["1003"], contact=uas.address, transport=transport).ok
        res = run_sipp(
            "uac_headers.xml", kam.target, service="1003", variables={"hold_ms": "100"}, transport=transport
        )
        assert res.ok, res.describe() + "\n--- kamailio ---\n" + kam.log_tail()
        uas_res = uas.wait(10)
        assert uas_res.ok, uas_res.describe()
    # Record-routed: the caller's BYE went through Kamailio with a Route header.
    assert f"Record-Route: <sip:127.0.0.1:{kam.port}" in uas_res.messages()
    assert f"Route: <sip:127.0.0.1:{kam.port}" in res.messages()
    assert register(kam, "1003", USERS["1003"], expires=0, transport=transport).ok


def test_static_route_reaches_a_peer_that_never_registers(kam: Kamailio) -> None:
    with start_uas("uas_hangup.xml", variables={"hold_ms": "100"}) as uas:
        kam.set_route("2000", uas.uri("2000"))
        res = run_sipp("uac_wait_bye.xml", kam.target, service="2000")
        assert res.ok, res.describe()
        assert uas.wait(10).ok


# --------------------------------------------------------------------------- malformed input
@pytest.mark.parametrize(
    ("scenario", "transport"),
    [
        ("bye_unknown_dialog.xml", "udp"),
        ("bye_unknown_dialog.xml", "tcp"),
        ("bad_headers.xml", "udp"),
        ("huge_display_name.xml", "udp"),
        ("huge_display_name.xml", "tcp"),
        ("invalid_utf8.xml", "udp"),
    ],
)
def test_malformed_scenarios_finish_against_kamailio(
    kam: Kamailio, scenario: str, transport: Transport
) -> None:
    res = run_sipp(scenario, kam.target, service="1001", transport=transport, timeout=15)
    assert res.ok, res.describe()
    assert res.duration < 5
    assert kam.options() == 200


class RawUas:
    """A few-line UAS on raw sockets: records every request and RTP packet it gets.

    Used where the exact bytes matter (sipp's own logs are not proof of what went on the wire).
    Answers INVITE with ``invite_status`` (200 carries an SDP pointing at its RTP socket),
    OPTIONS/BYE/other requests with 200, and ignores ACK.
    """

    def __init__(self, invite_status: int = 200) -> None:
        self.invite_status = invite_status
        self.sip_port, self.rtp_port = free_port("udp"), free_port("udp")
        self.requests: list[bytes] = []
        self.rtp: list[bytes] = []
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
        for port in (self.sip_port, self.rtp_port):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", port))
            s.settimeout(0.1)
            self._socks.append(s)
        self._threads = [
            threading.Thread(target=self._loop, args=(s, h), daemon=True)
            for s, h in zip(self._socks, (self._on_sip, self._on_rtp), strict=True)
        ]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.sip_port}"

    def _loop(
        self, sock: socket.socket, handler: Callable[[socket.socket, bytes, tuple[str, int]], None]
    ) -> None:
        while not self._stop.is_set():
            try:
                data, addr = sock.recvfrom(65535)
            except (TimeoutError, OSError):
                continue
            handler(sock, data, addr)

    def _on_rtp(self, sock: socket.socket, data: bytes, addr: tuple[str, int]) -> None:
        self.rtp.append(data)

    def _on_sip(self, sock: socket.socket, data: bytes, addr: tuple[str, int]) -> None:
        self.requests.append(data)
        if data.startswith(b"ACK "):
            return
        if data.startswith(b"INVITE ") and self.invite_status != 200:
            sock.sendto(build_response(data, self.invite_status, "Rejected"), addr)
            return
        reply = build_response(data, 200, "OK")
        if data.startswith(b"INVITE "):
            sdp = (
                f"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                f"m=audio {self.rtp_port} RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
                "a=rtpmap:101 telephone-event/8000\r\n"
            ).encode()
            reply = (
                reply.replace(
                    b"Content-Length: 0\r\n\r\n",
                    f"Contact: <sip:raw@127.0.0.1:{self.sip_port}>\r\nContent-Type: application/sdp\r\n"
                    f"Content-Length: {len(sdp)}\r\n\r\n".encode(),
                )
                + sdp
            )
        sock.sendto(reply, addr)

    def __enter__(self) -> RawUas:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        for s in self._socks:
            s.close()


def test_invalid_utf8_bytes_reach_the_wire_unchanged() -> None:
    with RawUas(invite_status=400) as peer:
        res = run_sipp("invalid_utf8.xml", peer.address, service="1001")
    assert res.ok, res.describe()
    invite = next(r for r in peer.requests if r.startswith(b"INVITE "))
    assert b'"Bad \xc3\x28 byte \xff\xfe overlong \xc0\xaf surrogate \xed\xa0\x80 cut \xe2\x82"' in invite
    with pytest.raises(UnicodeDecodeError):
        invite.decode("utf-8")
    assert any(r.startswith(b"ACK ") for r in peer.requests), "the 400 must be acknowledged"


def test_raw_invite_builder_and_sender(kam: Kamailio) -> None:
    port = free_port("udp")
    invite = build_invite(
        kam.address, kam.port, display_name=b"\xff\xfe broken", user="8888", local_port=port
    )
    replies = send_raw_udp(kam.address, kam.port, invite, wait_reply=1.0, local_port=port)
    assert any(r.startswith(b"SIP/2.0 404 ") for r in replies), replies


@pytest.mark.skipif(not pcap_play_available(), reason="sipp needs root or cap_net_raw to play pcaps")
def test_uac_audio_sends_pcma_rtp_and_dtmf_sends_events() -> None:
    with RawUas() as peer:
        res = run_sipp("uac_audio.xml", peer.address, service="1001", variables={"hold_ms": "600"})
        assert res.ok, res.describe()
        audio = list(peer.rtp)
        peer.rtp.clear()
        res = run_sipp("uac_dtmf.xml", peer.address, service="1001", variables={"hold_ms": "100"})
        assert res.ok, res.describe()
        dtmf = list(peer.rtp)
    assert len(audio) >= 10 and {pkt[1] & 0x7F for pkt in audio} == {8}
    assert {pkt[1] & 0x7F for pkt in dtmf} == {101}
    assert {pkt[12] for pkt in dtmf} == {1, 2, 3}


def test_every_scenario_documents_its_variables_and_the_runner_fills_them() -> None:
    """Each scenario's first comment says what it does and documents every -set variable it declares;
    SCENARIO_DEFAULTS gives each of them a value, so a test only passes what it cares about."""
    computed = {"register_auth.xml": {"contact", "domain"}}  # filled from the run's own addresses
    for path in sorted(Path(SIPP_DIR).glob("*.xml")):
        text = path.read_bytes().decode("utf-8", "replace")
        head = text[: text.index("<scenario")]
        assert f"{path.name} - " in head, path.name
        assert "Manual run:" in head, path.name
        declared = re.search(r'<Global variables="([^"]*)"', text)
        names = set(declared.group(1).split(",")) if declared else set()
        for name in names:
            assert f"-set {name} " in head, f"{path.name}: -set {name} is not documented"
        filled = set(SCENARIO_DEFAULTS.get(path.name, {})) | computed.get(path.name, set())
        assert names == filled, f"{path.name}: declared {sorted(names)}, defaults {sorted(filled)}"
