"""The task queue itself (``server.crud.tasks.claim_next``) at chosen instants: the client's local
hours from the contact's zone or the number (Vladivostok at 22:00 is not offered; a zone that changes
to summer time), and many claimants at once on PostgreSQL never getting one task twice."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import sessionmaker

from app.wire.tasks import TaskKind, TaskState
from server.crud import task_queue as queue
from server.crud import tasks as crud
from server.crud.users import get_or_create_team
from server.db import Database, normalise_url
from server.models import Contact, ContactPhone, Role, Task, User
from server.settings import Settings
from tests.server.helpers import add_user

RULES = queue.Rules(
    lease=timedelta(minutes=5), retry=timedelta(hours=1), max_attempts=3, default_zone="Europe/Moscow"
)
VLADIVOSTOK_LANDLINE = "+74232000000"
"""A Vladivostok landline (+7 423): the number alone says Asia/Vladivostok."""


def _missed(database: Database, phone: str, at: datetime) -> int:
    with database.session() as session:
        task = crud.add_missed(
            session, phone=phone, reason="abandoned", call_id=phone, at=at, queue=None, dnis=None
        )
        session.commit()
        return task.id


def _claim(database: Database, user_id: int, now: datetime) -> int | None:
    with database.session() as session:
        user = session.get(User, user_id)
        assert user is not None
        task = queue.claim_next(session, user=user, now=now, rules=RULES)
        session.commit()
        return task.id if task is not None else None


def test_vladivostok_at_22_local_is_not_offered(database: Database, settings: Settings) -> None:
    op = add_user(database, settings, "op", Role.OPERATOR)
    created = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    task_id = _missed(database, VLADIVOSTOK_LANDLINE, created)
    with database.session() as session:
        assert session.get(Task, task_id).time_zone == "Asia/Vladivostok"  # type: ignore[union-attr]
    at_22 = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # 22:00 in Vladivostok (UTC+10), 15:00 in Moscow
    assert _claim(database, op.id, at_22) is None
    at_10 = datetime(2026, 12, 2, 0, 30, tzinfo=UTC)  # 10:30 in Vladivostok, 03:30 in Moscow
    assert _claim(database, op.id, at_10) == task_id


def test_the_contacts_zone_wins_over_the_default(database: Database, settings: Settings) -> None:
    """A mobile number says no zone; its contact's zone decides (as on the card)."""
    op = add_user(database, settings, "op", Role.OPERATOR)
    with database.session() as session:
        contact = Contact(name="Иван", time_zone="Asia/Vladivostok")
        session.add(contact)
        session.flush()
        session.add(ContactPhone(contact_id=contact.id, e164="+79140000001"))
        session.commit()
    task_id = _missed(database, "+79140000001", datetime(2026, 12, 2, 0, 0, tzinfo=UTC))
    assert _claim(database, op.id, datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) is None  # 22:00 there
    unknown = _missed(database, "+79140000002", datetime(2026, 12, 2, 0, 0, tzinfo=UTC))
    assert _claim(database, op.id, datetime(2026, 12, 2, 12, 0, tzinfo=UTC)) == unknown  # Moscow 15:00
    assert task_id != unknown


def test_a_zone_that_changes_to_summer_time(database: Database, settings: Settings) -> None:
    """Berlin moves to UTC+2 on 2026-03-29: on Monday 30 March 07:30 UTC is 09:30 there (open), where
    a fixed UTC+1 would say 08:30 (closed); a week earlier the same UTC time is 08:30 (closed)."""
    op = add_user(database, settings, "op", Role.OPERATOR)
    berlin_landline = "+493012345678"
    task_id = _missed(database, berlin_landline, datetime(2026, 3, 20, 0, 0, tzinfo=UTC))
    with database.session() as session:
        assert session.get(Task, task_id).time_zone == "Europe/Berlin"  # type: ignore[union-attr]
    assert _claim(database, op.id, datetime(2026, 3, 23, 7, 30, tzinfo=UTC)) is None  # winter: 08:30
    assert _claim(database, op.id, datetime(2026, 3, 30, 7, 30, tzinfo=UTC)) == task_id  # summer: 09:30


CLAIMANTS = 200
TASKS = 120
CONNECTIONS = 100
"""Connections the claimants share: the test server allows 200 in all (``tests.support.postgres``)."""


