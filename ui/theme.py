"""Light and dark themes: colours defined once, turned into a QPalette plus a small stylesheet.

Widgets never write a colour literal: they take roles from the palette, or set an object name / a
dynamic property (``badge``, ``light``) that the stylesheet below colours. The meaning colours (a
disposition's category, a status, the business-hours light) are here too, so the dark theme can
lighten them for contrast. Icons are SVG (sharp at any DPI) found through the ``icons:`` search path.

Every pair meets WCAG AA in both themes (issue 13, defect 12): text 4.5:1 against what it is drawn on,
borders of fields and icons 3:1. The light theme puts white (``on_accent``) on dark accents; the dark
theme puts near-black on light accents, which also read as text on its dark surfaces. Icons that sit
on a coloured button carry their own disc behind a white glyph, so none is ever red on red.
``tests/ui/test_contrast.py`` checks every rule of the stylesheet below, whoever adds it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.wire.dispositions import DispositionCategory
from app.wire.tasks import TaskState
from ui.theme_names import Theme

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


@dataclass(frozen=True)
class Colours:
    """Every colour the UI uses, for one theme."""

    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    button: str
    highlight: str
    highlight_text: str
    success: str
    warning: str
    danger: str
    info: str
    neutral: str
    on_accent: str
    """Text on the accent colours above (badges, the Answer and Hang up buttons)."""
    border: str
    """The outline of fields (the comment box, line edits, combo boxes) and panels: 3:1 with the
    surfaces around and inside them."""


LIGHT = Colours(
    window="#f3f4f6",
    base="#ffffff",
    alt_base="#f7f8fa",
    text="#1d2330",
    muted="#5d6576",
    button="#e9ebef",
    highlight="#2f6cc0",
    highlight_text="#ffffff",
    success="#1b7340",
    warning="#8f5b0a",
    danger="#b42828",
    info="#2762a3",
    neutral="#5f6674",
    on_accent="#ffffff",
    border="#7d8491",
)
DARK = Colours(
    window="#1f2329",
    base="#16191e",
    alt_base="#22262d",
    text="#e6e8eb",
    muted="#a3acb8",
    button="#2c3139",
    highlight="#2f6cc0",
    highlight_text="#ffffff",
    success="#5cc98a",
    warning="#f0c75e",
    danger="#ff9191",
    info="#74bdf2",
    neutral="#b0bccb",
    on_accent="#111418",
    border="#7c8594",
)
QDir.addSearchPath("icons", str(ICONS))
_COLOURS = {Theme.LIGHT: LIGHT, Theme.DARK: DARK}
_current: dict[str, Theme] = {"theme": Theme.LIGHT}
_fusion_for: dict[str, int] = {}


def colours(theme: Theme | None = None) -> Colours:
    """The colours of ``theme`` (default: the one applied)."""
    return _COLOURS[theme or _current["theme"]]


def category_colour(category: DispositionCategory) -> QColor:
    """The colour a disposition category is shown in (history rows, the disposition form)."""
    c = colours()
    return QColor(
        {
            DispositionCategory.SUCCESS: c.success,
            DispositionCategory.CALLBACK: c.info,
            DispositionCategory.NOT_REACHED: c.warning,
            DispositionCategory.NON_TARGET: c.danger,
            DispositionCategory.MAIL_ONLY: c.neutral,
            DispositionCategory.OTHER: c.neutral,
        }[category]
    )


TASK_STATE_BADGES: dict[TaskState, str] = {
    TaskState.OPEN: "info",
    TaskState.IN_PROGRESS: "progress",
    TaskState.DONE: "success",
    TaskState.NOT_REACHED: "warning",
    TaskState.SENT_ONLY: "neutral",
    TaskState.CANCELLED: "neutral",
    TaskState.EXPIRED: "danger",
}
"""The one colour of each task state (issue 16: "colour-coded the same everywhere"), as the badge role
the style sheet fills (``QLabel[badge=...]``); :func:`task_state_colour` gives it as a colour."""
PROGRESS = {Theme.LIGHT: "#6b3fa0", Theme.DARK: "#c9a8f5"}
"""In progress (a task someone holds): a violet apart from the other colours, under ``on_accent`` text
at 4.5:1 or more in each theme."""


def task_state_colour(state: TaskState, theme: Theme | None = None) -> QColor:
    """The colour a task state is shown in (the panel's badges and list rows)."""
    c = colours(theme)
    return QColor(
        {
            "info": c.info,
            "progress": PROGRESS[theme or _current["theme"]],
            "success": c.success,
            "warning": c.warning,
            "neutral": c.neutral,
            "danger": c.danger,
        }[TASK_STATE_BADGES[state]]
    )


@functools.cache
def icon(name: str) -> QIcon:
    """The SVG icon ``resources/icons/<name>.svg``, made once per name: every new QIcon renders its
    pixmaps anew and keeps them in Qt's pixmap cache, which then grew with each status change (the
    status dot, the tray, the status menus) by ~2 KB, up to the cache's 10 MB (issue 5)."""
    return QIcon(f"icons:{name}.svg")


def _palette(c: Colours) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, value in (
        (role.Window, c.window),
        (role.WindowText, c.text),
        (role.Base, c.base),
        (role.AlternateBase, c.alt_base),
        (role.Text, c.text),
        (role.Button, c.button),
        (role.ButtonText, c.text),
        (role.Highlight, c.highlight),
        (role.HighlightedText, c.highlight_text),
        (role.ToolTipBase, c.base),
        (role.ToolTipText, c.text),
        (role.PlaceholderText, c.muted),
        (role.Link, c.info),
        (role.BrightText, c.danger),
    ):
        p.setColor(r, QColor(value))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor(c.muted))
    return p


