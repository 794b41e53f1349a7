"""Dispositions: stored once per ``Idempotency-Key``, read back as the wire's ``DispositionOut``, and a
contact's call history (newest first, keyset pages).

``request_hash`` is the SHA-256 of the validated body as canonical JSON (sorted keys, UTC times), so
the same disposition sent again with its timestamps written in another offset is still a replay.
"""

from __future__ import annotations

import functools
import hashlib
import json
import typing
import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Boolean, Executable, Table, and_, bindparam, exists, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.wire.dispositions import DispositionCode as WireCode
from app.wire.dispositions import DispositionIn, DispositionOut
from app.wire.scripts import ScriptRef
from server.models import Contact, Disposition, DispositionCode, Role, User, utcnow
from server.reports import new_disposition


def request_hash(body: DispositionIn) -> str:
    values = body.model_dump(mode="json")
    if values.get("hold_seconds") is None:
        values.pop("hold_seconds", None)  # bodies from before hold_seconds keep their hash (replays)
    if values.get("callback_owner") == "me":
        values.pop("callback_owner", None)  # likewise bodies from before callback_owner
    for later in ("direction", "number"):  # and bodies from before the call's direction
        if values.get(later) is None:
            values.pop(later, None)
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def get_by_key(session: Session, *, key: uuid.UUID) -> Disposition | None:
    return session.scalars(select(Disposition).where(Disposition.idempotency_key == key)).one_or_none()


def disposition_values(
    *, key: uuid.UUID, body: DispositionIn, operator_id: int, body_hash: str
) -> dict[str, Any]:
    """The ``dispositions`` row for ``body`` (what :func:`store_new` inserts)."""
    return {
        "idempotency_key": key,
        "request_hash": body_hash,
        "call_id": body.call_id,
        "operator_id": operator_id,
        "contact_id": body.contact_id,
        "queue": body.queue,
        "ring_at": body.ring_at,
        "answer_at": body.answer_at,
        "end_at": body.end_at,
        "acw_end_at": body.acw_end_at,
        "hold_seconds": body.hold_seconds,
        "script_id": body.script.id if body.script is not None else None,
        "script_version": body.script.version if body.script is not None else None,
        "script_answers": dict(body.answers),
        "code": body.code,
        "comment": body.comment,
        "callback_at": body.callback_at,
        "received_at": utcnow(),
        "direction": body.direction,
        "number": body.number,
    }


def store_new(session: Session, rows: Sequence[dict[str, Any]]) -> dict[uuid.UUID, Disposition]:
    """Insert ``rows`` (:func:`disposition_values`, distinct keys) in one statement, skipping any
    whose key is already stored (``ON CONFLICT DO NOTHING``: a replay, or a concurrent request with
    the same key that committed first); the rows stored now, by key. One round trip whatever the
    outcome, where "look the key up, then insert" took two and still needed a race handler."""
    if not rows:
        return {}
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Disposition).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(Disposition)
    )
    return {row.idempotency_key: row for row in session.scalars(statement, list(rows))}


def guarded_insert(
    session: Session,
    values: dict[str, Any],
    *,
    code: WireCode,
    caller_id: int,
    caller_role: Role,
    caller_team_id: int | None,
    rollups: dict[str, Any] | None = None,
) -> int | None:
    """Insert one :func:`disposition_values` row in one statement, only if what the caller checked
    from its caches still holds in the database at this moment: the code's entry has the flags the
    check used (active, queue, comment and callback required), the contact exists, and the caller is
    still active with the role and team it was authorised with. The new id, or ``None`` when the row
    was not stored (its key was stored before, or a guard failed: the caller then looks at why on
    the slow path). ``INSERT ... SELECT ... WHERE`` with ``ON CONFLICT DO NOTHING RETURNING id``:
    one round trip, no read-back.

    ``rollups`` (PostgreSQL only: ``server.reports.new_disposition.new_disposition_params``) keeps the
    report rollups in the same statement, so a post is one statement and a COMMIT, as the floor's
    insert is (the rollups as a statement of their own cost a quarter of the post's CPU,
    docs/performance.md). They are kept only when the row is stored."""
    has_contact = values["contact_id"] is not None
    dialect = session.get_bind().dialect.name
    statement = _guarded_insert_statement(
        dialect, tuple(values), has_contact=has_contact, with_rollups=rollups is not None
    )
    params = {f"v_{name}": value for name, value in values.items()}
    if rollups is not None:
        params.update(rollups)
    params.update(
        g_code=code.code,
        g_comment_required=code.comment_required,
        g_callback_required=code.callback_required,
        g_queue=code.queue,
        g_user=caller_id,
        g_role=caller_role,
        g_team=caller_team_id,
    )
    return session.execute(statement, params).scalar_one_or_none()


