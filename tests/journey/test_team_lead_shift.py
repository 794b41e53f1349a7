"""A team lead's shift on the real ``ringdesk``: the Team board (Ctrl+T) live within a second of an
operator's status change, a status forced on an operator, a break request approved, an operator's
history opened, all with the pointer and keys through X.

The operator is a colleague whose own desktop is not under test here: their changes and their break
request are made on the server directly (as their desktop would), so this journey measures the lead's
screen alone. Like the operator's journey, the run is one fixture and each finding has its own test;
everything here waits on defect 1 (the board never connects in the real desktop).
"""

from __future__ import annotations

import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest

from tests.journey.conftest import api, launch, log_in, shots_dir
from tests.journey.desktop import RingdeskProcess, Shown, Widget
from tests.journey.screen import Screen, xvfb
from tests.server.live import LiveServer
from tests.support.secret_service import SecretService

pytestmark = pytest.mark.timeout(600)  # the journey runs in the first test's set-up

LEAD = "lead"
COLLEAGUE = "operator2"
LONG_BREAK = "long_break"
LIVE_WITHIN_S = 1.0


@dataclass
class LeadShift:
    notes: dict[str, str] = field(default_factory=dict)
    live_s: float | None = None
    error: str = ""

    def note(self, topic: str, problem: str) -> None:
        if problem and not self.notes.get(topic):
            self.notes[topic] = problem
        self.notes.setdefault(topic, "")


def board(shown: Shown) -> Widget:
    return shown["TeamWindow.view"]


def colleague_row(shown: Shown) -> tuple[str, ...] | None:
    return next((row for row in board(shown).rows if COLLEAGUE in row), None)


def set_status(colleague: httpx.Client, status: str, reason: str | None = None) -> None:
    """What the colleague's desktop posts when they change their status."""
    body = {"operator": COLLEAGUE, "status": status, "reason": reason, "at": datetime.now(UTC).isoformat()}
    colleague.post("/statuses", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}).raise_for_status()


def the_lead_shift(desk: RingdeskProcess, server: LiveServer, shift: LeadShift) -> None:
    with api(server, COLLEAGUE) as colleague:  # logged in once: the clock below times the board only
        lead_journey(desk, server, colleague, shift)


def lead_journey(
    desk: RingdeskProcess, server: LiveServer, colleague: httpx.Client, shift: LeadShift
) -> None:
    screen = desk.screen
    log_in(desk, LEAD)
    desk.until(lambda s: s.text("status.status") == "Shift start", 30, "logged in")
    set_status(colleague, "ready")
    screen.key("ctrl+t")
    desk.window("TeamWindow")
    try:
        desk.until(
            lambda s: s.text("TeamWindow.connection") == "Live" and colleague_row(s), 10, "the board live"
        )
    except AssertionError as exc:
        screen.shot("team-board-not-live")
        shift.note("connects", f"the Team board is not live after 10 s: {str(exc)[:300]}")
        for topic in ("live", "force", "approve", "history"):
            shift.note(topic, "not reached: the board never connected")
        return
    shift.note("connects", "")
    screen.shot("team-board")

    # live: an operator goes on a break; the lead's board shows it within a second
    started = time.monotonic()
    set_status(colleague, "not_ready", "break")
    row = desk.until(
        lambda s: (r := colleague_row(s)) is not None and any("break" in c.lower() for c in r) and r,
        10,
        "Break on the board",
    )
    shift.live_s = time.monotonic() - started
    shift.note("live", "" if shift.live_s <= LIVE_WITHIN_S else f"the board took {shift.live_s:.1f} s")
    assert row

    # force: select the operator's row (click the table, type their name), Force..., pick Ready, Enter
    set_status(colleague, "ready")
    desk.until(lambda s: (r := colleague_row(s)) is not None and "Ready" in r, 10, "Ready on the board")
    view = board(desk.shown())
    screen.click(view.rect[0] + 40, view.rect[1] + 40)
    screen.type(COLLEAGUE)
    desk.until(
        lambda s: (b := board(s)).current_row is not None and COLLEAGUE in b.rows[b.current_row],
        10,
        "selected",
    )
    desk.click("TeamWindow.force_button")
    desk.window("ForceDialog")
    screen.shot("force-dialog")
    screen.type("Lunch")  # the combo box jumps to the entry typed
    screen.key("Return")
    try:
        desk.until(
            lambda s: (r := colleague_row(s)) is not None and any("lunch" in c.lower() for c in r),
            10,
            "Lunch forced",
        )
    except AssertionError as exc:
        shift.note("force", f"the forced status did not show: {str(exc)[:200]}")
    shift.note("force", "")
    screen.shot("forced")

    # approve: the operator asks for a break that needs approval; the lead approves it
    asked = colleague.post(
        "/requests",
        json={"operator": COLLEAGUE, "kind": "break", "status": "not_ready", "reason": LONG_BREAK},
    )
    asked.raise_for_status()
    request_id = asked.json()["id"]
    desk.until(
        lambda s: (r := colleague_row(s)) is not None and any("long" in c.lower() for c in r), 10, "request"
    )
    desk.click("TeamWindow.approve_button")
    with api(server, LEAD) as client:
        deadline = time.monotonic() + 10
        state = ""
        while time.monotonic() < deadline and state not in ("approved", "applied"):
            found = [r for r in client.get("/requests").json() if r["id"] == request_id]
            state = found[0]["state"] if found else ""
            time.sleep(0.1)
    shift.note(
        "approve", "" if state in ("approved", "applied") else f"the request is {state!r} after Approve"
    )
    screen.shot("approved")

    # history: the operator's status changes, in a dialog
    desk.click("TeamWindow.history_button")
    try:
        dialog = desk.until(lambda s: next((w for w in s.widgets if _is_history_table(w.path)), None), 10)
        shift.note("history", "" if dialog.rows else "the history dialog is empty")
    except AssertionError as exc:
        shift.note("history", f"no history dialog: {str(exc)[:200]}")
    screen.shot("history")