def test_many_claimants_at_once_never_get_one_task_twice(
    backend: str, database: Database, settings: Settings
) -> None:
    """200 operators ask at once (threads, each with its own connection), for fewer tasks than there
    are operators: every task is handed out at most once, and every task is handed out."""
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    operators = [add_user(database, settings, f"op{n}", Role.OPERATOR).id for n in range(CLAIMANTS)]
    with database.session() as session:
        for n in range(TASKS):
            session.add(
                Task(
                    kind=TaskKind.CALLBACK_MISSED,
                    state=TaskState.OPEN,
                    phone=f"+7912{n:07d}",
                    priority=0,
                    due_at=now - timedelta(minutes=n),
                    calls_made=0,
                )
            )
        session.commit()
    if backend == "postgresql":  # SKIP LOCKED; on SQLite, BEGIN IMMEDIATE makes claims take turns
        engine = create_engine(normalise_url(settings.database_url), pool_size=CONNECTIONS, max_overflow=0)
        pool_db = Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    else:
        pool_db = Database.connect(settings.database_url)
    start = threading.Barrier(CLAIMANTS, timeout=60)

    def claim(user_id: int) -> int | None:
        start.wait()  # all 200 at once; CONNECTIONS of them in the database at a time
        with pool_db.session() as session:
            user = session.get(User, user_id)
            assert user is not None
            task = queue.claim_next(session, user=user, now=now, rules=RULES)
            session.commit()
            return task.id if task is not None else None

    try:
        with ThreadPoolExecutor(CLAIMANTS) as pool:
            got = list(pool.map(claim, operators))
    finally:
        pool_db.dispose()
    given = Counter(task_id for task_id in got if task_id is not None)
    assert [task_id for task_id, times in given.items() if times > 1] == []
    with database.session() as session:
        claimed = session.scalar(
            select(func.count()).select_from(Task).where(Task.state == TaskState.IN_PROGRESS)
        )
    assert len(given) == claimed
    assert len(given) == TASKS  # a locked row is skipped, not lost: 200 claimants take all 120


def _task(database: Database, phone: str, now: datetime, **values: object) -> int:
    fields: dict[str, object] = {
        "kind": TaskKind.CALLBACK_MISSED,
        "state": TaskState.OPEN,
        "phone": phone,
        "priority": 0,
        "due_at": now - timedelta(minutes=10),
        "calls_made": 0,
        "time_zone": "Europe/Moscow",
        **values,
    }
    with database.session() as session:
        task = Task(**fields)
        session.add(task)
        session.commit()
        return task.id


def test_who_may_take_what_and_in_which_order(database: Database, settings: Settings) -> None:
    """The claim's rules, the same on both databases (PostgreSQL claims in one statement, SQLite
    through the ORM): one's own unexpired task first (its lease renewed), then a task whose lease ran
    out, then the waiting ones by priority and due time; never another's owned task, another team's,
    another queue's, one not yet due, or one whose client it is night for."""
    now = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 12:00 in Moscow, 19:00 in Vladivostok
    me = add_user(database, settings, "me", Role.OPERATOR, "north")
    other = add_user(database, settings, "other", Role.OPERATOR, "north")
    with database.session() as session:
        session.execute(update(User).where(User.id == me.id).values(queues=["sales"]))
        north = session.get(User, me.id).team_id  # type: ignore[union-attr]
        south = get_or_create_team(session, name="south")[0].id
        session.commit()
    _task(database, "+79120000001", now, owner_id=other.id, priority=-9)
    _task(database, "+79120000002", now, team_id=south, priority=-9)
    _task(database, "+79120000003", now, queue="support", priority=-9)
    _task(database, "+79120000004", now, due_at=now + timedelta(minutes=1), priority=-9)
    _task(database, "+79120000005", now, time_zone="Pacific/Auckland", priority=-9)  # 22:00 there
    later = _task(database, "+79120000006", now, priority=1, queue="sales", team_id=north)
    first = _task(database, "+79120000007", now, priority=0, due_at=now - timedelta(minutes=5))
    older = _task(database, "+79120000008", now, priority=0, due_at=now - timedelta(minutes=9))
    lapsed = _task(
        database,
        "+79120000009",
        now,
        priority=5,
        state=TaskState.IN_PROGRESS,
        claimed_by_id=other.id,
        lease_until=now - timedelta(seconds=1),
    )
    mine = _task(
        database,
        "+79120000010",
        now,
        priority=9,
        state=TaskState.IN_PROGRESS,
        claimed_by_id=me.id,
        lease_until=now + timedelta(seconds=30),
    )

    assert _claim(database, me.id, now) == mine
    with database.session() as session:
        renewed = session.get(Task, mine)
        assert renewed is not None and renewed.lease_until == now + RULES.lease
        session.execute(update(Task).where(Task.id == mine).values(state=TaskState.DONE, claimed_by_id=None))
        session.commit()
    taken = [_claim(database, me.id, now) for _ in range(4)]
    # each claim holds the task, so the next claim (the caller's own) returns it again: close it first
    assert taken == [lapsed] * 4
    order = []
    for _ in range(4):
        task_id = _claim(database, me.id, now)
        assert task_id is not None
        order.append(task_id)
        with database.session() as session:
            session.execute(
                update(Task).where(Task.id == task_id).values(state=TaskState.DONE, claimed_by_id=None)
            )
            session.commit()
    assert order == [lapsed, older, first, later]
    assert _claim(database, me.id, now) is None
    with database.session() as session:
        held = session.get(Task, later)
        assert held is not None and held.state is TaskState.DONE
