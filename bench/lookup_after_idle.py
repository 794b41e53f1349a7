"""The screen pop's lookup after the operator was idle: old keep-alive against new, over http and https.

A desk looks the caller up when the phone rings (``app.client.api.ApiClient.lookup_contact``), after
however long the operator waited for the call. Before, both ends dropped an idle connection after 5 s
(uvicorn's ``timeout_keep_alive``, httpx's ``keepalive_expiry``), so nearly every pop opened a new TCP
connection, and over ``https://`` did a TLS handshake too. Now ``serve`` keeps one for
``keep_alive_seconds`` (75 s) and the desk for ``KEEPALIVE_EXPIRY_S`` (60 s).

Four servers on one PostgreSQL (SQLite when it is missing) answer at once: ``ringdesk-server serve``
over http with ``keep_alive_seconds`` 5 (before) and the default (now), and the same app under
uvicorn over https (``--ssl-certfile``, a CA made for the run, trusted as the desk trusts
``server_ca_file``) with ``--timeout-keep-alive`` 5 and the default. Each is asked by an
``httpx.AsyncClient`` built as the desk's (its limits, timeout, TLS context), with httpx's default
expiry (before) or the desk's (now). In each round all four sit idle for the same ``idle`` seconds,
then each does one lookup (the pop) and one more at once (the floor: a warm connection), the four
sides in a rotating order.

Per lookup: the time from sending to holding the answer, the client process's CPU (all threads), the
server process's CPU (its threads' ``schedstat``, nanoseconds, read 20 ms after the answer so the
request log's write is in), and whether a new connection was opened. The CPU figures do not depend on
the machine's load; the times do (the load is printed). PostgreSQL's share is the same either way
and left out. Over the loopback a new connection costs no round trip; on a LAN add one (TCP) and one
or two more (TLS 1.3 / 1.2) to the "before" times.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.client.api import DEFAULT_TIMEOUT, KEEPALIVE_EXPIRY_S
from app.client.tls import context_for
from bench.common import BenchResult
from bench.server_common import (
    SECRET,
    bench_settings,
    migrated_postgres,
    postgres_missing,
    seed_users_at,
    token_for,
)
from server.api.main import SETTINGS_ENV, settings_for_workers
from server.db import Database
from server.migrate import upgrade
from server.settings import Settings
from tests.server.live import LiveServer
from tests.sync.tls_server import Pki, TlsServer, make_pki

NAME = "lookup_after_idle"
OLD_S = 5
"""uvicorn's and httpx's own default."""
NEW_S = int(Settings.model_fields["keep_alive_seconds"].default)
IDLES = tuple(float(s) for s in os.environ.get("RINGDESK_BENCH_IDLES", "6,30").split(","))
ROUNDS = int(os.environ.get("RINGDESK_BENCH_IDLE_ROUNDS", "5"))
PHONE = "+79123456789"
ASKED = "8 912 345-67-89"


@dataclass
class Sample:
    wall_ms: float
    client_cpu_ms: float
    server_cpu_ms: float
    new_connection: bool


@dataclass
class Side:
    label: str
    server: LiveServer
    client: httpx.AsyncClient
    port: int | None = None
    samples: dict[float, list[Sample]] = field(default_factory=dict)


def server_cpu_ns(pid: int) -> int:
    """CPU time of every thread of process ``pid`` so far (``/proc/PID/task/*/schedstat``, ns)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError):
            total += int((task / "schedstat").read_text().split()[0])
    return total


async def lookup(side: Side) -> Sample:
    """One lookup as the desk sends it; what it cost and whether it opened a connection."""
    pid = side.server.pid
    assert pid is not None
    server0, cpu0, t0 = server_cpu_ns(pid), time.process_time(), time.perf_counter()
    response = await side.client.get("/contacts/lookup", params={"phone": ASKED})
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await asyncio.sleep(0.02)
    server = server_cpu_ns(pid) - server0
    assert response.status_code == 200, response.text
    port = response.extensions["network_stream"].get_extra_info("client_addr")[1]
    new, side.port = port != side.port, port
    return Sample(wall * 1000, cpu * 1000, server / 1e6, new)


async def measure(sides: list[Side]) -> None:
    for side in sides:  # each side's connection open, as a desk that already asked something
        await lookup(side)
    for idle in IDLES:
        for round_ in range(ROUNDS):
            await asyncio.sleep(idle)
            shift = round_ % len(sides)
            for side in sides[shift:] + sides[:shift]:
                side.samples.setdefault(idle, []).append(await lookup(side))
                side.samples.setdefault(0.0, []).append(await lookup(side))


class HttpsServer(TlsServer):
    """The server's app under uvicorn over https on ``url`` with uvicorn's keep-alive ``keep_alive``."""

    start_timeout = 120.0

    def __init__(self, pki: Pki, url: str, log_dir: Path, name: str, keep_alive: int) -> None:
        settings = bench_settings(url).model_copy(update={"recordings_dir": str(log_dir / "recordings")})
        LiveServer.__init__(
            self,
            log_dir / f"{name}.log",
            env={SETTINGS_ENV: settings_for_workers(settings)},
        )
        self.pki = pki
        self.base_url = f"https://127.0.0.1:{self.port}"
        self.args = [*self.args, "--timeout-keep-alive", str(keep_alive)]


def http_server(url: str, log_dir: Path, name: str, keep_alive: int) -> LiveServer:
    server = LiveServer(
        log_dir / f"{name}.log",
        env={
            "RINGDESK_DATABASE_URL": url,
            "RINGDESK_SECRET_KEY": SECRET,
            "RINGDESK_LOG_LEVEL": "warning",
            "RINGDESK_KEEP_ALIVE_SECONDS": str(keep_alive),
        },
    )
    server.start_timeout = 120.0
    return server


def desk_client(base_url: str, token: str, expiry: float, ca_file: str) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` as ``ApiClient`` builds it, with keep-alive expiry ``expiry``."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=DEFAULT_TIMEOUT,
        verify=context_for(base_url, ca_file),
        limits=httpx.Limits(max_connections=8, max_keepalive_connections=8, keepalive_expiry=expiry),
        headers={"User-Agent": "ringdesk-desktop", "Authorization": f"Bearer {token}"},
    )


@contextlib.contextmanager
def database(log_dir: Path) -> Iterator[tuple[str, str]]:
    """A migrated database and which one it is (PostgreSQL when installed)."""
    if postgres_missing() is None:
        with migrated_postgres("ringdesk_idle") as (_, url):
            yield url, "PostgreSQL"
        return
    url = f"sqlite:///{log_dir / 'lookup_after_idle.sqlite3'}"
    Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    db = Database.connect(url, pooled=False)
    try:
        upgrade(db.engine)
    finally:
        db.dispose()
    yield url, "SQLite"


def p50(values: list[float]) -> float:
    return statistics.median(values)


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    log_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    with database(log_dir) as (url, backend), contextlib.ExitStack() as stack:
        settings = bench_settings(url)
        users = seed_users_at(url, settings)
        token = token_for(settings, users["operator1"])
        pki = make_pki(log_dir / "idle-pki")
        servers = {
            ("http", "before"): http_server(url, log_dir, "idle-http-old", OLD_S),
            ("http", "now"): http_server(url, log_dir, "idle-http-new", NEW_S),
            ("https", "before"): HttpsServer(pki, url, log_dir, "idle-https-old", OLD_S),
            ("https", "now"): HttpsServer(pki, url, log_dir, "idle-https-new", NEW_S),
        }
        for server in servers.values():
            stack.enter_context(server)
        with httpx.Client(base_url=servers["http", "now"].base_url, timeout=30) as http:
            made = http.post(
                "/contacts",
                json={"name": "Иванов Иван Иванович", "phones": [PHONE]},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert made.status_code == 201, made.text

        async def scenario() -> list[Side]:
            sides = [
                Side(
                    f"{scheme}, {when}",
                    server,
                    desk_client(
                        server.base_url,
                        token,
                        float(OLD_S) if when == "before" else KEEPALIVE_EXPIRY_S,
                        str(pki.ca),
                    ),
                )
                for (scheme, when), server in servers.items()
            ]
            try:
                await measure(sides)
            finally:
                for side in sides:
                    await side.client.aclose()
            return sides

        sides = asyncio.run(scenario())
    load_after = os.getloadavg()
    note = (
        f"{backend}; {ROUNDS} rounds per idle; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after; p50 over the rounds"
    )
    result.notes.append(note)
    print(f"{NAME}: {note}")
    print(f"{'side':16} {'idle':>5} {'new conn':>8} {'wall ms':>8} {'client CPU':>10} {'server CPU':>10}")
    for side in sides:
        for idle in (*IDLES, 0.0):
            samples = side.samples[idle]
            new = sum(s.new_connection for s in samples)
            wall = p50([s.wall_ms for s in samples])
            client = p50([s.client_cpu_ms for s in samples])
            server_cpu = p50([s.server_cpu_ms for s in samples])
            label = f"{idle:g} s" if idle else "warm"
            print(
                f"{side.label:16} {label:>5} {new:>3}/{len(samples):<4} {wall:8.2f} "
                f"{client:10.2f} {server_cpu:10.2f}"
            )
            key = f"{side.label}, {label}"
            result.add(f"lookup after {key}: time p50", wall, "ms")
            result.add(f"lookup after {key}: client CPU p50", client, "ms")
            result.add(f"lookup after {key}: server CPU p50", server_cpu, "ms")
            result.details[key] = [vars(s) for s in samples]
    return result


if __name__ == "__main__":
    run(Path("bench/results/logs"))
