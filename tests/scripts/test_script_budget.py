"""The evaluation budget: whatever a template does, it ends quickly, small, and with a clear refusal.

The inputs are the ones issue 14 found freezing or crashing a desktop (1 GB of RSS, then MemoryError, or
a hang); each must now be refused before anything large is built. Memory is measured with tracemalloc
(what Python allocated during the render), time with the monotonic clock.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scripts import budget
from app.scripts.cli import replay
from app.scripts.lint import lint
from app.scripts.templates import Record, condition, evaluate, render, render_checked
from tests.scripts.support import doc, end, runner, say

EXPENSIVE = [
    "{{ ((((10**64)**64)**64)**64)**64 }}",
    "{{ '{:>1000000000}'.format('x') }}",
    "{{ '{:.1000000000f}'.format(1.5) }}",
    "{{ '{0:{1}}'.format('x', 1000000000) }}",
    "{{ '%1000000000d' % 1 }}",
    "{{ '%*d' % (1000000000, 1) }}",
    "{{ ('a'*9999).replace('a','b'*9999) }}",
    "{{ ('a'*9999)|replace('a','b'*9999) }}",
    "{{ ('a'*9999)|join('b'*9999) }}",
    "{{ (('x'*9000)|list)|join('y'*9000) }}",
    "{{ [['x'*9000]*9000]*9000 }}",
    "{{ 'a' * 100000 }}",
    "{{ 9 ** 999999 }}",
    "{{ ('x'*9000) ~ ('x'*9000) }}",
    "{% for a in 'x'*9000 %}{% for b in 'x'*9000 %}{% endfor %}{% endfor %}",
    "{% set s %}{% for a in 'x'*9000 %}{% for b in 'x'*9000 %}AAAAAAAA{% endfor %}{% endfor %}{% endset %}",
    "{% for a in 'x'*9000 %}{{ 'y'*9000 }}{% endfor %}",
]


def data(**contact: object) -> dict[str, object]:
    return {"contact": Record(contact), "answers": Record({}), "vars": Record({})}


@pytest.mark.parametrize("source", EXPENSIVE)
def test_an_expensive_template_is_refused_quickly_and_small(source: str) -> None:
    tracemalloc.start()
    try:
        started = time.thread_time()
        text, why = render_checked(source, data())
        elapsed = time.thread_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert why is not None, text
    assert text == "[too expensive]"
    assert elapsed < 1.0, elapsed
    assert peak < 5_000_000, peak
    assert render(source, data()).startswith("[too expensive: ")
    assert not condition(source.strip("{} ") if source.startswith("{{") else "false", data())


@pytest.mark.parametrize("source", [s for s in EXPENSIVE if s.startswith("{{")])
def test_an_expensive_condition_or_variable_raises_too_expensive(source: str) -> None:
    with pytest.raises(budget.TooExpensive):
        evaluate(source.strip("{} "), data())


def test_the_budget_is_time_whatever_the_template_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the step and output limits out of the way, the clock alone stops an endless-looking loop.
    The clock is the thread's CPU time (a loaded machine must not refuse plain steps), so that is what
    is measured here too."""
    monkeypatch.setattr(budget, "STEPS_MAX", 10**12)
    monkeypatch.setattr(budget, "OUTPUT_MAX", 10**12)
    started = time.thread_time()
    _, why = render_checked("{% for a in 'x'*9000 %}{% for b in 'x'*9000 %}{% endfor %}{% endfor %}", data())
    assert why is not None and "s of computing" in why
    assert budget.TIME_MAX <= time.thread_time() - started < budget.TIME_MAX + 0.1


def test_ordinary_templates_are_not_affected() -> None:
    source = (
        "{{ 'a' ~ 'b' }} {{ [1, 2]|join(',') }} {{ 'x'|replace('x', 'y') }} {{ 'a{}'.format(1) }}"
        " {{ [3, 1, 2]|sort|join('-') }} {{ 2 ** 10 }} {{ '%s!' % 'hi' }} {{ 7 // 2 }}"
        " {% for c in contact.name %}{{ c|upper }}{% endfor %} {{ '{:>5}'.format('z') }}"
    )
    assert render(source, data(name="abc")) == "ab 1,2 y a1 1-2-3 1024 hi! 3 ABC     z"


def test_recursive_loops_are_refused() -> None:
    assert render("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", data()).startswith(
        "[template error"
    )
    messages = lint(doc(say("s", "{% for x in [1] recursive %}{% endfor %}"), end()))
    assert any("recursive" in m.text for m in messages)


def test_a_step_too_expensive_is_shown_as_a_refusal_not_text() -> None:
    walk = runner(doc(say("s", "Hello {{ '%1000000000d' % 1 }}"), end()))
    view = walk.view()
    assert view.text == ""
    assert view.too_expensive is not None and "formatted text" in view.too_expensive
    assert replay(runner(doc(say("s", "Hello {{ '%1000000000d' % 1 }}"), end())), {})[0]["steps"][0] == {
        "node": "s", "kind": "say", "title": "", "text": "",
        "too_expensive": "a formatted text would be 1000000012 characters, more than 16000",
    }  # fmt: skip
    walk.next()
    assert walk.view().node == "end"  # the operator can still go on


ATOMS = st.sampled_from(
    ["'ab'", "'x' * 9000", "9999", "64", "10 ** 64", "[1, 2, 3]", "contact.city", "'{:>99}'", "'%99d'", "1.5"]
)


def _grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        pair.map(lambda p: f"({p[0]} * {p[1]})"),
        pair.map(lambda p: f"({p[0]} ** {p[1]})"),
        pair.map(lambda p: f"({p[0]} + {p[1]})"),
        pair.map(lambda p: f"({p[0]} ~ {p[1]})"),
        pair.map(lambda p: f"({p[0]} % {p[1]})"),
        pair.map(lambda p: f"({p[0]}|join({p[1]}))"),
        pair.map(lambda p: f"({p[0]}|replace('a', {p[1]}))"),
        pair.map(lambda p: f"(({p[0]})|string).replace('1', {p[1]}|string)"),
        pair.map(lambda p: f"({p[0]}|string).format({p[1]})"),
        inner.map(lambda p: f"({p}|list|sort|unique|list)"),
        inner.map(lambda p: f"({p}|sum)"),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(ATOMS, _grow, max_leaves=8), st.booleans())
def test_any_combination_of_operations_stays_within_the_budget(expression: str, in_loop: bool) -> None:
    """Not a list of known tricks: random compositions of every operation a script has, nested, in a
    loop or not, all end within the CPU budget with little memory, whatever they compute."""
    source = (
        f"{{% for i in 'x' * 5000 %}}{{{{ {expression} }}}}{{% endfor %}}"
        if in_loop
        else f"{{{{ {expression} }}}}"
    )
    tracemalloc.start()
    try:
        started = time.thread_time()
        text, _ = render_checked(source, data())
        elapsed = time.thread_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < budget.TIME_MAX + 0.3, (expression, elapsed)
    assert peak < 20_000_000, (expression, peak)
    assert len(text) <= 16_001
