"""Team leads and queues: operators' SIP address, queues and shift targets; hold time on
dispositions; board colour thresholds; status requests (team-lead forces and break requests).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07

Self-contained like 0001 (imports nothing from ``server.models``). New columns are nullable, so
the upgrade runs on a populated database without a default to invent.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
STATUS_VALUES = ("offline", "ready", "not_ready", "on_call", "acw")
KIND_VALUES = ("force", "break")
STATE_VALUES = ("pending", "approved", "refused", "applied", "cancelled")
REASON_MATCHES_STATUS = "(status = 'not_ready') = (reason_code IS NOT NULL)"


def _json() -> sa.JSON:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("sip_uri", sa.String(255), nullable=True))
        batch.add_column(sa.Column("queues", _json(), nullable=True))
        batch.add_column(sa.Column("shift_target", sa.Integer(), nullable=True))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("shift_target", sa.Integer(), nullable=True))
    with op.batch_alter_table("dispositions") as batch:
        batch.add_column(sa.Column("hold_seconds", sa.Integer(), nullable=True))

    op.create_table(
        "board_thresholds",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("amber_minutes", sa.Integer(), nullable=False),
        sa.Column("red_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "amber_minutes >= 1 AND red_minutes >= amber_minutes",
            name=op.f("ck_board_thresholds_amber_before_red"),
        ),
        sa.PrimaryKeyConstraint("key", name="pk_board_thresholds"),
    )

    op.create_table(
        "status_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("kind", *KIND_VALUES), nullable=False),
        sa.Column("status", _enum("status", *STATUS_VALUES), nullable=False),
        sa.Column("reason_code", sa.String(32), nullable=True),
        sa.Column("state", _enum("state", *STATE_VALUES), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _ts(), server_default=NOW, nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", _ts(), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"], name="fk_status_requests_operator_id"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name="fk_status_requests_requested_by_id"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name="fk_status_requests_decided_by_id"),
        sa.ForeignKeyConstraint(
            ["reason_code"], ["not_ready_reasons.code"], name="fk_status_requests_reason_code"
        ),
        sa.CheckConstraint(REASON_MATCHES_STATUS, name=op.f("ck_status_requests_reason_matches_status")),
        sa.PrimaryKeyConstraint("id", name="pk_status_requests"),
    )
    op.create_index("ix_status_requests_operator_id_state", "status_requests", ["operator_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_status_requests_operator_id_state", table_name="status_requests")
    op.drop_table("status_requests")
    op.drop_table("board_thresholds")
    with op.batch_alter_table("dispositions") as batch:
        batch.drop_column("hold_seconds")
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("shift_target")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("shift_target")
        batch.drop_column("queues")
        batch.drop_column("sip_uri")
