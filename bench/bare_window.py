"""The floor of the desktop's start and memory, run beside it by the screen-pop bench: a bare PySide6
window in a fresh process (``QApplication`` and an empty ``QMainWindow`` shown), timed from the parent's
spawn time like :mod:`bench.desktop_start`, then idle for as long, and its RSS read the same way.

Usage: ``python -m bench.bare_window SPAWNED_AT IDLE_S``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def rss_mb() -> float:
    """As :func:`bench.desktop_start.rss_mb` (not imported: the floor loads nothing it does not need)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(spawned_at: float, idle_s: float) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.show()
    app.processEvents()
    ready_s = time.time() - spawned_at
    ready_cpu_s = time.process_time()
    loop = QEventLoop()
    QTimer.singleShot(int(idle_s * 1000), loop.quit)
    loop.exec()
    print(json.dumps({"ready_s": ready_s, "ready_cpu_s": ready_cpu_s, "rss_mb": rss_mb()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]), float(sys.argv[2])))
