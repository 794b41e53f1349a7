"""A month's report over 1,000,000 calls on PostgreSQL (``GET /reports/calls``), from the rollups.

The month (November 2026, Europe/Moscow) holds :data:`CALLS` calls, one every 2.6 s, spread over 4
queues, 8 advertising lines and :data:`OPERATORS` operators in 4 teams; 8 in 10 are answered and
have a disposition (5 codes), 1 in 10 is missed and 1 in 10 non-target. The raw rows are inserted
with ``generate_series``; the rollups are then built by ``ringdesk-server reports rebuild``'s own
code (``server.reports.maintain.rebuild``, timed: it is what an upgrade runs once).

* **The report**: the whole month by day and operator (the widest breakdown), by hour and queue, by
  day and line, by code, and the per-operator analytics, each as a team lead's browser would ask
  over HTTP to ``ringdesk-server serve``; :data:`REPEATS` times each, judged on the slowest against
  :data:`TARGET_MS`.
* **Its floor**, on the same database in the same run: the bare ``SELECT ... SUM ... GROUP BY`` over
  the same rollup rows in SQL over psycopg (no interval cut, no HTTP, no JSON).
* **Exact**: the report's total offered calls equal the calls inserted.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import psycopg

from bench.common import BenchResult
from bench.server_common import (
    BenchServer,
    BenchUser,
    bench_settings,
    migrated_postgres,
    postgres_missing,
    token_for,
)
from server.crud.users import create_user, get_or_create_team
from server.db import Database
from server.models import DispositionCategory, DispositionCode, Role
from server.reports.maintain import rebuild
from server.security import hash_password

NAME = "server_reports"
CALLS = 1_000_000
OPERATORS = 60
REPEATS = 5
TARGET_MS = 2000.0
MONTH = ("2026-11-01", "2026-11-30")
ZONE = "Europe/Moscow"
CODES = {
    "sale": DispositionCategory.SUCCESS,
    "info": DispositionCategory.OTHER,
    "junk": DispositionCategory.NON_TARGET,
    "later": DispositionCategory.CALLBACK,
    "refused": DispositionCategory.OTHER,
}
REPORTS = {
    "month by day and operator": {"interval": "day", "by": "operator"},
    "month by hour and queue": {"interval": "hour", "by": "queue"},
    "month by day and line": {"interval": "day", "by": "dnis"},
    "month, whole, by code": {"whole": "true", "by": "code"},
}

_CALLS = """
INSERT INTO calls (call_id, outcome, missed_reason, dnis, queue, operator, arrived_at, answered_at, ended_at,
                   wait_seconds, sources, created_at, updated_at)
SELECT 'bench-' || g,
       CASE WHEN g %% 10 < 8 THEN 'accepted' WHEN g %% 10 = 8 THEN 'missed' ELSE 'non_target' END,
       CASE WHEN g %% 10 = 8 THEN 'abandoned' END,
       'line-' || (g %% 8), 'q' || (g %% 4),
       CASE WHEN g %% 10 < 8 THEN 'op_' || lpad((g %% %(ops)s)::text, 4, '0') END,
       t, CASE WHEN g %% 10 < 8 THEN t + interval '20 seconds' END, t + interval '200 seconds',
       20, '["bench"]'::jsonb, now(), now()
  FROM generate_series(1, %(calls)s) AS g,
       LATERAL (SELECT timestamptz '2026-11-01 00:00:00+03' + g * interval '2.59 seconds' AS t) AS x
"""
_DISPOSITIONS = """
INSERT INTO dispositions (idempotency_key, request_hash, call_id, operator_id, queue, ring_at, answer_at,
                          end_at, acw_end_at, hold_seconds, script_answers, code, comment, received_at)
SELECT gen_random_uuid(), 'bench', c.call_id, u.id, c.queue, c.answered_at - interval '5 seconds',
       c.answered_at, c.ended_at, c.ended_at + interval '40 seconds', 15, '{}'::jsonb,
       (ARRAY['sale', 'info', 'junk', 'later', 'refused'])[1 + (c.id % 5)], '', now()
  FROM calls c JOIN users u ON u.name = c.operator
 WHERE c.outcome = 'accepted'