@functools.cache
def _guarded_insert_statement(
    dialect: str, names: tuple[str, ...], *, has_contact: bool, with_rollups: bool = False
) -> Executable:
    """The statement of :func:`guarded_insert`, built once per shape (building it per request cost
    more CPU than sending it): every value is a bound parameter. ``with_rollups``: the INSERT
    becomes the first ``WITH`` entry of a statement whose others keep the rollups."""
    table = Disposition.__table__
    assert isinstance(table, Table)
    # short aliases: with the rollups the statement must stay under psycopg's 4,096 characters
    codes = typing.cast(Table, DispositionCode.__table__).alias("c")
    users = typing.cast(Table, User.__table__).alias("u")
    contacts = typing.cast(Table, Contact.__table__).alias("k")
    guards = [
        exists().where(
            codes.c.code == bindparam("g_code", type_=codes.c.code.type),
            codes.c.active == true(),
            codes.c.comment_required == bindparam("g_comment_required", type_=Boolean()),
            codes.c.callback_required == bindparam("g_callback_required", type_=Boolean()),
            codes.c.queue.is_not_distinct_from(bindparam("g_queue", type_=codes.c.queue.type)),
        ),
        exists().where(
            users.c.id == bindparam("g_user", type_=users.c.id.type),
            users.c.active == true(),
            users.c.role == bindparam("g_role", type_=users.c.role.type),
            users.c.team_id.is_not_distinct_from(bindparam("g_team", type_=users.c.team_id.type)),
        ),
    ]
    if has_contact:
        guards.append(exists().where(contacts.c.id == bindparam("v_contact_id", type_=contacts.c.id.type)))
    rows = select(*(bindparam(f"v_{name}", type_=table.c[name].type) for name in names)).where(and_(*guards))
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .from_select(list(names), rows)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    if not with_rollups:
        return statement
    assert dialect == "postgresql", "the rollups join the INSERT on PostgreSQL only"
    inserted = statement.cte("ins")
    return select(inserted.c.id).add_cte(inserted, *new_disposition.pg_rollups_after(inserted))


def get_by_keys(session: Session, *, keys: Collection[uuid.UUID]) -> dict[uuid.UUID, Disposition]:
    if not keys:
        return {}
    query = select(Disposition).where(Disposition.idempotency_key.in_(list(keys)))
    return {row.idempotency_key: row for row in session.scalars(query)}


def disposition_out(row: Disposition | SimpleNamespace, operator_name: str) -> DispositionOut:
    """The wire's answer for a stored row (or, just after a guarded insert, for what was written:
    a namespace of :func:`disposition_values` plus the id, so the answer is the same as a replay's
    without reading the row back or building an ORM object)."""
    script = (
        ScriptRef(id=row.script_id, version=row.script_version)
        if row.script_id is not None and row.script_version is not None
        else None
    )
    return DispositionOut(
        id=row.id,
        received_at=row.received_at,
        call_id=row.call_id,
        operator=operator_name,
        contact_id=row.contact_id,
        queue=row.queue,
        ring_at=row.ring_at,
        answer_at=row.answer_at,
        end_at=row.end_at,
        acw_end_at=row.acw_end_at,
        hold_seconds=row.hold_seconds,
        script=script,
        answers=dict(row.script_answers or {}),
        code=row.code,
        comment=row.comment,
        callback_at=row.callback_at,
        direction=getattr(row, "direction", None),
        number=getattr(row, "number", None),
    )


def operator_name(session: Session, *, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.name if user is not None else f"user-{user_id}"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def encode_cursor(row: Disposition) -> str:
    return f"{(row.end_at - _EPOCH) // _MICRO}.{row.id}"


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """``(end_at, id)`` of the last item of the previous page; ``None`` if the cursor is not ours."""
    micros, _, last_id = cursor.partition(".")
    if not (micros.isdigit() and last_id.isdigit() and len(micros) < 19 and len(last_id) < 19):
        return None
    try:
        at = _EPOCH + int(micros) * _MICRO
    except OverflowError:
        return None
    return at, int(last_id)


def contact_history(
    session: Session, *, contact_id: int, limit: int, after: tuple[datetime, int] | None = None
) -> Sequence[tuple[Disposition, str, int | None]]:
    """The contact's dispositions with their operator's login and team id, newest call first (by
    end of call, then by id); ``after``: continue past that ``(end_at, id)``."""
    query = (
        select(Disposition, User.name, User.team_id)
        .join(User, User.id == Disposition.operator_id)
        .where(Disposition.contact_id == contact_id)
        .order_by(Disposition.end_at.desc(), Disposition.id.desc())
        .limit(limit)
    )
    if after is not None:
        at, last_id = after
        query = query.where(
            or_(Disposition.end_at < at, and_(Disposition.end_at == at, Disposition.id < last_id))
        )
    return [(row, name, team_id) for row, name, team_id in session.execute(query)]
