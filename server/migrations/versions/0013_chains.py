"""Communication chains (issue 19, docs/chains.md): ``chains`` (versioned definitions),
``chain_runs``, ``chain_steps`` (the durable queue of due steps, claimed with SKIP LOCKED) and
``chain_messages`` (each e-mail and SMS with its idempotency key and delivery status).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07

Self-contained like 0001 (imports nothing from ``server.models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chain_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("chain_id", sa.String(length=64), nullable=False),
        sa.Column("chain_version", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=160), nullable=False),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("trigger", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("steps_taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_chain_runs_contact_id"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_runs")),
        sa.UniqueConstraint("source_key", name=op.f("uq_chain_runs_source_key")),
    )
    with op.batch_alter_table("chain_runs", schema=None) as batch_op:
        batch_op.create_index("ix_chain_runs_contact_id_state", ["contact_id", "state"], unique=False)

    op.create_table(
        "chain_steps",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("step", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["chain_runs.id"], name=op.f("fk_chain_steps_run_id"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_steps")),
    )
    with op.batch_alter_table("chain_steps", schema=None) as batch_op:
        batch_op.create_index(
            "ix_chain_steps_due",
            ["due_at"],
            unique=False,
            postgresql_where=sa.text("state IN ('pending', 'working')"),
            sqlite_where=sa.text("state IN ('pending', 'working')"),
        )
        batch_op.create_index(batch_op.f("ix_chain_steps_run_id"), ["run_id"], unique=False)

    op.create_table(
        "chains",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("document", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_chains_version_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_chains_created_by_id"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_chains")),
    )
    op.create_table(
        "chain_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uid", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("step_row_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("provider_ref", sa.String(length=128), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_chain_messages_contact_id"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["chain_runs.id"], name=op.f("fk_chain_messages_run_id"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["step_row_id"],
            ["chain_steps.id"],
            name=op.f("fk_chain_messages_step_row_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_messages")),
        sa.UniqueConstraint("step_row_id", name=op.f("uq_chain_messages_step_row_id")),
        sa.UniqueConstraint("uid", name=op.f("uq_chain_messages_uid")),
    )
    with op.batch_alter_table("chain_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_chain_messages_contact_id_created_at", ["contact_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_chain_messages_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chain_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chain_messages_run_id"))
        batch_op.drop_index("ix_chain_messages_contact_id_created_at")

    op.drop_table("chain_messages")
    op.drop_table("chains")
    with op.batch_alter_table("chain_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chain_steps_run_id"))
        batch_op.drop_index(
            "ix_chain_steps_due",
            postgresql_where=sa.text("state IN ('pending', 'working')"),
            sqlite_where=sa.text("state IN ('pending', 'working')"),
        )

    op.drop_table("chain_steps")
    with op.batch_alter_table("chain_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_chain_runs_contact_id_state")

    op.drop_table("chain_runs")
