"""Migrations: upgrade to head gives exactly the models' schema, downgrade removes it, on both
databases; ``ringdesk-server migrate`` does the upgrade."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect

from server.cli import main
from server.db import Database
from server.migrate import current_revision, downgrade, head_revision, scripts_head, upgrade
from server.models import Base

REPO = Path(__file__).resolve().parents[2]

EXPECTED_TABLES = {
    "crm_connections",
    "crm_jobs",
    "daily_report_sends",
    "inbound_messages",
    "pbx_waiting",
    "webhook_endpoints",
    "webhook_events",
    "webhook_deliveries",
    "task_rules",
    "teams",
    "status_requests",
    "board_thresholds",
    "users",
    "refresh_tokens",
    "audit_log",
    "contacts",
    "contact_phones",
    "contact_fields",
    "disposition_codes",
    "not_ready_reasons",
    "dispositions",
    "operator_status_changes",
    "operator_current_status",
    "scripts",
    "login_failures",
    "calls",
    "tasks",
    "recordings",
    "evaluation_forms",
    "evaluations",
    "task_attempts",
    "desk_presence",
    "report_facts",
    "report_rollup",
    "chains",
    "chain_runs",
    "chain_steps",
    "chain_messages",
}


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_models_and_downgrade_removes_everything(empty_db_url: str) -> None:
    database = Database.connect(empty_db_url, pooled=False)
    try:
        assert current_revision(database.engine) is None
        upgrade(database.engine)
        assert current_revision(database.engine) == head_revision()
        assert _tables(database) == EXPECTED_TABLES
        assert set(Base.metadata.tables) == EXPECTED_TABLES
        with database.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == [], f"migrations and models disagree: {diff}"

        downgrade(database.engine, "base")
        assert _tables(database) == set()
        assert current_revision(database.engine) is None

        upgrade(database.engine)  # and back up again: nothing left behind blocks a re-run
        assert _tables(database) == EXPECTED_TABLES
    finally:
        database.dispose()


def test_0008_task_rules_down_and_up(empty_db_url: str) -> None:
    """0008 alone: down to 0007 drops the rules table and the SLA columns, up adds them back."""
    database = Database.connect(empty_db_url, pooled=False)
    try:
        upgrade(database.engine)
        downgrade(database.engine, "0007")
        assert "task_rules" not in _tables(database)
        columns = {c["name"] for c in inspect(database.engine).get_columns("tasks")}
        assert not columns & {"sla_starts_at", "sla_due_at"}
        upgrade(database.engine)
        columns = {c["name"] for c in inspect(database.engine).get_columns("tasks")}
        assert {"sla_starts_at", "sla_due_at"} <= columns and "task_rules" in _tables(database)
    finally:
        database.dispose()


def _literals(sql: str) -> set[str]:
    """The quoted strings and the numbers of a CHECK expression: what must agree across the two."""
    return set(re.findall(r"'([^']*)'", sql)) | set(re.findall(r"(?<![\w'])\d+(?![\w'])", sql))


def test_check_constraints_match_the_models(empty_db_url: str) -> None:
    """Alembic's comparison skips CHECK constraints, which is where the enum values live: a status
    or field type the app's wire format accepts must be one the migrated database accepts."""
    database = Database.connect(empty_db_url, pooled=False)
    try:
        upgrade(database.engine)
        inspector = inspect(database.engine)
        dialect = database.engine.dialect
        for name, table in Base.metadata.tables.items():
            expected = {
                str(c.name): _literals(
                    str(c.sqltext.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
                )
                for c in table.constraints
                if isinstance(c, CheckConstraint)
            }
            found = {str(c["name"]): _literals(c["sqltext"]) for c in inspector.get_check_constraints(name)}
            assert found == expected, name
    finally:
        database.dispose()


def test_upgrade_twice_is_a_no_op(empty_db_url: str) -> None:
    database = Database.connect(empty_db_url, pooled=False)
    try:
        upgrade(database.engine)
        upgrade(database.engine)
        assert current_revision(database.engine) == head_revision()
    finally:
        database.dispose()


def test_a_database_at_the_newest_revision_is_checked_without_starting_alembic(empty_db_url: str) -> None:
    """``serve`` and every command check the schema first; at the newest revision that must not cost
    Alembic's import (a second of CPU per start), and the scripts' head read without it must be
    Alembic's own."""
    assert scripts_head() == head_revision()
    database = Database.connect(empty_db_url, pooled=False)
    try:
        upgrade(database.engine)
    finally:
        database.dispose()
    probe = (
        "import sys; from server.db import Database; from server.migrate import current_revision, upgrade\n"
        f"d = Database.connect({empty_db_url!r}, pooled=False); upgrade(d.engine)\n"
        "print(current_revision(d.engine), sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO, timeout=60
    )
    assert done.stdout.split(None, 1) == [head_revision(), "[]\n"]


def test_migrate_command(empty_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--db", empty_db_url]) == 0
    out = capsys.readouterr().out
    assert f"at revision {head_revision()}" in out
    database = Database.connect(empty_db_url, pooled=False)
    try:
        assert _tables(database) == EXPECTED_TABLES
    finally:
        database.dispose()


def test_migrate_command_reports_an_unreachable_database(
    backend: str, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    url = (
        "sqlite:////proc/no/such/dir/x.sqlite3"
        if backend == "sqlite"
        else "postgresql+psycopg://nobody:pw@127.0.0.1:1/none?connect_timeout=2"
    )
    assert main(["migrate", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "cannot use the database" in err
    assert ":pw@" not in err  # the password is masked
