"""Every action of the window and its shortcut, declared in one place (Frescobaldi's action collection).

Buttons show these actions (``QToolButton.setDefaultAction``) rather than keep their own texts, so a
button, its menu entry and its hotkey are one thing: disabling "Answer" greys the button and silences F5
together, and the button reads "Answer (F5)" (the action's icon text), so the whole call can be learnt
from the screen and done from the keyboard. Widgets connect an action's ``triggered`` to their intent
signal; nothing else listens to actions. The settings dialog edits the shortcuts by :class:`ActionId`
(stable across languages).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from ui.theme import icon


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for ``pyside6-lupdate`` (which looks for this name); translated in ``retranslate``."""
    return text


class ActionId(StrEnum):
    """A user action; the value is the key in saved hotkey settings."""

    ANSWER = "answer"
    REJECT = "reject"
    ANSWER_WAITING = "answer_waiting"
    SWAP = "swap"
    HANG_UP = "hang_up"
    HOLD = "hold"
    MUTE = "mute"
    TRANSFER = "transfer"
    KEYPAD = "keypad"
    DIAL_PAD = "dial_pad"
    READY = "ready"
    STATUS_MENU = "status_menu"
    NEXT_STATUS = "next_status"
    END_SHIFT = "end_shift"
    SAVE_CONTACT = "save_contact"
    SUBMIT_DISPOSITION = "submit_disposition"
    DISPOSITION_1 = "disposition_1"
    DISPOSITION_2 = "disposition_2"
    DISPOSITION_3 = "disposition_3"
    DISPOSITION_4 = "disposition_4"
    DISPOSITION_5 = "disposition_5"
    DISPOSITION_6 = "disposition_6"
    DISPOSITION_7 = "disposition_7"
    DISPOSITION_8 = "disposition_8"
    DISPOSITION_9 = "disposition_9"
    TASKS = "tasks"
    NEXT_TASK = "next_task"
    DIAL_TASK = "dial_task"
    TASK_NOT_REACHED = "task_not_reached"
    GIVE_BACK_TASK = "give_back_task"
    SETTINGS = "settings"
    QUIT = "quit"


DISPOSITION_KEYS = tuple(ActionId(f"disposition_{n}") for n in range(1, 10))
"""The one-key dispositions, in hotkey order (``DISPOSITION_KEYS[0]`` picks hotkey 1)."""


@dataclass(frozen=True)
class ActionSpec:
    """How an action looks and which key triggers it by default."""

    text: str
    """English text, marked for translation in the ``Actions`` context."""
    shortcut: str = ""
    icon: str = ""
    idle_enabled: bool = True
    """Whether it is enabled before anyone says otherwise: ``False`` for an action whose key other
    widgets use too (Esc), so it takes the key only while its owner enables it."""


