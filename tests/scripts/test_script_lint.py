"""The linter: one test per rule, ``FILE:LINE`` from YAML, the samples clean, the command's exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.scripts.cli import main as script_main
from app.scripts.lint import CONTACT_FIELDS, Catalogue, ScriptInvalid, checked_script, lint, lint_text
from app.scripts.schema import schema_json
from app.wire.contacts import ContactOut
from server.seed import DISPOSITION_CODES
from tests.conftest import REPO
from tests.scripts.support import ask, branch, doc, end, field, options, say, set_

SAMPLES = REPO / "resources" / "scripts"
FIELDS = frozenset(f["key"] for f in json.loads((SAMPLES / "fields.json").read_text()))
CODES = frozenset(code for code, *_ in DISPOSITION_CODES)


def texts(data: dict[str, Any], catalogue: Catalogue | None = None, severity: str = "error") -> list[str]:
    return [m.text for m in lint(data, catalogue=catalogue) if m.severity == severity]


def test_every_sample_is_clean_against_the_seed_catalogue() -> None:
    files = sorted(SAMPLES.glob("*.yaml"))
    assert len(files) == 8
    for prefix in ("lens-inbound", "finance-lead", "request-nature", "satisfaction-survey"):
        assert sorted(f.name.split(".")[1] for f in files if f.name.startswith(prefix)) == ["en", "ru"]
    for path in files:
        assert lint_text(path.read_text(), path.name, Catalogue(FIELDS, CODES)) == [], path.name


def test_the_four_way_qualification_ends_in_four_dispositions() -> None:
    for language in ("ru", "en"):
        script = checked_script(
            __import__("app.scripts.loader", fromlist=["load"]).load(
                (SAMPLES / f"request-nature.{language}.yaml").read_text()
            )[0]
        )
        ends = {n.outcome: n.disposition for n in script.nodes if script.kind(n) == "end"}  # type: ignore[union-attr]
        assert ends == {"new_order": "new_order", "existing_order": "order_status",
                        "not_buying": "not_buying", "foreign_language": "foreign_language"}  # fmt: skip


def test_the_resource_schema_is_the_one_in_the_code() -> None:
    assert (SAMPLES / "schema.json").read_text() == schema_json()


def test_contact_fields_follow_the_wire_model() -> None:
    assert set(ContactOut.model_fields) - {"version", "updated_at"} == CONTACT_FIELDS


def test_schema_errors_name_the_node_and_stop_further_checks() -> None:
    messages = texts(doc(branch("route", ("true", "end"), default=None), end()))
    assert messages == ["node 'route': 'default' is a required property"]
    assert texts(doc(say("s", next="end"), {"id": "x", "kind": "shout"})) == [
        "node 'x': kind: 'shout' is not one of ['say', 'ask', 'branch', 'set', 'end']"
    ]
    assert texts({"id": "x"})[0].startswith("'version' is a required property") or texts({"id": "x"})


def test_duplicate_ids() -> None:
    data = doc(ask("q", field("a"), next="q"), ask("q", field("a")), end())
    assert "duplicate node id 'q' (first at node 1)" in texts(data)
    assert "duplicate field id 'a': answers are keyed by it" in texts(data)
    data = doc(ask("q", field("c", "single", options=options("x", "x"))), end())
    assert "field 'c': option 'x' is listed twice" in texts(data)


def test_unknown_references_with_a_suggestion() -> None:
    data = doc(say("s", next="ned"), branch("b", ("true", "nowhere"), default="end"), end(), start="s")
    found = texts(data)
    assert found[0] == "unknown node 'ned' (did you mean 'end'?)"
    assert "unknown node 'nowhere'" in found
    assert "unknown node 'gone'" in texts(doc(end(), start="gone"))


def test_unreachable_dead_end_and_loop_without_exit() -> None:
    assert "unreachable node 'lost': nothing leads to it from 'end'" in texts(doc(end(), say("lost")))
    assert "dead end: say node 's' has no next and is not an end" in texts(doc(say("s", next=None), end()))
    loop = doc(say("a", next="b"), branch("b", ("true", "a"), default="a"), end(), start="a")
    found = texts(loop)
    assert any(t.startswith("loop with no way out: 'a', 'b'") for t in found), found
    # a loop with an exit is fine (asking again until the answer is right)
    ok = doc(
        ask("a", field("n", "number"), next="b"), branch("b", ("answers.n > 3", "end"), default="a"), end()
    )
    assert texts(ok) == []


def test_templates_that_do_not_compile_report_their_line() -> None:
    text = (
        "id: t\nversion: 1\ntitle: T\nlanguage: ru\nnodes:\n  - id: s\n    kind: say\n    text: |\n"
        "      ok\n      {{ oops(\n    next: end\n  - {id: end, kind: end, outcome: x, disposition: sale}\n"
    )
    (message,) = lint_text(text, "t.yaml")
    assert message.format().startswith("t.yaml:10: error: template does not compile")


def test_undefined_answers_and_answers_used_before_they_are_asked() -> None:
    data = doc(
        say("s", "{{ answers.nme }}", next="q"), ask("q", field("name")), end(text="{{ answers.name }}")
    )
    found = texts(data)
    assert "answers.nme: no field of this script has the id 'nme' (did you mean 'name'?)" in found
    data = doc(say("s", "{{ answers.name }}", next="q"), ask("q", field("name")), end())
    assert texts(data) == ["answers.name is used before it is asked (field 'name' of node 'q')"]


def test_contact_fields_are_checked_against_the_field_schema() -> None:
    catalogue = Catalogue(custom_fields=frozenset({"tariff"}))
    data = doc(say("s", "{{ contact.cty }} {{ contact.custom.tarif }} {{ contact.custom.tariff }}"), end(),
               contact_fields=["cty", "custom.tariff"])  # fmt: skip
    found = texts(data, catalogue)
    assert "unknown contact field 'cty' (did you mean 'city'?)" in found
    assert "unknown custom contact field 'tarif' (not in the field schema) (did you mean 'tariff'?)" in found
    assert texts(data, Catalogue()) == ["unknown contact field 'cty' (did you mean 'city'?)"] * 2
    undeclared = doc(say("s", "{{ contact.city }}"), end())
    assert texts(undeclared, severity="warning") == [
        "contact field 'city' is used but not listed in contact_fields"
    ]


def test_variables_operator_call_and_unknown_names() -> None:
    data = doc(
        set_("v", next="s", total="1"),
        say("s", "{{ vars.totl }} {{ operator.nam }} {{ call.queue }} {{ foo }}"),
        end(),
    )
    found = texts(data)
    assert "vars.totl is never set by a set node (did you mean 'total'?)" in found
    assert any(t.startswith("unknown field operator.nam") for t in found)
    assert any(t.startswith("unknown name 'foo'") for t in found)
    assert len(found) == 3


def test_field_rules() -> None:
    data = doc(
        ask(
            "q",
            field("p", pattern="(unclosed"),
            field("n", "number", min=5, max=1),
            field("t", min_length=5, max_length=2),
            field("d", "date", min="2025-02-30"),
            field("m", "multi", options=options("a"), min=2),
        ),
        end(),
    )
    found = texts(data)
    assert any(t.startswith("field 'p': pattern does not compile") for t in found)
    assert "field 'n': min is more than max" in found
    assert "field 't': min_length is more than max_length" in found
    assert "field 'd': min '2025-02-30' is not a date" in found
    assert "field 'm': min is more than the number of options" in found


def test_uncovered_choices_are_a_warning() -> None:
    data = doc(
        ask("q", field("c", "single", options=options("a", "b", "c")), next="b"),
        branch("b", ("answers.c == 'a'", "end"), ("answers.c in ['b']", "end")),
        end(),
    )
    assert texts(data) == []
    assert texts(data, severity="warning") == [
        "branch 'b' has no case for answers.c = 'c' (it goes to the default 'end')"
    ]
    covered = doc(data["nodes"][0], branch("b", ("answers.c != 'a'", "end")), end())
    assert texts(covered, severity="warning") == []


def test_disposition_codes_against_the_catalogue() -> None:
    data = doc(end(disposition="sael"))
    assert texts(data) == []
    assert texts(data, Catalogue(dispositions=CODES)) == ["unknown disposition code 'sael'"]


def test_yaml_problems_are_located() -> None:
    assert lint_text("id: [", "x.yaml")[0].format().startswith("x.yaml:2: error: not valid YAML")
    assert (
        "anchors and aliases (& and *) are not allowed" in lint_text("a: &x [1]\nb: *x\n", "x.yaml")[0].text
    )
    assert lint_text("- 1\n", "x.yaml")[0].text.startswith("a script is a mapping")


def test_checked_script_refuses_errors() -> None:
    with pytest.raises(ScriptInvalid, match="unknown node 'x'"):
        checked_script(doc(say("s", next="x"), end()))


def test_lint_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = SAMPLES / "request-nature.en.yaml"
    assert script_main(["lint", str(good)]) == 0
    warn = tmp_path / "warn.json"
    warn.write_text(json.dumps(doc(say("s", "{{ contact.city }}"), end())))
    assert script_main(["lint", str(warn)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text((good.read_text()).replace("next: end_new_order", "next: end_new_ordr"))
    codes = tmp_path / "codes.json"
    codes.write_text(json.dumps([{"code": c} for c in CODES]))
    assert script_main(["lint", str(good), str(bad), "--codes", str(codes)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{warn}:") and ": warning: " in line for line in out)
    assert any(line.startswith(f"{bad}:") and ": error: unknown node 'end_new_ordr'" in line for line in out)
    line = int(next(x for x in out if "end_new_ordr" in x).split(":")[1])
    assert "end_new_ordr" in bad.read_text().splitlines()[line - 1]
    assert script_main(["lint", str(tmp_path / "missing.yaml")]) == 1


@pytest.mark.parametrize(
    ("pattern", "error"),
    [(r"(a)\1", "invalid escape sequence"), ("(?=a)b", "invalid perl operator"), ("(", "missing )")],
)
def test_patterns_re2_cannot_run_are_errors(pattern: str, error: str) -> None:
    found = texts(doc(ask("q", field("t", pattern=pattern)), end()))
    assert any("pattern does not compile" in t and error in t for t in found), found


@pytest.mark.parametrize(
    ("pattern", "flagged"), [("(a+)+b", True), (r"(\w+\s?)*", True), (r"(\d{3}-)+", False)]
)
def test_nested_quantifiers_are_flagged(pattern: str, flagged: bool) -> None:
    found = texts(doc(ask("q", field("t", pattern=pattern)), end()), severity="warning")
    assert any("repeats a group that itself repeats" in t for t in found) is flagged, found


LONE = """\
id: t
version: 1
title: T
language: en
nodes:
  - id: s
    kind: say
    text: &greeting Hello
    next: e
  - {id: e, kind: end, outcome: e, disposition: sale}
