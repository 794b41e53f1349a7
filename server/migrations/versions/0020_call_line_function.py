"""A new disposition's call line, read after the call's lock (PostgreSQL only): ``ringdesk_call_line``.

``POST /dispositions`` keeps the report rollups in its INSERT's own statement
(``server.reports.maintain``): it takes the call's advisory lock, then reads the call's line (DNIS) and
request type. A statement reads with the snapshot it started with, so when a PBX's report of the same
call held the lock and committed while the post waited, the post did not see that call and filed its
fact without the line: the per-line figures lost the sale until ``reports rebuild``. A VOLATILE
PL/pgSQL function takes a fresh snapshot for each query it runs (READ COMMITTED), so these reads,
moved into it, see what was committed before the lock was granted. SQLite takes writers one at a time
and needs nothing.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = """
CREATE OR REPLACE FUNCTION ringdesk_call_line(
    p_call text, OUT o_dnis text, OUT o_first_type text, OUT o_own_type text
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    SELECT c.dnis INTO o_dnis FROM calls c WHERE c.call_id = p_call;
    SELECT t.request_type INTO o_first_type FROM task_attempts a JOIN tasks t ON t.id = a.task_id
     WHERE a.call_id = p_call AND a.kind = 'call' AND t.request_type IS NOT NULL
     ORDER BY a.at, a.id LIMIT 1;
    SELECT t.request_type INTO o_own_type FROM calls c JOIN tasks t ON t.id = c.task_id
     WHERE c.call_id = p_call;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ringdesk_call_line(text)")
