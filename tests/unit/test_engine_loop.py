"""The engine thread's scheduler and the one-thread rule that keeps PJSIP from aborting."""

from __future__ import annotations

import threading
import time

import pytest

from sip.loop import EngineLoop, WrongThreadError


def test_only_the_bound_thread_may_touch_pjsua2() -> None:
    loop = EngineLoop()
    loop.bind_to_current_thread()
    loop.check_thread()  # same thread: fine
    errors: list[BaseException] = []

    def other() -> None:
        try:
            loop.check_thread()
        except WrongThreadError as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(errors) == 1


def test_jobs_run_next_turn_and_timers_when_due_and_failures_are_reported() -> None:
    loop = EngineLoop()
    ran: list[str] = []
    failures: list[BaseException] = []
    loop.call_later(0.05, lambda: ran.append("timer"))
    cancelled = loop.call_later(0.0, lambda: ran.append("cancelled"))
    loop.cancel(cancelled)
    loop.soon(lambda: ran.append("soon"))
    loop.soon(lambda: 1 / 0)  # type: ignore[func-returns-value]
    assert loop.has_work()
    loop.run_due(failures.append)
    assert ran == ["soon"] and isinstance(failures[0], ZeroDivisionError)
    time.sleep(0.06)
    loop.run_due(failures.append)
    assert ran == ["soon", "timer"]


@pytest.mark.parametrize("delay", [-1.0, 0.0])
def test_past_deadlines_run_at_once(delay: float) -> None:
    loop = EngineLoop()
    ran: list[int] = []
    loop.call_later(delay, lambda: ran.append(1))
    loop.run_due(lambda exc: None)
    assert ran == [1]
