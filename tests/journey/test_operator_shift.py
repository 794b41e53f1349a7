"""An operator's shift on the real ``ringdesk``, driven only by keys and clicks through X.

The journey (``tests/journey/shift.py``) runs once for the module, in the fixture below; each of its
findings is asserted by its own test. The ones that are known defects of issue 13 are strict xfails, so
they turn red once the fix lands and the mark must go.

The screen is 1280x720, the smallest in the issue: a window that does not fit is part of the journey.
"""

from __future__ import annotations

import traceback

import pytest

from tests.journey.conftest import Customers, api, launch, shots_dir, today
from tests.journey.screen import Screen, xvfb
from tests.journey.shift import Shift, the_shift
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.secret_service import SecretService

pytestmark = pytest.mark.timeout(600)  # the journey runs in the first test's set-up

OPERATOR = "operator1"
WIDTH, HEIGHT = 1280, 720


@pytest.fixture(scope="module")
def shift(
    journey_server: LiveServer,
    customers: Customers,
    keyring: SecretService,
    tmp_path_factory: pytest.TempPathFactory,
) -> Shift:
    shots = shots_dir("operator-shift")
    result = Shift(shots=shots)
    port = free_port("udp")
    with xvfb(WIDTH, HEIGHT) as display:
        desk = launch(
            tmp=tmp_path_factory.mktemp("operator-home"),
            display=display,
            screen=Screen(display, shots),
            keyring=keyring,
            server=journey_server,
            args=[
                f"--phone=--listen=127.0.0.1:{port}",
                "--phone=--local-user=operator",
                "--phone=--no-audio",
            ],
        )
        try:
            the_shift(desk, customers, port, result, OPERATOR)
        except Exception:
            result.error = traceback.format_exc()
        finally:
            desk.stop()
    return result


def test_the_shift_is_done_and_reaches_the_server(shift: Shift, journey_server: LiveServer) -> None:
    """Five calls or more were taken and their results reached the server (the operator's KPIs)."""
    assert not shift.error, shift.error
    assert shift.calls >= 5
    with api(journey_server, OPERATOR) as client:
        kpi = client.get("/kpi", params={"operator": OPERATOR, "day": today(), "tz": "UTC"}).json()
    assert kpi["operators"][0]["handled"] >= 5


def test_the_shift_needed_no_pydantic(shift: Shift) -> None:
    """The desk checks the server's answers and its own requests with the light engine (issue 15: the
    desk's memory); over a whole shift it never had to ask pydantic, so never loaded it."""
    assert not shift.error, shift.error
    assert shift.wire == {"engine": "light", "pydantic_loaded": False, "pydantic_consulted": {}}


def test_quitting_after_the_shift_ends_the_program_cleanly(shift: Shift) -> None:
    assert not shift.notes["quit"]


def test_enter_drives_the_script_right_after_answering(shift: Shift) -> None:
    assert not shift.notes["enter_after_answer"]


def test_digits_and_enter_drive_the_script(shift: Shift) -> None:
    assert not shift.notes.get("script_keys", "")


def test_mute_is_shown_and_toggles(shift: Shift) -> None:
    assert not shift.notes["mute_shown"]
    assert not shift.notes["mute_bar"]


def test_a_key_answers_the_waiting_call(shift: Shift) -> None:
    assert not shift.notes["waiting_key"]


def test_the_card_shows_the_answered_second_caller(shift: Shift) -> None:
    assert not shift.notes["second_call_card"]


def test_hold_time_reaches_the_server(shift: Shift, journey_server: LiveServer) -> None:
    with api(journey_server, OPERATOR) as client:
        kpi = client.get("/kpi", params={"operator": OPERATOR, "day": today(), "tz": "UTC"}).json()
    assert kpi["operators"][0]["hold_seconds"] >= shift.hold_s


def test_the_status_menu_offers_no_system_reason(shift: Shift) -> None:
    assert not shift.notes["system_reasons"]


def test_the_window_fits_a_1280x720_screen(shift: Shift) -> None:
    assert not shift.notes["fits"]
