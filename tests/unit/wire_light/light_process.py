"""Running Python on the light wire engine from a test: the test process itself stays on pydantic (as
the server), so whatever is checked on the light engine runs in a child with ``RINGDESK_WIRE=light``."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

LIGHT = {**os.environ, "RINGDESK_WIRE": "light", "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}


def run_light(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    """``python ARGS`` on the light engine (or in ``env``); its stdout, after asserting it succeeded."""
    done = subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=env or LIGHT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout
