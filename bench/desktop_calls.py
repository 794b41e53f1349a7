"""Child of the screen-pop bench: a fresh desktop process, composed as ``ringdesk`` composes it, that takes
real calls from a second telephony service and reports (one JSON line) how long each screen pop took and
what its memory did.

Why a fresh process rather than the bench's own: the first call after start is what the operator feels
most, and it is only honest in a process that has imported and warmed nothing but what the desktop
itself did (the bench process has the server's and PostgreSQL's modules loaded already).

The calls, in order:

* the **first call after start**: placed as soon as the operator is ready: ``RINGDESK_BENCH_READY_AFTER_S``
  (default 1) after the window appeared, as a person's first click, and not before the desk's warm-up
  (``ui.warmup``) is done;
* ``STEADY`` more calls: the steady state, the floor of the first call;
* one call after ``RINGDESK_BENCH_IDLE_S`` seconds of idle (default 65: past every timeout on the call's
  path, see :mod:`bench.screen_pop`);
* ``RINGDESK_BENCH_SHIFT_CALLS`` calls (default 1,000) for memory over a shift: the RSS after the first
  10, halfway and after the last, each read once the outbox is empty and the last requests' timeouts
  have passed, after a full garbage collection. Each call's report is delivered before the next call
  rings, as on a desk whose calls come minutes apart (``RINGDESK_BENCH_SHIFT_PACE=back-to-back``: one
  call right after another, the reports piling up behind the pops; see :func:`_shift`).

With ``RINGDESK_BENCH_PROFILE_FIRST=1`` the first call is profiled (cProfile, to stderr) and not counted;
``RINGDESK_BENCH_PROFILE_IDLE=1`` does the same for a call after idle (then idles again for the figure).
With ``RINGDESK_BENCH_SLOW_MS=N`` every event-loop callback of N ms or more during the first call,
the after-idle call and the first steady calls is printed to stderr with its start (ms after the call was
placed) and what it was (a task's coroutine, a callback): what ran on the GUI thread while the card waited.
With ``RINGDESK_BENCH_TRACEMALLOC=N`` the shift is traced: a snapshot after the first 10 calls and one
after N more, and the 15 biggest growths by traceback and by line are printed to stderr (where a leak
comes from), with the objects the collector tracks counted by type. Run under ``python -X tracemalloc=8``
(not ``PYTHONTRACEMALLOC``, which the telephony services would inherit) to trace from the start: an
object allocated before tracing is invisible, so one replaced during the traced calls (the task list,
every 20 s) would count as growth. Under ``-X tracemalloc`` alone, the whole shift's growth is printed by
file and by line.

With ``RINGDESK_BENCH_SHIFT_DETAIL=1``, beside the shift's RSS growth (:func:`memory`): anonymous and
file-backed RSS, malloc's heap in use and free inside its arenas, Python's small-object arenas and live
blocks, threads, Qt's widgets, objects and wrappers. Those readings allocate themselves (a wrapper per Qt
object, the allocator's statistics through a file), which adds ~2 MB to the growth they explain, so the
headline figure is read without them: RSS after a full collection. Always: the modules imported during
the shift, and the RSS growth left after ``malloc_trim(0)`` at the end (what of it is free memory malloc
keeps). ``RINGDESK_BENCH_TRIM_EACH=1`` trims after every call.

The clock starts when the caller is asked to place the call (its IPC hop is included: the figure errs on
the slow side) and stops when the card has been repainted showing the contact's name. Beside each of
those times, the GUI thread's CPU time over the same span (``*_cpu_ms``): what the desk did on the
thread that paints, a figure that a machine loaded by other work stretches far less than the wall time.

Usage: ``python -m bench.desktop_calls SERVER_URL PASSWORD DATA_DIR CONTACTS``
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.desktop_start import consulted, rss_mb
from bench.loop_timers import pending_timers, settled, watch_timers
from bench.shift_memory import LIBC, caches, growth, light, memory
from bench.shift_trace import compared, traced
from bench.slow_callbacks import SlowCallbacks

STEADY = int(os.environ.get("RINGDESK_BENCH_STEADY", "100"))
READY_AFTER_S = float(os.environ.get("RINGDESK_BENCH_READY_AFTER_S", "1"))
"""The operator goes ready this long after the window appeared (a person's first click)."""
IDLE_S = float(os.environ.get("RINGDESK_BENCH_IDLE_S", "65"))
SHIFT_CALLS = int(os.environ.get("RINGDESK_BENCH_SHIFT_CALLS", "1000"))
PROFILE = bool(os.environ.get("RINGDESK_BENCH_PROFILE_FIRST"))
PROFILE_IDLE = bool(os.environ.get("RINGDESK_BENCH_PROFILE_IDLE"))
TRACE_CALLS = int(os.environ.get("RINGDESK_BENCH_TRACEMALLOC", "0"))
SLOW_MS = float(os.environ.get("RINGDESK_BENCH_SLOW_MS", "0"))
TRIM_EACH = bool(os.environ.get("RINGDESK_BENCH_TRIM_EACH"))
"""``malloc_trim(0)`` after every call: how much of the shift's growth is free memory malloc keeps."""
SHIFT_DETAIL = bool(os.environ.get("RINGDESK_BENCH_SHIFT_DETAIL"))
"""What the shift's memory is made of, read beside its RSS (see the module docstring: costs ~2 MB itself)."""
BACK_TO_BACK = os.environ.get("RINGDESK_BENCH_SHIFT_PACE", "delivered") == "back-to-back"
"""The shift's calls one right after another, the outbox's reports piling up behind the pops (see
:func:`_shift`); by default each call's report is delivered before the next call rings, as on a desk
whose calls come minutes apart."""
DRAIN_S = 300.0
"""The longest the shift waits for the outbox to empty (a server that stopped answering: reported)."""
SHIFT_BASE = 10
"""Calls before the first memory reading of the shift: the growth counted is what comes after them."""


def number_of(i: int) -> str:
    """The number of contact ``i`` (as :func:`bench.server_lookup.number_of`, without importing the
    server's modules into this process)."""
    codes = ("912", "916", "903", "926", "985", "999", "905", "915", "950", "977", "921", "961")
    return f"+7{codes[i % len(codes)]}{(i // len(codes)) * 37 % 10_000_000:07d}"


async def main(server_url: str, password: str, data_dir: Path, contacts: int) -> dict[str, Any]:
    from app.session.phase import Phase
    from app.status.choice import Choice
    from app.telephony import commands as cmd
    from app.telephony.process import service_command
    from app.telephony.supervisor import TelephonyService
    from app.workstation.notices import CallChanged
    from tests.support.ports import free_port
    from ui.main import Desktop, DesktopOptions

    port = free_port("udp")
    desktop = Desktop(
        DesktopOptions(
            server_url=server_url,
            user="operator1",
            password=password,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            database=data_dir / "desk.db",
        )
    )
    DESKTOP[:] = [desktop]
    caller_port = free_port("udp")
    caller = TelephonyService(
        [*service_command(), "--listen", f"127.0.0.1:{caller_port}", "--local-user", "customer", "--no-audio"]
    )
    target = f"sip:operator@127.0.0.1:{port}"
    out: dict[str, Any] = {}
    try:
        await caller.start()  # before the desktop: its start is not the desktop's
        assert await desktop.start()
        shown = time.monotonic()
        window, ws = desktop.window, desktop.workstation
        assert window is not None and ws is not None
        if getattr(desktop, "warmup", None) is not None:  # (absent before issue 15: the bench runs on both)
            await desktop.warmup  # type: ignore[misc]
        out["warmup_s"] = time.monotonic() - shown
        await asyncio.sleep(max(0.0, READY_AFTER_S - (time.monotonic() - shown)))  # the operator's click
        ws.set_status(Choice.ready())
        card = window.card
        painted: dict[str, float] = {}
        painted_cpu: dict[str, float] = {}
        """The GUI thread's CPU time when each card was painted (see ``cpu_ms``)."""
        original = card.show_contact

        def show_contact(data: object) -> None:
            original(data)  # type: ignore[arg-type]
            card.repaint()  # paint now, synchronously: what the operator sees
            painted[card.contact_page.name.text()] = time.perf_counter()
            painted_cpu[card.contact_page.name.text()] = time.thread_time()

        card.show_contact = show_contact  # type: ignore[method-assign]
        done = asyncio.Event()
        rang: list[float] = []

        def changed(notice: CallChanged) -> None:
            if notice.session.phase is Phase.DONE:
                done.set()
            elif notice.session.phase is Phase.RINGING and not rang:
                rang.append(time.perf_counter())

        ws.hub.on(CallChanged, changed)
        rings: list[float] = []
        out["ring_ms"] = rings
        cpu: dict[str, float] = {}
        """The GUI thread's CPU time (``time.thread_time``: the event loop's thread) from each call placed
        to its card painted, by the call's label (the first, ``steady N``, after idle): what the desk
        itself did on the thread that paints, which a loaded machine stretches far less than the wall
        time (a profiled call's figure is replaced by the counted call's)."""
        rng = random.Random(5)
        slow = SlowCallbacks(SLOW_MS) if SLOW_MS else None
        traced = {"first", "after idle", "steady 1", "steady 2", "steady 50"}
        label = ["first"]

        async def call() -> float:
            i = rng.randint(1, contacts)
            number, name = number_of(i), f"Контакт {i}"
            done.clear()
            rang.clear()
            t0, cpu0 = time.perf_counter(), time.thread_time()
            if slow is not None and label[0] in traced:
                slow.start(t0)
            headers = (("P-Asserted-Identity", f"<sip:{number}@pbx.bench>"), ("X-Queue", "shop"))
            result = await caller.send(cmd.MakeCall(target=target, headers=headers))
            if not result.ok:
                raise RuntimeError(f"call not placed: {result.error}")
            deadline = time.monotonic() + 10
            while name not in painted:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"card for {number} not shown ({card.contact_page.name.text()!r})")
                await asyncio.sleep(0.001)
            took = (painted.pop(name) - t0) * 1000
            used = (painted_cpu.pop(name) - cpu0) * 1000
            if slow is not None and slow.t0 is not None:
                slow.report(label[0], took)
            if label[0] != "shift":
                cpu[label[0]] = round(used, 2)
            if len(rings) < STEADY + 2:  # the first, steady and after-idle calls (not the shift's)
                rings.append(round((rang[0] - t0) * 1000, 1) if rang else -1.0)
            # the caller gives up (a short abandoned call): an operator's reject would be reported as
            # rang out, and the server would open a callback task per caller, a list the desk holds
            # (up to 200) and that would grow with the shift's calls for reasons of the bench's own
            await caller.send(cmd.Hangup(call_id=result.call_id))
            await asyncio.wait_for(done.wait(), 10)
            if TRIM_EACH and LIBC is not None:
                LIBC.malloc_trim(0)
            return took

        if PROFILE:  # where the first call's time goes (the profiler slows it: the figure is not kept)
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            await call()
            profile.disable()
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        out["first_ms"] = await call()
        out["steady_ms"] = []
        for i in range(STEADY):
            label[0] = f"steady {i + 1}"
            out["steady_ms"].append(await call())
        label[0] = "after idle"
        await asyncio.sleep(IDLE_S)
        out["idle_s"] = IDLE_S
        if PROFILE_IDLE:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            took = await call()
            profile.disable()
            print(f"after-idle call (profiled): {took:.1f} ms", file=sys.stderr)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
            await asyncio.sleep(IDLE_S)
        out["after_idle_ms"] = await call()
        out["first_cpu_ms"] = cpu["first"]
        out["steady_cpu_ms"] = [cpu[f"steady {i + 1}"] for i in range(STEADY)]
        out["after_idle_cpu_ms"] = cpu["after idle"]
        label[0] = "shift"
        out.update(await _shift(call))
        phone = desktop.telephony.pid if desktop.telephony else None
        out["phone_rss_mb"] = rss_mb(phone) if phone else 0.0
        out["pydantic_consulted"] = consulted()  # after the whole shift: what the light engine refused
        vars(card).pop("show_contact", None)
    finally:
        await caller.stop()
        await desktop.stop()
    return out


