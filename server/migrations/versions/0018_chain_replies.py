"""Chain replies, Kannel's in-doubt messages and outbound calls for the CRM (issue 19):

* ``inbound_messages``: an SMS (Kannel's MO, the HTTP provider's inbound webhook) or e-mail (the
  inbound-mail webhook) a client sent, matched to its contact and the chain message it answers;
* ``chain_messages.handed_at``: when the last attempt was handed to the provider with its outcome
  not recorded yet (still set after a kill -9 between the send and its record: the message is
  *in doubt*);
* ``dispositions.direction`` and ``dispositions.number``: which way the call went and, for an
  outbound call, the number dialled (the CRM registers outbound calls from them).

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07

Self-contained like 0001 (imports nothing from ``server.models``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "inbound_messages",
        sa.Column("id", _ID, nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("contact_id", _ID, nullable=True),
        sa.Column("answers_id", _ID, nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["answers_id"],
            ["chain_messages.id"],
            name=op.f("fk_inbound_messages_answers_id"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_inbound_messages_contact_id"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("provider", "external_id", name=op.f("uq_inbound_messages_provider_external_id")),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inbound_messages_contact_id_received_at", ["contact_id", "received_at"], unique=False
        )
    with op.batch_alter_table("chain_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("dispositions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("direction", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("number", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispositions", schema=None) as batch_op:
        batch_op.drop_column("number")
        batch_op.drop_column("direction")
    with op.batch_alter_table("chain_messages", schema=None) as batch_op:
        batch_op.drop_column("handed_at")
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_messages_contact_id_received_at")
    op.drop_table("inbound_messages")
