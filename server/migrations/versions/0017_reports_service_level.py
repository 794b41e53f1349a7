"""Reports, part two (issue 20): the historical service level and request type as a grouping.

* ``calls.service_seconds``: the queue's N in force when the call was reported;
* ``report_facts`` / ``report_rollup``: ``answered_in_time`` and ``answer_wait_ms`` (the accepted
  calls' waits), ``report_facts.request_type`` (rollup rows of ``dim = 'request_type'`` need no
  column: the type is their key);
* ``task_attempts.call_id`` indexed (the task a call was made on, for its request type);
* on PostgreSQL the reporting views recreated with the new columns at their end, and
  ``report_request_type_intervals``.

Revision ID: 0017
Revises: 0018 (numbered before it, landed after: a database already at 0018 upgrades straight to this)
Create Date: 2026-12-07

Self-contained like 0001 (imports nothing from ``server.models``); the view text comes from
``server.reports.views`` (the 0017 set). Existing rows get the new figures from
``ringdesk-server reports rebuild`` (which also gives calls without an N today's N of their queue).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _measures() -> list[sa.Column[int]]:
    return [
        sa.Column("answered_in_time", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("answer_wait_ms", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("service_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("task_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_attempts_call_id"), ["call_id"], unique=False)
    with op.batch_alter_table("report_facts", schema=None) as batch_op:
        for column in _measures():
            batch_op.add_column(column)
        batch_op.add_column(
            sa.Column("request_type", sa.String(length=64), server_default="", nullable=False)
        )
    with op.batch_alter_table("report_rollup", schema=None) as batch_op:
        for column in _measures():
            batch_op.add_column(column)
    if op.get_bind().dialect.name == "postgresql":
        from server.reports.views import CREATE_VIEWS_0017

        for statement in CREATE_VIEWS_0017:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        from server.reports.views import CREATE_VIEWS, DROP_VIEWS_0017

        for statement in DROP_VIEWS_0017:
            op.execute(statement)
        for statement in CREATE_VIEWS:
            op.execute(statement)
    with op.batch_alter_table("report_rollup", schema=None) as batch_op:
        batch_op.drop_column("answer_wait_ms")
        batch_op.drop_column("answered_in_time")
    with op.batch_alter_table("report_facts", schema=None) as batch_op:
        batch_op.drop_column("request_type")
        batch_op.drop_column("answer_wait_ms")
        batch_op.drop_column("answered_in_time")
    with op.batch_alter_table("task_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_attempts_call_id"))
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("service_seconds")