"""
_FLOOR = (
    "SELECT key, sum(offered), sum(handled), sum(successful), sum(talk_ms), sum(hold_ms), sum(acw_ms)"
    " FROM report_rollup WHERE dim = 'operator' AND bucket_start >= %s AND bucket_start < %s GROUP BY key"
)


def seed(url: str, database: Database) -> BenchUser:
    """The admin, the operators, the codes and the month's calls and dispositions (module notes)."""
    settings = bench_settings(url)
    shared = hash_password(settings, "bench-reports")
    with database.session() as session:
        teams = [get_or_create_team(session, name=f"team-{t}")[0] for t in range(4)]
        admin = create_user(session, name="bench_admin", password_hash=shared, role=Role.ADMIN, team=None)
        for i in range(OPERATORS):
            create_user(
                session, name=f"op_{i:04d}", password_hash=shared, role=Role.OPERATOR, team=teams[i % 4]
            )
        for position, (code, category) in enumerate(CODES.items()):
            session.add(
                DispositionCode(code=code, label_en=code, label_ru=code, category=category, position=position)
            )
        session.commit()
        user = BenchUser(admin.id, admin.name, Role.ADMIN, None)
    raw_url = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw_url, autocommit=True) as conn:
        conn.execute(_CALLS, {"ops": OPERATORS, "calls": CALLS})
        conn.execute(_DISPOSITIONS)
        conn.execute("ANALYZE calls")
        conn.execute("ANALYZE dispositions")
    return user


def floor_ms(url: str) -> list[float]:
    raw_url = url.replace("postgresql+psycopg://", "postgresql://")
    latencies = []
    with psycopg.connect(raw_url, autocommit=True) as conn:
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            conn.execute(_FLOOR, ("2026-10-31 21:00+00", "2026-11-30 21:00+00")).fetchall()
            latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with migrated_postgres() as (_pg, url):
        settings = bench_settings(url)
        database = Database.connect(url, pooled=False)
        try:
            t0 = time.perf_counter()
            admin = seed(url, database)
            seeded = time.perf_counter() - t0
            t0 = time.perf_counter()
            with database.session() as session:
                _calls, facts = rebuild(session)
                session.commit()
            rebuilt = time.perf_counter() - t0
        finally:
            database.dispose()
        raw_url = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(raw_url, autocommit=True) as conn:
            conn.execute("ANALYZE report_rollup")
            rollup_rows = conn.execute("SELECT count(*) FROM report_rollup").fetchone()
        token = token_for(settings, admin)
        timings: dict[str, list[float]] = {}
        offered = -1
        with (
            BenchServer(url, log_dir, "server-reports") as server,
            httpx.Client(
                base_url=server.base_url, timeout=120, headers={"Authorization": f"Bearer {token}"}
            ) as http,
        ):
            base = {"from": MONTH[0], "to": MONTH[1], "tz": ZONE}
            http.get("/reports/calls", params={**base, "by": "queue"}).raise_for_status()  # warm up
            for label, params in {**REPORTS, "per-operator analytics": {}}.items():
                path = "/reports/operators" if label == "per-operator analytics" else "/reports/calls"
                for _ in range(REPEATS):
                    t0 = time.perf_counter()
                    response = http.get(path, params={**base, **params})
                    timings.setdefault(label, []).append((time.perf_counter() - t0) * 1000)
                    response.raise_for_status()
                    if label == "month by day and operator":
                        offered = int(response.json()["total"]["offered"])
        floor = floor_ms(url)
    floor_name = "bare SQL SUM ... GROUP BY over the month's operator rollup rows (psycopg)"
    for label, values in timings.items():
        result.add_vs_floor(
            f"{label}, slowest of {REPEATS} ({CALLS:,} calls)",
            round(max(values), 1),
            "ms",
            round(min(floor), 1),
            floor_name,
            limit=TARGET_MS,
        )
    result.add_exact("report total offered minus calls inserted", offered - CALLS, "", 0)
    result.add("rollup rows for the month", float(rollup_rows[0] if rollup_rows else 0), "")
    result.add("seeding 1,000,000 calls and 800,000 dispositions (generate_series)", round(seeded, 1), "s")
    result.add(f"reports rebuild ({facts:,} facts)", round(rebuilt, 1), "s")
    result.details = {"calls": CALLS, "operators": OPERATORS, "timings_ms": timings, "floor_ms": floor}
    return result
