"""Issue 13, the core side: what the desk shows is what the server holds.

Hold time reaches the disposition (defect 9); a disposition the local store cannot keep leaves the
call in after-call work with the error (defect 10); a team lead's force is posted as the request it
applies and a status the server refuses is undone (defect 2); system-only reasons are never offered
and a new catalogue reaches the desk (defect 8). All without Qt, with the fakes of the core tests.
"""

from __future__ import annotations

import sqlite3

import pytest

from app.refused import Refused
from app.status import Choice
from app.status.choice import offered
from app.telephony.events import CallState
from app.wire.dispositions import Catalogue
from app.wire.statuses import SHIFT_START, OperatorStatus, StatusSource
from app.workstation import CallChanged, DispositionQueued, Problem, StatusChanged
from app.workstation.notices import CatalogueChanged, StatusRefused
from tests.core.helpers import CATALOGUE, REASONS, ended, reason, state
from tests.core.test_workstation import Desk, ring_and_answer

# ----- defect 9: hold time -------------------------------------------------------------------------


def test_hold_time_of_several_holds_reaches_the_disposition() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    ring_and_answer(d)  # answered at 13
    d.event(state("c1", CallState.HELD, 20))
    d.event(state("c1", CallState.ACTIVE, 32))  # 12 s
    d.event(state("c1", CallState.HELD, 40))
    d.event(state("c1", CallState.HELD, 41))  # a repeated report does not restart the hold
    d.event(state("c1", CallState.ACTIVE, 45))  # 5 s
    d.event(state("c1", CallState.HELD, 60))
    d.event(ended("c1", 63))  # hung up while held: 3 s
    assert d.ws.calls["c1"].hold_seconds == pytest.approx(20)
    d.ws.submit_disposition("c1", "sale")
    [disposition] = d.outbox.dispositions
    assert disposition.hold_seconds == 20


def test_a_call_never_held_says_zero_seconds() -> None:
    d = Desk()
    d.ws.start_shift()
    ring_and_answer(d)
    d.event(ended("c1", 30))
    d.ws.submit_disposition("c1", "sale")
    assert d.outbox.dispositions[0].hold_seconds == 0


# ----- defect 10: the store fails ------------------------------------------------------------------


class BrokenOutbox:
    """The local store is full (or damaged) until ``healed``."""

    def __init__(self) -> None:
        self.broken = True
        self.dispositions: list[object] = []
        self.statuses: list[object] = []

    def put_disposition(self, disposition: object) -> None:
        if self.broken:
            raise sqlite3.OperationalError("database or disk is full")
        self.dispositions.append(disposition)

    def put_status(self, change: object) -> None:
        self.statuses.append(change)


def test_a_disposition_the_store_refuses_keeps_the_call_in_acw_and_says_why() -> None:
    broken = BrokenOutbox()
    d = Desk(outbox=broken)
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    ring_and_answer(d)
    d.event(ended("c1", 40))
    before = len(d.notices)
    with pytest.raises(Refused) as refused:
        d.ws.submit_disposition("c1", "refused", comment="angry, call later")
    assert refused.value.code == "store"
    assert "disk is full" in refused.value.reason
    assert d.ws.calls["c1"].phase.value == "acw"  # the form stays open
    assert d.ws.status.status is OperatorStatus.ACW
    published = d.notices[before:]
    assert not [n for n in published if isinstance(n, CallChanged | DispositionQueued)]  # no "done"
    broken.broken = False
    d.ws.submit_disposition("c1", "refused", comment="angry, call later")  # retry once the disk is back
    assert not d.ws.calls
    assert [x.comment for x in broken.dispositions] == ["angry, call later"]  # type: ignore[attr-defined]
    assert d.of(DispositionQueued)
    assert d.ws.status.status is OperatorStatus.READY


def test_an_acw_timer_that_cannot_store_keeps_trying() -> None:
    from app.session import AcwMode, AcwPolicy

    broken = BrokenOutbox()
    d = Desk(AcwPolicy(mode=AcwMode.TIME_BOXED, timeout_s=30), outbox=broken)
    d.ws.start_shift()
    ring_and_answer(d)
    d.event(ended("c1", 40))
    d.at(80)
    d.ws.tick()
    assert d.ws.calls["c1"].phase.value == "acw"
    assert any("disk is full" in p.message for p in d.of(Problem))
    broken.broken = False
    d.at(81)
    d.ws.tick()
    assert not d.ws.calls
    assert [x.code for x in broken.dispositions] == ["acw_timeout"]  # type: ignore[attr-defined]


