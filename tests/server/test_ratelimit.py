"""The login throttles with a fake clock: the in-memory one once, the database one per backend."""

from __future__ import annotations

from server.ratelimit import LoginThrottle, login_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_blocks_after_n_attempts_until_the_oldest_leaves_the_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, 60, clock=clock)
    key = login_key("Alice", "10.0.0.1")
    for step in range(3):
        assert throttle.attempt(key) is None
        clock.now += 10 * (step + 1)  # attempts at 1000, 1010, 1030
    clock.now = 1040
    assert throttle.attempt(key) == 20  # the first leaves the window at 1060
    clock.now = 1060.5
    assert throttle.attempt(key) is None  # one slot free again (now counted)
    assert throttle.attempt(key) == 10  # 1010 + 60 - 1060.5, rounded up


def test_success_clears_and_keys_are_per_user_and_ip() -> None:
    clock = Clock()
    throttle = LoginThrottle(2, 60, clock=clock)
    key = login_key("bob", "10.0.0.1")
    throttle.attempt(key)
    throttle.attempt(key)
    assert throttle.retry_after(key) is not None
    assert throttle.attempt(login_key("bob", "10.0.0.2")) is None
    assert throttle.attempt(login_key("carol", "10.0.0.1")) is None
    assert login_key("BOB", "10.0.0.1") == key  # case variants share the count
    throttle.success(key)
    assert throttle.retry_after(key) is None


def test_memory_is_bounded() -> None:
    throttle = LoginThrottle(5, 60, max_keys=100, clock=Clock())
    for i in range(1000):
        throttle.failure(login_key(f"user{i}", "10.0.0.1"))
    assert len(throttle._failures) == 100


def test_the_database_throttle_counts_like_the_memory_one_and_stores_no_names(db_url: str) -> None:
    """The throttle ``serve`` uses (shared by its worker processes), on both databases."""
    from sqlalchemy import select

    from server.db import Database
    from server.models import LoginFailures
    from server.ratelimit import DatabaseLoginThrottle

    clock = Clock()
    database = Database.connect(db_url, pooled=False)
    try:
        throttle = DatabaseLoginThrottle(database, 3, 60, clock=clock)
        other = DatabaseLoginThrottle(database, 3, 60, clock=clock)  # another worker process
        key = login_key("Alice", "10.0.0.1")
        for step in range(3):
            assert (throttle if step % 2 else other).attempt(key) is None
            clock.now += 10 * (step + 1)  # attempts at 1000, 1010, 1030
        clock.now = 1040
        assert other.attempt(key) == 20
        assert throttle.attempt(login_key("Bob", "10.0.0.1")) is None
        clock.now = 1060.5
        assert throttle.attempt(key) is None
        assert other.attempt(key) == 10
        with database.session() as session:
            stored = session.scalars(select(LoginFailures.key)).all()
        assert len(stored) == 2 and not any("alice" in k or "10.0.0.1" in k for k in stored)
        throttle.success(key)
        assert other.attempt(key) is None
        clock.now = 5000  # everything stale: rows are cleared as other logins come in
        throttle.attempt(login_key("Carol", "10.0.0.2"))
        with database.session() as session:
            assert len(session.scalars(select(LoginFailures.key)).all()) == 1
    finally:
        database.dispose()
