"""Initial schema: users and teams, tokens, audit log, contacts, catalogues, dispositions,
operator statuses, scripts.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

CHECK constraints are named through ``op.f()``: the metadata's naming convention would otherwise
prefix an explicit name a second time (``ck_scripts_ck_scripts_...``).

Self-contained on purpose: it must keep producing this schema when the models move on, so it
imports nothing from ``server.models``. Dialect-neutral: booleans default through ``sa.false()``,
timestamps are ``timestamptz`` on PostgreSQL and UTC text on SQLite, JSON is JSONB on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
EMPTY_OBJECT = sa.text("'{}'")
ZERO = sa.text("0")


def _json() -> sa.JSON:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _bigint_pk() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=16)


def _flag(name: str, default: bool) -> sa.Column[bool]:
    return sa.Column(name, sa.Boolean(), server_default=sa.true() if default else sa.false(), nullable=False)


STATUS_VALUES = ("offline", "ready", "not_ready", "on_call", "acw")
SOURCE_VALUES = ("operator", "team_lead", "system")
#: A not-ready reason goes with the ``not_ready`` status, and only with it.
REASON_MATCHES_STATUS = "(status = 'not_ready') = (reason_code IS NOT NULL)"


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("created_at", _ts(), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_teams"),
        sa.UniqueConstraint("name", name="uq_teams_name"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", _enum("role", "operator", "team_lead", "admin"), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        _flag("active", True),
        sa.Column("created_at", _ts(), server_default=NOW, nullable=False),
        sa.Column("updated_at", _ts(), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name="fk_users_team_id"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.create_index("ix_users_team_id", "users", ["team_id"])

    op.create_table(
        "refresh_tokens",
        sa.Column("id", _bigint_pk(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("issued_at", _ts(), nullable=False),
        sa.Column("expires_at", _ts(), nullable=False),
        sa.Column("used_at", _ts(), nullable=True),
        sa.Column("revoked_at", _ts(), nullable=True),
        _flag("reuse_detected", False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_refresh_tokens_user_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_refresh_tokens_token_hash"),
    )
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])
    op.create_index("ix_refresh_tokens_user_id", "refresh_tokens", ["user_id"])

    op.create_table(
        "audit_log",
        sa.Column("id", _bigint_pk(), nullable=False),
        sa.Column("at", _ts(), server_default=NOW, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(128), nullable=True),
        sa.Column("details", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("client_ip", sa.String(45), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_audit_log_actor_id", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    for column in ("action", "actor_id", "at", "target"):
        op.create_index(f"ix_audit_log_{column}", "audit_log", [column])

    op.create_table(
        "contacts",
        sa.Column("id", _bigint_pk(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("city", sa.String(100), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("segment", sa.String(64), nullable=True),
        sa.Column("preferred_channel", _enum("preferred_channel", "call", "sms", "email"), nullable=True),
        # Consent is three-valued: NULL is "not recorded", which is not a refusal.
        sa.Column("consent_call", sa.Boolean(), nullable=True),
        sa.Column("consent_sms", sa.Boolean(), nullable=True),
        sa.Column("consent_email", sa.Boolean(), nullable=True),
        sa.Column("consent_marketing", sa.Boolean(), nullable=True),
        sa.Column("custom_fields", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", _ts(), server_default=NOW, nullable=False),
        sa.Column("updated_at", _ts(), server_default=NOW, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contacts"),
    )
    op.create_index("ix_contacts_name", "contacts", ["name"])
    op.create_index("ix_contacts_segment", "contacts", ["segment"])

    op.create_table(
        "contact_phones",
        sa.Column("id", _bigint_pk(), nullable=False),
        sa.Column("contact_id", _bigint_pk(), nullable=False),
        sa.Column("e164", sa.String(16), nullable=False),
        sa.Column("label", sa.String(32), nullable=True),
        sa.Column("position", sa.SmallInteger(), server_default=ZERO, nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name="fk_contact_phones_contact_id", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_contact_phones"),
    )
    op.create_index("ix_contact_phones_contact_id", "contact_phones", ["contact_id"])
    op.create_index("ux_contact_phones_e164", "contact_phones", ["e164"], unique=True)

    op.create_table(
        "contact_fields",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("label_en", sa.String(100), nullable=False),
        sa.Column("label_ru", sa.String(100), nullable=False),
        sa.Column("type", _enum("type", "text", "number", "date", "choice", "bool"), nullable=False),
        _flag("required", False),
        sa.Column("choices", _json(), nullable=True),
        sa.Column("position", sa.Integer(), server_default=ZERO, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_contact_fields"),
    )

    op.create_table(
        "disposition_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("label_en", sa.String(100), nullable=False),
        sa.Column("label_ru", sa.String(100), nullable=False),
        sa.Column(
            "category",
            _enum("category", "success", "not_reached", "non_target", "mail_only", "callback", "other"),
            nullable=False,
        ),
        _flag("comment_required", False),
        _flag("callback_required", False),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("hotkey", sa.SmallInteger(), nullable=True),
        _flag("active", True),
        sa.Column("position", sa.Integer(), server_default=ZERO, nullable=False),
        sa.CheckConstraint("hotkey BETWEEN 1 AND 9", name=op.f("ck_disposition_codes_hotkey_digit")),
        sa.PrimaryKeyConstraint("id", name="pk_disposition_codes"),
        sa.UniqueConstraint("code", name="uq_disposition_codes_code"),
    )
    op.create_index("ix_disposition_codes_queue", "disposition_codes", ["queue"])

    op.create_table(
        "not_ready_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("label_en", sa.String(100), nullable=False),
        sa.Column("label_ru", sa.String(100), nullable=False),
        _flag("routable", False),
        _flag("productive", False),
        sa.Column("max_minutes", sa.Integer(), nullable=True),
        _flag("needs_approval", False),
        _flag("active", True),
        sa.Column("position", sa.Integer(), server_default=ZERO, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_not_ready_reasons"),
        sa.UniqueConstraint("code", name="uq_not_ready_reasons_code"),
    )

    op.create_table(
        "dispositions",
        sa.Column("id", _bigint_pk(), nullable=False),
        sa.Column("idempotency_key", sa.Uuid(), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("call_id", sa.String(255), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", _bigint_pk(), nullable=True),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("ring_at", _ts(), nullable=False),
        sa.Column("answer_at", _ts(), nullable=True),
        sa.Column("end_at", _ts(), nullable=False),
        sa.Column("acw_end_at", _ts(), nullable=True),
        sa.Column("script_id", sa.String(64), nullable=True),
        sa.Column("script_version", sa.Integer(), nullable=True),
        sa.Column("script_answers", _json(), server_default=EMPTY_OBJECT, nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("callback_at", _ts(), nullable=True),
        sa.Column("received_at", _ts(), server_default=NOW, nullable=False),
        sa.ForeignKeyConstraint(["code"], ["disposition_codes.code"], name="fk_dispositions_code"),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name="fk_dispositions_contact_id", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"], name="fk_dispositions_operator_id"),
        sa.PrimaryKeyConstraint("id", name="pk_dispositions"),
        sa.UniqueConstraint("idempotency_key", name="uq_dispositions_idempotency_key"),
    )
    op.create_index("ix_dispositions_call_id", "dispositions", ["call_id"])
    op.create_index("ix_dispositions_callback_at", "dispositions", ["callback_at"])
    op.create_index("ix_dispositions_code", "dispositions", ["code"])
    op.create_index("ix_dispositions_contact_id_end_at", "dispositions", ["contact_id", "end_at"])
    op.create_index("ix_dispositions_operator_id_end_at", "dispositions", ["operator_id", "end_at"])

    op.create_table(
        "operator_status_changes",
        sa.Column("id", _bigint_pk(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("status", _enum("status", *STATUS_VALUES), nullable=False),
        sa.Column("reason_code", sa.String(32), nullable=True),
        sa.Column("at", _ts(), nullable=False),
        sa.Column("source", _enum("source", *SOURCE_VALUES), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("received_at", _ts(), server_default=NOW, nullable=False),
        sa.Column("idempotency_key", sa.Uuid(), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name="fk_operator_status_changes_changed_by_id"
        ),
        sa.ForeignKeyConstraint(["operator_id"], ["users.id"], name="fk_operator_status_changes_operator_id"),
        sa.ForeignKeyConstraint(
            ["reason_code"], ["not_ready_reasons.code"], name="fk_operator_status_changes_reason_code"
        ),
        sa.CheckConstraint(
            REASON_MATCHES_STATUS, name=op.f("ck_operator_status_changes_reason_matches_status")
        ),
        sa.PrimaryKeyConstraint("id", name="pk_operator_status_changes"),
        sa.UniqueConstraint("idempotency_key", name="uq_operator_status_changes_idempotency_key"),
    )
    op.create_index(
        "ix_operator_status_changes_operator_id_at", "operator_status_changes", ["operator_id", "at"]
    )

    op.create_table(
        "operator_current_status",
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("status", _enum("status", *STATUS_VALUES), nullable=False),
        sa.Column("reason_code", sa.String(32), nullable=True),
        sa.Column("since", _ts(), nullable=False),
        sa.Column("source", _enum("source", *SOURCE_VALUES), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("change_id", _bigint_pk(), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"], ["operator_status_changes.id"], name="fk_operator_current_status_change_id"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name="fk_operator_current_status_changed_by_id"
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["users.id"], name="fk_operator_current_status_operator_id", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reason_code"], ["not_ready_reasons.code"], name="fk_operator_current_status_reason_code"
        ),
        sa.CheckConstraint(
            REASON_MATCHES_STATUS, name=op.f("ck_operator_current_status_reason_matches_status")
        ),
        sa.PrimaryKeyConstraint("operator_id", name="pk_operator_current_status"),
    )

    op.create_table(
        "scripts",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("queue", sa.String(64), nullable=True),
        sa.Column("segment", sa.String(64), nullable=True),
        sa.Column("document", _json(), nullable=False),
        _flag("active", True),
        sa.Column("created_at", _ts(), server_default=NOW, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_scripts_version_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_scripts_created_by_id", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", "version", name="pk_scripts"),
    )
    op.create_index("ix_scripts_queue_segment", "scripts", ["queue", "segment"])


#: Children before parents; dropping a table drops its indexes and constraints with it.
TABLES_TOP_DOWN = (
    "scripts",
    "operator_current_status",
    "operator_status_changes",
    "dispositions",
    "not_ready_reasons",
    "disposition_codes",
    "contact_fields",
    "contact_phones",
    "contacts",
    "audit_log",
    "refresh_tokens",
    "users",
    "teams",
)


def downgrade() -> None:
    for table in TABLES_TOP_DOWN:
        op.drop_table(table)
