"""Property tests: random valid scripts walked with random input never raise; broken ones are caught."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.scripts.lint import lint
from app.scripts.model import build
from app.scripts.runner import Runner
from app.scripts.schema import SCHEMA, conforms, validator
from tests.scripts.support import runner

FIELD_TYPES = ("text", "single", "multi", "number", "date", "phone", "email", "yesno")
RAW = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.sampled_from(["a", "b", "c", "zz", ""]), max_size=4),
    st.sampled_from(["a", "B", "да", "no", "8 912 345-67-89", "x@y.ru", "31.12.1990", "2030-01-01", "12,5"]),
)


@st.composite
def scripts(draw: st.DrawFn) -> dict[str, Any]:
    """A lint-clean script: a chain 0 -> 1 -> ... with extra forward jumps, ends at the back."""
    size = draw(st.integers(1, 12))
    ends = draw(st.integers(1, 3))
    nodes: list[dict[str, Any]] = []
    fields: list[tuple[str, str]] = []  # asked so far: (id, type)
    variables: list[str] = []
    total = size + 1 + ends  # the chain, a branch that reaches every end, the ends
    for i in range(size):
        forward = st.integers(i + 1, total - 1).map(lambda j: f"n{j}")
        kind = draw(st.sampled_from(["say", "ask", "branch", "set"]))
        node: dict[str, Any] = {"id": f"n{i}", "kind": kind}
        refs = [f"answers.{f}" for f, _ in fields] + [f"vars.{v}" for v in variables] + ["contact.name"]
        if kind == "say":
            node |= {
                "text": "{{ greeting() }} "
                + " ".join("{{ " + r + " }}" for r in draw(st.lists(st.sampled_from(refs), max_size=3))),
                "next": f"n{i + 1}",
            }
        elif kind == "ask":
            new = []
            for k in range(draw(st.integers(1, 3))):
                type_ = draw(st.sampled_from(FIELD_TYPES))
                spec: dict[str, Any] = {
                    "id": f"f{i}_{k}",
                    "type": type_,
                    "label": "L",
                    "required": draw(st.booleans()),
                }
                if type_ in ("single", "multi"):
                    spec["options"] = [{"value": v, "label": v.upper()} for v in ("a", "b", "c")]
                if type_ == "number" and draw(st.booleans()):
                    spec |= {"min": 0, "max": 100}
                new.append((spec["id"], type_))
                node.setdefault("fields", []).append(spec)
            node["next"] = f"n{i + 1}"
            fields += new
        elif kind == "branch":
            conditions = [f"answers.{f} == 'a'" for f, t in fields if t == "single"]
            conditions += [f"answers.{f} > 3" for f, t in fields if t == "number"]
            conditions += (
                ["contact.segment == 'VIP'", "vars.v0", "true", "age() > 30"]
                if variables
                else ["true", "contact.segment == 'VIP'"]
            )
            cases = draw(st.lists(st.tuples(st.sampled_from(conditions), forward), max_size=3))
            node |= {"cases": [{"when": w, "goto": g} for w, g in cases], "default": f"n{i + 1}"}
        else:
            name = f"v{len(variables)}"
            node |= {
                "vars": {name: draw(st.sampled_from(["1", "contact.name", *refs[:3]]))},
                "next": f"n{i + 1}",
            }
            variables.append(name)
        nodes.append(node)
    spread = [{"when": "contact.segment == 'VIP'", "goto": f"n{j}"} for j in range(size + 2, total)]
    nodes.append({"id": f"n{size}", "kind": "branch", "cases": spread, "default": f"n{size + 1}"})
    for j in range(size + 1, total):
        nodes.append(
            {
                "id": f"n{j}",
                "kind": "end",
                "outcome": f"o{j}",
                "disposition": "sale",
                "text": "{{ contact.city }}",
            }
        )
    return {
        "id": "gen",
        "version": 1,
        "title": "Generated",
        "language": "ru",
        "contact_fields": ["name", "segment", "city"],
        "nodes": nodes,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scripts(),
    st.lists(
        st.tuples(st.booleans(), st.dictionaries(st.text(max_size=4), RAW, max_size=3), RAW), max_size=30
    ),
    st.dictionaries(
        st.sampled_from(["name", "segment", "city", "birthday", "time_zone"]),
        st.one_of(
            st.none(), st.text(max_size=10), st.sampled_from(["VIP", "1990-05-01", "Asia/Omsk", "Bad/Zone"])
        ),
    ),
)
def test_random_walks_never_raise(
    data: dict[str, Any], moves: list[tuple[bool, dict[str, Any], Any]], contact: dict[str, Any]
) -> None:
    assert [m.format() for m in lint(data) if m.severity == "error"] == []
    r = runner(data, contact)
    for go_back, extra, raw in moves:
        view = r.view()
        if go_back:
            r.back()
        else:
            r.next({f.id: raw for f in view.fields} | extra)
        state = json.loads(json.dumps(r.state()))
        assert Runner.resume(r.script, state, r.call).view() == r.view()
    if r.finished:
        result = r.result()
        assert result is not None and result.path[-1] == r.view().node
        json.dumps(result.answers)


@settings(max_examples=100, deadline=None)
@given(scripts(), st.data())
def test_a_removed_reference_or_a_dropped_default_is_caught(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    candidates = [(i, key) for i, n in enumerate(data["nodes"]) for key in ("next", "default") if key in n]
    candidates += [(i, "goto") for i, n in enumerate(data["nodes"]) if n.get("cases")]
    if not candidates:
        return
    i, key = draw.draw(st.sampled_from(candidates))
    node = data["nodes"][i]
    mutation = draw.draw(st.sampled_from(["remove", "rename"]))
    if key == "goto":
        node["cases"][0]["goto"] = "nowhere"
    elif mutation == "remove":
        del node[key]
    else:
        node[key] = node[key] + "_gone"
    errors = [m for m in lint(data) if m.severity == "error"]
    assert errors, (key, mutation)
    build_ok = key != "default" or mutation != "remove"
    if build_ok:  # the runner copes with the broken script too
        r = runner(build(data))
        for _ in range(20):
            r.next({f.id: "a" for f in r.view().fields})


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.text(max_size=5),
    st.just("yes"),
    st.just(""),
    st.lists(st.integers(), max_size=2),
    st.just({"x": 1}),
)


@settings(max_examples=300, deadline=None)
@given(scripts(), st.data())
def test_the_fast_schema_check_agrees_with_jsonschema(data: dict[str, Any], draw: st.DataObject) -> None:
    """``schema.conforms`` (the linter's fast path) says valid exactly when ``jsonschema`` does."""
    target: Any = data
    for _ in range(draw.draw(st.integers(0, 4))):
        if isinstance(target, dict) and target:
            key = draw.draw(st.sampled_from(sorted(target)))
        elif isinstance(target, list) and target:
            key = draw.draw(st.integers(0, len(target) - 1))
        else:
            break
        if draw.draw(st.booleans()) and isinstance(target[key], dict | list):
            target = target[key]
            continue
        action = draw.draw(st.sampled_from(["junk", "delete", "extra"]))
        if action == "junk":
            target[key] = draw.draw(JUNK)
        elif action == "delete" and isinstance(target, dict):
            del target[key]
        elif isinstance(target, dict):
            target[draw.draw(st.sampled_from(["colour", "min", "options", "pattern", "default"]))] = (
                draw.draw(JUNK)
            )
        break
    assert conforms(data, SCHEMA) == validator().is_valid(data)
