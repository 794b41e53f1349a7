"""The login throttle with a fake clock. Pure logic: runs once, not per backend."""

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
