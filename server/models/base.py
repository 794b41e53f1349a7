"""Declarative base, constraint naming and the column types every model shares.

* Constraint names follow one convention, so migrations can drop and alter them by name on both
  databases (SQLite and PostgreSQL would otherwise invent different ones).
* :class:`UTCDateTime` stores aware UTC datetimes: ``timestamptz`` on PostgreSQL, naive UTC text on
  SQLite, and always hands back an aware UTC ``datetime``; a naive datetime is refused on write.
* :data:`JSONDoc` is JSONB on PostgreSQL and JSON text on SQLite.
* :data:`BigIntPK` is BIGINT on PostgreSQL and INTEGER on SQLite (only INTEGER PRIMARY KEY
  autoincrements there).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Enum, Integer, MetaData, TypeDecorator, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s",
    "pk": "pk_%(table_name)s",
}

JSONDoc = JSON().with_variant(JSONB(), "postgresql")
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")
#: Server-side "now" understood by both databases (used by bulk inserts that skip the ORM).
SQL_NOW = text("CURRENT_TIMESTAMP")
#: Server-side ``{}`` for JSON columns (a JSON text literal both databases cast).
EMPTY_JSON_OBJECT = text("'{}'")


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp on both databases (see module docstring)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: pass an aware datetime (e.g. datetime.now(UTC))")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def str_enum(enum_cls: type[StrEnum], name: str, length: int = 16) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint named ``ck_<table>_<name>``.

    The stored values are the enum *values* (``"team_lead"``), not the member names.
    """
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda cls: [member.value for member in cls],
    )


class Base(DeclarativeBase):
    """Base of every ringdesk table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Timestamps:
    """``created_at`` / ``updated_at``, both aware UTC, filled by the ORM and by the database."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=SQL_NOW
    )
