"""Templates: placeholders for missing data, the helpers, and the sandbox refusing every way out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.scripts import templates
from app.scripts.helpers import age_on, greeting_for
from app.scripts.lint import lint
from app.scripts.templates import Record, condition, render
from tests.scripts.support import doc, end, runner, say


def data(**contact: object) -> dict[str, object]:
    return {"contact": Record(contact), "answers": Record({}), "vars": Record({})}


def test_missing_fields_render_as_visible_placeholders() -> None:
    assert render("Город: {{ contact.city }}.", data(city=None)) == "Город: [city?]."
    assert render("{{ contact.custom.tariff }}", data()) == "[tariff?]"
    assert render("{{ contact.custom.tariff }}", data(custom={"tariff": "gold"})) == "gold"
    assert render("{{ answers.x }} {{ vars.y }}", data()) == "[x?] [y?]"
    assert render("{{ contact.email }}", data(email="")) == "[email?]"


def test_values_print_readably_and_markup_stays_text() -> None:
    values = {"tags": ["a", "b"], "n": 3.0, "ok": True, "name": "<b>Иван</b>"}
    assert (
        render("{{ contact.tags }} {{ contact.n }} {{ contact.name }}", data(**values))
        == "a, b 3 <b>Иван</b>"
    )


def test_records_show_only_their_keys() -> None:
    assert render("{{ contact.items }} {{ contact.keys }}", data(name="x")) == "[items?] [keys?]"
    assert render("{{ contact['name'] }}", data(name="x")) == "x"


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ contact.__class__.__mro__ }}",
        "{{ contact._data }}",
        "{{ contact['__class__'] }}",
        "{{ answers.__init__.__globals__['os'] }}",
    ],
)
def test_sandbox_escapes_are_refused_at_run_time_and_by_the_linter(source: str) -> None:
    text = render(source, data())
    assert text.startswith("[refused: "), text
    messages = lint(doc(say("s", source), end()))
    if "__" in source or "_data" in source:
        assert any("not allowed" in m.text and m.severity == "error" for m in messages), messages
    assert not condition(source.strip("{} "), data())


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("{{ lipsum() }}", "unknown name 'lipsum'"),
        ("{{ range(10) }}", "unknown name 'range'"),
        ("{{ contact.name|center(1000000000) }}", "unknown filter 'center'"),
        ("{{ contact|attr('__class__') }}", "unknown filter 'attr'"),
        ("{% include 'x' %}", "cannot extend, include or import"),
        ("{% import 'os' as os %}", "cannot extend, include or import"),
    ],
)
def test_globals_filters_and_imports_outside_the_whitelist_are_lint_errors(source: str, error: str) -> None:
    messages = lint(doc(say("s", source), end()))
    assert any(error in m.text for m in messages), messages
    assert render(source, data()).startswith("[")  # and at run time a visible marker, not a crash


@pytest.mark.parametrize(
    ("hour", "ru", "en"),
    [(3, "Доброй ночи", "Good evening"), (9, "Доброе утро", "Good morning"),
     (14, "Добрый день", "Good afternoon"), (20, "Добрый вечер", "Good evening"),
     (None, "Здравствуйте", "Hello")],
)  # fmt: skip
def test_greeting_by_hour(hour: int | None, ru: str, en: str) -> None:
    assert (greeting_for(hour, "ru"), greeting_for(hour, "en")) == (ru, en)


def test_helpers_use_the_clients_clock_not_the_operators() -> None:
    now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # 12:00 Moscow, 19:00 Vladivostok
    text = "{{ greeting() }}, {{ local_time() }}, {{ age() }}"
    script = doc(say("s", text), end())
    assert runner(
        script, {"time_zone": "Asia/Vladivostok", "birthday": "1990-03-02"}, now=now
    ).view().text == ("Добрый вечер, 19:00, 34")
    assert runner(script, {"time_zone": "Europe/Moscow", "birthday": "1990-03-01"}, now=now).view().text == (
        "Добрый день, 12:00, 35"
    )
    # no zone: derived from a Novosibirsk landline; a mobile gives no zone, so a neutral greeting
    assert runner(script, {"phones": ["+73832000000"]}, now=now).view().text.startswith("Добрый день, 16:00")
    assert (
        runner(script, {"phones": ["+79123456789"]}, now=now).view().text
        == "Здравствуйте, [local time?], [age?]"
    )


def test_age_takes_an_answer_and_counts_full_years() -> None:
    assert age_on(date(2000, 2, 29), date(2025, 2, 28)) == 24
    assert age_on(date(2000, 2, 29), date(2025, 3, 1)) == 25
    assert render("{{ age('1990-01-01') }}", {"age": runner(doc(end())).__dict__["_base"]["age"]}) == "35"


def test_compiled_templates_are_cached() -> None:
    templates._template.cache_clear()
    for _ in range(3):
        render("{{ contact.name }}!", data(name="x"))
    assert templates._template.cache_info().hits == 2


@pytest.mark.parametrize(
    "source",
    [
        "{{ contact.city + 1 }}",
        "{{ 1 + contact.city }}",
        "{{ contact.city * 2 }}",
        "{{ -contact.city }}",
        "{{ contact.city|upper }}",
        "{{ contact.city|replace('a', 'b') }}",
        "{{ contact.city|truncate(3) }}",
        "{{ contact.city.upper() }}",
        "{{ contact.city.strip().title() }}",
        "{{ contact.city[0] }}",
        "{{ contact.city ~ '' }}",
        "{{ (contact.city + 1) * 2 }}",
    ],
)
def test_arithmetic_filters_and_methods_on_a_missing_value_keep_the_placeholder(source: str) -> None:
    assert render(f"Город: {source}, и дальше текст.", data()) == "Город: [city?], и дальше текст."
    assert render(source, data(city="Омск")) != "[city?]"


def test_default_still_replaces_a_missing_value() -> None:
    assert render("{{ contact.city|default('—') }}", data()) == "—"
