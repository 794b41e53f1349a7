"""Callers waiting in a generic PBX's queues (issue 20): ``pbx_waiting``, one row per source and
queue, replaced by each snapshot of ``PUT /calls/waiting`` (``server.models.pbx_waiting``).

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-07

Self-contained like 0001 (imports nothing from ``server.models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pbx_waiting",
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.Column("oldest_joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "queue", name=op.f("pk_pbx_waiting")),
    )


def downgrade() -> None:
    op.drop_table("pbx_waiting")
