"""The whole desktop in Russian: no untranslated text on any screen of a call (issue 13, defect 11).

The real composition root (``ui.main.Desktop`` on the qasync loop), a live seeded server, the real
telephony service and a sipp caller. The desktop starts in English, opens the Team window (the user is
a team lead) and shows its figures, then the language is switched to Russian at runtime; from then on
every screen is walked by :func:`tests.support.untranslated.untranslated_texts`: the call ringing,
answered with the script open, the status menu open during the call, a refusal of the core, the
after-call form with a callback time in the client's zone, and at every step the Team window (with
an operator on a training break) and the tray menu. During the call and in after-call work the
language goes to English and back: whatever was left in English by a widget that does not
re-word itself on a switch shows up.

The checker (``tests.support.untranslated``) reports what it found, per step; on the code before
issue 13 it found the figures, the Team window, the tray and the Team board action left in English,
the queue code, ``YYYY-MM-DD`` placeholders, custom choice codes, the script's suggested code, the
board's raw reason codes and the core's English refusal.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QObject
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from app.session.acw import AcwMode, AcwPolicy
from app.status.choice import Choice
from tests.e2e.conftest import PASSWORD, direct_desktop, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.support.untranslated import on_screen, untranslated_texts
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.i18n import Language, set_language
from ui.team.model import Column
from ui.team.window import TeamWindow

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")

#: what the demo data puts on screen in Latin letters: logins (the board, the history) and the team name
DATA = ("lead", "sales", "operator1", "operator2", "support1")


@pytest.mark.timeout(180)
def test_every_screen_of_a_call_is_russian_after_switching_language(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # offscreen has no tray host: let the desktop build its tray as it does on a desk
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    phone_port = free_port("udp")
    desktop = direct_desktop(
        server.base_url, "lead", tmp_path / "desk.db", phone_port=phone_port, acw=AcwPolicy(AcwMode.MANDATORY)
    )
    found: dict[str, list[str]] = {}
    earlier = {id(w) for w in QApplication.topLevelWidgets()}  # other tests' windows in this process

    def look(step: str, *extra: QObject) -> None:
        objects: list[QObject] = [w for w in on_screen() if id(w) not in earlier]
        objects += extra
        if desktop.tray is not None:
            objects.append(desktop.tray.icon)
        if desktop.supervision is not None and isinstance(desktop.supervision.team_window, QObject):
            objects.append(desktop.supervision.team_window)
        leaks = untranslated_texts(objects, allowed=DATA)
        if leaks:
            found[step] = leaks

    sipp = Sipp(
        "uac_wait_bye.xml",
        f"127.0.0.1:{phone_port}",
        service="operator",
        variables={
            "display": "Ivan",
            "caller": "+79131234567",
            "pai_number": "+79131234567",
            "customer_id": "1",
            "queue": "shop",
            "extra_header": "",
        },
        recv_timeout=90.0,
        timeout=120.0,
    )

    async def steps() -> None:
        assert await desktop.start()
        window, ws, supervision = desktop.window, desktop.workstation, desktop.supervision
        assert window is not None and ws is not None and supervision is not None
        assert desktop.tray is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)
        await _training("operator1")  # the board shows a reason
        supervision.open_team()
        await until(lambda: supervision.figures.text().startswith("Today:"))

        team = supervision.team_window
        assert isinstance(team, TeamWindow)

        def reason_on_board() -> str:
            row = team.model.board.index_of("operator1")
            return "" if row is None else str(team.model.index(row, Column.REASON).data())

        await until(lambda: reason_on_board() == "Training")

        set_language(Language.RU)
        assert reason_on_board() == "Обучение"
        look("idle, after switching to Russian")

        sipp.start()
        await until(lambda: window.card.contact_page.name.text() == "Иванов Иван Петрович")
        look("ringing")

        window.ringing.answer_button.click()
        await until(lambda: desktop.scripts is not None and desktop.scripts.panel is not None)
        panel = desktop.scripts.panel
        assert panel is not None
        panel.go_next()
        QTest.keyClicks(panel.inputs[0].box, "1")  # speaks Russian
        panel.go_next()
        QTest.keyClicks(panel.inputs[0].box, "2")  # an existing order
        panel.go_next()
        panel.inputs[0].line_edit.setText("A-123456")
        panel.go_next()
        assert panel.runner.finished
        look("in call, with the script")
        set_language(Language.EN)  # and back: every widget of the call re-worded in place
        assert panel.outcome.text().startswith("End of script")
        set_language(Language.RU)
        look("in call, after switching to English and back")

        window.action_collection[ActionId.STATUS_MENU].trigger()
        await until(window.status.menu.isVisible)
        look("status menu open during the call", window.status.menu)
        window.status.menu.close()

        ws.choose_next(Choice.not_ready("training"))
        window.controls.dtmf_requested.emit("x")  # not a keypad digit: the core refuses
        await until(lambda: bool(desktop.desk and desktop.desk.status_line.currentMessage()))
        look("next status chosen, a refusal shown")

        window.action_collection[ActionId.HANG_UP].trigger()
        await until(window.disposition.isVisible)
        window.disposition.pick_hotkey(2)  # a callback: the time is asked in the client's zone
        assert window.disposition.callback_label.isVisible()
        look("after-call work with the form")
        set_language(Language.EN)
        set_language(Language.RU)
        look("after-call work, after switching to English and back")
        await until(lambda: not sipp.running, timeout=30)

    async def _training(operator: str) -> None:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            login = await http.post("/auth/login", json={"name": operator, "password": PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            headers["Idempotency-Key"] = str(uuid.uuid4())
            change = {"operator": operator, "status": "not_ready", "reason": "training"}
            change["at"] = datetime.now(UTC).isoformat()
            answer = await http.post("/statuses", json=change, headers=headers)
            assert answer.status_code == 201, answer.text

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await desktop.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        if sipp.running:
            sipp.stop()
        set_language(Language.EN)
    report = "\n".join(f"{step}:\n  " + "\n  ".join(lines) for step, lines in found.items())
    assert not found, f"untranslated text on screen:\n{report}"
