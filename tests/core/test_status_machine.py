"""The operator-status machine: choices, calls laid over them, next and forced statuses, phone health."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.refused import Refused
from app.status import Activity, Choice, Reasons, StatusMachine
from app.wire.statuses import BACK_OF_QUEUE, OperatorStatus, StatusChangeIn, StatusSource
from tests.core.helpers import OPERATOR, REASONS, at, reason

READY = Choice.ready()
BREAK = Choice.not_ready("break")


def machine(registered: bool = True) -> StatusMachine:
    return StatusMachine(OPERATOR, Reasons(REASONS), at(0), registered=registered)


def trail(changes: list[StatusChangeIn]) -> list[tuple[str, str | None, str]]:
    return [(c.status.value, c.reason, c.source.value) for c in changes]


def on_shift(registered: bool = True) -> StatusMachine:
    m = machine(registered)
    m.start_shift(at(1))
    return m


def test_shift_starts_not_ready_then_ready_then_ends_offline() -> None:
    m = machine()
    assert m.view().status is OperatorStatus.OFFLINE
    with pytest.raises(Refused, match="shift has not started"):
        m.set_status(READY, at(1))
    assert trail(m.start_shift(at(1))) == [("not_ready", "shift_start", "operator")]
    with pytest.raises(Refused, match="already started"):
        m.start_shift(at(2))
    changes = m.set_status(READY, at(60))
    assert trail(changes) == [("ready", None, "operator")] and changes[0].at == at(60)
    assert m.view().routable
    assert trail(m.end_shift(at(3600))) == [("offline", None, "operator")]


def test_reasons_come_from_the_catalogue_with_their_flags() -> None:
    m = on_shift()
    with pytest.raises(Refused, match="not in the not-ready catalogue"):
        m.set_status(Choice.not_ready("smoke"), at(2))
    with pytest.raises(Refused, match="retired"):
        m.set_status(Choice.not_ready("old"), at(2))
    with pytest.raises(Refused, match="approval"):
        m.set_status(Choice.not_ready("coaching"), at(2))
    with pytest.raises(Refused, match="needs a reason"):
        m.set_status(Choice(OperatorStatus.NOT_READY), at(2))
    with pytest.raises(Refused, match="never chosen"):
        m.set_status(Choice(OperatorStatus.ON_CALL), at(2))
    with pytest.raises(Refused, match="end of shift"):
        m.set_status(Choice.offline(), at(2))
    m.set_status(Choice.not_ready("training"), at(3))
    assert not m.view().routable  # training: out of the queue
    m.set_status(Choice.not_ready(BACK_OF_QUEUE), at(4))
    assert m.view().routable  # back of queue: still gets calls, after everyone else
    with pytest.raises(Refused, match="already"):
        m.set_status(Choice.not_ready(BACK_OF_QUEUE), at(5))


def test_a_call_is_laid_over_the_choice_and_the_choice_comes_back() -> None:
    m = on_shift()
    m.set_status(Choice.not_ready(BACK_OF_QUEUE), at(2))
    assert trail(m.set_activity(Activity.ON_CALL, at(10))) == [("on_call", None, "system")]
    assert m.view().chosen == Choice.not_ready(BACK_OF_QUEUE)
    with pytest.raises(Refused, match="choose it as the next status"):
        m.set_status(BREAK, at(11))
    with pytest.raises(Refused, match="next status"):
        m.end_shift(at(11))
    assert trail(m.set_activity(Activity.ACW, at(70))) == [("acw", None, "system")]
    back = m.set_activity(Activity.IDLE, at(90), source=StatusSource.OPERATOR)
    assert trail(back) == [("not_ready", BACK_OF_QUEUE, "operator")] and back[0].at == at(90)


def test_an_outgoing_call_during_a_break_does_not_turn_it_into_ready() -> None:
    m = on_shift()
    m.set_status(BREAK, at(2))
    m.set_activity(Activity.ON_CALL, at(10))
    assert trail(m.set_activity(Activity.IDLE, at(20))) == [("not_ready", "break", "system")]


def test_next_status_chosen_during_the_call_applies_after_acw() -> None:
    m = on_shift()
    m.set_status(READY, at(2))
    with pytest.raises(Refused, match="not on a call"):
        m.choose_next(BREAK)
    m.set_activity(Activity.ON_CALL, at(10))
    m.choose_next(Choice.not_ready("lunch"))
    assert m.view().next == Choice.not_ready("lunch")
    m.set_activity(Activity.ACW, at(60))
    assert m.view().status is OperatorStatus.ACW  # not yet
    assert trail(m.set_activity(Activity.IDLE, at(80), source=StatusSource.OPERATOR)) == [
        ("not_ready", "lunch", "operator")
    ]
    assert m.view().next is None and m.view().chosen == Choice.not_ready("lunch")


def test_next_status_offline_ends_the_shift_after_the_call() -> None:
    m = on_shift()
    m.set_activity(Activity.ON_CALL, at(10))
    m.choose_next(Choice.offline())
    assert trail(m.set_activity(Activity.IDLE, at(30))) == [("offline", None, "system")]


def test_forced_status_waits_for_the_end_of_the_call_and_wins_over_next() -> None:
    m = on_shift()
    m.set_status(READY, at(2))
    assert trail(m.force(BREAK, at(3), by="lead")) == [("not_ready", "break", "team_lead")]  # idle: now
    m.force(READY, at(4), by="lead")
    m.set_activity(Activity.ON_CALL, at(10))
    m.choose_next(Choice.not_ready("lunch"))
    assert m.force(Choice.not_ready("training"), at(20), by="lead") == []
    assert m.view().forced == Choice.not_ready("training") and m.view().forced_by == "lead"
    with pytest.raises(Refused, match="lead has set"):
        m.choose_next(READY)
    m.set_activity(Activity.ACW, at(30))
    assert trail(m.set_activity(Activity.IDLE, at(40))) == [("not_ready", "training", "team_lead")]
    assert m.view().forced is None and m.view().next is None


def test_registration_loss_is_reported_as_not_routable_and_ready_comes_back() -> None:
    m = on_shift()
    m.set_status(READY, at(2))
    lost = m.set_registered(False, at(10))
    assert trail(lost) == [("not_ready", "phone_offline", "system")]
    view = m.view()
    assert view.chosen == READY and not view.routable and not view.registered
    assert trail(m.set_registered(True, at(20))) == [("ready", None, "system")]


def test_registration_loss_during_a_break_keeps_the_break() -> None:
    m = on_shift()
    m.set_status(BREAK, at(2))
    assert m.set_registered(False, at(10)) == []  # a break is not routable anyway: nothing to report
    assert m.set_registered(True, at(20)) == []
    assert m.view().status is OperatorStatus.NOT_READY and m.view().reason == "break"


def test_choosing_ready_without_a_phone_waits_for_registration() -> None:
    m = on_shift(registered=False)
    assert trail(m.set_status(READY, at(5))) == [("not_ready", "phone_offline", "operator")]
    assert m.view().chosen == READY
    assert trail(m.set_registered(True, at(9))) == [("ready", None, "system")]


def test_registration_loss_during_a_call_shows_after_it() -> None:
    m = on_shift()
    m.set_status(READY, at(2))
    m.set_activity(Activity.ON_CALL, at(10))
    assert m.set_registered(False, at(15)) == []
    assert trail(m.set_activity(Activity.IDLE, at(30))) == [("not_ready", "phone_offline", "system")]


def test_time_in_status_and_overdue_break() -> None:
    m = on_shift()
    m.set_status(BREAK, at(100))
    view = m.view()
    assert view.since == at(100) and view.max_minutes == 15
    assert view.time_in_status(at(100 + 600)) == timedelta(minutes=10)
    assert not view.overdue(at(100 + 900)) and view.overdue(at(100 + 901))
    assert view.time_in_status(at(0)) == timedelta(0)


def test_status_times_never_go_backwards() -> None:
    m = on_shift()
    m.set_status(READY, at(50))
    changes = m.set_registered(False, at(40))  # a late event from a clock a little behind
    assert changes[0].at == at(50)


def test_a_catalogue_update_can_change_routability() -> None:
    m = on_shift(registered=False)
    m.set_status(BREAK, at(2))
    changes = m.update_reasons(Reasons([*REASONS[:1], reason("break", routable=True)]), at(3))
    assert trail(changes) == [("not_ready", "phone_offline", "system")]


def test_a_break_needing_approval_is_asked_for_then_applied_after_the_call_once_approved() -> None:
    machine = StatusMachine("op", Reasons(REASONS), at(0), registered=True)
    machine.start_shift(at(1))
    machine.set_status(Choice.ready(), at(2))
    with pytest.raises(Refused) as refused:
        machine.set_status(Choice.not_ready("coaching"), at(3))
    assert refused.value.code == "approval"
    machine.set_activity(Activity.ON_CALL, at(4))
    assert machine.approved(Choice.not_ready("coaching"), at(5)) == []  # not during the call
    [change] = machine.set_activity(Activity.IDLE, at(9))
    assert (change.status, change.reason) == (OperatorStatus.NOT_READY, "coaching")
    [forced] = machine.force(Choice.not_ready("training"), at(10), by="lead")
    assert forced.reason == "training" and forced.source is StatusSource.TEAM_LEAD
    [back] = machine.force(Choice.not_ready("coaching"), at(11), by="lead")  # a lead may force it
    assert back.reason == "coaching"
