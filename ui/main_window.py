"""The operator's one window: status on top, the caller's card on the left with the ringing panel and
call controls above it, the script panel and the disposition form on the right, the dial pad docked.

The window only assembles and shows; each part has its own slots and intent signals, reached through the
attributes below (``window.card.save_requested``...). Sizes are chosen for a 1366x768 laptop: the two
columns split 55/45 and every panel scrolls or shrinks, down to about 600x600. The window opens where it
was last (``place``), and never larger than the screen it opens on: a 1280x720 screen, or a 1920x1080
laptop at 150 % scaling, has less room than 1366x740, and Finish and Next must stay on it (issue 13).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ui.actions import DISPOSITION_KEYS, ActionCollection, ActionId
from ui.call_controls import CallControls
from ui.card.call_card import CallCard
from ui.dial_pad import DialPad
from ui.disposition_form import DispositionForm
from ui.elapsed import Clock, utc_now
from ui.plain import plain_label
from ui.recording_bar import RecordingBar
from ui.ringing_panel import RingingPanel
from ui.status_bar import StatusBar
from ui.theme import icon
from ui.tool_buttons import toolbar_buttons

DEFAULT_SIZE = QSize(1366, 740)
FRAME_ALLOWANCE = QSize(16, 40)
"""What the window manager adds around the window (title bar, borders), before it says exactly."""


class MainWindow(QMainWindow):
    """The assembled window: ``ringing``, ``controls``, ``card``, ``disposition``, ``status``,
    ``dial_pad``, and a slot for the script panel."""

    settings_requested = Signal()
    """The operator wants the settings dialog."""
    quit_requested = Signal()
    """The operator wants to quit (the core ends the shift first if needed)."""
    close_requested = Signal()
    """The operator closed the window (its title bar's X, Alt+F4): the desktop decides what that means;
    the window stays as it is until told (:meth:`allow_close`)."""

    def __init__(self, parent: QWidget | None = None, clock: Clock = utc_now) -> None:
        super().__init__(parent)
        self.setWindowIcon(icon("ringdesk"))
        self.action_collection = ActionCollection(self)
        self.addActions(list(self.action_collection))
        self.status = StatusBar(self.action_collection, clock=clock)
        self.ringing = RingingPanel(self.action_collection)
        self.controls = CallControls(self.action_collection, clock=clock)
        self.recording = RecordingBar()
        self.card = CallCard(self.action_collection, clock=clock)
        self.disposition = DispositionForm(self.action_collection, clock=clock)
        self.dial_pad = DialPad()
        self.script_slot = QWidget()
        self.script_placeholder = plain_label()
        self.script_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.script_placeholder.setProperty("role", "muted")
        slot_layout = QVBoxLayout(self.script_slot)
        slot_layout.setContentsMargins(0, 0, 0, 0)
        slot_layout.addWidget(self.script_placeholder)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.ringing)
        left_layout.addWidget(self.controls)
        left_layout.addWidget(self.recording)
        left_layout.addWidget(self.card, 1)
        self.right = QWidget()
        right_layout = QVBoxLayout(self.right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.script_slot, 1)
        right_layout.addWidget(self.disposition)
        self.columns = QSplitter(Qt.Orientation.Horizontal)
        self.columns.addWidget(left)
        self.columns.addWidget(self.right)
        self.columns.setStretchFactor(0, 11)
        self.columns.setStretchFactor(1, 9)
        self.columns.setChildrenCollapsible(False)
        self.columns.setSizes([750, 616])
        central = QWidget()
        self.banners = QVBoxLayout(central)
        """Banners across the top of the window (``add_banner``): above both columns, never covering them."""
        self.banners.setContentsMargins(0, 0, 0, 0)
        self.banners.setSpacing(0)
        self.banners.addWidget(self.columns, 1)
        self.setCentralWidget(central)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("status")
        self.toolbar.setMovable(False)
        self.toolbar.addWidget(self.status)
        self.toolbar.addAction(self.action_collection[ActionId.DIAL_PAD])
        self.toolbar.addAction(self.action_collection[ActionId.SETTINGS])
        toolbar_buttons(
            self.toolbar, self.action_collection[ActionId.DIAL_PAD], self.action_collection[ActionId.SETTINGS]
        )
        self.addToolBar(self.toolbar)
        self.dock = QDockWidget()
        self.dock.setObjectName("dial_pad")
        self.dock.setWidget(self.dial_pad)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.action_collection[ActionId.DIAL_PAD].triggered.connect(self._open_dial_pad)
        self.action_collection[ActionId.SETTINGS].triggered.connect(self.settings_requested)
        self.action_collection[ActionId.QUIT].triggered.connect(self.quit_requested)
        self._build_menus()
        self.retranslate()
        self._closing = False
        self.resize(DEFAULT_SIZE)

    def add_banner(self, banner: QWidget) -> None:
        """Show ``banner`` (hidden until it has something to say) across the top of the window."""
        self.banners.insertWidget(self.banners.count() - 1, banner)

    def place(self, saved: QByteArray | None = None) -> None:
        """Size and position the window before it is first shown: where it was (``saved``, from
        ``saveGeometry``) if that still fits the screen, else the default size centred, else (a small
        or scaled screen) maximised, so that every part of it is on the screen."""
        restored = saved is not None and not saved.isEmpty() and self.restoreGeometry(saved)
        if restored and (self.isMaximized() or self._fits_screen()):
            return
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMaximized)
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        if (DEFAULT_SIZE + FRAME_ALLOWANCE).boundedTo(area.size()) == DEFAULT_SIZE + FRAME_ALLOWANCE:
            self.resize(DEFAULT_SIZE)
            self.move(area.center() - self.rect().center())
            return
        self.resize((area.size() - FRAME_ALLOWANCE).expandedTo(self.minimumSizeHint()))
        self.move(area.topLeft())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _fits_screen(self) -> bool:
        """Whether the window, with room for its frame, is entirely on one screen's available area."""
        where = self.geometry()
        screen = QGuiApplication.screenAt(where.center())
        if screen is None:
            return False
        area = screen.availableGeometry()
        framed = where.size() + FRAME_ALLOWANCE
        return area.contains(where) and framed.boundedTo(area.size()) == framed

    def allow_close(self) -> None:
        """Let the next close really close the window (the desktop is stopping)."""
        self._closing = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:
            super().closeEvent(event)
            return
        event.ignore()
        self.close_requested.emit()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.menus = [bar.addMenu("") for _ in range(4)]
        call, status, result, tools = self.menus
        for action_id in (
            ActionId.ANSWER,
            ActionId.REJECT,
            ActionId.ANSWER_WAITING,
            ActionId.SWAP,
            ActionId.HANG_UP,
            ActionId.HOLD,
            ActionId.MUTE,
            ActionId.TRANSFER,
            ActionId.KEYPAD,
            ActionId.DIAL_PAD,
        ):
            call.addAction(self.action_collection[action_id])
        for action_id in (ActionId.READY, ActionId.STATUS_MENU, ActionId.NEXT_STATUS, ActionId.END_SHIFT):
            status.addAction(self.action_collection[action_id])
        for action_id in (ActionId.SUBMIT_DISPOSITION, ActionId.SAVE_CONTACT, *DISPOSITION_KEYS):
            result.addAction(self.action_collection[action_id])
        tools.addAction(self.action_collection[ActionId.SETTINGS])
        tools.addSeparator()
        tools.addAction(self.action_collection[ActionId.QUIT])

    def set_script_panel(self, panel: QWidget) -> None:
        """Put the script panel (built elsewhere) in its place on the right."""
        layout = self.script_slot.layout()
        assert layout is not None
        while layout.count():
            item = layout.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.setParent(None)
        layout.addWidget(panel)

    def bring_forward(self) -> None:
        """Show the window for a ringing call without taking the keyboard from wherever it is.

        A minimised window is restored; the window is raised but not activated when another of our
        windows (or a field in this one) is being typed in.
        """
        if self.isMinimized():
            self.showNormal()
        if not self.isVisible():
            self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
            self.show()
        self.raise_()
        focused = QApplication.focusWidget()
        if focused is None or not isinstance(focused, QLineEdit | QPlainTextEdit):
            self.activateWindow()

    def _open_dial_pad(self) -> None:
        self.dock.show()
        self.dial_pad.focus_number()

    def retranslate(self) -> None:
        """Re-set the window's own texts and every action's in the current language."""
        self.action_collection.retranslate()
        self.setWindowTitle("ringdesk")
        for menu, text in zip(
            self.menus,
            (self.tr("&Call"), self.tr("&Status"), self.tr("&Result"), self.tr("&Tools")),
            strict=True,
        ):
            menu.setTitle(text)
        self.dock.setWindowTitle(self.tr("Dial pad"))
        self.script_placeholder.setText(self.tr("The call script appears here when a call is answered."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
