"""Call recordings (issue 18): ``recordings``, the metadata of each call's audio file; the audio itself
lives in files outside the database (``server.recordings``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Self-contained like 0001 (imports nothing from ``server.models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=255), nullable=False),
        sa.Column("queue", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pauses", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("received", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("stored", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"], name=op.f("fk_recordings_operator_id")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("operator_id", "call_id", name=op.f("uq_recordings_operator_id_call_id")),
    )
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recordings_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recordings_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_recordings_stored_at"), ["stored_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recordings_stored_at"))
        batch_op.drop_index(batch_op.f("ix_recordings_sha256"))
        batch_op.drop_index(batch_op.f("ix_recordings_operator_id"))
    op.drop_table("recordings")
