"""Contrast as rendered (issue 13, defect 12): the real desktop in each theme takes a sipp call, and at
each moment (ringing, in the call, after-call work) every visible label and button of the window is
grabbed and measured: its text against its background, both as its palette says and as its pixels
show; the call buttons' icons against the button; the comment box's border against its inside.
``tests/ui/test_contrast.py`` checks the theme's definitions themselves.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QAbstractButton, QLabel, QToolButton, QWidget

from app.session.phase import Phase
from app.status.choice import Choice
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from tests.ui.contrast import NON_TEXT, TEXT, ratio
from ui.actions import ActionId
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.main_window import MainWindow
from ui.theme import Theme

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


def pixels(image: QImage, area: QRect | None = None) -> Counter[int]:
    area = area or image.rect()
    return Counter(
        image.pixel(x, y)
        for x in range(area.left(), area.right() + 1)
        for y in range(area.top(), area.bottom() + 1)
    )


def drawn_contrast(image: QImage, area: QRect | None = None) -> float:
    """The most contrasting pixel (the text's or the glyph's own colour) against the most frequent one
    (the background): antialiasing only ever lowers it, so a pass is real."""
    counts = pixels(image, area)
    background = QColor.fromRgb(counts.most_common(1)[0][0])
    return max(ratio(QColor.fromRgb(p), background) for p in counts)


def readable(widget: QWidget) -> bool:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    return bool(text.strip()) and widget.isVisible() and widget.isEnabled() and widget.width() > 4


def check_window(window: MainWindow, moment: str) -> list[str]:
    low: list[str] = []
    widgets = [w for w in window.findChildren(QWidget) if isinstance(w, QLabel | QAbstractButton)]
    for widget in filter(readable, widgets):
        name = f"{moment}: {type(widget).__name__} {widget.text()!r}"  # type: ignore[attr-defined]
        palette = widget.palette()
        fg, bg = palette.color(widget.foregroundRole()), palette.color(widget.backgroundRole())
        coloured = widget.property("badge") or widget.objectName() in {"answer", "hangup", "reject"}
        if coloured and ratio(fg, bg) < TEXT:
            low.append(f"{name}: palette {fg.name()} on {bg.name()}: {ratio(fg, bg):.2f}")
        drawn = drawn_contrast(widget.grab().toImage())
        icon_only = (
            isinstance(widget, QToolButton)
            and widget.toolButtonStyle() is Qt.ToolButtonStyle.ToolButtonIconOnly
        )
        if drawn < (NON_TEXT if icon_only else TEXT):  # a toolbar's icon-only button shows no text
            low.append(f"{name}: drawn {drawn:.2f}")
    return low


def check_icon(button: QToolButton, moment: str) -> list[str]:
    image = button.grab().toImage()
    side = button.iconSize().width() + 8
    icon_area = QRect(0, 0, min(side, image.width()), image.height())
    background = QColor.fromRgb(pixels(image).most_common(1)[0][0])
    counts = pixels(image, icon_area)
    best = max(ratio(QColor.fromRgb(p), background) for p in counts)
    return [] if best >= NON_TEXT else [f"{moment}: icon of {button.objectName()}: {best:.2f}"]


@pytest.mark.parametrize("theme", [Theme.DARK, Theme.LIGHT])
def test_what_the_operator_sees_is_readable(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    theme: Theme,
) -> None:
    port = free_port("udp")
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            theme=theme,
            database=tmp_path / "desk.db",
        )
    )
    sipp = Sipp(
        "uac_wait_bye.xml",
        f"127.0.0.1:{port}",
        service="operator",
        variables={
            "display": "Ivan",
            "caller": "+79131234567",
            "pai_number": "+79131234567",
            "customer_id": "1",
            "queue": "shop",
            "extra_header": "",
        },
        recv_timeout=40.0,
        timeout=60.0,
    )
    low: list[str] = []

    async def steps() -> None:
        window, ws = desktop.window, desktop.workstation
        assert window is not None and ws is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)
        sipp.start()
        await until(lambda: any(s.phase is Phase.RINGING for s in ws.calls.values()))
        await until(lambda: window.card.contact_page.name.text() != "")  # the CRM's chips are shown
        await asyncio.sleep(0)  # let the posted layout run before grabbing
        window.grab().save(str(tmp_path / f"{theme}-ringing.png"))
        low.extend(check_window(window, "ringing"))
        low.extend(check_icon(window.ringing.answer_button, "ringing"))
        window.ringing.answer_button.click()
        await until(lambda: any(s.phase is Phase.TALKING for s in ws.calls.values()))
        await asyncio.sleep(0)
        window.grab().save(str(tmp_path / f"{theme}-talking.png"))
        low.extend(check_window(window, "talking"))
        low.extend(check_icon(window.controls.buttons[ActionId.HANG_UP], "talking"))
        window.action_collection[ActionId.HANG_UP].trigger()
        form = window.disposition
        await until(lambda: hasattr(form, "comment") and form.comment.isVisible())
        await asyncio.sleep(0)
        window.grab().save(str(tmp_path / f"{theme}-acw.png"))
        low.extend(check_window(window, "after-call work"))
        comment = form.comment.grab().toImage()
        middle = comment.height() // 2
        border = QColor.fromRgb(comment.pixel(0, middle))
        inside = QColor.fromRgb(comment.pixel(comment.width() // 2, middle))
        if ratio(border, inside) < NON_TEXT:
            low.append(f"comment box border {border.name()} on {inside.name()}: {ratio(border, inside):.2f}")

    async def scenario() -> None:
        try:
            assert await desktop.start()
            await steps()
        finally:
            await desktop.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        sipp.stop()
    assert not low, "\n".join(low)
