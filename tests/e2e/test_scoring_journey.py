"""Scoring a recorded call on the real desktop (issue 18): ``ui.main.Desktop`` on qasync against a
live seeded server. An admin has defined a form and operator1's call is stored on the server; the
team lead opens the Team board (Ctrl+T), picks operator1, opens "Recorded calls...", plays the call
(fetched from the server, which audits the play, and played by the lead's own telephony service),
fills the form beside the player and saves it. Then operator1's desktop shows the score and the
comment under "My scores"."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox

from tests.e2e.conftest import PASSWORD, seeded_demo_server, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt
from ui.team.my_scores import MyScoresWindow
from ui.team.scoring import ScoringWindow
from ui.team.window import TeamWindow

FORM = {
    "name": "Sales call",
    "sections": [
        {
            "title": "Opening",
            "questions": [
                {"key": "greeting", "text": "Greeted by the script", "weight": 2},
                {"key": "consent", "text": "Asked consent to record", "critical": True},
            ],
        },
        {
            "title": "Talk",
            "questions": [{"key": "tone", "text": "Friendly tone", "kind": "scale", "weight": 5}],
        },
    ],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("scoring-server")
    env = {"RINGDESK_RECORDINGS_DIR": str(directory / "recordings")}
    with seeded_demo_server(directory, env) as live:
        yield live


def call_audio(path: Path) -> bytes:
    """Three seconds of a two-channel Ogg Opus call, as the telephony service writes them."""
    t = np.arange(3 * 16000) / 16000
    left, right = 0.3 * np.sin(2 * np.pi * 500 * t), 0.3 * np.sin(2 * np.pi * 440 * t)
    sf.write(path, np.stack([left, right], axis=1), 16000, format="OGG", subtype="OPUS")
    return path.read_bytes()


async def auth(http: httpx.AsyncClient, name: str) -> dict[str, str]:
    login = await http.post("/auth/login", json={"name": name, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def prepare(http: httpx.AsyncClient, audio: bytes) -> int:
    """The admin's form and operator1's stored recording, through the server's API."""
    admin = await auth(http, "admin")
    form = await http.post("/quality/forms", json=FORM, headers=admin)
    assert form.status_code == 201, form.text
    operator = await auth(http, "operator1")
    body = {
        "call_id": "scored-call@pbx",
        "queue": "sales",
        "started_at": "2026-12-06T10:00:00Z",
        "seconds": 3.0,
        "size": len(audio),
        "sha256": hashlib.sha256(audio).hexdigest(),
    }
    announced = await http.post("/recordings", json=body, headers=operator)
    assert announced.status_code == 201, announced.text
    rec_id = int(announced.json()["id"])
    stored = await http.put(
        f"/recordings/{rec_id}/content?offset=0",
        content=audio,
        headers={**operator, "Content-Type": "application/octet-stream"},
    )
    assert stored.status_code == 200 and stored.json()["stored"] is True, stored.text
    return rec_id


def desktop_of(server: LiveServer, user: str, database: Path) -> Desktop:
    return Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user=user,
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{free_port('udp')}", "--local-user", user, "--no-audio"],
            language=Language.EN,
            database=database,
        )
    )


def shown(kind: type[Any]) -> Any:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return found[0] if found else None


def choose(box: QComboBox, value: int) -> None:
    box.setCurrentIndex(box.findData(value))


@pytest.mark.timeout(240)
def test_a_lead_scores_a_recorded_call_and_the_operator_sees_it(
    server: LiveServer, qapp: QApplication, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    audio = call_audio(tmp_path / "call.ogg")

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            rec_id = await prepare(http, audio)
            lead = desktop_of(server, "lead", tmp_path / "lead.db")
            try:
                assert await lead.start()
                await lead_scores(lead)
            finally:
                await lead.stop()
            admin = await auth(http, "admin")
            plays = (await http.get(f"/recordings/{rec_id}/plays", headers=admin)).json()
            assert [p["user"] for p in plays] == ["lead"]  # the lead's play is audited
            operator = desktop_of(server, "operator1", tmp_path / "operator.db")
            try:
                assert await operator.start()
                await operator_reads(operator)
            finally:
                await operator.stop()

    async def lead_scores(desktop: Desktop) -> None:
        main = desktop.window
        assert main is not None
        main.activateWindow()
        await until(main.isActiveWindow, timeout=5)
        QTest.keyClick(main, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: shown(TeamWindow) is not None, timeout=5)
        board: TeamWindow = shown(TeamWindow)
        await until(lambda: board.model.board.index_of("operator1") is not None, timeout=10)
        board.select_operator("operator1")
        await until(board.calls_button.isEnabled, timeout=5)
        assert board.calls_button.text() == "Recorded calls..."
        board.calls_button.click()
        await until(lambda: shown(ScoringWindow) is not None, timeout=5)
        window: ScoringWindow = shown(ScoringWindow)
        assert window.windowTitle() == "Recorded calls: operator1"
        await until(lambda: window.calls.topLevelItemCount() == 1, timeout=10)
        row = window.calls.topLevelItem(0)
        assert row is not None and [row.text(c) for c in (1, 2, 3)] == ["0:03", "sales", ""]

        window.calls.setCurrentItem(row)
        window.calls.setFocus()
        QTest.keyClick(window.calls, Qt.Key.Key_Return)  # Enter: play it, the form beside it
        await until(lambda: window.player.isVisible() and window.player.button.text() == "Stop", timeout=15)
        assert window.message.text() == ""  # the lead's telephony service took play_recording
        form = window.form
        chooser = window.form_choice  # the demo's form and the admin's: the lead picks one
        assert chooser.isVisible() and window.form_label.text() == "&Form:"
        assert [chooser.itemText(i) for i in range(chooser.count())] == ["Оценка разговора", "Sales call"]
        assert form.title.text() == "Оценка разговора"  # the first, until the lead picks another
        chooser.setFocus()
        QTest.keyClick(chooser, Qt.Key.Key_Down)
        assert form.title.text() == "Sales call" and form.total.text() == "Total: 0 %"
        choose(form.answer_boxes["greeting"], 1)
        choose(form.answer_boxes["consent"], 1)
        choose(form.answer_boxes["tone"], 3)
        assert form.total.text() == "Total: 75 %"
        form.comment.setPlainText("Warmer tone at the close, please")
        QTest.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
        await until(lambda: window.message.text() == "Saved: 75 %", timeout=10)
        row = window.calls.topLevelItem(0)
        assert row is not None and row.text(3) == "75 %"
        assert form.by.text() == "Scored by lead"

    async def operator_reads(desktop: Desktop) -> None:
        supervision = desktop.supervision
        assert supervision is not None and supervision.my_scores is not None
        action = supervision.my_scores.action
        assert action.text() == "My &scores"
        action.trigger()
        await until(lambda: shown(MyScoresWindow) is not None, timeout=5)
        scores: MyScoresWindow = shown(MyScoresWindow)
        await until(lambda: scores.list.topLevelItemCount() == 1, timeout=10)
        row = scores.list.topLevelItem(0)
        assert row is not None and (row.text(1), row.text(2)) == ("75 %", "lead")
        assert scores.summary.text() == "Average 75 % over 1 scored call(s)"
        assert scores.form.comment.toPlainText() == "Warmer tone at the close, please"
        assert scores.form.total.text() == "Total: 75 %"

    run_qt(scenario)
