"""The sentence the status bar shows when the headset's sound device is unplugged mid-call and when it
comes back, through the same path as every phone event: service event -> workstation -> desk.

(The sound itself moving is proved with real audio in ``tests/audio/test_audio_pulse.py``.)
"""

from __future__ import annotations

import asyncio

from app.telephony import events as ev
from app.telephony.events import CallState
from tests.core.helpers import incoming, state
from tests.ui.test_desk import Harness
from ui.i18n import Language, set_language


def test_the_status_bar_says_where_the_sound_went_and_that_the_headset_is_back(
    loop: asyncio.AbstractEventLoop,
) -> None:
    h = Harness(loop)
    h.ws.start_shift()
    h.event(incoming("c1", 10))
    h.event(state("c1", CallState.ACTIVE, 12))
    label = h.desk.audio_route
    assert not label.isVisibleTo(h.window)

    h.event(ev.AudioRouteChanged(headset="Jabra EVOLVE 30", device="Built-in Audio <b>Analog</b>"))
    assert label.isVisibleTo(h.window)
    assert label.text() == (
        "Headset Jabra EVOLVE 30 unplugged: the call's sound now plays on Built-in Audio <b>Analog</b>"
    )
    assert h.ws.calls["c1"].phase.live  # the call goes on
    set_language(Language.RU)
    try:
        h.settle()
        assert label.text() == (
            "Гарнитура Jabra EVOLVE 30 отключена: звук звонка теперь идёт через Built-in Audio <b>Analog</b>"
        )
    finally:
        set_language(Language.EN)
        h.settle()

    h.event(ev.AudioRouteChanged(headset="Jabra EVOLVE 30", device="Jabra EVOLVE 30", back=True))
    assert label.text() == "Headset Jabra EVOLVE 30 is back: the call's sound plays in it again"


def test_the_silent_fallback_says_the_call_has_no_sound_until_the_headset_is_back(
    loop: asyncio.AbstractEventLoop,
) -> None:
    h = Harness(loop)
    h.ws.start_shift()
    h.event(incoming("c1", 10))
    h.event(state("c1", CallState.ACTIVE, 12))
    h.event(ev.AudioRouteChanged(headset="headset", device=""))
    text = h.desk.audio_route.text()
    assert text == "Headset headset unplugged: the call goes on without sound until you plug it back in"
    set_language(Language.RU)
    try:
        h.settle()
        assert h.desk.audio_route.text() == (
            "Гарнитура headset отключена: звонок продолжается без звука, пока вы не подключите её снова"
        )
    finally:
        set_language(Language.EN)
        h.settle()
