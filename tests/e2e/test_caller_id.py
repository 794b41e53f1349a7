"""The caller ID per queue, through the real desktop, the real telephony service and a sipp UAS:
the workstation's configuration (a policy file, ``calls.caller_ids``) maps the queue ``sales`` to a
number; a task of that queue dialled from the Tasks panel sends the INVITE with that number in
``P-Asserted-Identity``, and a plain dial (no queue) sends none. Read from sipp's message trace."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import httpx
import pytest

from app.config.loader import ConfigPaths, load_config
from app.session.phase import Phase
from app.workstation import CallChanged
from tests.e2e.conftest import PASSWORD, until
from tests.e2e.test_tasks_desk import SOURCE_KEY, run, server  # noqa: F401 - the module's server
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, SippResult, sipp_available, start_uas
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")

SALES_ID = "+74951234567"


def invites(uas: SippResult) -> list[str]:
    """The INVITEs the UAS received, as text."""
    return [m for m in re.split(r"\n(?=-{5,})", uas.messages()) if "INVITE sip:" in m and "received" in m]


@pytest.mark.timeout(180)
def test_a_task_of_a_queue_is_dialled_with_the_queues_caller_id(
    server: LiveServer,  # noqa: F811
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    policy = tmp_path / "policy.d"
    policy.mkdir()
    (policy / "10-caller-ids.toml").write_text(
        f'[calls]\ncaller_ids = "sales={SALES_ID}, support=+74950000000"\n'
    )
    config = load_config(
        ConfigPaths(user_file=tmp_path / "user.toml", machine_file=tmp_path / "m.toml", policy_dir=policy)
    )
    assert config["calls.caller_ids"] == f"sales={SALES_ID}, support=+74950000000"
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=[
                "--listen",
                f"127.0.0.1:{free_port('udp')}",
                "--local-user",
                "operator",
                "--no-audio",
            ],
            language=Language.EN,
            database=tmp_path / "desk.db",
            config=config,
        )
    )
    sipps: list[Sipp] = []

    async def steps() -> None:
        report = {
            "call_id": f"e2e-{uuid.uuid4()}",
            "outcome": "missed",
            "missed_reason": "abandoned",
            "caller": "+79120005555",
            "queue": "sales",
        }
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            answer = await http.post("/calls/outcomes", json=report, headers={"X-Source-Key": SOURCE_KEY})
        assert answer.status_code in (200, 201), answer.text
        assert await desktop.start()
        window, ws, hook = desktop.window, desktop.workstation, desktop.tasks
        assert window is not None and ws is not None and hook is not None
        window.action_collection[ActionId.NEXT_TASK].trigger()
        await until(lambda: hook.desk.view.task is not None and hook.desk.view.task.phone == "+79120005555")

        uas = start_uas("uas_hangup.xml", variables={"hold_ms": "500"}, timeout=30.0)
        sipps.append(uas)
        hook.desk.dial_template = f"sip:{{number}}@{uas.address}"
        phases: list[Phase] = []  # every phase the desk showed (the talk lasts 0.5 s: a poll can miss it)
        ws.hub.on(CallChanged, lambda notice: phases.append(notice.session.phase))
        window.action_collection[ActionId.DIAL_TASK].trigger()
        await until(lambda: Phase.TALKING in phases, timeout=20)
        result = uas.wait(20)
        assert result.ok, result.describe()
        [invite] = invites(result)
        assert f"P-Asserted-Identity: <tel:{SALES_ID}>" in invite

        # a dial with no queue presents the account's own identity: no such header
        await until(lambda: not any(s.phase.live for s in ws.calls.values()), timeout=20)
        plain = start_uas("uas_hangup.xml", variables={"hold_ms": "500"}, timeout=30.0)
        sipps.append(plain)
        await ws.dial(f"sip:+79120006666@{plain.address}")
        result = plain.wait(20)
        assert result.ok, result.describe()
        [invite] = invites(result)
        assert "P-Asserted-Identity" not in invite

    run(loop, desktop, steps, sipps)
