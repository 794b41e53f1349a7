"""Tasks end to end (issue 16), with every real part: a live server (uvicorn, SQLite, the demo seed)
with a source key, the desktop's composition root on qasync with its real window (offscreen), the real
telephony service, and sipp as the client who is called back.

A missed call posted by a PBX (``POST /calls/outcomes``) appears in the Tasks panel; the operator
presses Next task and sees the preview (why, attempts, the client's CRM name as plain text) before
anything is dialled; Call the client dials through the softphone; the sipp UAS answers; the operator's
disposition reaches the server and the task is done. A busy UAS (486) makes "Not reached" the one key
to press, and the server reschedules the task.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.session.phase import Phase
from app.wire.tasks import TaskState
from tests.conftest import REPO
from tests.e2e.conftest import PASSWORD, direct_desktop, seeded_demo_server, until
from tests.server.live import LiveServer
from tests.server.tasks_support import open_zone
from tests.support.sipp import Sipp, sipp_available, start_uas
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.main import Desktop

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")

SOURCE_KEY = "e2e-pbx-key-long-enough"
HTML_CLIENT = "+79161112233"
"""A demo contact whose CRM name is HTML (``<img src=x><b>Ivan</b>``) and who has no time zone."""
UNKNOWN_CLIENT = "+79990001122"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {
        "RINGDESK_SOURCE_KEYS": f"pbx2:{SOURCE_KEY}",
        # a zone at midday now, hours from closing, so the queue offers the tasks all module long
        # wherever the test runs (never outside the client's hours is the server's rule, tested there)
        "RINGDESK_TASK_DEFAULT_TIME_ZONE": open_zone(),
        # a caller who gave up after 1 s of ringing is a missed call here, not one within the greeting
        # (test_desktop_outcome: its sipp caller gives up after 2 s, as the desktop reports)
        "RINGDESK_NON_TARGET_SECONDS": "1",
    }
    with seeded_demo_server(tmp_path_factory.mktemp("tasks-server"), env) as live:
        yield live


async def missed_call(server: LiveServer, caller: str) -> int:
    """A PBX reports a caller who hung up in the queue; the server answers with the task it made."""
    report = {
        "call_id": f"e2e-{uuid.uuid4()}",
        "outcome": "missed",
        "missed_reason": "abandoned",
        "caller": caller,
        "dnis": "+74950000000",
        "wait_seconds": 42,
    }
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        answer = await http.post("/calls/outcomes", json=report, headers={"X-Source-Key": SOURCE_KEY})
    assert answer.status_code in (200, 201), answer.text
    task_id = answer.json()["task_id"]
    assert isinstance(task_id, int)
    return task_id


async def server_task(server: LiveServer, task_id: int) -> dict[str, Any]:
    """The task as the team lead sees it on the server."""
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        login = await http.post("/auth/login", json={"name": "lead", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        tasks = (await http.get("/tasks", params={"limit": 1000}, headers=headers)).json()
    [task] = [t for t in tasks if t["id"] == task_id]
    return dict(task)


async def web_request(server: LiveServer, phone: str, request_type: str, text: str) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        answer = await http.post(
            "/tasks",
            json={"phone": phone, "request_type": request_type, "text": text},
            headers={"X-Source-Key": SOURCE_KEY, "Idempotency-Key": str(uuid.uuid4())},
        )
    assert answer.status_code == 201, answer.text


async def move_client_to(live: LiveServer, phone: str, zone: str) -> None:
    """The demo client lives in Novosibirsk; the queue never offers a task outside the client's hours,
    so the test moves them to a zone where it is a decent hour now (as the rest of the module does)."""
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        login = await http.post("/auth/login", json={"name": "operator2", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        found = await http.get("/contacts/lookup", params={"phone": phone}, headers=headers)
        contact = found.json()
        moved = await http.patch(
            f"/contacts/{contact['id']}",
            json={"time_zone": zone},
            headers={**headers, "If-Match": f'"{contact["version"]}"'},
        )
    assert moved.status_code == 200, moved.text


async def take_shot(server: LiveServer, desktop: Desktop, path: str) -> None:
    """The window with the panel: a web request previewed, more work queued behind it."""
    hook, window = desktop.tasks, desktop.window
    assert hook is not None and window is not None and hook.panel is not None
    await move_client_to(server, "+79131234567", open_zone())  # offered now, wherever the test runs
    await web_request(server, "+79131234567", "complaint", "Заказ №A-1042 пришёл не тот: <нужны линзы -3.5>")
    await web_request(server, "+79035550101", "where_to_buy", "Где купить в Новосибирске?")
    window.action_collection[ActionId.NEXT_TASK].trigger()
    await until(lambda: hook.desk.view.task is not None)
    card = window.card  # the previewed client's full card, with the history of their calls
    await until(lambda: card.has_contact_page() and card.contact_page.history.topLevelItemCount() == 3)
    hook.watch.kick()
    await until(lambda: len(hook.panel.team.tasks) + len(hook.panel.mine.tasks) >= 3 if hook.panel else False)
    window.resize(1366, 740)
    await asyncio.sleep(0.5)  # the screenshot only: let the lookups paint
    assert window.grab().save(path)
    shown = hook.desk.view.task
    assert shown is not None
    window.action_collection[ActionId.GIVE_BACK_TASK].trigger()  # back to the queue for the next tests
    while (await server_task(server, shown.id))["state"] == "in_progress":
        await asyncio.sleep(0.1)  # the release is on its way (the lease would hold it for minutes)


def run(loop: asyncio.AbstractEventLoop, desktop: Desktop, steps: Any, sipps: list[Sipp]) -> None:
    async def scenario() -> None:
        try:
            await steps()
        finally:
            await desktop.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        for sipp in sipps:
            sipp.stop()


def test_a_missed_call_becomes_a_task_previewed_dialled_and_done(
    server: LiveServer, loop: asyncio.AbstractEventLoop, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    desktop = direct_desktop(server.base_url, "operator1", tmp_path / "desk.db")
    sipps: list[Sipp] = []

    async def steps() -> None:
        task_id = await missed_call(server, HTML_CLIENT)
        assert await desktop.start()
        window, ws, hook = desktop.window, desktop.workstation, desktop.tasks
        assert window is not None and ws is not None and hook is not None
        assert hook.panel is None  # built when first shown (idle memory)
        hook.watch.kick()
        await until(lambda: hook.badge.isVisible() and hook.badge.text() == "1")  # the missed-call badge

        window.action_collection[ActionId.TASKS].trigger()  # F4: the panel, with the task listed
        panel = hook.panel
        assert panel is not None and panel.isVisible()
        await until(lambda: [t.id for t in panel.team.tasks] == [task_id])
        assert panel.team_title.text() == "Team queue (1)"
        assert panel.counts[TaskState.OPEN].text() == "Open: 1"
        assert panel.missed.text() == "Missed calls: 1"
        assert not panel.preview.isVisible()

        window.action_collection[ActionId.NEXT_TASK].trigger()  # F3
        await until(lambda: panel.preview.isVisible() and panel.client.text() == "<img src=x><b>Ivan</b>")
        assert panel.number.text() == HTML_CLIENT
        assert panel.why.text() == "Missed call (hung up in the queue)"
        assert panel.attempts.text().startswith("Attempts so far: 1")
        assert panel.state.text() == "In progress"
        assert ws.calls == {}  # preview dialling: nothing is dialled before the operator says so
        assert (await server_task(server, task_id))["state"] == "in_progress"

        uas = start_uas("uas_hangup.xml", variables={"hold_ms": "2000"}, timeout=30.0)
        sipps.append(uas)
        hook.desk.dial_template = f"sip:{{number}}@{uas.address}"
        window.action_collection[ActionId.DIAL_TASK].trigger()  # Ctrl+Shift+D
        await until(lambda: any(s.phase is Phase.TALKING for s in ws.calls.values()), timeout=20)
        assert panel.notice.text() == "Calling the client"
        await until(window.disposition.isVisible, timeout=30)  # the UAS hangs up after 2 s
        codes = window.disposition.codes
        for row in range(codes.count()):
            codes.setCurrentRow(row)
            chosen = window.disposition.chosen()
            if chosen is not None and chosen.code == "sale":
                break
        window.disposition.submit.click()
        await until(lambda: hook.desk.view.notice == "reported")
        assert panel.notice.text() == "Task result saved"
        assert desktop.sync is not None
        await until(lambda: desktop.sync is not None and desktop.sync.status.pending == 0)
        task = await server_task(server, task_id)
        assert task["state"] == "done"
        assert [a["outcome"] for a in task["attempts"]] == ["abandoned", "done"]
        await until(hook.badge.isHidden, timeout=30)  # the lists were read again
        assert uas.wait(10).ok

    run(loop, desktop, steps, sipps)


def test_a_busy_client_is_not_reached_with_one_key_and_the_server_reschedules(
    server: LiveServer, loop: asyncio.AbstractEventLoop, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    desktop = direct_desktop(server.base_url, "operator1", tmp_path / "desk.db")
    sipps: list[Sipp] = []

    async def steps() -> None:
        task_id = await missed_call(server, UNKNOWN_CLIENT)
        assert await desktop.start()
        window, ws, hook = desktop.window, desktop.workstation, desktop.tasks
        assert window is not None and ws is not None and hook is not None
        actions = window.action_collection
        assert not actions[ActionId.TASK_NOT_REACHED].isEnabled()
        actions[ActionId.NEXT_TASK].trigger()
        panel = hook.panel
        assert panel is not None
        await until(lambda: panel.preview.isVisible() and panel.client.text() == "Unknown client")
        assert hook.desk.view.task is not None and hook.desk.view.task.id == task_id

        uas = start_uas("uas_busy.xml", timeout=30.0)
        sipps.append(uas)
        hook.desk.dial_template = f"sip:{{number}}@{uas.address}"
        actions[ActionId.DIAL_TASK].trigger()
        await until(actions[ActionId.TASK_NOT_REACHED].isEnabled, timeout=20)
        assert panel.notice.text() == "The client was not reached (busy): press Not reached"
        actions[ActionId.TASK_NOT_REACHED].trigger()  # Ctrl+Shift+N: one key, no typing
        await until(lambda: hook.desk.view.notice == "reported")
        assert ws.calls == {}  # the call's after-call work closed with the "busy" code
        assert desktop.sync is not None
        await until(lambda: desktop.sync is not None and desktop.sync.status.pending == 0)
        task = await server_task(server, task_id)
        assert task["state"] == "not_reached"
        assert task["attempts"][-1]["outcome"] == "not_reached:busy"
        assert datetime.fromisoformat(task["due_at"]) > datetime.now(UTC)  # offered again later
        await until(lambda: any(t.id == task_id for t in panel.team.tasks), timeout=30)
        assert uas.wait(10).ok
        shot = os.environ.get("RINGDESK_TASK_SHOT")
        if shot:  # docs/screenshots/tasks-panel.png: a web request in preview over a fuller queue
            await take_shot(server, desktop, shot)

    run(loop, desktop, steps, sipps)


def test_an_owned_callback_falling_due_is_announced_in_the_tray_and_the_window(
    server: LiveServer, loop: asyncio.AbstractEventLoop, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    desktop = direct_desktop(server.base_url, "operator1", tmp_path / "desk.db")

    async def steps() -> None:
        assert await desktop.start()
        window, hook, tray = desktop.window, desktop.tasks, desktop.tray
        assert window is not None and hook is not None and tray is not None
        now = datetime.now(UTC)
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            login = await http.post("/auth/login", json={"name": "operator1", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            contact = (
                await http.get("/contacts/lookup", params={"phone": "+74951234567"}, headers=headers)
            ).json()
            disposition = {  # an earlier call: "call me back in a moment", the callback mine (USERONLY)
                "call_id": f"e2e-{uuid.uuid4()}",
                "operator": "operator1",
                "contact_id": contact["id"],
                "ring_at": (now - timedelta(minutes=3)).isoformat(),
                "answer_at": (now - timedelta(minutes=3)).isoformat(),
                "end_at": (now - timedelta(minutes=1)).isoformat(),
                "code": "callback",
                "callback_at": (now + timedelta(seconds=2)).isoformat(),
                "callback_owner": "me",
            }
            stored = await http.post(
                "/dispositions",
                json=disposition,
                headers={**headers, "Idempotency-Key": str(uuid.uuid4())},
            )
        assert stored.status_code == 201, stored.text
        deadline = asyncio.get_running_loop().time() + 30
        while tray.notice is None:  # the watch reads the list every 20 s; ask it now and then
            assert asyncio.get_running_loop().time() < deadline, "no reminder"
            hook.watch.kick()
            await asyncio.sleep(0.5)
        assert tray.notice == ("Callback due", "Callback due: +74951234567")
        assert desktop.desk is not None
        assert desktop.desk.status_line.currentMessage() == "Callback due: +74951234567"
        panel = hook.show_panel()
        assert panel.reminder.isVisible() and panel.reminder.text() == "Callback due: +74951234567"
        assert [t.phone for t in panel.mine.tasks] == ["+74951234567"]
        reads: list[object] = []
        hook.watch.subscribe(reads.append)
        tray.notice = None
        hook.watch.kick()  # two more reads of the list: the reminder is not given again
        await until(lambda: len(reads) >= 1)
        hook.watch.kick()
        await until(lambda: len(reads) >= 2)
        assert tray.notice is None

    run(loop, desktop, steps, [])


def test_a_task_taken_survives_a_kill_minus_nine(
    server: LiveServer, loop: asyncio.AbstractEventLoop, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    task_id = loop.run_until_complete(missed_call(server, "+79990005566"))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.tasky_desktop", server.base_url, PASSWORD, str(tmp_path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()  # the child says it took a task (or it died: an empty line)
        assert line.strip() == f"TAKEN {task_id}", line
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    held = loop.run_until_complete(server_task(server, task_id))
    assert held["state"] == "in_progress" and held["claimed_by"] == "operator1"  # held, not lost

    desktop = direct_desktop(server.base_url, "operator1", tmp_path / "desk.db")

    async def steps() -> None:
        assert await desktop.start()
        window, hook = desktop.window, desktop.tasks
        assert window is not None and hook is not None
        hook.watch.kick()
        window.action_collection[ActionId.TASKS].trigger()
        panel = hook.panel
        assert panel is not None
        await until(lambda: task_id in [t.id for t in panel.mine.tasks])  # listed as mine
        [mine] = [t for t in panel.mine.tasks if t.id == task_id]
        assert mine.state is TaskState.IN_PROGRESS
        window.action_collection[ActionId.NEXT_TASK].trigger()  # the same task comes back first
        await until(lambda: hook.desk.view.task is not None)
        assert hook.desk.view.task is not None and hook.desk.view.task.id == task_id
        assert panel.number.text() == "+79990005566"

    run(loop, desktop, steps, [])
