"""System-only not-ready reasons: ``not_ready_reasons.system`` marks the reasons desktops set by
themselves (``shift_start`` on login, ``phone_offline`` while the phone is unregistered), which no
status menu, tray or Force dialog offers and no team lead may force (issue 13).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Self-contained like 0001 (imports nothing from ``server.models``). The column defaults to false and
the two codes desktops send are marked, so the upgrade runs on a populated database as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SYSTEM_CODES = ("shift_start", "phone_offline")


def upgrade() -> None:
    with op.batch_alter_table("not_ready_reasons") as batch:
        batch.add_column(sa.Column("system", sa.Boolean(), nullable=False, server_default=sa.false()))
    reasons = sa.table("not_ready_reasons", sa.column("code", sa.String), sa.column("system", sa.Boolean))
    op.execute(reasons.update().where(reasons.c.code.in_(SYSTEM_CODES)).values(system=True))


def downgrade() -> None:
    with op.batch_alter_table("not_ready_reasons") as batch:
        batch.drop_column("system")