"""


def test_yaml_blind_spots_are_errors_with_their_line() -> None:
    twice = LONE.replace("text: &greeting Hello\n    next: e", "text: Hello\n    next: s\n    next: e")
    messages = lint_text(twice, "x.yaml")
    assert [m.format() for m in messages] == ["x.yaml:10: error: duplicate key 'next' (first on line 9)"]
    messages = lint_text(LONE, "x.yaml")
    assert [m.format() for m in messages] == [
        "x.yaml:8: error: an anchor (&greeting / *greeting): anchors and aliases (& and *) are not allowed"
    ]
    scalar_alias = LONE.replace("outcome: e", "outcome: *greeting")
    assert "alias" in lint_text(scalar_alias, "x.yaml")[0].text
    assert lint_text(LONE.replace("&greeting ", "").replace("Hello", "5 * 3 & more"), "x.yaml") == []


def test_a_branch_that_leads_back_to_itself_is_an_error() -> None:
    data = doc(branch("b", ("contact.city", "end"), default="b"), end())
    assert texts(data) == ["branch 'b': its default leads back to itself"]
    assert texts(doc(branch("b", ("contact.city", "b")), end())) == ["branch 'b' leads back to itself"]
    two = doc(branch("a", ("contact.city", "end"), default="b"), branch("b", ("true", "a")), end())
    assert texts(two) == ["branches 'a', 'b' lead round in a loop with nothing asked or set"]


@pytest.mark.parametrize(
    ("when", "error"),
    [
        ("answers.n == '5'", "answers.n == '5' compares a number with a text: it is never true"),
        ("answers.n > '3'", "answers.n > '3' compares a number with a text: it fails"),
        ("'3' <= answers.n", "'3' <= answers.n compares a number with a text"),
        ("answers.c == 1", "answers.c == 1 compares a number with a text"),
        ("answers.t == 2", "answers.t == 2 compares a number with a text"),
        ("answers.c == 'APPLE'", "answers.c is compared with 'APPLE', the label of option 'a'"),
        ("answers.c == 'd'", "'d' is not an option of answers.c (options: 'a', 'b', 'c')"),
        ("answers.c != 'Apple'", "the label of option 'a'"),
        ("answers.c in ['a', 'zz']", "'zz' is not an option of answers.c"),
        ("'Banana' in answers.m", "the label of option 'b'"),
    ],
)
def test_comparisons_that_can_never_hold_are_errors(when: str, error: str) -> None:
    choices = [
        {"value": v, "label": label} for v, label in (("a", "Apple"), ("b", "Banana"), ("c", "Cherry"))
    ]
    data = doc(
        ask(
            "q",
            field("n", "number"),
            field("t"),
            field("c", "single", options=choices),
            field("m", "multi", options=choices),
            next="b",
        ),
        branch("b", (when, "end")),
        end(),
    )
    found = texts(data)
    assert any(error in t for t in found), found
    fine = doc(
        *data["nodes"][:1],
        branch("b", ("answers.n == 5 and answers.c == 'a' and 'b' in answers.m", "end")),
        end(),
    )
    assert texts(fine) == []
