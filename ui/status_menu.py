"""The operator-status menu (Ready, the not-ready reasons from the catalogue, End of shift), shared by
the status bar and the tray so both offer the same choices in the same order.

During a call or after-call work a choice does not change the status now: it becomes the "next status",
applied when after-call work ends. The menu says so in its first line and emits the other signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.status.choice import offered
from app.wire.statuses import NotReadyReason, OperatorStatus
from ui.i18n import pick
from ui.labels import status_label
from ui.plain import button_text
from ui.theme import icon


@dataclass(frozen=True)
class StatusChoice:
    """A status the operator picked (``reason`` is a not-ready reason code, only with ``not_ready``)."""

    status: OperatorStatus
    reason: str | None = None


@dataclass(frozen=True)
class StatusView:
    """The operator's status as the core knows it."""

    status: OperatorStatus
    since: datetime
    reason: NotReadyReason | None = None
    next: StatusChoice | None = None
    """The status chosen for after the call, if any."""
    registered: bool = True
    """Whether the phone is registered: without it the operator is not routable whatever the status."""

    @property
    def in_call(self) -> bool:
        """Whether a choice now is a next status (on a call or in after-call work)."""
        return self.status in (OperatorStatus.ON_CALL, OperatorStatus.ACW)


def status_text(status: OperatorStatus, reason: NotReadyReason | None = None) -> str:
    """The status in words, in the current language (a not-ready status shows its reason)."""
    if status is OperatorStatus.NOT_READY and reason is not None:
        return pick(reason.label_en, reason.label_ru)
    return status_label(status)


def status_icon_name(status: OperatorStatus, reason: NotReadyReason | None = None) -> str:
    """The icon of a status: green routable, amber paused, red busy, hollow offline."""
    if status is OperatorStatus.READY or (reason is not None and reason.routable):
        return "status-ready"
    if status in (OperatorStatus.ON_CALL, OperatorStatus.ACW):
        return "status-busy"
    return "status-offline" if status is OperatorStatus.OFFLINE else "status-away"


class StatusMenu(QMenu):
    """Ready, each active not-ready reason, End of shift; the current one is checked."""

    status_chosen = Signal(object)
    """A :class:`StatusChoice` to apply now."""
    next_status_chosen = Signal(object)
    """A :class:`StatusChoice` to apply after the call, or ``None`` to clear the next status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reasons: list[NotReadyReason] = []
        self._view: StatusView | None = None
        self._tail: list[QAction] = []
        self._rebuild()

    def set_tail(self, actions: list[QAction]) -> None:
        """Entries kept below the status choices (the tray's Show window and Quit)."""
        self._tail = actions
        self._rebuild()

    def show_reasons(self, reasons: list[NotReadyReason]) -> None:
        """The not-ready reasons of the catalogue that a person may choose (retired and system-only
        ones are left out: :func:`app.status.choice.offered`)."""
        self._reasons = offered(reasons)
        self._rebuild()

    def reasons(self) -> list[NotReadyReason]:
        """The reasons offered now."""
        return list(self._reasons)

    def show_status(self, view: StatusView) -> None:
        """Check the current (or next) choice and switch between "now" and "after the call"."""
        self._view = view
        self._rebuild()

    def _rebuild(self) -> None:
        self.clear()
        view = self._view
        in_call = view is not None and view.in_call
        if in_call:
            self.addSection(QCoreApplication.translate("Status", "After this call"))
        current: StatusChoice | None
        if view is None:
            current = None
        elif in_call:
            current = view.next
        else:
            current = StatusChoice(view.status, view.reason.code if view.reason else None)
        choices = [StatusChoice(OperatorStatus.READY)]
        choices += [StatusChoice(OperatorStatus.NOT_READY, r.code) for r in self._reasons]
        choices.append(StatusChoice(OperatorStatus.OFFLINE))
        by_code = {r.code: r for r in self._reasons}
        for choice in choices:
            reason = by_code.get(choice.reason or "")
            if choice.status is OperatorStatus.OFFLINE:
                text = QCoreApplication.translate("Status", "End of shift")
            else:
                text = status_text(choice.status, reason)
            action = QAction(icon(status_icon_name(choice.status, reason)), button_text(text), self)
            action.setCheckable(True)
            action.setChecked(choice == current)
            action.setData(choice)
            action.triggered.connect(lambda _=False, c=choice: self._choose(c))
            if choice.status is OperatorStatus.OFFLINE:
                self.addSeparator()
            self.addAction(action)
        if in_call and view is not None and view.next is not None:
            clear = self.addAction(QCoreApplication.translate("Status", "No next status"))
            clear.triggered.connect(lambda: self.next_status_chosen.emit(None))
        if self._tail:
            self.addSeparator()
            self.addActions(self._tail)

    def _choose(self, choice: StatusChoice) -> None:
        if self._view is not None and self._view.in_call:
            self.next_status_chosen.emit(choice)
        else:
            self.status_chosen.emit(choice)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._rebuild()
        super().changeEvent(event)
