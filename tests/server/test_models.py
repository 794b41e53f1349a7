"""The schema behaves the same on SQLite and PostgreSQL: aware UTC timestamps, constraints,
optimistic locking, JSON, and SQLite's pragmas (WAL, foreign keys, busy timeout)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError

from server.db import Database
from server.models import (
    AuditEntry,
    Contact,
    ContactPhone,
    Disposition,
    DispositionCategory,
    DispositionCode,
    NotReadyReason,
    OperatorCurrentStatus,
    OperatorStatus,
    OperatorStatusChange,
    Role,
    Script,
    StatusSource,
    User,
)
from server.settings import Settings
from tests.server.helpers import add_user

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
#: What every disposition row needs besides its key, operator and code.
CALL = {"call_id": "c1@pbx", "ring_at": T0, "end_at": T0 + timedelta(minutes=2)}


def test_timestamps_come_back_aware_utc(database: Database, settings: Settings) -> None:
    user = add_user(database, settings, "tz")
    moment = datetime(2026, 3, 1, 15, 30, 12, 345678, tzinfo=timezone(timedelta(hours=5)))
    with database.session() as session:
        session.add(
            OperatorStatusChange(
                operator_id=user.id, status=OperatorStatus.READY, at=moment, source=StatusSource.OPERATOR
            )
        )
        session.commit()
    with database.session() as session:
        change = session.scalars(select(OperatorStatusChange)).one()
        assert change.at == moment
        assert change.at.tzinfo == UTC
        assert change.received_at.tzinfo == UTC
        assert abs(change.received_at - datetime.now(UTC)) < timedelta(minutes=1)
        session.add(
            OperatorStatusChange(
                operator_id=user.id,
                status=OperatorStatus.READY,
                at=datetime(2026, 1, 1),  # naive: refused
                source=StatusSource.OPERATOR,
            )
        )
        with pytest.raises(StatementError, match="naive datetime"):
            session.flush()


def test_contact_version_is_an_optimistic_lock(database: Database) -> None:
    with database.session() as session:
        contact = Contact(name="Иван", phones=[ContactPhone(e164="+79123456789", label="mobile")])
        session.add(contact)
        session.commit()
        assert contact.version == 1
        contact_id = contact.id
    # Two clients read the same version (each read is its own transaction, as in two requests)...
    with database.session() as session:
        a = session.get(Contact, contact_id)
        session.commit()
    with database.session() as session:
        b = session.get(Contact, contact_id)
        session.commit()
    assert a is not None and b is not None
    assert a.version == b.version == 1
    # ...the first saves, the second's save must fail instead of silently overwriting.
    with database.session() as session:
        a = session.merge(a)
        a.city = "Пермь"
        session.commit()
        assert a.version == 2
    with database.session() as session:
        b = session.merge(b, load=False)
        b.city = "Казань"
        with pytest.raises(StaleDataError):
            session.commit()


def test_a_phone_number_belongs_to_one_contact(database: Database) -> None:
    with database.session() as session:
        session.add(Contact(name="A", phones=[ContactPhone(e164="+79000000001")]))
        session.commit()
        session.add(Contact(name="B", phones=[ContactPhone(e164="+79000000001")]))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        found = session.scalars(
            select(Contact).join(ContactPhone).where(ContactPhone.e164 == "+79000000001")
        ).one()
        assert found.name == "A"


def test_disposition_idempotency_key_is_unique_forever(database: Database, settings: Settings) -> None:
    user = add_user(database, settings, "op")
    key = uuid.uuid4()
    with database.session() as session:
        session.add(
            DispositionCode(
                code="SALE", label_en="Sale", label_ru="Продажа", category=DispositionCategory.SUCCESS
            )
        )
        session.add(
            Disposition(
                idempotency_key=key,
                request_hash="a" * 64,
                operator_id=user.id,
                code="SALE",
                script_answers={"q1": 'It\'s "fine"; DROP TABLE x;'},
                **CALL,
            )
        )
        session.commit()
        session.add(
            Disposition(idempotency_key=key, request_hash="b" * 64, operator_id=user.id, code="SALE", **CALL)
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        stored = session.scalars(select(Disposition)).one()
        assert stored.idempotency_key == key
        assert stored.script_answers == {"q1": 'It\'s "fine"; DROP TABLE x;'}


def test_foreign_keys_and_checks_are_enforced(database: Database, settings: Settings) -> None:
    user = add_user(database, settings, "fk")
    with database.session() as session:
        session.add(
            Disposition(
                idempotency_key=uuid.uuid4(), request_hash="c" * 64, operator_id=user.id, code="NOPE", **CALL
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(
            OperatorCurrentStatus(
                operator_id=user.id,
                status=OperatorStatus.NOT_READY,
                reason_code="UNKNOWN",
                since=datetime.now(UTC),
                source=StatusSource.SYSTEM,
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        with pytest.raises(IntegrityError):  # the CHECK constraint, bypassing the ORM's enum
            session.execute(text("UPDATE users SET role = 'emperor'"))


def test_scripts_are_versioned(database: Database) -> None:
    with database.session() as session:
        for version in (1, 2):
            session.add(
                Script(id="welcome", version=version, name="Welcome", queue="sales", document={"v": version})
            )
        session.commit()
        session.add(Script(id="welcome", version=2, name="dup", document={}))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        latest = session.scalars(
            select(Script).where(Script.id == "welcome").order_by(Script.version.desc())
        ).first()
        assert latest is not None and latest.document == {"v": 2}


def test_audit_details_round_trip(database: Database) -> None:
    details = {"name": 'O\'Brien "the" -- ; DROP', "nested": {"list": [1, "два", None]}}
    with database.session() as session:
        session.add(AuditEntry(action="test.thing", target="thing:1", details=details))
        session.commit()
    with database.session() as session:
        assert session.scalars(select(AuditEntry)).one().details == details


def test_sqlite_pragmas(database: Database, backend: str) -> None:
    if backend != "sqlite":
        assert database.engine.dialect.driver == "psycopg"
        return
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_concurrent_read_then_write_transactions_do_not_fail(database: Database, settings: Settings) -> None:
    """Each thread reads then writes in one transaction; on SQLite, deferred transactions would
    fail with "database is locked" here (BEGIN IMMEDIATE queues them instead)."""
    add_user(database, settings, "seed")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                with database.session() as session:
                    count = len(session.scalars(select(User)).all())
                    session.add(User(name=f"w{n}-{i}-{count}", password_hash="x", role=Role.OPERATOR))
                    session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.session() as session:
        assert len(session.scalars(select(User)).all()) == 41


def test_consent_is_three_valued(database: Database) -> None:
    """NULL is "not recorded": a CRM import without consent columns must not become a refusal."""
    with database.session() as session:
        session.add(
            Contact(
                name="Согласие",
                consent_call=True,
                consent_sms=False,
                phones=[ContactPhone(e164="+79000000002")],
            )
        )
        session.commit()
    with database.session() as session:
        stored = session.scalars(select(Contact)).one()
        assert (stored.consent_call, stored.consent_sms, stored.consent_email, stored.consent_marketing) == (
            True,
            False,
            None,
            None,
        )


@pytest.mark.parametrize(
    ("status", "reason"),
    [(OperatorStatus.NOT_READY, None), (OperatorStatus.READY, "break"), (OperatorStatus.OFFLINE, "break")],
)
def test_a_reason_goes_with_not_ready_and_only_there(
    database: Database, settings: Settings, status: OperatorStatus, reason: str | None
) -> None:
    user = add_user(database, settings, "op")
    with database.session() as session:
        session.add(NotReadyReason(code="break", label_en="Break", label_ru="Перерыв"))
        session.add(
            OperatorStatusChange(
                operator_id=user.id, status=OperatorStatus.NOT_READY, reason_code="break", at=T0,
                source=StatusSource.OPERATOR,
            )
        )  # fmt: skip
        session.commit()
        for table in (OperatorStatusChange, OperatorCurrentStatus):
            at = {"at": T0} if table is OperatorStatusChange else {"since": T0}
            session.add(
                table(
                    operator_id=user.id, status=status, reason_code=reason, source=StatusSource.SYSTEM, **at
                )
            )
            with pytest.raises(IntegrityError):
                session.commit()
            session.rollback()


def test_vocabularies_are_the_wire_formats_own() -> None:
    """One definition: the enums the columns store are the ones the desktop sends."""
    from app.wire import auth, contacts, dispositions, statuses
    from server import models

    assert models.Role is auth.Role
    assert models.OperatorStatus is statuses.OperatorStatus
    assert models.StatusSource is statuses.StatusSource
    assert models.FieldType is contacts.FieldType
    assert models.PreferredChannel is contacts.PreferredChannel
    assert models.DispositionCategory is dispositions.DispositionCategory
