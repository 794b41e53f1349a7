"""Server test fixtures. Every test that touches a database runs twice: on SQLite and on a real
PostgreSQL started by the session (``tests.support.postgres``).

* ``backend``: "sqlite" or "postgresql" (the parametrisation).
* ``db_url``: an empty database at the newest schema revision, per test. SQLite: a copy of a file
  migrated once per session. PostgreSQL: one database per test module (``CREATE DATABASE ...
  TEMPLATE`` of one migrated once per session), emptied after every test (``DELETE`` of every
  table, children first: ~1 ms, where a new database costs 0.3 s or more).
* ``empty_db_url``: a fresh database without any schema (migration tests, ``serve`` on first start).
* ``settings``: test settings for ``db_url`` (cheap argon2, low login limit); ``make_settings(url, **kw)``.
* ``database``, ``app``, ``client``: the engine, ``create_app(settings)`` and a TestClient on it.
* ``people``: a standard cast (admin, two teams with a lead and operators each) and ``headers(user)``.
"""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from server.api.main import create_app
from server.db import Database
from server.migrate import upgrade
from server.models import Base
from server.settings import Settings
from tests.server.helpers import People, TestClient
from tests.support.postgres import PostgresServer, postgres_available

BACKENDS = ("sqlite", "postgresql")
#: Random per session, so a leak into logs is recognisable and nothing real is ever used.
TEST_SECRET = secrets.token_urlsafe(40)


def make_settings(url: str, **overrides: Any) -> Settings:
    """Settings for tests: a strong random secret, argon2 at minimum cost, 3 login failures."""
    values: dict[str, Any] = {
        "database_url": url,
        "secret_key": SecretStr(TEST_SECRET),
        "password_time_cost": 1,
        "password_memory_kib": 1024,
        "password_parallelism": 1,
        "login_max_failures": 3,
        "login_window_seconds": 60,
        # tests post records dated on fixed days (KPI periods): the age window is tested on its own
        # (test_late_records), with the production value
        "record_max_age_days": 3650,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if not postgres_available():
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    with PostgresServer() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """Name of a database migrated to head, to be copied by ``db_url``."""
    url = postgres_server.create_database("ringdesk_template")
    database = Database.connect(url, pooled=False)
    upgrade(database.engine)
    database.dispose()
    return "ringdesk_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = Database.connect(f"sqlite:///{path}", pooled=False)
    upgrade(database.engine)
    database.dispose()  # last connection closed: the WAL is checkpointed into the main file
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _postgres_database(request: pytest.FixtureRequest, template: str | None) -> Iterator[str]:
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = server.create_database(name, template=template)
    yield url
    server.drop_database(name)


@pytest.fixture(scope="module")
def postgres_module_db(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database shared by the tests of one module (emptied between them)."""
    yield from _postgres_database(request, request.getfixturevalue("postgres_template"))


def delete_all_rows(url: str) -> None:
    """Empty every table, children before parents; the schema and alembic_version stay."""
    database = Database.connect(url, pooled=False)
    try:
        with database.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        database.dispose()


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database at the newest schema revision (see the module docstring)."""
    if backend == "sqlite":
        path = tmp_path / "ringdesk.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_module_db")
        yield url
        delete_all_rows(url)


@pytest.fixture
def empty_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database with no tables at all."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        yield from _postgres_database(request, None)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database.connect(settings.database_url)
    yield db
    db.dispose()


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def people(database: Database, settings: Settings, client: TestClient) -> People:
    return People.create(database, settings, client)
