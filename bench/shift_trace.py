"""Where a shift's Python memory goes, for the screen-pop bench (:mod:`bench.desktop_calls`): tracemalloc
snapshots compared by file, line and traceback (``RINGDESK_BENCH_TRACEMALLOC=N`` and ``python -X
tracemalloc``)."""

from __future__ import annotations

import gc
import sys
import tracemalloc
from typing import Any

from bench.shift_memory import live_types


async def traced(call: Any, base_calls: int, calls: int) -> None:
    """Where a leak comes from (``RINGDESK_BENCH_TRACEMALLOC=N``): tracemalloc runs from before the
    shift's first calls (an object allocated before tracing starts is invisible, so one replaced during
    the traced calls, the task list every 20 s, would count as growth), a snapshot after the first
    ``base_calls`` and one after N more; the biggest growths by traceback and by line, and the objects
    the collector tracks counted by type."""
    if not tracemalloc.is_tracing():  # (PYTHONTRACEMALLOC=8 traces from the start: nothing is missed)
        tracemalloc.start(8)
    for _ in range(base_calls):
        await call()
    gc.collect()
    types_before = live_types()
    before = tracemalloc.take_snapshot()
    for _ in range(calls):
        await call()
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    total = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    print(f"traced Python memory: {total / calls:+.0f} B/call over {calls} calls", file=sys.stderr)
    for stat in after.compare_to(before, "traceback")[:15]:
        print(f"{stat.size_diff / calls:+.0f} B/call {stat.count_diff:+d} blocks", file=sys.stderr)
        for line in stat.traceback.format()[-8:]:
            print("   ", line, file=sys.stderr)
    print("by line:", file=sys.stderr)
    for stat in after.compare_to(before, "lineno")[:15]:
        print(
            f"  {stat.size_diff / calls:+.0f} B/call {stat.count_diff:+d} blocks {stat.traceback[0]}",
            file=sys.stderr,
        )
    del before, after  # (their traces are tuples: not to be counted below)
    gc.collect()
    grown = live_types()
    grown.subtract(types_before)
    print("live objects by type, growth over the traced calls (what is kept per call):", file=sys.stderr)
    for name, count in grown.most_common(15):
        print(f"  {count:+d} {name}", file=sys.stderr)


def compared(base: tracemalloc.Snapshot, mid: tracemalloc.Snapshot, end: tracemalloc.Snapshot) -> None:
    """Python's growth over the shift (``python -X tracemalloc``), over its first half and its second half
    apart (bounded caches fill in the first; a leak grows in both alike): by file, by line and by
    traceback (the caller that allocated, not only the line of the cache's own code)."""
    for label, before, after in (("first half", base, mid), ("second half", mid, end)):
        for key in ("filename", "lineno", "traceback"):  # (by file: growth spread thin over many lines)
            stats = after.compare_to(before, key)
            total = sum(stat.size_diff for stat in stats)
            print(f"Python's growth, shift's {label} ({total / 1024:+.1f} KiB), by {key}:", file=sys.stderr)
            for stat in stats[: 8 if key == "traceback" else 25]:
                print(f"  {stat.size_diff / 1024:+.1f} KiB {stat.count_diff:+d} blocks", file=sys.stderr)
                for line in stat.traceback.format()[-(8 if key == "traceback" else 1) :]:
                    print("     ", line.strip(), file=sys.stderr)
