"""Reports (issue 20): ``report_facts`` and ``report_rollup`` (``server.models.reports``), and on
PostgreSQL the read-only reporting views for BI tools (``server.reports.views``, ``docs/reports.md``).

Revision ID: 0011
Revises: 0012 (numbered before it, landed after: a database already at 0012 upgrades straight to this)
Create Date: 2026-12-07

Self-contained like 0001 (imports nothing from ``server.models``); the view text is imported from
``server.reports.views`` so the migration and ``ringdesk-server reports grant-bi`` name the same views.
Existing calls and dispositions are summed by ``ringdesk-server reports rebuild``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MEASURES = (
    ("offered", sa.Integer()),
    ("accepted", sa.Integer()),
    ("non_target", sa.Integer()),
    ("missed", sa.Integer()),
    ("called_back", sa.Integer()),
    ("callback_ms", sa.BigInteger()),
    ("handled", sa.Integer()),
    ("unanswered", sa.Integer()),
    ("successful", sa.Integer()),
    ("non_target_handled", sa.Integer()),
    ("talk_ms", sa.BigInteger()),
    ("hold_ms", sa.BigInteger()),
    ("acw_ms", sa.BigInteger()),
)


def _measures() -> list[sa.Column[int]]:
    return [sa.Column(name, kind, server_default=sa.text("0"), nullable=False) for name, kind in _MEASURES]


def upgrade() -> None:
    op.create_table(
        "report_facts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("call_id", sa.String(length=255), nullable=False),
        sa.Column("disposition_id", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator_id", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("team_id", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("queue", sa.String(length=64), server_default="", nullable=False),
        sa.Column("dnis", sa.String(length=64), server_default="", nullable=False),
        sa.Column("code", sa.String(length=32), server_default="", nullable=False),
        *_measures(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_facts")),
    )
    with op.batch_alter_table("report_facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_facts_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_facts_bucket_start"), ["bucket_start"], unique=False)
    op.create_table(
        "report_rollup",
        sa.Column("dim", sa.String(length=16), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        *_measures(),
        sa.PrimaryKeyConstraint(
            "dim", "bucket_start", "key", "team_id", "queue", name=op.f("pk_report_rollup")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        from server.reports.views import CREATE_VIEWS

        for statement in CREATE_VIEWS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        from server.reports.views import DROP_VIEWS

        for statement in DROP_VIEWS:
            op.execute(statement)
    op.drop_table("report_rollup")
    with op.batch_alter_table("report_facts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_facts_bucket_start"))
        batch_op.drop_index(batch_op.f("ix_report_facts_call_id"))
    op.drop_table("report_facts")
