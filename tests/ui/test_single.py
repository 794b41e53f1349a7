"""A second launch (a tel: link clicked in the CRM) hands its link to the running desktop."""

from __future__ import annotations

import os

from pytestqt.qtbot import QtBot

from ui.single import Instance, hand_over


def test_a_link_reaches_the_running_desktop_and_none_runs_after_it_closes(qtbot: QtBot) -> None:
    name = f"ringdesk-test-{os.getpid()}"
    assert not hand_over("tel:+79123456789", name)  # nobody listens yet: this launch is the desktop
    links: list[str] = []
    instance = Instance(links.append, name)
    try:
        assert hand_over("tel:+79123456789", name)
        qtbot.waitUntil(lambda: links == ["tel:+79123456789"], timeout=3000)
        assert hand_over(None, name)  # launched again from the menu: just show the window
        qtbot.waitUntil(lambda: links == ["tel:+79123456789", ""], timeout=3000)
    finally:
        instance.close()
    assert not hand_over("tel:+7", name)
