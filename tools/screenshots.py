"""Screenshots of the main window's states for ``docs/screenshots/`` (run under Xvfb: ``xvfb-run``).

``xvfb-run -a .venv/bin/python tools/screenshots.py`` writes idle, ringing, in-call and after-call-work
shots in the light and dark themes, and the Russian in-call and ACW ones, from the sample data in
:mod:`ui.sample_data` at a fixed instant so the images only change when the UI does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.wire.statuses import OperatorStatus  # noqa: E402
from ui import sample_data as s  # noqa: E402
from ui.call_controls import CallView, WaitingCall  # noqa: E402
from ui.card.call_card import CardData  # noqa: E402
from ui.disposition_form import AcwView, DispositionRequest  # noqa: E402
from ui.i18n import Language, set_language  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.ringing_panel import RingingCall  # noqa: E402
from ui.status_menu import StatusChoice, StatusView  # noqa: E402
from ui.theme import Theme, apply_theme  # noqa: E402

OUT = REPO / "docs" / "screenshots"


def idle(w: MainWindow) -> None:
    w.status.show_status(StatusView(OperatorStatus.READY, s.NOW - timedelta(minutes=4, seconds=12)))


def ringing(w: MainWindow) -> None:
    idle(w)
    w.ringing.show_ringing(RingingCall("+79131234567", "Иванов Иван Петрович", queue="sales"))
    w.card.show_contact(CardData(s.contact(), s.SCHEMA, s.CODES, s.history()))


def in_call(w: MainWindow) -> None:
    w.status.show_status(
        StatusView(
            OperatorStatus.ON_CALL,
            s.NOW - timedelta(minutes=2),
            next=StatusChoice(OperatorStatus.NOT_READY, "lunch"),
        )
    )
    w.controls.show_call(
        CallView(
            "+79131234567",
            s.NOW - timedelta(minutes=2, seconds=5),
            name="Иванов Иван Петрович",
            waiting=WaitingCall("+74951112233", "Петрова Анна"),
        )
    )
    w.card.show_contact(CardData(s.contact(), s.SCHEMA, s.CODES, s.history()))


def acw(w: MainWindow) -> None:
    w.status.show_status(StatusView(OperatorStatus.ACW, s.NOW - timedelta(seconds=25)))
    w.card.show_contact(CardData(s.contact(), s.SCHEMA, s.CODES, s.history()))
    w.disposition.show_form(
        DispositionRequest(
            s.CODES,
            AcwView(s.NOW - timedelta(seconds=25), limit=timedelta(minutes=2)),
            "callback",
            time_zone="Asia/Novosibirsk",
        )
    )


def unknown(w: MainWindow) -> None:
    idle(w)
    w.ringing.show_ringing(RingingCall("+79139876543", queue="support"))
    w.card.show_unknown("+79139876543")


STATES: dict[str, Callable[[MainWindow], None]] = {
    "idle": idle,
    "ringing": ringing,
    "in-call": in_call,
    "acw": acw,
    "unknown-caller": unknown,
}
SHOTS = [(name, theme, Language.EN) for theme in Theme for name in STATES] + [
    (name, Theme.LIGHT, Language.RU) for name in ("in-call", "acw")
]


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, theme, lang in SHOTS:
        apply_theme(app, theme)
        set_language(lang)
        window = MainWindow(clock=lambda: s.NOW)
        window.status.show_reasons(s.REASONS)
        STATES[name](window)
        window.resize(1366, 740)
        window.show()
        for _ in range(5):
            app.processEvents()
        path = OUT / f"{name}-{theme.value}{'-ru' if lang is Language.RU else ''}.png"
        window.grab().save(str(path))
        print(path.relative_to(REPO))
        window.close()
        window.deleteLater()
        app.processEvents()
    set_language(Language.EN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
