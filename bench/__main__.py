"""``python -m bench``: run every benchmark in order, print a table, write ``bench/results/latest.json``.

``python -m bench server_tasks server_lookup`` runs only the benchmarks named (to measure one again on
a quiet machine after a change) and writes ``bench/results/partial.json``; an unknown name lists the
known ones.

Exit status: 0 when every benchmark ran (or was skipped for a missing tool), whatever the figures: a miss
is reported, not asserted. 1 when a benchmark broke (its phone did not start, a call failed...), since
then there is no figure to report at all. Phone logs go to ``bench/results/logs/``.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import (
    audio_jitter,
    dashboard_shift,
    idle_cpu,
    lookup_after_idle,
    recording,
    screen_pop,
    scripts,
    server_chains,
    server_dispositions,
    server_import,
    server_lookup,
    server_reports,
    server_statuses,
    server_tasks,
    sip_latency,
    supervision,
    sync_flush,
    team_board,
)
from bench.common import LOGS, RESULTS, BenchResult, Figure

BENCHMARKS: list[tuple[str, Callable[[Path], BenchResult]]] = [
    (sip_latency.NAME, sip_latency.run),
    (idle_cpu.NAME, idle_cpu.run),
    (audio_jitter.NAME, audio_jitter.run),
    (server_lookup.NAME, server_lookup.run),
    (lookup_after_idle.NAME, lookup_after_idle.run),
    (server_dispositions.NAME, server_dispositions.run),
    (server_statuses.NAME, server_statuses.run),
    (server_tasks.NAME, server_tasks.run),
    (server_reports.NAME, server_reports.run),
    (server_chains.NAME, server_chains.run),
    (server_import.NAME, server_import.run),
    (scripts.NAME, scripts.run),
    (sync_flush.NAME, sync_flush.run),
    (screen_pop.NAME, screen_pop.run),
    (team_board.NAME, team_board.run),
    (dashboard_shift.NAME, dashboard_shift.run),
    (recording.NAME, recording.run),
    (supervision.NAME, supervision.run),
]


def chosen(names: list[str]) -> list[tuple[str, Callable[[Path], BenchResult]]]:
    """The benchmarks named (all of them for none), in the usual order."""
    known = [name for name, _ in BENCHMARKS]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}: choose from {', '.join(known)}")
    return [(name, run) for name, run in BENCHMARKS if not names or name in names]


ISOLATED = frozenset({screen_pop.NAME, team_board.NAME})
"""Benchmarks that run a Qt desktop on a qasync loop: each runs in a fresh process. In the process
that already ran one, the next one's loop failed on closing its HTTP client (anyio: "no running event
loop"), and a desktop's imports and caches would flatter the second one's figures anyway."""


def run_one(name: str, run: Callable[[Path], BenchResult]) -> BenchResult:
    """``run`` here, or in a child ``python -m bench --one NAME FILE`` when it is :data:`ISOLATED`."""
    if name not in ISOLATED:
        return run(LOGS)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        child = subprocess.run([sys.executable, "-m", "bench", "--one", name, str(out)], check=False)
        if not out.exists():
            raise RuntimeError(f"the {name} process ended with {child.returncode} and no result")
        return result_of(json.loads(out.read_text()))


def result_of(data: dict[str, Any]) -> BenchResult:
    figures = [Figure(**figure) for figure in data.pop("figures")]
    return BenchResult(**data, figures=figures)


def one(name: str, out: Path) -> int:
    """The child of :func:`run_one`: run ``name`` and write its result to ``out``."""
    run = dict(BENCHMARKS)[name]
    try:
        result = run(LOGS)
    except Exception as exc:
        result = BenchResult(name, status="error", notes=[f"{type(exc).__name__}: {exc}"])
        result.details["traceback"] = traceback.format_exc()
    out.write_text(json.dumps(dataclasses.asdict(result), ensure_ascii=False))
    return 0


def main(names: list[str] | None = None) -> int:
    selected = chosen(names or [])
    LOGS.mkdir(parents=True, exist_ok=True)
    load = load_average()
    results: list[BenchResult] = []
    began = time.monotonic()
    for name, run in selected:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            result = run_one(name, run)
        except Exception as exc:
            result = BenchResult(name, status="error", notes=[f"{type(exc).__name__}: {exc}"])
            result.details["traceback"] = traceback.format_exc()
        result.seconds = round(time.monotonic() - started, 1)
        results.append(result)
    total = time.monotonic() - began
    print(render(results, total, load))
    everything = len(selected) == len(BENCHMARKS)
    path = write_json(results, total, load, "latest.json" if everything else "partial.json")
    print(f"\nresults: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 1 if any(r.status == "error" for r in results) else 0


def load_average() -> str:
    """The 1/5/15-minute load before the run: figures from a machine already busy are not comparable."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def render(results: list[BenchResult], total_s: float, load: str) -> str:
    """The table: one row per figure, its floor and ratio when it has one, its target, and PASS / MISS
    (``info`` when it has no target)."""
    rows: list[tuple[str, ...]] = []
    for r in results:
        if r.status != "ok":
            rows.append((r.name, r.status.upper(), "", "", "", "", ""))
        for f in r.figures:
            verdict = "info" if f.ok is None else ("PASS" if f.ok else "MISS")
            value = f"{f.value:g} {f.unit}".strip()
            floor = f"{f.floor:g} {f.unit}".strip() if f.floor is not None else ""
            ratio = f"{f.ratio:.2f}x" if f.ratio is not None else ""
            rows.append((r.name, f.name, value, floor, ratio, f.target or "-", verdict))
    header = ("benchmark", "figure", "value", "floor", "ratio", "target", "result")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    floors = sorted({f"  {f.name}: {f.floor_name}" for r in results for f in r.figures if f.floor_name})
    if floors:
        lines += ["", "floors (measured in this run, on this machine):", *floors]
    notes = [f"  {r.name}: {note}" for r in results for note in r.notes]
    if notes:
        lines += ["", "notes:", *notes]
    lines.append(
        f"\n{len(results)} benchmarks in {total_s:.0f} s on {os.cpu_count()} CPU(s), load before: {load}"
    )
    return "\n".join(lines)


def write_json(results: list[BenchResult], total_s: float, load: str, name: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "load_before": load,
        "python": platform.python_version(),
        "total_s": round(total_s, 1),
        "benchmarks": [dataclasses.asdict(r) for r in results],
    }
    path = RESULTS / name
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return path


def _exit(code: int) -> None:
    """Leave without the interpreter's final garbage collection: after the screen-pop bench has run a
    Qt desktop in this process, PySide6 6.12 can abort there (``none_dealloc``), after every figure is
    printed and saved. Nothing is left to clean up by then."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        _exit(one(sys.argv[2], Path(sys.argv[3])))
    _exit(main(sys.argv[1:]))
