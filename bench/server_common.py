"""What the central-server benchmarks share: a throw-away PostgreSQL with the schema at head, bench
settings, users straight in the database, access tokens, and ``ringdesk-server serve`` as a process.

Every benchmark starts its own PostgreSQL (``tests.support.postgres``: ``initdb`` in a temp dir, no
Docker; durability off, as in the tests) and stops it when done, whatever happens. Migrations run through
the server's own code (:func:`server.migrate.upgrade`). Users are inserted directly (no argon2 per user:
they share one cheap hash), and access tokens are minted with the same secret the server is given, so
no login (and no login rate limit) is part of any figure.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import event

from server.crud.users import create_user, get_or_create_team, get_user_by_name
from server.db import Database
from server.migrate import upgrade
from server.models import Role
from server.security import create_access_token, hash_password
from server.seed import seed_demo
from server.settings import Settings
from tests.server.live import LiveServer
from tests.support.postgres import PostgresServer, postgres_available

__all__ = [
    "BenchServer",
    "bench_settings",
    "count_statements",
    "group_cpu_seconds",
    "migrated_postgres",
    "postgres_missing",
    "seed_users",
    "token_for",
]

#: Random per run: the server process gets it through RINGDESK_SECRET_KEY, tokens are signed with it.
SECRET = secrets.token_urlsafe(40)


def postgres_missing() -> str | None:
    """Why the server benchmarks cannot run here (None: they can)."""
    if postgres_available():
        return None
    return "PostgreSQL server binaries not installed (apt-get install postgresql)"


@contextmanager
def migrated_postgres(database: str = "ringdesk_bench") -> Iterator[tuple[PostgresServer, str]]:
    """A running PostgreSQL with ``database`` migrated to head; stopped and deleted on exit."""
    with PostgresServer() as pg:
        url = pg.create_database(database)
        db = Database.connect(url, pooled=False)
        try:
            upgrade(db.engine)
        finally:
            db.dispose()
        yield pg, url


def bench_settings(url: str) -> Settings:
    """Settings matching the served process (same secret); argon2 at minimum cost for seeding."""
    return Settings(
        database_url=url,
        secret_key=SecretStr(SECRET),
        password_time_cost=1,
        password_memory_kib=1024,
        password_parallelism=1,
    )


@dataclass(frozen=True)
class BenchUser:
    id: int
    name: str
    role: Role
    team: str | None


def seed_users(
    database: Database, settings: Settings, *, leads: int = 0, operators: int = 0
) -> dict[str, BenchUser]:
    """The demo cast and catalogues (``seed-demo``: admin, ``lead`` and ``operator1`` in team
    ``sales``...), plus ``leads`` extra team leads of ``sales`` named ``lead_0000``... and
    ``operators`` operators of ``sales`` named ``op_0000``... (:func:`operator_names`); by name."""
    users: dict[str, BenchUser] = {}
    with database.session() as session:
        for seeded in seed_demo(session, settings, password=secrets.token_urlsafe(12)):
            users[seeded.name] = BenchUser(0, seeded.name, seeded.role, seeded.team)
        team = get_or_create_team(session, name="sales")[0]
        shared_hash = hash_password(settings, secrets.token_urlsafe(12))
        for i in range(leads):
            name = f"lead_{i:04d}"
            create_user(session, name=name, password_hash=shared_hash, role=Role.TEAM_LEAD, team=team)
            users[name] = BenchUser(0, name, Role.TEAM_LEAD, "sales")
        for name in operator_names(operators):
            create_user(session, name=name, password_hash=shared_hash, role=Role.OPERATOR, team=team)
            users[name] = BenchUser(0, name, Role.OPERATOR, "sales")
        session.commit()
        for name, user in list(users.items()):
            row = get_user_by_name(session, name=name)
            assert row is not None
            users[name] = BenchUser(row.id, name, user.role, user.team)
    return users


def seed_users_at(url: str, settings: Settings, **counts: int) -> dict[str, BenchUser]:
    """:func:`seed_users` on the database at ``url``, on a connection of its own, closed after (what a
    bench does before it starts its server)."""
    database = Database.connect(url, pooled=False)
    try:
        return seed_users(database, settings, **counts)
    finally:
        database.dispose()


def operator_names(count: int) -> list[str]:
    """The names :func:`seed_users` gives its extra operators."""
    return [f"op_{i:04d}" for i in range(count)]


def token_for(settings: Settings, user: BenchUser) -> str:
    """An access token for ``user``, as ``/auth/login`` would give (valid for the configured minutes)."""
    return create_access_token(settings, user_id=user.id, role=user.role, team=user.team)[0]


class BenchServer(LiveServer):
    """``ringdesk-server serve --workers N`` (default one) on ``url``, logging warnings
    and up, with the bench secret. Its log goes to ``log_dir/<name>.log``."""

    start_timeout = 180.0  # two workers importing on a machine shared with other benchmarks

    def __init__(self, url: str, log_dir: Path, name: str, *, workers: int = 1) -> None:
        log_path = log_dir / f"{name}.log"
        log_path.unlink(missing_ok=True)
        super().__init__(
            log_path,
            args=["--workers", str(workers)],
            env={
                "RINGDESK_DATABASE_URL": url,
                "RINGDESK_SECRET_KEY": SECRET,
                "RINGDESK_LOG_LEVEL": "warning",
            },
        )


def _proc_stats() -> Iterator[tuple[int, list[str]]]:
    """Each live process's pid and the fields of ``/proc/PID/stat`` after its name (state, ppid,
    pgrp, ... utime at 11, stime 12, cutime 13, cstime 14), skipping processes that exit meanwhile."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            yield int(stat.parent.name), stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of every live process in process group ``pgid`` (a served app:
    uvicorn's supervisor and its workers), from ``/proc``: what the server spent, without the load
    generator that shares the machine with it."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(f[11]) + int(f[12]) for _, f in _proc_stats() if int(f[2]) == pgid) / ticks


def postgres_cpu_seconds(postmaster: int) -> float:
    """User + system CPU seconds of the postmaster and its live backends (each backend is a session
    leader of its own, so :func:`group_cpu_seconds` does not see them), and of its reaped children
    (backends that ended: their share stays counted)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid, fields in _proc_stats():
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        elif int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def count_statements(
    app: FastAPI, database: Database, method: str, path: str, request: Callable[[], dict[str, Any]]
) -> int:
    """How many SQL statements (COMMITs included) one request to ``app`` sends, in-process (the ASGI
    app on ``database``'s engine), counted by SQLAlchemy events, on the third of three requests
    (``request()`` gives each its ``httpx`` keyword arguments: headers, json, params)."""
    counted: list[str] = []

    def on_execute(*_args: Any) -> None:
        counted.append("statement")

    def on_commit(*_args: Any) -> None:
        counted.append("commit")

    async def go() -> int:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for _ in range(3):
                    counted.clear()
                    response = await client.request(method, path, **request())
                    if response.status_code >= 400:
                        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
        return len(counted)

    event.listen(database.engine, "before_cursor_execute", on_execute)
    event.listen(database.engine, "commit", on_commit)
    try:
        return asyncio.run(go())
    finally:
        event.remove(database.engine, "before_cursor_execute", on_execute)
        event.remove(database.engine, "commit", on_commit)
