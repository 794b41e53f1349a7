"""The BI side of reports on PostgreSQL: ``ringdesk-server reports grant-bi`` makes a role that reads
the reporting views (the same figures as ``GET /reports``) and cannot read ``users`` (password
hashes), write anything or create tables. And the live server: a team lead downloads the cp1251 CSV
as Russian Excel opens it."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from server.db import Database
from server.models import Role
from server.reports.views import BI_ROLE, VIEWS
from server.settings import Settings
from tests.server.conftest import TEST_SECRET, make_settings
from tests.server.helpers import add_user
from tests.server.live import LiveServer, run_cli
from tests.server.tasks_support import PBX_KEY
from tests.server.test_live_server import CHEAP_ARGON2
from tests.support.postgres import SUPERUSER, PostgresServer

PASSWORD = "Pa55-word-for-reports"
DAY = "2026-03-02"


@pytest.fixture
def pg_url(postgres_server: PostgresServer, postgres_template: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = postgres_server.create_database(name, template=postgres_template)
    yield url
    postgres_server.drop_database(name)


def _env(url: str) -> dict[str, str]:
    return {
        "RINGDESK_DATABASE_URL": url,
        "RINGDESK_SECRET_KEY": TEST_SECRET,
        "RINGDESK_SOURCE_KEYS": f"pbx:{PBX_KEY}",
        "RINGDESK_RECORD_MAX_AGE_DAYS": "3650",  # the test day is in the past
        **CHEAP_ARGON2,
    }


def _as_bi(url: str) -> psycopg.Connection[tuple[object, ...]]:
    dsn = url.replace("postgresql+psycopg://", "postgresql://").replace(f"{SUPERUSER}@", f"{BI_ROLE}@")
    return psycopg.connect(dsn, autocommit=True)


def test_the_bi_role_reads_the_views_and_nothing_else(pg_url: str) -> None:
    done = run_cli(["reports", "grant-bi", "--password-stdin"], env=_env(pg_url), stdin="bi-secret-123\n")
    assert done.returncode == 0, done.stderr
    with _as_bi(pg_url) as conn:
        for name in VIEWS:
            conn.execute(f"SELECT * FROM {name} LIMIT 1").fetchall()
        refused = [
            "SELECT password_hash FROM users",
            "SELECT * FROM calls",
            "SELECT * FROM report_rollup",
            "INSERT INTO report_rollup (dim, bucket_start, key, team_id, queue)"
            " VALUES ('all', now(), '', 0, '')",
            "UPDATE dispositions SET comment = ''",
            "DELETE FROM report_facts",
            "CREATE TABLE mine (id int)",
        ]
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    # run again (a password change): still the same rights
    again = run_cli(["reports", "grant-bi"], env=_env(pg_url))
    assert again.returncode == 0, again.stderr


def test_a_team_lead_downloads_csv_as_russian_excel_opens_it(pg_url: str, tmp_path: Path) -> None:
    settings: Settings = make_settings(pg_url)
    database = Database.connect(pg_url, pooled=False)
    try:
        add_user(database, settings, "admin", Role.ADMIN, password=PASSWORD)
        add_user(database, settings, "старший", Role.TEAM_LEAD, "Продажи", password=PASSWORD)
        add_user(database, settings, "Иванова", Role.OPERATOR, "Продажи", password=PASSWORD)
    finally:
        database.dispose()
    with (
        LiveServer(tmp_path / "server.log", env=_env(pg_url)) as server,
        httpx.Client(base_url=server.base_url, timeout=20) as http,
    ):

        def token(name: str) -> dict[str, str]:
            answer = http.post("/auth/login", json={"name": name, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        admin, operator = token("admin"), token("Иванова")
        code = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}
        assert http.put("/catalogue/dispositions/sale", json=code, headers=admin).status_code == 201
        for n, (answered, ended) in enumerate((("09:00:00", "09:10:00"), ("09:20:00", "09:30:00"))):
            call = {
                "call_id": f"live-{n}",
                "outcome": "accepted",
                "operator": "Иванова",
                "dnis": "Реклама-радио",
                "arrived_at": f"{DAY}T{answered}+03:00",
                "answered_at": f"{DAY}T{answered}+03:00",
                "ended_at": f"{DAY}T{ended}+03:00",
            }
            assert (
                http.post("/calls/outcomes", json=call, headers={"X-Source-Key": PBX_KEY}).status_code == 200
            )
        body = {
            "call_id": "live-0",
            "operator": "Иванова",
            "ring_at": f"{DAY}T09:00:00+03:00",
            "answer_at": f"{DAY}T09:00:00+03:00",
            "end_at": f"{DAY}T09:10:00+03:00",
            "code": "sale",
        }
        posted = http.post(
            "/dispositions", json=body, headers={**operator, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert posted.status_code == 201, posted.text
        answer = http.get(
            "/reports/calls",
            params={
                "from": DAY,
                "to": DAY,
                "tz": "Europe/Moscow",
                "by": "dnis",
                "whole": "true",
                "format": "csv",
                "encoding": "cp1251",
            },
            headers=token("старший"),
        )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=windows-1251"
    assert answer.headers["content-disposition"].endswith('.csv"')
    assert not answer.content.startswith(b"\xef\xbb\xbf")  # Excel's ANSI reading: no BOM
    table = list(csv.reader(io.StringIO(answer.content.decode("cp1251")), delimiter=";"))
    header, line = table[0], table[1]
    assert line[header.index("dnis")] == "Реклама-радио"
    assert line[header.index("offered")] == "2" and line[header.index("successful")] == "1"
    assert line[header.index("conversion")] == "1,0"  # one handled call, a sale: a decimal comma
