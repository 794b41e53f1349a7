"""Desk presence: when each operator's desktop was last heard on ``/me/live`` (issue 14).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

One row per operator whose desktop has connected; ``seen_at`` is refreshed while the connection is
open (by whichever server process holds it) and set when it closes. ``server.presence`` makes an
operator whose desk has been silent longer than ``desk_silence_seconds`` not routable, and deletes the
row. Self-contained like 0001 (imports nothing from ``server.models``); a new table, so the upgrade runs
on a populated database as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_presence",
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("operator_id", name="pk_desk_presence"),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["users.id"], name="fk_desk_presence_operator_id_users", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("desk_presence")
