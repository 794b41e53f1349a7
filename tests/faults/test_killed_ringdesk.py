"""Issue 14, item 3, with the program itself: ``ringdesk`` (its entry point, ``python -m ui.cli``, as an
operator starts it: its own home, the session kept in the OS keyring on a private D-Bus, its own
telephony service child) is killed with ``kill -9``. The server stops routing to the operator and
records ``not_ready/connection_lost`` on the team lead's board within the silence plus a sweep.

Before: the killed operator stayed ``ready`` (32 of 100 kills), offered by ``GET /routing/next``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from app.wire.statuses import CONNECTION_LOST
from tests.conftest import REPO
from tests.e2e.conftest import PASSWORD
from tests.faults.conftest import OPERATOR, ROUTING_KEY, SILENCE_S, board_row, lead_client
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.secret_service import running_secret_service, secret_service_available

pytestmark = pytest.mark.skipif(not secret_service_available(), reason="gnome-keyring is not installed")

LOG_IN = """
import asyncio, sys
from pathlib import Path
from app.sync.service import SyncService
url, user, password, database = sys.argv[1:5]
sync = SyncService.open(url, account=user, database=Path(database))
async def main():
    await sync.login(user, password)
    await sync.close()
asyncio.run(main())
"""


def test_the_real_ringdesk_killed_with_kill_minus_nine_stops_being_routed(
    quick_server: LiveServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    for part in ("config", "data", "state", "cache", "tmp"):
        (home / part).mkdir(parents=True)
    with running_secret_service() as keyring:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("RINGDESK_", "QT_", "PYTHON_KEYRING"))
        }
        env.update(keyring.env)
        env.update(
            {
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_DATA_HOME": str(home / "data"),
                "XDG_STATE_HOME": str(home / "state"),
                "XDG_CACHE_HOME": str(home / "cache"),
                "TMPDIR": str(home / "tmp"),
                "QT_QPA_PLATFORM": "offscreen",
                "PYTHONPATH": str(REPO),
            }
        )
        # logged in once before (the login dialog did it): the program resumes from the keyring
        subprocess.run(
            [sys.executable, "-c", LOG_IN, quick_server.base_url, OPERATOR, PASSWORD, str(tmp_path / "l.db")],
            env=env,
            check=True,
            cwd=REPO,
            timeout=60,
        )
        with (tmp_path / "ringdesk.out").open("wb") as out:
            ringdesk = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "ui.cli",
                    "--server",
                    quick_server.base_url,
                    "--user",
                    OPERATOR,
                    "--language",
                    "en",
                    f"--phone=--listen=127.0.0.1:{free_port('udp')}",
                    "--phone=--local-user=operator",
                    "--phone=--no-audio",
                ],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        lead = lead_client(quick_server)
        operator = httpx.Client(base_url=quick_server.base_url, timeout=10)
        routing = httpx.Client(base_url=quick_server.base_url, timeout=10)
        try:
            login = operator.post("/auth/login", json={"name": OPERATOR, "password": PASSWORD}).json()
            operator.headers["Authorization"] = f"Bearer {login['access_token']}"
            deadline = time.monotonic() + 60
            while board_row(lead, OPERATOR)["reason"] != "shift_start":  # the program is on shift
                assert ringdesk.poll() is None, (tmp_path / "ringdesk.out").read_text(errors="replace")
                assert time.monotonic() < deadline, "ringdesk never started the shift"
                time.sleep(0.2)
            ready = {
                "operator": OPERATOR,
                "status": "ready",
                "at": datetime.now(UTC).isoformat(),
            }
            posted = operator.post("/statuses", json=ready)
            assert posted.status_code == 201, posted.text  # the operator goes Ready
            alive_until = time.monotonic() + 2 * SILENCE_S
            while time.monotonic() < alive_until:  # alive longer than the silence: kept routable
                row = board_row(lead, OPERATOR)
                assert row["status"] == "ready", str(row)
                offered = routing.get("/routing/next", params={"queue": "shop", "key": ROUTING_KEY})
                assert offered.status_code == 200
                time.sleep(0.5)
            os.killpg(ringdesk.pid, signal.SIGKILL)
            ringdesk.wait(10)
            killed_at = time.monotonic()
            while board_row(lead, OPERATOR)["status"] == "ready":
                assert time.monotonic() - killed_at < SILENCE_S + 5, "the killed ringdesk stayed ready"
                time.sleep(0.2)
            row = board_row(lead, OPERATOR)
            assert (row["status"], row["reason"], row["source"]) == ("not_ready", CONNECTION_LOST, "system")
            assert (
                routing.get("/routing/next", params={"queue": "shop", "key": ROUTING_KEY}).status_code == 404
            )
        finally:
            if ringdesk.poll() is None:
                os.killpg(ringdesk.pid, signal.SIGKILL)
                ringdesk.wait(10)
            for client in (lead, operator, routing):
                client.close()