# ----- defect 2: forced status and refusals --------------------------------------------------------


def test_a_force_after_the_call_is_posted_with_its_request() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    ring_and_answer(d)
    d.ws.force_status(Choice.not_ready("training"), by="lead1", request=17)
    d.event(ended("c1", 40))
    d.ws.submit_disposition("c1", "sale")
    change = d.outbox.statuses[-1]
    assert (change.status, change.reason, change.source) == (
        OperatorStatus.NOT_READY,
        "training",
        StatusSource.TEAM_LEAD,
    )
    assert change.request == 17


def test_a_force_the_server_applied_is_taken_over_without_posting_it_again() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    posted = len(d.outbox.statuses)
    d.ws.applied_by_server(Choice.not_ready("break"), by="lead1")
    assert (d.ws.status.status, d.ws.status.reason) == (OperatorStatus.NOT_READY, "break")
    assert len(d.outbox.statuses) == posted  # the server has it already
    assert d.of(StatusChanged)[-1].view.reason == "break"


def test_a_status_the_server_refuses_is_undone_and_shown() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    d.ws.set_status(Choice.not_ready("lunch"))
    refused = d.outbox.statuses[-1]
    d.ws.status_refused(refused, "the not-ready reason 'lunch' is retired")
    assert (d.ws.status.status, d.ws.status.reason) == (OperatorStatus.READY, None)
    [notice] = d.of(StatusRefused)
    assert notice.change == refused and "retired" in notice.reason
    assert d.outbox.trail()[-1] == ("ready", None)  # the server hears where the desk went back to


def test_a_refused_force_after_acw_does_not_leave_the_server_in_acw() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    ring_and_answer(d)
    d.ws.force_status(Choice.not_ready("training"), by="lead1", request=5)
    d.event(ended("c1", 40))
    d.ws.submit_disposition("c1", "sale")
    d.ws.status_refused(d.outbox.statuses[-1], "the request 5 is no longer open")
    assert d.ws.status.status is OperatorStatus.READY
    assert d.outbox.trail()[-1] == ("ready", None)


def test_a_refusal_of_an_old_change_leaves_a_newer_choice_alone() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    d.ws.set_status(Choice.not_ready("lunch"))
    lunch = d.outbox.statuses[-1]
    d.ws.set_status(Choice.not_ready("break"))
    d.ws.status_refused(lunch, "retired")
    assert d.ws.status.reason == "break"
    assert d.of(StatusRefused)


# ----- defect 8: system-only reasons and a live catalogue ------------------------------------------


def test_system_reasons_are_never_offered_nor_chosen() -> None:
    reasons = [*REASONS, reason("phone_offline_x", system=True)]
    system = {SHIFT_START, "phone_offline", "phone_offline_x"}
    marked = [r.model_copy(update={"system": r.code in system}) for r in reasons]
    codes = [r.code for r in offered(marked)]
    assert not set(codes) & system
    assert "old" not in codes  # retired
    assert codes[:2] == ["break", "lunch"]
    d = Desk()
    d.ws.update_catalogue(Catalogue(dispositions=CATALOGUE.dispositions, reasons=marked))
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    with pytest.raises(Refused):
        d.ws.set_status(Choice.not_ready("phone_offline"))
    with pytest.raises(Refused):
        d.ws.force_status(Choice.not_ready(SHIFT_START), by="lead1")


def test_a_new_catalogue_reaches_the_desk() -> None:
    d = Desk()
    fresh = Catalogue(
        dispositions=CATALOGUE.dispositions[:2], reasons=[*REASONS, reason("coffee", max_minutes=5)]
    )
    d.ws.update_catalogue(fresh)
    [notice] = d.of(CatalogueChanged)
    assert notice.catalogue == fresh and d.ws.catalogue == fresh
    d.ws.update_catalogue(fresh)  # the same again: nothing to redraw
    assert len(d.of(CatalogueChanged)) == 1
    d.ws.start_shift()
    d.ws.set_status(Choice.not_ready("coffee"))
    assert d.ws.status.max_minutes == 5
