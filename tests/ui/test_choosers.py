"""Every chooser offers only what a person may choose (issue 13, defect 8): the status menu, the tray
and the team lead's Force dialog leave out retired and system-only reasons (``shift_start``,
``phone_offline``), by the one rule ``app.status.choice.offered``."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.wire.statuses import NotReadyReason, OperatorStatus
from ui.status_menu import StatusChoice, StatusMenu
from ui.team.dialogs import ForceDialog
from ui.tray import Tray


def reason(code: str, *, system: bool = False, active: bool = True) -> NotReadyReason:
    return NotReadyReason(code=code, label_en=code.title(), label_ru=code, system=system, active=active)


REASONS = [
    reason("shift_start", system=True),
    reason("break"),
    reason("lunch"),
    reason("phone_offline", system=True),
    reason("old", active=False),
]


def menu_reasons(menu: StatusMenu) -> list[str | None]:
    return [
        a.data().reason
        for a in menu.actions()
        if isinstance(a.data(), StatusChoice) and a.data().status is OperatorStatus.NOT_READY
    ]


def test_the_status_menu_and_the_tray_offer_what_a_person_may_choose(qapp: QApplication) -> None:
    menu = StatusMenu()
    menu.show_reasons(REASONS)
    assert menu_reasons(menu) == ["break", "lunch"]
    tray = Tray()
    tray.show_reasons(REASONS)
    assert menu_reasons(tray.menu) == ["break", "lunch"]


def test_the_force_dialog_offers_no_system_reason(qapp: QApplication) -> None:
    dialog = ForceDialog("operator1", REASONS)
    offered = [dialog.choice.itemData(i) for i in range(dialog.choice.count())]
    assert offered == [
        (OperatorStatus.READY, None),
        (OperatorStatus.NOT_READY, "break"),
        (OperatorStatus.NOT_READY, "lunch"),
        (OperatorStatus.OFFLINE, None),
    ]
