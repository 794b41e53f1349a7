"""``ringdesk demo`` (what ``make demo`` runs) shows a real call from ring to hang-up."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_demo_narrates_a_real_call() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "demo", "--console"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "RINGING  Иван Петров (+79123456789)  X-Customer-Id: 42, X-Queue: sales" in out
    assert "call is active (G722/16000)" in out
    assert "caller pressed 1 (rfc4733)" in out
    assert "call is held" in out
    assert "call ended: remote hangup" in out
