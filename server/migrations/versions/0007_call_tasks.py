"""Calls, their outcomes and the tasks made of them: ``calls`` (one row per inbound call, every
source's reports merged), ``tasks`` (callbacks and web requests) and ``task_attempts`` (issue 16).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Self-contained like 0001 (imports nothing from ``server.models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "state IN ('open', 'not_reached')"
"""The tasks the queue offers: the partial index ``ix_tasks_waiting`` holds only these."""


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "callback_missed",
                "callback_scheduled",
                "web_request",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "in_progress",
                "done",
                "not_reached",
                "sent_only",
                "cancelled",
                "expired",
                name="state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("dnis", sa.String(length=64), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column(
            "request_type",
            sa.Enum(
                "sales",
                "service",
                "complaint",
                "where_to_buy",
                "discount",
                "other",
                name="request_type",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=True,
        ),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.Uuid(), nullable=True),
        sa.Column("calls_made", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disposition_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["claimed_by_id"], ["users.id"], name=op.f("fk_tasks_claimed_by_id")),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_tasks_contact_id"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["disposition_id"], ["dispositions.id"], name=op.f("fk_tasks_disposition_id"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_tasks_owner_id")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_tasks_team_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_tasks_idempotency_key")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_owner_id_state", ["owner_id", "state"], unique=False)
        batch_op.create_index("ix_tasks_phone_kind_state", ["phone", "kind", "state"], unique=False)
        batch_op.create_index("ix_tasks_state_lease_until", ["state", "lease_until"], unique=False)
        batch_op.create_index(
            "ix_tasks_waiting",
            ["priority", "due_at", "id"],
            unique=False,
            postgresql_where=sa.text(WAITING),
            sqlite_where=sa.text(WAITING),
        )

    op.create_table(
        "calls",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("call_id", sa.String(length=255), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "accepted",
                "non_target",
                "missed",
                name="outcome",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "missed_reason",
            sa.Enum(
                "abandoned",
                "rang_out",
                "out_of_hours",
                "nobody_logged_in",
                name="missed_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("caller", sa.String(length=16), nullable=True),
        sa.Column("dnis", sa.String(length=64), nullable=True),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wait_seconds", sa.Float(), nullable=True),
        sa.Column("sources", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_calls_task_id"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("call_id", name=op.f("uq_calls_call_id")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_caller"), ["caller"], unique=False)
        batch_op.create_index("ix_calls_outcome_arrived_at", ["outcome", "arrived_at"], unique=False)

    op.create_table(
        "task_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("task_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("missed_call", "call", name="kind", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(length=64), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("call_id", sa.String(length=255), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("idempotency_key", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"], name=op.f("fk_task_attempts_operator_id")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_attempts_task_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_attempts")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_task_attempts_idempotency_key")),
    )
    with op.batch_alter_table("task_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_attempts_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_attempts_task_id"))

    op.drop_table("task_attempts")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index("ix_calls_outcome_arrived_at")
        batch_op.drop_index(batch_op.f("ix_calls_caller"))

    op.drop_table("calls")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_waiting")
        batch_op.drop_index("ix_tasks_state_lease_until")
        batch_op.drop_index("ix_tasks_phone_kind_state")
        batch_op.drop_index("ix_tasks_owner_id_state")

    op.drop_table("tasks")
