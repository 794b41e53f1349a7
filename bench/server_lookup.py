"""Contact lookup by phone over HTTP, on PostgreSQL holding 1,000,000 contacts, beside its floors.

What is timed is what a desktop feels: ``GET /contacts/lookup?phone=`` of a real ``ringdesk-server
serve`` (one worker), from sending the request to reading the answer, on a keep-alive connection, with
an operator's bearer token. 1,000 lookups of random existing numbers, each written in one of the forms
people and PBXs use (``+7 (912) 345-67-89``, ``89123456789``, ``8 912 345 67 89``,
``sip:+79123456789@pbx``), after 20 unmeasured warm-up lookups. Beside it, in the same run on the same
database: the floor app's lookup over HTTP (``bench.floor_apps``: one raw SQL query by the E.164
number, no parsing, no auth, served by uvicorn the same way), and that raw query alone in-process.

The contacts are bulk-loaded by ``INSERT ... SELECT FROM generate_series`` straight into the migrated
schema (indexes in place, as in production), then ``ANALYZE``. Numbers are unique Russian mobiles over
twelve operator codes.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from bench import floor_apps
from bench.common import BenchResult, percentile
from bench.floor_apps import FloorServer
from bench.server_common import (
    BenchServer,
    BenchUser,
    bench_settings,
    group_cpu_seconds,
    migrated_postgres,
    postgres_missing,
    token_for,
)
from server.crud.users import create_user
from server.db import Database
from server.models import Role
from tests.server.live import LiveServer

NAME = "server_lookup"
CONTACTS = 1_000_000
LOOKUPS = 1000
WARMUP = 20
TARGET_P95_MS = 2.0
#: Valid Russian mobile codes (``phonenumbers``); contact i gets CODES[i % 12] and a unique 7-digit rest.
CODES = ("912", "916", "903", "926", "985", "999", "905", "915", "950", "977", "921", "961")


def number_of(i: int) -> str:
    """The E.164 number of contact ``i`` (1-based), as the SQL below generates it."""
    return f"+7{CODES[i % len(CODES)]}{(i // len(CODES)) * 37 % 10_000_000:07d}"


def written(e164: str, rng: random.Random) -> str:
    """``e164`` (+7XXXXXXXXXX) written the way a person, a CRM or a PBX might."""
    d = e164[2:]
    forms = (
        f"+7 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}",
        f"8{d}",
        f"8 {d[:3]} {d[3:6]} {d[6:8]} {d[8:]}",
        f"sip:{e164}@pbx.local",
        e164,
    )
    return rng.choice(forms)


def _load(database: Database, count: int) -> None:
    codes = "ARRAY[" + ",".join(f"'{c}'" for c in CODES) + "]"
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (name, city, segment) "
                "SELECT 'Контакт ' || g, (ARRAY['Москва','Пермь','Казань','Омск'])[1 + g % 4], "
                "(ARRAY['retail','vip','b2b'])[1 + g % 3] FROM generate_series(1, :n) AS g"
            ),
            {"n": count},
        )
        # Ids come from a fresh sequence, so contact id g got number_of(g).
        conn.execute(
            text(
                f"INSERT INTO contact_phones (contact_id, e164, position) "
                f"SELECT id, '+7' || ({codes})[1 + id % {len(CODES)}] "
                f"|| lpad(((id / {len(CODES)}) * 37 % 10000000)::text, 7, '0'), 0 FROM contacts"
            )
        )
    with database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE contacts, contact_phones"))


def _seed_operator(database: Database) -> BenchUser:
    """One operator, inserted directly (``seed_demo`` would add demo contacts whose numbers may
    collide with the generated ones)."""
    with database.session() as session:
        user = create_user(session, name="operator1", password_hash="x", role=Role.OPERATOR, team=None)
        session.commit()
        return BenchUser(user.id, user.name, Role.OPERATOR, None)


def _over_http(
    server: LiveServer, headers: dict[str, str], queries: list[tuple[str, int]]
) -> tuple[list[float], float]:
    """Latencies (ms) of ``GET /contacts/lookup`` for each (phone as written, contact id), after the
    warm-up ones, and the server's CPU ms per lookup."""
    timings: list[float] = []
    assert server.pid is not None
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        cpu = 0.0
        for n, (query, contact_id) in enumerate(queries):
            if n == WARMUP:
                cpu = group_cpu_seconds(server.pid)
            t0 = time.perf_counter()
            response = client.get("/contacts/lookup", params={"phone": query})
            elapsed = time.perf_counter() - t0
            if response.status_code != 200 or response.json()["id"] != contact_id:
                raise RuntimeError(f"lookup of {query!r}: {response.status_code} {response.text[:200]}")
            if n >= WARMUP:
                timings.append(elapsed * 1000)
        cpu = group_cpu_seconds(server.pid) - cpu
    return timings, round(cpu / len(timings) * 1000, 3)


def _raw_sql(database: Database, queries: list[tuple[str, int]]) -> list[float]:
    """The floor's query alone, in-process, on a pooled connection (ms each, after the warm-up)."""
    timings: list[float] = []
    with database.engine.connect() as conn:
        for n, (e164, contact_id) in enumerate(queries):
            t0 = time.perf_counter()
            row = conn.execute(floor_apps.LOOKUP_SQL, {"e164": e164}).one()
            elapsed = time.perf_counter() - t0
            if row.id != contact_id:
                raise RuntimeError(f"raw lookup of {e164} found {row.id}")
            if n >= WARMUP:
                timings.append(elapsed * 1000)
    return timings


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    rng = random.Random(3)
    log_dir.mkdir(parents=True, exist_ok=True)
    with migrated_postgres() as (_pg, url):
        database = Database.connect(url)
        try:
            started = time.monotonic()
            _load(database, CONTACTS)
            load_s = time.monotonic() - started
            with database.engine.connect() as conn:
                stored = conn.execute(text("SELECT count(*) FROM contact_phones")).scalar_one()
            if stored != CONTACTS:
                raise RuntimeError(f"loaded {stored} numbers, expected {CONTACTS}")
            operator = _seed_operator(database)
            picks = [rng.randint(1, CONTACTS) for _ in range(WARMUP + LOOKUPS)]
            written_forms = [(written(number_of(i), rng), i) for i in picks]
            e164s = [(number_of(i), i) for i in picks]
            token = token_for(bench_settings(url), operator)
            with BenchServer(url, log_dir, "server-lookup") as server:
                ours, ours_cpu = _over_http(server, {"Authorization": f"Bearer {token}"}, written_forms)
            with FloorServer(url, log_dir, "floor-lookup", operator_id=operator.id) as floor_server:
                floor, floor_cpu = _over_http(floor_server, {}, e164s)
            raw = _raw_sql(database, e164s)
        finally:
            database.dispose()
    label = f"({CONTACTS:,} contacts)"
    floor_name = "raw SQL lookup app over HTTP (bench.floor_apps)"
    result.add_percentiles_vs_floor(
        f"lookup over HTTP {{pct}} {label}", ours, floor, floor_name, limit_p95=TARGET_P95_MS
    )
    result.add_vs_floor("server CPU per lookup", ours_cpu, "ms", floor_cpu, floor_name)
    result.add("lookup over HTTP max", round(max(ours), 3), "ms")
    result.add(f"raw SQL lookup in-process p95 {label}", round(percentile(raw, 95), 3), "ms")
    result.add(f"bulk load of {CONTACTS:,} contacts + phones (setup)", round(load_s, 1), "s")
    result.details = {"contacts": CONTACTS, "lookups": LOOKUPS, "warmup": WARMUP, "load_s": round(load_s, 2)}
    return result
