"""Fixtures for the headset-bridge tests: a private PulseAudio server and a scenario runner.

The bridge itself always runs in a child process (see scenarios.py); pytest only starts and kills the
PulseAudio daemon and reads the scenario's JSON result.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import pulse  # noqa: E402  (path set up above)

SCENARIO_TIMEOUT_S = 60


RunScenario = Callable[..., dict[str, Any]]


@pytest.fixture
def run_scenario(tmp_path: Path) -> RunScenario:
    """Run ``scenarios.py NAME`` in a fresh interpreter (against ``server`` if given); return its result."""

    def run(name: str, server: pulse.PulseServer | None = None) -> dict[str, Any]:
        work = tmp_path / f"work-{name}"
        work.mkdir(exist_ok=True)
        # Without a server, point PulseAudio clients at a socket that does not exist.
        env = dict(server.env) if server is not None else pulse.client_env(tmp_path / "no-pulse")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "scenarios.py"), name, str(work)],
            env=env,
            cwd=str(REPO),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=SCENARIO_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the scenario's own process group (it and its parec)
            out, err = proc.communicate()
            pytest.fail(f"scenario {name} timed out\n{err[-3000:]}")
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        assert lines, f"scenario {name} gave no result (exit {proc.returncode})\n{err[-3000:]}"
        result: dict[str, Any] = json.loads(lines[-1][len("RESULT ") :])
        assert "exception" not in result, result["exception"]
        assert proc.returncode == 0, f"scenario {name} exited {proc.returncode}\n{err[-3000:]}"
        print(json.dumps(result, indent=1))  # the measured figures, shown with -s or on failure
        return result

    return run
