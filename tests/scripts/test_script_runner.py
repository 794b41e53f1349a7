"""The runner: every node kind, Back, drafts, the JSON state and resume, and faults that never raise."""

from __future__ import annotations

import json

import pytest

from app.scripts.runner import AUTO_MAX, Runner, StateError
from tests.scripts.support import ask, branch, doc, end, field, options, runner, say, set_


def test_say_then_end_yields_the_outcome_and_disposition() -> None:
    r = runner(
        doc(say("hi", "Здравствуйте, {{ contact.name }}!"), end(disposition="callback")), {"name": "Иван"}
    )
    view = r.view()
    assert (view.kind, view.text, view.can_back, view.finished) == (
        "say",
        "Здравствуйте, Иван!",
        False,
        False,
    )
    assert r.result() is None
    assert r.next() == []
    assert r.finished and r.view().finished and r.view().disposition == "callback"
    result = r.result()
    assert result is not None
    assert (result.outcome, result.disposition, result.path, result.answers) == (
        "end",
        "callback",
        ["hi", "end"],
        {},
    )
    assert r.next() == [] and r.finished  # next at an end does nothing


def test_ask_validates_stores_and_moves_on() -> None:
    r = runner(doc(ask("q", field("age", "number", required=True, min=18)), end()))
    errors = r.next({"age": "12"})
    assert [(e.field, e.code) for e in errors] == [("age", "too_small")]
    assert r.view().node == "q"
    assert r.next({"age": "42"}) == []
    assert r.result() is not None and r.result().answers == {"age": 42}  # type: ignore[union-attr]


def test_valid_values_are_kept_when_another_field_fails() -> None:
    r = runner(doc(ask("q", field("name", required=True), field("mail", "email", required=True)), end()))
    assert [e.field for e in r.next({"name": "Ivan", "mail": "nope"})] == ["mail"]
    assert [f.value for f in r.view().fields] == ["Ivan", None]


def test_branch_takes_the_first_true_case_in_order_else_the_default() -> None:
    data = doc(
        ask("q", field("n", "number"), next="b"),
        branch("b", ("answers.n > 10", "big"), ("answers.n > 0", "small"), default="none"),
        end("big"),
        end("small"),
        end("none"),
    )
    for typed, outcome in (("11", "big"), ("5", "small"), ("-1", "none"), ("", "none")):
        r = runner(data)
        r.next({"n": typed})
        assert r.result() is not None and r.result().outcome == outcome, typed  # type: ignore[union-attr]


def test_branch_on_contact_and_call_data() -> None:
    data = doc(
        branch("b", ("contact.segment == 'VIP' and call.queue == 'sales'", "vip"), default="end"),
        end("vip"),
        end(),
    )
    assert runner(data, {"segment": "VIP"}, call={"queue": "sales"}).view().node == "vip"
    assert runner(data, {"segment": "VIP"}, call={"queue": "support"}).view().node == "end"
    assert runner(data, {}).view().node == "end"  # a missing field is false, not an error


def test_set_computes_variables_in_order() -> None:
    data = doc(
        ask("q", field("n", "number"), next="s"),
        set_("s", next="show", double="answers.n * 2", more="vars.double + 1", broken="answers.n / 0"),
        say("show", "{{ vars.double }} {{ vars.more }} {{ vars.broken }}"),
        end(),
    )
    r = runner(data)
    r.next({"n": "21"})
    assert r.view().text == "42 43 [broken?]"  # a failed expression is a missing variable


def test_back_restores_the_previous_step_and_its_variables() -> None:
    data = doc(
        ask("q1", field("a", "single", options=options("x", "y")), next="s"),
        set_("s", next="q2", seen="answers.a"),
        ask("q2", field("b"), next="end"),
        end(),
    )
    r = runner(data)
    assert r.back() is False
    r.next({"a": "x"})
    assert r.view().node == "q2" and r.state()["vars"] == {"seen": "x"}
    r.next({"b": "draft"})
    assert r.finished
    assert r.back() and r.view().node == "q2" and r.view().fields[0].value == "draft"
    assert r.back() and r.view().node == "q1" and r.state()["vars"] == {}
    assert [c.node for c in r.view().breadcrumb] == ["q1"]
    assert r.view().fields[0].value == "x"  # prefilled from the first pass


def test_answers_of_an_abandoned_branch_do_not_count() -> None:
    data = doc(
        ask("q1", field("route", "single", options=options("a", "b")), next="b"),
        branch("b", ("answers.route == 'a'", "qa"), ("answers.route == 'b'", "qb"), default="qb"),
        ask("qa", field("only_a"), next="end"),
        ask("qb", field("only_b"), next="end"),
        end(),
    )
    r = runner(data)
    r.next({"route": "a"})
    r.next({"only_a": "typed on the way to a"})
    r.back()
    r.back()
    r.next({"route": "b"})
    r.next({"only_b": "b"})
    assert r.result() is not None
    assert r.result().answers == {"route": "b", "only_b": "b"}  # type: ignore[union-attr]
    assert r.result().path == ["q1", "b", "qb", "end"]  # type: ignore[union-attr]


def test_state_is_json_and_resumes_where_it_stopped() -> None:
    data = doc(ask("q1", field("a"), next="q2"), ask("q2", field("b"), next="end"), end())
    r = runner(data)
    r.next({"a": "first"})
    saved = json.loads(json.dumps(r.state()))
    again = Runner.resume(r.script, saved, r.call)
    assert again.view() == r.view()
    again.next({"b": "second"})
    assert again.result() is not None and again.result().answers == {"a": "first", "b": "second"}  # type: ignore[union-attr]
    assert again.back() and again.back() is True and again.view().node == "q1"


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"format": 1, "script": {"id": "other", "version": 1}, "node": "q1", "trail": [], "answers": {},
         "vars": {}, "path": []},
        {"format": 1, "script": {"id": "test", "version": 1}, "node": "gone", "trail": [], "answers": {},
         "vars": {}, "path": []},
        {"format": 1, "script": {"id": "test", "version": 1}, "node": "q1", "trail": [{"node": "q1"}],
         "answers": {}, "vars": {}, "path": []},
        [],
    ],
)  # fmt: skip
def test_a_foreign_state_is_refused(state: object) -> None:
    r = runner(doc(ask("q1", field("a"), next="end"), end()))
    with pytest.raises(StateError):
        Runner.resume(r.script, state, r.call)  # type: ignore[arg-type]


def test_broken_references_leave_the_runner_on_its_step_with_a_problem() -> None:
    r = runner(doc(say("hi", next="nowhere"), end()))
    assert r.next() == []
    assert r.view().node == "hi" and r.view().problem == "unknown step 'nowhere'"
    r = runner(doc(say("hi", next=None), end()))
    r.next()
    assert r.view().problem == "step 'hi' leads nowhere"
    r = runner(doc(branch("b", default=None), end()))  # the start itself is broken
    assert r.view().problem is not None and not r.finished


def test_a_loop_of_branches_is_stopped() -> None:
    r = runner(doc(say("hi", next="b1"), branch("b1", default="b2"), branch("b2", default="b1"), end()))
    r.next()
    assert r.view().node == "hi" and "loop" in (r.view().problem or "")
    assert len(r.state()["path"]) < AUTO_MAX


def test_field_labels_and_hints_are_rendered() -> None:
    r = runner(
        doc(ask("q", field("x", label="{{ contact.name }}?", hint="{{ contact.city }}")), end()),
        {"name": "Ann"},
    )
    (f,) = r.view().fields
    assert (f.label, f.hint) == ("Ann?", "[city?]")
