"""The CRM adapter (issue 19): ``crm_connections`` (the Bitrix24 webhook and its options) and
``crm_jobs`` (the outbox of calls and contacts the CRM must learn; ``server.models.crm``).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-07

Numbered 0014 while 0013 is being written on another branch: ``down_revision`` is re-chained to the
newest migration when the branches are merged. Self-contained (imports nothing from ``server.models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_DUE = "state IN ('pending', 'working')"


def _stamps() -> list[sa.Column[object]]:
    return [
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
    ]


def upgrade() -> None:
    op.create_table(
        "crm_connections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("config", _JSON, nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_connections")),
        sa.UniqueConstraint("kind", name=op.f("uq_crm_connections_kind")),
    )
    op.create_table(
        "crm_jobs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("crm", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("data", _JSON, nullable=False),
        sa.Column("progress", _JSON, nullable=False),
        sa.Column("revision", sa.Integer(), server_default="1", nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_jobs")),
        sa.UniqueConstraint("crm", "kind", "key", name=op.f("uq_crm_jobs_crm_kind_key")),
    )
    with op.batch_alter_table("crm_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_crm_jobs_due",
            ["next_at"],
            unique=False,
            postgresql_where=sa.text(_DUE),
            sqlite_where=sa.text(_DUE),
        )


def downgrade() -> None:
    with op.batch_alter_table("crm_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_crm_jobs_due", postgresql_where=sa.text(_DUE), sqlite_where=sa.text(_DUE))
    op.drop_table("crm_jobs")
    op.drop_table("crm_connections")
