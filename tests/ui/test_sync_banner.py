"""The banner that says how many records wait for the server: hidden when all is delivered, the count
in the right plural in Russian and English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.sync.status import SyncStatus
from ui.i18n import Language, set_language
from ui.sync_banner import SyncBanner


@pytest.fixture
def banner(qtbot: QtBot) -> Iterator[SyncBanner]:
    widget = SyncBanner()
    qtbot.addWidget(widget)
    yield widget
    set_language(Language.EN)


def test_hidden_while_everything_is_delivered(banner: SyncBanner) -> None:
    banner.show_status(SyncStatus(pending=3, online=False))
    assert not banner.isHidden()
    banner.show_status(SyncStatus(pending=0, online=True))
    assert banner.isHidden()


def test_counts_in_the_right_plural(banner: SyncBanner) -> None:
    set_language(Language.RU)
    shown = []
    for n in (1, 3, 5, 21):
        banner.show_status(SyncStatus(pending=n, online=False))
        shown.append(banner.text())
    assert shown == [
        "Сервер недоступен: 1 запись сохранена здесь и ждёт отправки",
        "Сервер недоступен: 3 записи сохранены здесь и ждут отправки",
        "Сервер недоступен: 5 записей сохранено здесь и ждут отправки",
        "Сервер недоступен: 21 запись сохранена здесь и ждёт отправки",
    ]
    banner.show_status(SyncStatus(pending=2, login_required=True))
    assert banner.text() == "Войдите снова: ждут 2 записи"
    banner.show_status(SyncStatus(parked=11, online=True))
    assert banner.isHidden()  # the refused-records notice says it, with the reason and the list
    set_language(Language.EN)
    banner.show_status(SyncStatus(pending=1, online=False))
    assert banner.text() == "Server unreachable: 1 record(s) saved here, waiting to be sent"
