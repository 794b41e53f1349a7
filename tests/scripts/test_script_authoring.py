"""What authors asked for (issue 14): option labels, prefill from the CRM, relative date bounds, money,
date and plural helpers in Russian and English, and ``play`` options for visits and ``call.*``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.scripts.cli import main as script_main
from app.scripts.lint import lint
from app.scripts.model import Field, FieldType
from app.scripts.validators import check
from tests.scripts.support import ask, branch, doc, end, field, options, runner, say

TODAY = date(2025, 3, 1)


def test_label_shows_the_option_the_operator_chose() -> None:
    data = doc(
        ask(
            "q",
            field("c", "single", options=options("a", "b")),
            field("m", "multi", options=options("a", "b")),
            next="s",
        ),
        say("s", "{{ label(answers.c) }}; {{ label(answers.m) }}; {{ answers.c }}"),
        end(),
    )  # fmt: skip
    assert [m.text for m in lint(data) if m.severity == "error"] == []
    walk = runner(data)
    walk.next({"c": "b", "m": ["a", "b"]})
    assert walk.view().text == "B; A, B; b"
    assert walk.result() is None and walk.answers() == {"c": "b", "m": ["a", "b"]}  # stored as values


@pytest.mark.parametrize(
    ("language", "source", "text"),
    [
        ("ru", "{{ money(1234.5) }}", "1\u00a0234,50\u00a0₽"),
        ("ru", "{{ money(1200) }}", "1\u00a0200\u00a0₽"),
        ("en", "{{ money(1234.5) }}", "₽1,234.50"),
        ("en", "{{ money(10, 'USD') }}", "$10"),
        ("ru", "{{ date('2025-03-01') }}", "1 марта 2025"),
        ("en", "{{ date('2025-03-01') }}", "1 March 2025"),
        ("ru", "{{ date('2025-03-01', 'short') }}", "01.03.2025"),
        ("ru", "{% for n in [1, 2, 5, 11, 21, 22, 112, 1.5] %}{{ n }} "
               "{{ plural(n, 'звонок', 'звонка', 'звонков') }}; {% endfor %}",
         "1 звонок; 2 звонка; 5 звонков; 11 звонков; 21 звонок; 22 звонка; 112 звонков; 1.5 звонка; "),
        ("en", "{{ plural(1, 'call', 'calls') }} {{ plural(3, 'call', 'calls') }}", "call calls"),
        ("ru", "{{ money(contact.custom.debt) }} {{ date(contact.birthday) }} "
               "{{ plural(contact.x, 'a', 'b', 'c') }}",
         "[debt?] [birthday?] [x?]"),
    ],
)  # fmt: skip
def test_money_date_and_plural_speak_the_scripts_language(language: str, source: str, text: str) -> None:
    data = doc(say("s", source), end()) | {"language": language}
    assert runner(data).view().text == text


def test_a_field_starts_with_its_prefill_from_the_crm() -> None:
    data = doc(
        ask(
            "q",
            field("city", prefill="{{ contact.city }}"),
            field("n", "number", prefill="{{ contact.custom.n }}"),
            field("d", "date", prefill="{{ contact.birthday }}"),
        ),
        end(),
    )  # fmt: skip
    assert [m.text for m in lint(data) if m.severity == "error"] == []
    view = runner(data, {"city": "Омск", "custom": {"n": "12"}, "birthday": "1990-05-01"}).view()
    assert [f.value for f in view.fields] == ["Омск", 12, "1990-05-01"]
    view = runner(data, {"custom": {"n": "many"}}).view()
    assert [f.value for f in view.fields] == [None, None, None]  # a missing or invalid value: no prefill
    walk = runner(data, {"city": "Омск"})
    assert walk.next({"city": "", "n": "", "d": ""}) == []
    walk.back()
    assert walk.view().fields[0].value is None  # what the operator cleared stays cleared


@pytest.mark.parametrize(
    ("bound", "raw", "code"),
    [
        ({"min": "today", "max": "today + 14"}, "15.03.2025", None),
        ({"min": "today", "max": "today + 14"}, "16.03.2025", "date_too_late"),
        ({"min": "today-30"}, "29.01.2025", "date_too_early"),
        ({"min": "today - 30"}, "30.01.2025", None),
    ],
)
def test_date_bounds_relative_to_today(bound: dict[str, str], raw: str, code: str | None) -> None:
    spec = Field("d", FieldType.DATE, "D", min=bound.get("min"), max=bound.get("max"))
    error = check(spec, raw, TODAY)[1]
    assert (error.code if error else None) == code
    data = doc(ask("q", field("d", "date", **bound)), end())
    assert [m.text for m in lint(data) if m.severity == "error"] == []


def test_a_date_bound_that_is_not_a_date_is_a_lint_error() -> None:
    found = [m.text for m in lint(doc(ask("q", field("d", "date", max="today + x")), end()))]
    assert any("does not match" in t for t in found), found


def test_play_varies_answers_between_visits_and_sets_call_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = doc(
        say("hello", "{{ call.queue }} {{ call.id }} {{ operator.team }}", next="q"),
        ask("q", field("n", "number", required=True), next="b"),
        branch("b", ("answers.n < 3", "q")),
        end(),
    )
    (tmp_path / "s.json").write_text(json.dumps(script))
    (tmp_path / "c.json").write_text("{}")
    (tmp_path / "a.json").write_text(json.dumps({"n": {"visits": [1, 2, 5]}}))
    code = script_main(["play", str(tmp_path / "s.json"), "--contact", str(tmp_path / "c.json"),
                        "--answers", str(tmp_path / "a.json"), "--call", "queue=sales", "--call", "id=c-1",
                        "--team", "Север", "--now", "2025-03-01T10:00:00+03:00"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert report["steps"][0]["text"] == "sales c-1 Север"
    assert report["path"] == ["hello", "q", "b", "q", "b", "q", "b", "end"]
    assert report["answers"] == {"n": 5}
    assert script_main(["play", str(tmp_path / "s.json"), "--contact", str(tmp_path / "c.json"),
                        "--call", "colour=red"]) == 2  # fmt: skip
