"""The operator's shift in Russian on the real ``ringdesk``: the same journey as in English, and at every
step (each screenshot) every visible text is read back and checked for English or raw codes left
untranslated (issue 13, defect 11).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

import pytest

from tests.journey.conftest import Customers, launch, shots_dir
from tests.journey.desktop import RingdeskProcess
from tests.journey.screen import Screen, xvfb
from tests.journey.shift import RUSSIAN, Shift, the_shift
from tests.journey.untranslated import untranslated
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.secret_service import SecretService

pytestmark = pytest.mark.timeout(600)  # the journey runs in the first test's set-up

OPERATOR = "operator2"
CRM_VALUES = {"Retail", "Wholesale", "operator1", "operator2", "operator3", "support1", "lead"}
"""Customer data shown as it is (segments as the CRM names them) and logins (who took a past call)."""


@dataclass
class RussianShift:
    shift: Shift
    leaks: dict[str, list[str]] = field(default_factory=dict)
    """Untranslated texts by screen (the screenshot's name)."""


class WatchedScreen(Screen):
    """A screen that, at every screenshot, also reads every visible text for the check."""

    desk: RingdeskProcess | None = None
    result: RussianShift | None = None

    def shot(self, name: str):  # type: ignore[no-untyped-def]
        path = super().shot(name)
        if self.desk is not None and self.result is not None and self.desk.proc.poll() is None:
            found = untranslated(self.desk.shown().widgets, CRM_VALUES)
            if found:
                self.result.leaks[path.stem] = found
        return path


@pytest.fixture(scope="module")
def russian_shift(
    journey_server: LiveServer,
    customers: Customers,
    keyring: SecretService,
    tmp_path_factory: pytest.TempPathFactory,
) -> RussianShift:
    shots = shots_dir("russian-shift")
    result = RussianShift(Shift(shots=shots))
    port = free_port("udp")
    with xvfb() as display:
        screen = WatchedScreen(display, shots)
        desk = launch(
            tmp=tmp_path_factory.mktemp("russian-home"),
            display=display,
            screen=screen,
            keyring=keyring,
            server=journey_server,
            language="ru",
            args=[
                f"--phone=--listen=127.0.0.1:{port}",
                "--phone=--local-user=operator",
                "--phone=--no-audio",
            ],
        )
        screen.desk, screen.result = desk, result
        try:
            the_shift(desk, customers, port, result.shift, OPERATOR, RUSSIAN)
        except Exception:
            result.shift.error = traceback.format_exc()
        finally:
            desk.stop()
    return result


def test_the_russian_shift_is_done(russian_shift: RussianShift) -> None:
    assert not russian_shift.shift.error, russian_shift.shift.error
    assert russian_shift.shift.calls >= 5


def test_no_screen_shows_an_untranslated_text(russian_shift: RussianShift) -> None:
    leaks = "\n".join(f"{screen}:\n  " + "\n  ".join(texts) for screen, texts in russian_shift.leaks.items())
    assert not russian_shift.leaks, f"untranslated texts:\n{leaks}"
