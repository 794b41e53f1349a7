"""The Tasks panel as the operator reads it: outside text literally, each state in its one colour
(``ui/theme.py``), counts and the badge, the preview of a task in hand, and all of it in Russian."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from app.tasks.board import TaskBoard
from app.tasks.desk_view import DeskPhase, DeskView
from app.wire.tasks import (
    AttemptKind,
    AttemptOut,
    NotReachedReason,
    RequestType,
    TaskKind,
    TaskOut,
    TaskState,
)
from tests.support.untranslated import untranslated_texts
from tests.ui.conftest import EVIL
from ui.actions import SPECS, ActionCollection, ActionId
from ui.i18n import Language, set_language
from ui.tasks.panel import TasksPanel
from ui.theme import TASK_STATE_BADGES, Theme, task_state_colour

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def task(task_id: int, state: TaskState, **extra: object) -> TaskOut:
    values: dict[str, object] = {
        "id": task_id,
        "kind": TaskKind.CALLBACK_MISSED,
        "state": state,
        "phone": f"+7916000000{task_id}",
        "due_at": NOW - timedelta(minutes=5),
        "priority": 0,
        "created_at": NOW - timedelta(hours=1),
    }
    values.update(extra)
    return TaskOut.model_validate(values)


WEB = task(
    3,
    TaskState.IN_PROGRESS,
    kind=TaskKind.WEB_REQUEST,
    request_type=RequestType.COMPLAINT,
    text=EVIL,
    claimed_by="operator1",
    attempts=[AttemptOut(at=NOW, kind=AttemptKind.CALL, outcome="not_reached:busy")],
)
TASKS = [task(1, TaskState.OPEN), task(2, TaskState.NOT_REACHED), WEB]


def panel_with_tasks(qtbot: QtBot, actions: ActionCollection) -> TasksPanel:
    panel = TasksPanel(actions)
    qtbot.addWidget(panel)
    panel.show_lists(TaskBoard("operator1").lists(TASKS, NOW))
    panel.show_view(DeskView(DeskPhase.PREVIEW, WEB))
    panel.show_client(EVIL)
    panel.show()
    return panel


def test_the_preview_shows_why_attempts_and_outside_text_literally(
    qtbot: QtBot, actions: ActionCollection
) -> None:
    panel = panel_with_tasks(qtbot, actions)
    assert panel.preview.isVisible()
    assert panel.client.text() == EVIL and panel.request.text() == EVIL  # not markup
    assert panel.why.text() == "Web request: complaint"
    assert panel.attempts.text().splitlines()[0] == "Attempts so far: 1"
    assert panel.attempts.text().splitlines()[1].endswith("Call: not reached (busy)")
    assert panel.notice.text() == "Read the task, then call the client"


def test_lists_counts_and_colours(qtbot: QtBot, actions: ActionCollection) -> None:
    panel = panel_with_tasks(qtbot, actions)
    assert [t.id for t in panel.mine.tasks] == [3]
    assert [t.id for t in panel.team.tasks] == [1, 2]
    assert panel.mine_title.text() == "My due tasks (1)" and panel.team_title.text() == "Team queue (2)"
    assert panel.missed.text() == "Missed calls: 2" and panel.missed.isVisible()
    assert [label.text() for label in panel.counts.values()] == [
        "Open: 1",
        "In progress: 1",
        "Not reached: 1",
    ]
    for state, label in panel.counts.items():
        assert label.property("badge") == TASK_STATE_BADGES[state]
    assert panel.state.property("badge") == TASK_STATE_BADGES[TaskState.IN_PROGRESS]
    for row in range(panel.team.topLevelItemCount()):
        item = panel.team.topLevelItem(row)
        assert item is not None
        swatch = QColor(item.icon(0).pixmap(12, 12).toImage().pixel(6, 6))
        assert swatch == task_state_colour(panel.team.tasks[row].state)


def test_every_state_has_its_own_colour_in_each_theme() -> None:
    for theme in Theme:
        colours = {task_state_colour(s, theme).name() for s in (TaskState.OPEN, TaskState.IN_PROGRESS)}
        workable = [TaskState.OPEN, TaskState.IN_PROGRESS, TaskState.NOT_REACHED, TaskState.DONE]
        assert len({task_state_colour(s, theme).name() for s in workable}) == 4, theme
        assert len(colours) == 2
    assert set(TASK_STATE_BADGES) == set(TaskState)


def test_not_reached_is_suggested_in_words(qtbot: QtBot, actions: ActionCollection) -> None:
    panel = panel_with_tasks(qtbot, actions)
    panel.show_view(DeskView(DeskPhase.WRAP_UP, WEB, call_id="out1", suggestion=NotReachedReason.BUSY))
    assert panel.notice.text() == "The client was not reached (busy): press Not reached"


def test_the_panel_is_all_russian(qtbot: QtBot, actions: ActionCollection) -> None:
    panel = panel_with_tasks(qtbot, actions)
    set_language(Language.RU)
    actions.retranslate()  # the window does this on a language change
    panel.show_view(DeskView(DeskPhase.WRAP_UP, WEB, call_id="out1", suggestion=NotReachedReason.NO_ANSWER))
    assert panel.title.text() == "Задачи"
    assert panel.counts[TaskState.OPEN].text() == "Открыта: 1"
    assert untranslated_texts([panel], allowed=["img", "src", "Ivan"]) == []  # the CRM's own text


def test_the_task_keys_clash_with_no_other_key_of_the_window() -> None:
    """Next task once had Ctrl+T, which a team lead's window already gives the Team board
    (``ui/supervision.py``): Qt then fires neither."""
    keys = [spec.shortcut for spec in SPECS.values() if spec.shortcut]
    assert len(keys) == len(set(keys))
    team_board = "Ctrl+T"
    task_keys = {SPECS[a].shortcut for a in (ActionId.TASKS, ActionId.NEXT_TASK, ActionId.DIAL_TASK)}
    assert team_board not in task_keys | {SPECS[ActionId.TASK_NOT_REACHED].shortcut}
