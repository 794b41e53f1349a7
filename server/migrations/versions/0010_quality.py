"""Scoring recorded calls (issue 18): ``evaluation_forms`` and ``evaluations``.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Self-contained like 0001 (imports nothing from ``server.models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "evaluation_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("sections", JSON_DOC, nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_evaluation_forms_created_by_id"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_forms")),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("recording_id", sa.BigInteger(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("call_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", JSON_DOC, nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("critical_failed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["evaluator_id"], ["users.id"], name=op.f("fk_evaluations_evaluator_id")),
        sa.ForeignKeyConstraint(["form_id"], ["evaluation_forms.id"], name=op.f("fk_evaluations_form_id")),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"], name=op.f("fk_evaluations_operator_id")),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name=op.f("fk_evaluations_recording_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("recording_id", name=op.f("uq_evaluations_recording_id")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluations_call_started_at"), ["call_started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_form_id"), ["form_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_operator_id"), ["operator_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluations_operator_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_form_id"))
        batch_op.drop_index(batch_op.f("ix_evaluations_call_started_at"))
    op.drop_table("evaluations")
    op.drop_table("evaluation_forms")
