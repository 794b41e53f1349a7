"""``ringdesk-server reports rebuild`` as a real process: rollups lost (or never built, as after the
upgrade that adds them) come back equal to what the writes had kept; ``grant-bi`` on SQLite says why
it cannot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from app.wire.calls import CallOutcome, CallReportIn, MissedReason
from server.crud import calls
from server.db import Database
from server.models import ReportFact, ReportRollup
from tests.server.conftest import TEST_SECRET
from tests.server.live import run_cli


def _rollup(database: Database) -> list[tuple[object, ...]]:
    with database.session() as session:
        return sorted(tuple(row) for row in session.execute(select(ReportRollup.__table__)))


def test_rebuild_restores_the_rollups(database: Database, db_url: str, backend: str) -> None:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with database.session() as session:
        for n in range(6):
            at = start + timedelta(minutes=7 * n)
            outcome = CallOutcome.MISSED if n % 3 == 0 else CallOutcome.ACCEPTED
            calls.record(
                session,
                CallReportIn(
                    call_id=f"cli-{n}",
                    outcome=outcome,
                    missed_reason=MissedReason.RANG_OUT if outcome is CallOutcome.MISSED else None,
                    queue="sales",
                    dnis="+74950000001",
                    arrived_at=at,
                    ended_at=at + timedelta(minutes=2),
                ),
                source="asterisk",
                non_target_seconds=5,
            )
        session.commit()
    kept = _rollup(database)
    assert kept
    with database.session() as session:
        session.execute(delete(ReportRollup))
        session.execute(delete(ReportFact))
        session.commit()
    env = {"RINGDESK_DATABASE_URL": db_url, "RINGDESK_SECRET_KEY": TEST_SECRET}
    done = run_cli(["reports", "rebuild"], env=env)
    assert done.returncode == 0, done.stderr
    assert "6 calls, 6 facts" in done.stdout
    assert _rollup(database) == kept
    if backend == "sqlite":
        refused = run_cli(["reports", "grant-bi"], env=env)
        assert refused.returncode == 1 and "PostgreSQL" in refused.stderr