@pytest.fixture(scope="module")
def lead_shift(
    journey_server: LiveServer, keyring: SecretService, tmp_path_factory: pytest.TempPathFactory
) -> LeadShift:
    with api(journey_server, "admin") as admin:
        reason = {
            "code": LONG_BREAK,
            "label_en": "Long break",
            "label_ru": "Длинный перерыв",
            "max_minutes": 30,
            "needs_approval": True,
        }
        admin.put(f"/catalogue/reasons/{LONG_BREAK}", json=reason).raise_for_status()
    shots = shots_dir("team-lead-shift")
    result = LeadShift()
    with xvfb() as display:
        desk = launch(
            tmp=tmp_path_factory.mktemp("lead-home"),
            display=display,
            screen=Screen(display, shots),
            keyring=keyring,
            server=journey_server,
            args=["--phone=--listen=127.0.0.1:0", "--phone=--no-audio"],
        )
        try:
            the_lead_shift(desk, journey_server, result)
        except Exception:
            result.error = traceback.format_exc()
        finally:
            desk.stop()
    return result


def _is_history_table(path: str) -> bool:
    """The history dialog's table, whichever way the probe reached the dialog: as a window of its own
    (``HistoryDialog.table``) or through the Team window's attribute (``TeamWindow.history_dialog.table``),
    depending on the order the windows were listed in."""
    return path.startswith("HistoryDialog.table") or ".history_dialog.table" in path


def test_the_lead_journey_ran_to_its_end(lead_shift: LeadShift) -> None:
    """Whatever the board does, the journey itself must not break (that would hide in the xfails)."""
    assert not lead_shift.error, lead_shift.error


def test_the_team_board_connects(lead_shift: LeadShift) -> None:
    assert not lead_shift.notes["connects"]


def test_the_board_is_live_within_a_second(lead_shift: LeadShift) -> None:
    assert not lead_shift.notes["live"]


def test_a_forced_status_shows_on_the_board(lead_shift: LeadShift) -> None:
    assert not lead_shift.notes["force"]


def test_approving_a_break_reaches_the_server(lead_shift: LeadShift) -> None:
    assert not lead_shift.notes["approve"]


def test_the_history_opens(lead_shift: LeadShift) -> None:
    assert not lead_shift.notes["history"]
