"""A desk's request after an idle spell reuses its connection: ``ringdesk-server serve`` as a real
uvicorn process, asked by the desk's own client (:class:`app.client.api.ApiClient`).

The screen pop's lookup comes after however long the operator waited for the call. uvicorn's and
httpx's defaults both dropped an idle connection after 5 s, so nearly every pop opened a new TCP (and,
over ``https://``, TLS) connection. Now the server keeps one for ``keep_alive_seconds`` (75 s) and the
desk for ``KEEPALIVE_EXPIRY_S`` (60 s, shorter: the desk closes first).

Which connection served a request is read from the kernel's table of TCP connections
(``/proc/net/tcp``): the server's end of each established connection, and the client's port at the
other end. (Linux only, as the suite.)
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.client.api import KEEPALIVE_EXPIRY_S, ApiClient
from server.settings import Settings
from tests.server.conftest import TEST_SECRET
from tests.server.live import LiveServer

IDLE_S = 6.5
"""Longer than the 5 s both ends used to keep an idle connection, short enough for a test."""
ESTABLISHED = "01"
LOOPBACK = "0100007F"
"""127.0.0.1 as ``/proc/net/tcp`` writes it (little-endian hex)."""


def client_ports(server_port: int) -> set[int]:
    """The client ports of the connections established to ``127.0.0.1:server_port``, as the server's
    ends of them appear in the kernel's table."""
    ports: set[int] = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state = fields[1], fields[2], fields[3]
        if state == ESTABLISHED and local == f"{LOOPBACK}:{server_port:04X}":
            ports.add(int(remote.rsplit(":", 1)[1], 16))
    return ports


def pings_after_idle(server: LiveServer, idle_s: float) -> tuple[set[int], set[int]]:
    """Ask ``/health`` with a desk's client, wait ``idle_s``, ask again: the client ports the server
    held a connection from after each request (both requests must succeed)."""

    async def scenario() -> tuple[set[int], set[int]]:
        api = ApiClient(server.base_url, account="operator1")
        try:
            assert await api.healthy()
            first = client_ports(server.port)
            await asyncio.sleep(idle_s)
            assert await api.healthy()  # no error whichever end closed: the desk reconnects
            return first, client_ports(server.port)
        finally:
            await api.aclose()

    return asyncio.run(scenario())


def serve(tmp_path: Path, name: str, **env: str) -> LiveServer:
    url = f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
    return LiveServer(
        tmp_path / f"{name}.log",
        env={"RINGDESK_DATABASE_URL": url, "RINGDESK_SECRET_KEY": TEST_SECRET, **env},
    )


def test_the_desk_and_the_server_keep_an_idle_connection_longer_than_the_pause_between_calls(
    tmp_path: Path,
) -> None:
    """The defaults: the desk closes first (a request never crosses the server's close), and both
    outlast 5 s. Before, after 6.5 s idle the second request came on a new connection."""
    with serve(tmp_path, "default") as server:
        first, second = pings_after_idle(server, IDLE_S)
    assert len(first) == 1, first
    assert second == first, f"a new connection after {IDLE_S} s idle: {first} then {second}"
    assert Settings.model_fields["keep_alive_seconds"].default > KEEPALIVE_EXPIRY_S > IDLE_S


def test_a_server_that_closes_sooner_costs_a_new_connection_never_an_error(tmp_path: Path) -> None:
    """``keep_alive_seconds`` reaches uvicorn: at 1 s the server closes the idle connection, and the
    desk's next request notices (httpcore checks an idle connection before reusing it) and opens a
    new one instead of failing."""
    with serve(tmp_path, "short", RINGDESK_KEEP_ALIVE_SECONDS="1") as server:
        first, second = pings_after_idle(server, 2.5)
    assert len(first) == 1 and len(second) == 1, (first, second)
    assert second != first, "the server kept the connection past keep_alive_seconds"