SPECS: dict[ActionId, ActionSpec] = {
    ActionId.ANSWER: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Answer"), "F5", "answer"),
    ActionId.REJECT: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Reject"), "Shift+F5", "hangup"),
    ActionId.ANSWER_WAITING: ActionSpec(
        QT_TRANSLATE_NOOP("Actions", "Answer &second call"), "Ctrl+F5", "answer"
    ),
    ActionId.SWAP: ActionSpec(QT_TRANSLATE_NOOP("Actions", "S&wap calls"), "Ctrl+F7", "hold"),
    ActionId.HANG_UP: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Hang up"), "F6", "hangup"),
    ActionId.HOLD: ActionSpec(QT_TRANSLATE_NOOP("Actions", "H&old"), "F7", "hold"),
    ActionId.MUTE: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Mute"), "F8", "mute"),
    ActionId.TRANSFER: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Transfer..."), "F9", "transfer"),
    ActionId.KEYPAD: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Keypad"), "Ctrl+K", "dialpad"),
    ActionId.DIAL_PAD: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Dial..."), "Ctrl+D", "dialpad"),
    ActionId.READY: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Ready"), "Ctrl+R", "status-ready"),
    ActionId.STATUS_MENU: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Status..."), "F2"),
    ActionId.NEXT_STATUS: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Next status..."), "Ctrl+N"),
    ActionId.END_SHIFT: ActionSpec(
        QT_TRANSLATE_NOOP("Actions", "&End shift"), "Ctrl+Shift+E", "status-offline"
    ),
    ActionId.SAVE_CONTACT: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Save contact"), "Ctrl+S"),
    ActionId.SUBMIT_DISPOSITION: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Finish call"), "Ctrl+Return"),
    **{
        action: ActionSpec(QT_TRANSLATE_NOOP("Actions", "Disposition %1"), f"Alt+{n}")
        for n, action in enumerate(DISPOSITION_KEYS, start=1)
    },
    ActionId.TASKS: ActionSpec(QT_TRANSLATE_NOOP("Actions", "T&asks"), "F4"),
    ActionId.NEXT_TASK: ActionSpec(QT_TRANSLATE_NOOP("Actions", "Next &task"), "F3"),
    ActionId.DIAL_TASK: ActionSpec(QT_TRANSLATE_NOOP("Actions", "Call the &client"), "Ctrl+Shift+D"),
    ActionId.TASK_NOT_REACHED: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Not reached"), "Ctrl+Shift+N"),
    ActionId.GIVE_BACK_TASK: ActionSpec(
        QT_TRANSLATE_NOOP("Actions", "&Give back"), "Esc", idle_enabled=False
    ),
    ActionId.SETTINGS: ActionSpec(QT_TRANSLATE_NOOP("Actions", "Se&ttings..."), "Ctrl+,", "settings"),
    ActionId.QUIT: ActionSpec(QT_TRANSLATE_NOOP("Actions", "&Quit"), "Ctrl+Q"),
}


class ActionCollection(QObject):
    """The window's actions, created once; add them to the main window so shortcuts work anywhere in it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._actions: dict[ActionId, QAction] = {}
        for action_id, spec in SPECS.items():
            action = QAction(self)
            action.setObjectName(action_id.value)
            if spec.icon:
                action.setIcon(icon(spec.icon))
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setEnabled(spec.idle_enabled)
            self._actions[action_id] = action
        self.retranslate()

    def __getitem__(self, action_id: ActionId) -> QAction:
        return self._actions[action_id]

    def __iter__(self) -> Iterator[QAction]:
        return iter(self._actions.values())

    def retranslate(self) -> None:
        """Re-set every text in the current language (the window calls it on ``LanguageChange``)."""
        for action_id, action in self._actions.items():
            text = QCoreApplication.translate("Actions", SPECS[action_id].text)
            if action_id in DISPOSITION_KEYS:
                text = text.replace("%1", str(DISPOSITION_KEYS.index(action_id) + 1))
            action.setText(text)
            plain = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
            key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            labelled = f"{plain} ({key})" if key else plain
            action.setToolTip(labelled)
            # Buttons show the icon text: the hotkey is printed on the button itself ("Answer (F5)"),
            # menus show the plain text with the shortcut in their own column.
            action.setIconText(labelled)

    @staticmethod
    def default_shortcuts() -> dict[ActionId, str]:
        """Each action's built-in shortcut, in portable text form."""
        return {action_id: spec.shortcut for action_id, spec in SPECS.items()}

    def shortcuts(self) -> dict[ActionId, str]:
        """Each action's shortcut as set now."""
        return {
            i: a.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
            for i, a in self._actions.items()
        }

    def set_shortcuts(self, overrides: Mapping[ActionId, str]) -> None:
        """Apply the operator's hotkeys over the defaults (an empty string removes a shortcut)."""
        for action_id, sequence in {**self.default_shortcuts(), **overrides}.items():
            self._actions[action_id].setShortcut(QKeySequence(sequence))
        self.retranslate()
