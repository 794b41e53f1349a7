"""The payload generator is worth feeding to a differential test: against every model of ``app.wire``,
in pydantic mode, it produces payloads pydantic accepts and payloads it refuses, all JSON, all small,
the same ones for the same seed.

Run with ``-s`` to see, per model, how many of the payloads validated: the light validator's tests are
only as good as that mix.
"""

from __future__ import annotations

import importlib
import inspect
import json
import random
import re
import statistics
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from tests.unit.wire_light.hostile import ODD_MOMENTS
from tests.unit.wire_light.payloads import HARD_TO_GENERATE, SIZE_MAX, payloads

MODULES = (
    "auth",
    "calls",
    "common",
    "contacts",
    "crm",
    "dispositions",
    "kpi",
    "quality",
    "recordings",
    "reports",
    "requests",
    "scripts",
    "statuses",
    "supervision",
    "task_rules",
    "tasks",
    "team_tasks",
)
PER_MODEL = 60
CONSTRAINTS = (
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
    "const",
    "minItems",
    "maxItems",
    "maxProperties",
    "format",
)


def wire_models() -> dict[str, type[BaseModel]]:
    """Every ``BaseModel`` subclass defined (not just imported) in a module of ``app.wire``."""
    found: dict[str, type[BaseModel]] = {}
    for name in MODULES:
        module = importlib.import_module(f"app.wire.{name}")
        for attr, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__:
                found[f"{name}.{attr}"] = obj
    return found


MODELS = wire_models()


def constrained(schema: Any) -> bool:
    """Whether a schema refuses anything: a required or forbidden property, or any bound."""
    if isinstance(schema, dict):
        if schema.get("required") or schema.get("additionalProperties") is False:
            return True
        if any(k in schema for k in CONSTRAINTS) or schema.get("type") in ("integer", "boolean"):
            return True
        return any(constrained(v) for v in schema.values())
    if isinstance(schema, list):
        return any(constrained(v) for v in schema)
    return False


def tally(model: type[BaseModel], corpus: list[Any]) -> tuple[int, int]:
    """``(valid, refused)``; any exception but a ``ValidationError`` fails the test (a pydantic bug or
    a validator that crashes is exactly what the corpus is for)."""
    valid = 0
    for payload in corpus:
        try:
            model.model_validate(payload)
        except ValidationError:
            continue
        valid += 1
    return valid, len(corpus) - valid


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[int, int]]:
    """``(valid, refused)`` per model for :data:`PER_MODEL` payloads of seed ``"<module>.<Model>"``.

    ``ContactIn``/``ContactPatch`` check custom fields only with ``context={"field_schema": ...}``;
    without it (as here, and as the desktop's light validator runs) that check is skipped.
    """
    out: dict[str, tuple[int, int]] = {}
    for name, model in MODELS.items():
        corpus = payloads(model.model_json_schema(), random.Random(name), PER_MODEL)
        assert len(corpus) == PER_MODEL
        out[name] = tally(model, corpus)
    rates = [valid / PER_MODEL for valid, _ in out.values()]
    print(f"\n{'model':42} valid refused")
    for name, (valid, refused) in out.items():
        print(f"{name:42} {valid:5} {refused:7}")
    print(
        f"{sum(v > 0 for v, _ in out.values())}/{len(out)} models with a valid payload; "
        f"median validity {statistics.median(rates):.0%}, min {min(rates):.0%}, max {max(rates):.0%}"
    )
    return out


def test_every_model_module_is_covered() -> None:
    assert len(MODELS) >= 80, sorted(MODELS)
    assert {name.split(".")[0] for name in MODELS} == set(MODULES)


def test_payloads_are_json_small_and_deterministic() -> None:
    for name, model in MODELS.items():
        schema = model.model_json_schema()
        first = payloads(schema, random.Random(name), PER_MODEL)
        again = payloads(schema, random.Random(name), PER_MODEL)
        texts = [json.dumps(p) for p in first]
        assert texts == [json.dumps(p) for p in again], name
        assert max(map(len, texts)) <= SIZE_MAX, name


def test_some_payload_validates_for_every_model(results: dict[str, tuple[int, int]]) -> None:
    """Exactly the models of :data:`HARD_TO_GENERATE` get no valid payload."""
    never = sorted(name for name, (valid, _) in results.items() if valid == 0)
    assert never == sorted(name for name, _why in HARD_TO_GENERATE)


def test_some_payload_is_refused_for_every_constrained_model(results: dict[str, tuple[int, int]]) -> None:
    unrefused = [
        name
        for name, (_, refused) in results.items()
        if refused == 0 and constrained(MODELS[name].model_json_schema())
    ]
    assert unrefused == []


def test_hostile_probes_are_reached() -> None:
    """The edges the brief names show up in a corpus: sizes in code points, blanks, odd datetimes."""
    model = MODELS["dispositions.DispositionIn"]
    corpus = payloads(model.model_json_schema(), random.Random(7), 1500)
    text = "\n".join(json.dumps(p, ensure_ascii=False) for p in corpus)
    for probe in (
        "\\u0000",
        "\u0085",
        "😀",
        ' "',
        '"unknown"',
        "true",
        '"12"',
        "2026-12-07T18:05:18.1234567Z",
    ):
        assert probe in text, probe
    reached = [m for m in ODD_MOMENTS if json.dumps(m, ensure_ascii=False) in text]
    assert len(reached) >= 0.8 * len(ODD_MOMENTS), sorted(set(map(str, ODD_MOMENTS)) - set(map(str, reached)))
    moments = re.findall(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"', text)
    assert {len(fraction) - 1 for fraction, _ in moments if fraction} == {1, 2, 3, 4, 5, 6, 7}
    assert {zone for _, zone in moments} >= {"", "Z", "+03:00", "-05:30"}
