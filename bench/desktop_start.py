"""Child of the screen-pop bench: a fresh desktop process that logs in, starts its phone and shows its
window, then idles and reports (one JSON line) how long that took from the parent's spawn time and how
much memory it and its telephony service hold.

Usage: ``python -m bench.desktop_start SERVER_URL PASSWORD DATA_DIR SPAWNED_AT``
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process, from ``/proc`` (MB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(server_url: str, password: str, data_dir: Path, spawned_at: float) -> int:
    from tests.support.ports import free_port  # RINGDESK_TEST_PORTS, like every bench port
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
    try:
        if not await desktop.start():
            return 1
        ready_s = time.time() - spawned_at
        await asyncio.sleep(8)  # idle: timers, the pump and the phone settle
        phone_pid = desktop.telephony.pid if desktop.telephony else None
        figures = {
            "ready_s": ready_s,
            "rss_mb": rss_mb(),
            "phone_rss_mb": rss_mb(phone_pid) if phone_pid else float("nan"),
        }
        print(json.dumps(figures), flush=True)
        return 0
    finally:
        await desktop.stop()


if __name__ == "__main__":
    from ui.main import run_qt

    url, secret, directory, spawned = sys.argv[1:5]
    Path(directory).mkdir(parents=True, exist_ok=True)
    sys.exit(run_qt(lambda: main(url, secret, Path(directory), float(spawned))))
