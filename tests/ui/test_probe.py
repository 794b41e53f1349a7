"""The opt-in probe (ui/probe.py) reads back what the windows show, by the names the code gives the
widgets, over its socket, and listens only when RINGDESK_PROBE is set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtNetwork import QLocalSocket
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.probe import ENV, ProbeServer, answer_query, install_probe


class Panel(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = QLabel("Incoming call")
        self.answer = QPushButton("Answer (F5)")
        self.answer.setCheckable(True)
        self.answer.setChecked(True)
        self.codes = QListWidget()
        self.codes.addItems(["1  Sale", "2  Callback"])
        self.codes.setCurrentRow(1)
        self.buttons = {"hold": QPushButton("Hold")}
        self.hidden = QLabel("not shown")
        layout = QVBoxLayout(self)
        for widget in (self.title, self.answer, self.codes, self.buttons["hold"], self.hidden):
            layout.addWidget(widget)
        anonymous = QLabel("in a layout only")
        anonymous.setObjectName("note")
        layout.addWidget(anonymous)
        self.hidden.hide()


@pytest.fixture
def panel(qtbot: QtBot) -> Panel:
    shown = Panel()
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def widgets() -> dict[str, dict[str, object]]:
    found = answer_query("widgets")
    assert isinstance(found, list)
    return {item["path"]: item for item in found}


def test_visible_widgets_are_named_by_their_attributes_with_texts_and_state(panel: Panel) -> None:
    shown = widgets()
    assert shown["Panel.title"]["text"] == "Incoming call"
    assert shown["Panel.answer"]["checked"] is True
    assert shown["Panel.codes"]["rows"] == [["1  Sale"], ["2  Callback"]]
    assert shown["Panel.codes"]["current_row"] == 1
    assert shown["Panel.buttons[hold]"]["text"] == "Hold"
    assert shown["Panel/note"]["text"] == "in a layout only"  # no attribute holds it: parent/objectName
    assert "Panel.hidden" not in shown
    _, _, w, h = shown["Panel.answer"]["rect"]  # type: ignore[misc]
    assert w > 0 and h > 0


def test_the_windows_and_the_focus_are_reported(panel: Panel, qtbot: QtBot) -> None:
    panel.activateWindow()
    panel.codes.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.codes)
    assert answer_query("focus")["widget"] == "Panel.codes"  # type: ignore[index]
    [window] = [w for w in answer_query("windows") if w["cls"] == "Panel"]  # type: ignore[union-attr]
    assert window["path"] == "Panel"


def test_it_listens_only_when_asked_and_answers_json_lines(
    qapp: QApplication, qtbot: QtBot, panel: Panel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV, raising=False)
    install_probe(qapp)
    assert qapp.findChild(ProbeServer) is None
    path = tmp_path / "probe.sock"
    monkeypatch.setenv(ENV, str(path))
    install_probe(qapp)
    server = qapp.findChild(ProbeServer)
    assert server is not None
    try:
        client = QLocalSocket()
        client.connectToServer(str(path))
        assert client.waitForConnected(2000)
        client.write(b'{"query": "widgets"}\n{"query": "nonsense"}\n')
        client.flush()
        lines: list[bytes] = []

        def two_lines() -> bool:
            while client.canReadLine():
                lines.append(bytes(client.readLine().data()))
            return len(lines) == 2

        qtbot.waitUntil(two_lines, timeout=5000)
        assert any(item["path"] == "Panel.title" for item in json.loads(lines[0]))
        assert "unknown query" in json.loads(lines[1])["error"]
    finally:
        server.setParent(None)
        server.deleteLater()