def _window() -> Any:
    """The desktop's main window (for :func:`bench.shift_memory.qt_objects`)."""
    return DESKTOP[0].window if DESKTOP else None


def tasks_listed() -> int:
    """How many tasks the desk's Tasks panel holds (the server lists at most 200): data, not a leak."""
    lists = DESKTOP[0].tasks.watch.lists if DESKTOP and DESKTOP[0].tasks else None
    return 0 if lists is None else len(lists.mine) + len(lists.team)


DESKTOP: list[Any] = []
"""The desktop under test (for :func:`tasks_listed`)."""


def _rss_collected() -> dict[str, float]:
    """The RSS after a full collection: the shift's headline reading, with the split that costs next to
    nothing to read beside it (:func:`bench.shift_memory.light`)."""
    return light()


async def _drained() -> dict[str, float]:
    """Wait for the desk's outbox to empty: how many items were pending and how long they took to go
    (``drain_s`` -1: not within :data:`DRAIN_S`, a server that stopped answering)."""
    outbox = DESKTOP[0].sync.outbox
    pending, began = outbox.counts().pending, time.monotonic()
    # (polled, not ``wait_for``: qasync keeps a cancelled timeout's timer until its time comes, so a
    # 300 s one per call would be hundreds of timers the bench itself kept over the shift)
    while outbox.counts().pending:
        if time.monotonic() - began > DRAIN_S:
            return {"pending": pending, "drain_s": -1.0}
        await asyncio.sleep(0.02)
    return {"pending": pending, "drain_s": round(time.monotonic() - began, 2)}


