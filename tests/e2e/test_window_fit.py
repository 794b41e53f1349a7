"""The window fits the operator's screen: on a 1280x720 screen, and on the 1920x1080 and 2560x1440
laptops that Windows and GNOME scale to 150 % and 200 % (1280x720 logical pixels each), Answer, Next
and Finish are entirely on the screen when the operator needs them (issue 13, defect 13).

Each size runs the real desktop in its own process (the screen and the scale are fixed when Qt
starts), with the real phone and server, and a sipp call; see ``tests/e2e/fitting_desktop.py``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_crash_acw import read_until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


def screen_config(path: Path, width: int, height: int) -> Path:
    """A screen for Qt's offscreen platform (its ``configfile`` option)."""
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
    path.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    return path


def run_fitting(server: LiveServer, tmp_path: Path, width: int, height: int, scale: float) -> dict[str, dict]:
    """Run the child on that screen through a call; what it found about each button."""
    port = free_port("udp")
    config = screen_config(tmp_path / "screen.json", width, height)
    shots = tmp_path / "shots"
    shots.mkdir()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": str(scale),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    args = [server.base_url, PASSWORD, str(tmp_path), str(port), str(shots), "dark"]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.fitting_desktop", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "desktop.log").open("w"),
        text=True,
        env=env,
        start_new_session=True,
    )
    sipp = Sipp(
        "uac_wait_bye.xml",
        f"127.0.0.1:{port}",
        service="operator",
        variables={
            "display": "Ivan",
            "caller": "+79131234567",
            "pai_number": "+79131234567",
            "customer_id": "1",
            "queue": "shop",
            "extra_header": "",
        },
        recv_timeout=40.0,
        timeout=60.0,
    )
    try:
        read_until(child, "READY")
        sipp.start()
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("FIT "):
                found: dict[str, dict] = json.loads(line[4:])
                break
        else:
            raise AssertionError(f"the desktop exited ({child.wait(10)}) without reporting")
        child.wait(30)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        sipp.stop()
    return found


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(1280, 720, 1.0), (1920, 1080, 1.5), (2560, 1440, 2.0)],
    ids=["1280x720", "1920x1080@150%", "2560x1440@200%"],
)
def test_answer_next_and_finish_are_on_the_screen(
    server: LiveServer, tmp_path: Path, width: int, height: int, scale: float
) -> None:
    found = run_fitting(server, tmp_path, width, height, scale)
    assert set(found) == {"answer", "next", "finish"}, found
    for button, where in found.items():
        assert where["inside"], f"{button} is not entirely on the screen: {where}"
