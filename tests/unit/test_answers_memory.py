"""The desk reads the server's answers all shift long: reading them must keep nothing (issue 15).

pydantic-core keeps the strings of the JSON it parses in a process-wide cache (up to 16,384 of them) by
default. The keys of a wire model are a few dozen, but the values (call ids, numbers, times, names) are new
in every answer, so over a shift the cache filled with ~1 MB of strings nobody would read again: the
largest Python-level growth of the shift bench after the task list. Values are no longer cached.
"""

from __future__ import annotations

import gc
import json
import tracemalloc

import httpx

from app.client.answers import parse, parse_list
from app.wire.contacts import ContactOut
from app.wire.tasks import TaskOut


def _contact(i: int) -> dict[str, object]:
    return {
        "id": i,
        "name": f"Клиент {i}",
        "phones": [f"+7912{i % 50:07d}"],  # (the number check's own LRU cache is bounded: not this test's)
        "version": 1,
        "updated_at": f"2026-12-07T10:{i % 60:02d}:{i % 59:02d}Z",
    }


def _task(i: int) -> dict[str, object]:
    return {
        "id": i,
        "kind": "callback_missed",
        "state": "open",
        "phone": f"+7912{i % 50:07d}",
        "due_at": f"2026-12-07T10:{i % 60:02d}:{i % 59:02d}Z",
        "priority": 1,
        "created_at": "2026-12-07T09:00:00Z",
        "text": f"call-{i}-{'x' * (i % 7)}",
    }


def _answer(body: object) -> httpx.Response:
    return httpx.Response(200, content=json.dumps(body).encode(), request=httpx.Request("GET", "http://s/x"))


def _growth(read: object) -> int:
    """Bytes still held after 800 answers of new values were read (after 100 to settle)."""
    assert callable(read)
    for i in range(100):
        read(i)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for i in range(100, 900):
            read(i)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    grown = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "lineno")
    return sum(s.size_diff for s in grown)


def test_reading_answers_of_new_values_keeps_nothing() -> None:
    def one(i: int) -> None:
        contact = parse(ContactOut, _answer(_contact(i)))
        assert contact.id == i

    def listed(i: int) -> None:
        tasks = parse_list(TaskOut, _answer([_task(i * 5 + j) for j in range(5)]))
        assert len(tasks) == 5

    assert _growth(one) < 40_000  # 92 KB before (300 KB for the lists): strings of each answer kept
    assert _growth(listed) < 40_000