def _stylesheet(c: Colours) -> str:
    progress = PROGRESS[next(theme for theme, each in _COLOURS.items() if each is c)]
    return f"""
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="muted"] {{ color: {c.muted}; }}
QLabel[role="error"] {{ color: {c.danger}; }}
QLabel[badge] {{ border-radius: 4px; padding: 1px 6px; color: {c.on_accent}; }}
QLabel[badge="success"] {{ background: {c.success}; }}
QLabel[badge="warning"] {{ background: {c.warning}; }}
QLabel[badge="danger"] {{ background: {c.danger}; }}
QLabel[badge="info"] {{ background: {c.info}; }}
QLabel[badge="neutral"] {{ background: {c.neutral}; }}
QLabel[badge="progress"] {{ background: {progress}; }}
QFrame[panel="true"] {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 6px; }}
QFrame#ringing {{ background: {c.base}; border: 2px solid {c.success}; border-radius: 6px; }}
QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox {{ border: 1px solid {c.border};
    border-radius: 3px; padding: 2px 4px; }}
QComboBox::drop-down {{ border: 0; width: 18px; }}
QComboBox::down-arrow {{ image: url(icons:down-arrow.svg); width: 10px; height: 10px; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QAbstractSpinBox:focus {{
    border: 1px solid {c.highlight}; }}
QLineEdit[dirty="true"], QComboBox[dirty="true"] {{ border: 1px solid {c.warning}; }}
QLineEdit[invalid="true"] {{ border: 1px solid {c.danger}; }}
QToolButton {{ padding: 4px 8px; }}
QToolButton#answer {{ background: {c.success}; color: {c.on_accent}; border-radius: 4px; }}
QToolButton#reject, QToolButton#hangup {{ background: {c.danger}; color: {c.on_accent};
    border-radius: 4px; }}
"""


# ----- call controls and after-call work (issue 13): the states an operator must not miss ----------


@dataclass(frozen=True)
class ControlColours:
    """Filled states: the microphone-off bar, the ACW countdown in its last fifth and at zero, and
    warning text on the window. Each text/background pair meets WCAG AA (4.5:1) in its theme."""

    warning_background: str
    warning_text: str
    danger_background: str
    danger_text: str
    warning_on_window: str
    """Warning text (``QLabel[role="warning"]``) straight on the window and panel backgrounds."""


_CONTROL_COLOURS = {
    Theme.LIGHT: ControlColours("#fde68a", "#4a3000", "#b42318", "#ffffff", "#8a4b00"),
    Theme.DARK: ControlColours("#f6c343", "#1d1400", "#f97066", "#1a0505", "#f6c343"),
}


def control_colours(theme: Theme | None = None) -> ControlColours:
    """The filled-state colours of ``theme`` (default: the one applied)."""
    return _CONTROL_COLOURS[theme or _current["theme"]]


def _control_stylesheet(theme: Theme) -> str:
    k = _CONTROL_COLOURS[theme]
    return f"""
QLabel[role="warning"] {{ color: {k.warning_on_window}; }}
QLabel#acwCountdown {{ border-radius: 4px; padding: 1px 6px; font-weight: 600; }}
QLabel#acwCountdown[role="warning"] {{ background: {k.warning_background}; color: {k.warning_text}; }}
QLabel#acwCountdown[role="error"] {{ background: {k.danger_background}; color: {k.danger_text}; }}
QLabel#muteBar {{ background: {k.danger_background}; color: {k.danger_text}; font-weight: 700;
    border-radius: 4px; padding: 6px 10px; }}
"""


def apply_theme(app: QApplication, theme: Theme) -> None:
    """Colour the whole application with ``theme``; widgets restyle themselves on ``PaletteChange``.

    The theme already applied is not applied again: setting a style sheet re-polishes every widget
    of the application, which costs seconds in a long session (and a settings dialog confirmed
    without a change, or a policy re-read, would pay it for nothing)."""
    sheet = _stylesheet(_COLOURS[theme]) + _control_stylesheet(theme)
    palette = _palette(_COLOURS[theme])
    fusion = _is_fusion(app)
    if _current.get("theme") is theme and fusion and app.styleSheet() == sheet and app.palette() == palette:
        return
    _current["theme"] = theme
    if not fusion:
        app.setStyle("Fusion")  # the platform styles ignore parts of a custom palette
    _fusion_for["app"] = id(app)
    app.setPalette(palette)
    app.setStyleSheet(sheet)


def _is_fusion(app: QApplication) -> bool:
    """Whether Fusion draws the application. Once a style sheet is set, ``app.style()`` is Qt's
    style-sheet style wrapped around the base style, and its ``name()`` is empty: so a Fusion we set
    is remembered (by application), else every call would set the style and the sheet again."""
    if app.style().name().lower() == "fusion":
        return True
    return _fusion_for.get("app") == id(app) and app.style().metaObject().className() == "QStyleSheetStyle"


def current_theme() -> Theme:
    """The theme applied last."""
    return _current["theme"]


def set_role(widget: QWidget, role: str, name: str = "role") -> None:
    """Set the dynamic property the stylesheet colours by (``role``, ``badge``...) and restyle now."""
    if widget.property(name) == role:
        return
    widget.setProperty(name, role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
