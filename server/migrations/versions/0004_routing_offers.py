"""Routing offers: ``GET /routing/next`` reserves the operator it answers (``offered_at``, and the
status change that was current then, ``offered_change_id``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Self-contained like 0001 (imports nothing from ``server.models``). Both columns are nullable (never
offered), so the upgrade runs on a populated database as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bigint() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("operator_current_status") as batch:
        batch.add_column(sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("offered_change_id", _bigint(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("operator_current_status") as batch:
        batch.drop_column("offered_change_id")
        batch.drop_column("offered_at")