async def _shift(plain_call: Any) -> dict[str, Any]:
    """Memory over ``SHIFT_CALLS`` calls: RSS after the first ``SHIFT_BASE`` and after the rest, with the C
    heap (in use and free in malloc's arenas) and Qt's objects beside it, and what trimming the heap's free
    memory (``malloc_trim``) would give back at the end.

    Each reading is taken once the outbox is empty and the last request's timeouts have had their time
    (:func:`bench.loop_timers.settled`). By default each call's report is delivered before the next call
    rings, as on a real desk (calls minutes apart, the report sent 0.3 s after the pop): at the bench's
    pace of a call every few hundred milliseconds, ``PopWatch`` holds the outbox back behind the pops and
    hundreds of reports pile up, sent in one burst when the calls stop, a state no shift reaches (with
    ``RINGDESK_BENCH_SHIFT_PACE=back-to-back`` the shift runs so, and the backlog at each reading is
    reported: ``shift_outbox``)."""
    slowest = [0.0]  # (the longest drain: one figure, not one per call kept by the bench itself)

    async def call() -> float:
        took: float = await plain_call()
        if not BACK_TO_BACK:
            drain = (await _drained())["drain_s"]
            slowest[0] = drain if drain < 0 or slowest[0] < 0 else max(slowest[0], drain)
        return took

    drains: list[dict[str, float]] = []

    async def settled_reading() -> dict[str, float]:
        drains.append(await _drained())
        figures = await settled(reading)
        print(f"caches after {len(drains)} readings: {caches()}", file=sys.stderr)
        return figures

    if TRACE_CALLS:
        await traced(call, SHIFT_BASE, TRACE_CALLS)

    def detailed() -> dict[str, float]:
        return memory(_window())

    reading: Callable[[], dict[str, float]] = detailed if SHIFT_DETAIL else _rss_collected
    reading()  # (see memory(): its first reading wraps Qt's objects, once)
    if SHIFT_DETAIL:
        watch_timers()
    for _ in range(SHIFT_BASE):
        await call()
    base = await settled_reading()
    modules = set(sys.modules)
    # (under ``python -X tracemalloc`` the whole shift is compared: where Python's growth comes from)
    snapshot = tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None
    base_blocks = sys.getallocatedblocks()
    tasks_before = tasks_listed()
    rest = SHIFT_CALLS - SHIFT_BASE
    for _ in range(rest // 2):
        await call()
    mid = await settled_reading()  # bounded caches fill in the first half; a leak grows in both halves alike
    halfway = tracemalloc.take_snapshot() if snapshot is not None else None
    for _ in range(rest - rest // 2):
        await call()
    end = await settled_reading()
    blocks = sys.getallocatedblocks()
    imported = sorted(set(sys.modules) - modules)  # (a module's code and objects: growth paid once)
    if SHIFT_DETAIL:
        pending_timers()
    if snapshot is not None and halfway is not None:
        compared(snapshot, halfway, tracemalloc.take_snapshot())
        del snapshot, halfway
    trimmed: dict[str, float] = {}
    if LIBC is not None:
        LIBC.malloc_trim(0)
        trimmed = {"rss_after_trim_growth_mb": round(rss_mb() - base["rss"], 3)}
    return {
        "shift_second_half_growth_mb": end["rss"] - mid["rss"],
        "shift_pace": "back-to-back" if BACK_TO_BACK else "delivered",
        "shift_outbox": drains,  # (pending at each reading, and how long it took to empty)
        "shift_drain_s_max": slowest[0],
        "shift_tasks_listed": [tasks_before, tasks_listed()],
        "shift_calls": SHIFT_CALLS,
        "shift_base_rss_mb": base["rss"],
        "shift_rss_growth_mb": end["rss"] - base["rss"],
        "shift_blocks_per_call": (blocks - base_blocks) / max(1, SHIFT_CALLS - SHIFT_BASE),
        "shift_imported": imported,
        "shift_growth": growth(end, base),
        "shift_first_half": growth(mid, base),
        "shift_second_half": growth(end, mid),
        **{f"shift_{k}": v for k, v in trimmed.items()},
    }


if __name__ == "__main__":
    from app.wire import engine

    engine.use_light()  # as the ringdesk command does (ui.cli)
    from ui.qt_loop import run_qt

    url, secret, directory, count = sys.argv[1:5]
    Path(directory).mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}

    async def _run() -> int:
        figures.update(await main(url, secret, Path(directory), int(count)))
        return 0

    code = run_qt(_run)
    print(json.dumps(figures), flush=True)
    sys.stdout.flush()
    os._exit(code)  # no final collection: PySide6 can abort there (see bench.__main__._exit)
