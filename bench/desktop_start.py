"""Child of the screen-pop bench: a fresh desktop process that logs in, starts its phone and shows its
window, then idles and reports (one JSON line) how long that took from the parent's spawn time and how
much memory it and its telephony service hold.

With ``RINGDESK_BENCH_MEMORY_DETAIL=1`` the idle process also prints to stderr where its memory is:
``/proc/self/smaps_rollup``, the modules loaded, the RSS by mapping and the Python allocations
(tracemalloc, started before the first import) by package, then by file. ``=maps`` leaves tracemalloc
out (its own bookkeeping doubles the anonymous memory it is meant to explain).

Usage: ``python -m bench.desktop_start SERVER_URL PASSWORD DATA_DIR SPAWNED_AT``
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

DETAIL = bool(os.environ.get("RINGDESK_BENCH_MEMORY_DETAIL"))


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process, from ``/proc`` (MB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(server_url: str, password: str, data_dir: Path, spawned_at: float) -> int:
    from tests.support.ports import free_port  # RINGDESK_TEST_PORTS, like every bench port
    from ui.head_start import HeadStart

    port = free_port("udp")
    phone_args = ["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"]
    # as ``ringdesk`` starts (ui.start): the helpers first, then the desktop's modules
    head = await HeadStart.begin(phone_args, None, None, account="operator1")
    from ui.main import Desktop, DesktopOptions

    desktop = Desktop(
        DesktopOptions(
            server_url=server_url,
            user="operator1",  # (the account the head start asks the keyring for)
            password=password,
            phone_args=phone_args,
            database=data_dir / "desk.db",
            head_start=head,
        )
    )
    try:
        if not await desktop.start():
            return 1
        ready_s = time.time() - spawned_at
        ready_cpu_s = time.process_time()  # this process's own CPU to ready: what load does not inflate
        await asyncio.sleep(8)  # idle: timers, the pump and the phone settle
        phone_pid = desktop.telephony.pid if desktop.telephony else None
        figures = {
            "ready_s": ready_s,
            "ready_cpu_s": ready_cpu_s,
            "rss_mb": rss_mb(),
            "phone_rss_mb": rss_mb(phone_pid) if phone_pid else float("nan"),
            "pydantic_loaded": "pydantic" in sys.modules,
            "pydantic_consulted": consulted(),
        }
        if DETAIL:
            memory_detail()
        print(json.dumps(figures), flush=True)
        return 0
    finally:
        await desktop.stop()
        await head.discard()


def consulted() -> dict[str, int]:
    """What the light wire engine left to pydantic (app.wire.light.twin): nothing, on a desk at rest."""
    twin = sys.modules.get("app.wire.light.twin")
    return dict(twin.used) if twin is not None else {}


def memory_detail() -> None:
    """Where the idle process's memory is (see the module docstring), to stderr."""
    print(Path("/proc/self/smaps_rollup").read_text(), file=sys.stderr)
    modules = sorted(sys.modules)
    print(f"modules at idle ({len(modules)}): {' '.join(modules)}", file=sys.stderr)
    mapped: Counter[str] = Counter()
    name = ""
    for line in Path("/proc/self/smaps").read_text().splitlines():
        first = line.split(maxsplit=5)
        if "-" in first[0] and len(first) >= 5:  # a mapping's header: the file (if any) is last
            name = first[5].rsplit("/", 1)[-1] if len(first) == 6 else "[anonymous]"
        elif first[0] == "Rss:":
            mapped[name] += int(first[1])
    print("RSS by mapping:", file=sys.stderr)
    for name, kb in mapped.most_common(30):
        print(f"  {kb / 1024:6.2f} MB  {name}", file=sys.stderr)
    if not tracemalloc.is_tracing():
        return
    stats = tracemalloc.take_snapshot().statistics("filename")
    by_package: Counter[str] = Counter()
    for stat in stats:
        name = stat.traceback[0].filename
        parts = Path(name).parts
        key = next((parts[i + 1] for i, p in enumerate(parts[:-1]) if p == "site-packages"), "")
        if not key:
            ours = (p for p in parts if p in ("app", "ui", "sip", "bench"))
            key = next(ours, "/".join(parts[-2:-1]) or name)
        by_package[key] += stat.size
    total = sum(by_package.values())
    print(f"python allocations at idle: {total / 2**20:.1f} MB", file=sys.stderr)
    for key, size in by_package.most_common(25):
        print(f"  {size / 2**20:6.2f} MB  {key}", file=sys.stderr)
    for stat in stats[:25]:
        print(f"  {stat.size / 2**20:6.2f} MB  {stat.traceback[0].filename}", file=sys.stderr)


if __name__ == "__main__":
    if DETAIL and os.environ.get("RINGDESK_BENCH_MEMORY_DETAIL") != "maps":
        tracemalloc.start()
    from app.wire import engine

    engine.use_light()  # as the ringdesk command does (ui.cli)
    from ui.qt_loop import run_qt

    url, secret, directory, spawned = sys.argv[1:5]
    Path(directory).mkdir(parents=True, exist_ok=True)
    sys.exit(run_qt(lambda: main(url, secret, Path(directory), float(spawned))))
