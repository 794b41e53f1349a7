"""The note under the dashboard's queue table says why a "Calls waiting" cell is empty: no PBX reports
its queues, the PBX is not connected, or (connected) some queues' own reports are missing or have aged
out, which the lead would otherwise take for "nobody waits". Queue names come from the PBX and are
shown as plain text."""

from __future__ import annotations

from datetime import date
from typing import Any

from pytestqt.qtbot import QtBot

from app.reports.live import LiveFigures
from app.wire.reports import LiveQueue, LiveReport
from ui.team.dashboard import DashboardPanel
from ui.team.model import TeamTableModel


def shown(qtbot: QtBot, **report: Any) -> DashboardPanel:
    """The panel after a read that answered ``report`` (a real :class:`LiveFigures`, not started)."""
    panel = DashboardPanel(TeamTableModel())
    qtbot.addWidget(panel)
    figures = LiveFigures(None, tz="Europe/Moscow", on_change=lambda: None)  # type: ignore[arg-type]
    figures.queues = LiveReport(day=date(2026, 12, 7), time_zone="Europe/Moscow", **report)
    panel.attach(lambda _changed: figures)
    panel.show_figures()
    return panel


def note(panel: DashboardPanel) -> str:
    return "" if panel.note.isHidden() else panel.note.text()


def test_a_queue_whose_pbx_report_aged_out_is_named_while_the_others_are_known(qtbot: QtBot) -> None:
    queues = [
        LiveQueue(queue="<b>shop</b>", offered=4, waiting=None),  # its snapshot is stale
        LiveQueue(queue="lens", offered=2, waiting=3, longest_wait_seconds=40.0),
    ]
    panel = shown(
        qtbot,
        queues=queues,
        total=LiveQueue(queue=None, offered=6, waiting=3),
        pbx_configured=True,
        pbx_connected=True,
    )
    assert note(panel) == "Calls waiting are not known now in: <b>shop</b>."
    assert panel.note.textFormat().name == "PlainText"  # the PBX's name, never markup


def test_no_note_when_every_queue_is_known_and_one_when_the_pbx_is_down(qtbot: QtBot) -> None:
    known = [LiveQueue(queue="lens", offered=2, waiting=0, longest_wait_seconds=0.0)]
    total = LiveQueue(queue=None, offered=2, waiting=0)
    connected = shown(qtbot, queues=known, total=total, pbx_configured=True, pbx_connected=True)
    assert note(connected) == ""
    down = shown(qtbot, queues=known, total=total, pbx_configured=True, pbx_connected=False)
    assert note(down) == "The PBX is not connected: calls waiting are not known now."
    none = shown(qtbot, queues=known, total=total)
    assert note(none).startswith("Calls waiting and the longest wait show when")
