"""``python -m tests.unit.wire_light.differential [COUNT]``: every wire model on the light engine against
its pydantic twin, over the generated corpus (:mod:`tests.unit.wire_light.payloads`); prints one JSON
report. Run in its own process: the light engine is chosen before any model is imported.

For each payload, as a Python value and as JSON text:
- what the light engine accepts by itself, pydantic accepts too, with the same fields set and the same
  ``model_dump`` in both modes and the same ``model_dump_json`` (a *mismatch* otherwise);
- what it refuses is then decided by pydantic: the caller gets pydantic's answer (the same error);
- what pydantic accepts, written back by pydantic as the server would (``model_dump_json``), is read by
  the light engine alone (a *slow answer* otherwise: pydantic would be loaded on the desk to read it).
"""

from __future__ import annotations

import json
import sys
from random import Random
from typing import Any

from app.wire import engine

if not engine.use_light():  # pragma: no cover - RINGDESK_WIRE=pydantic in the environment
    raise SystemExit("the light engine was not chosen (RINGDESK_WIRE=pydantic?)")

import importlib
import pkgutil

import app.wire
from app.wire.light import twin
from app.wire.light.declare import Refused
from app.wire.light.jsontext import parse
from app.wire.light.model import BaseModel
from tests.unit.wire_light.payloads import payloads

_ENGINE = {"light", "schema", "engine"}


def light_models() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.iter_modules(app.wire.__path__):
        if info.name in _ENGINE:
            continue
        module = importlib.import_module(f"app.wire.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                found[f"{info.name}.{value.__name__}"] = value
    return found


def _outcome(call: Any, *args: Any) -> tuple[bool, Any]:
    try:
        return True, call(*args)
    except Refused:
        return False, None


def _twin_outcome(call: Any, *args: Any) -> tuple[bool, Any]:
    import pydantic

    try:
        return True, call(*args)
    except pydantic.ValidationError as exc:
        return False, exc


def _same(mine: Any, theirs: Any) -> str | None:
    """Why ``mine`` (light) and ``theirs`` (pydantic) differ, or ``None``."""
    if mine.model_fields_set != theirs.model_fields_set:
        return f"fields set {sorted(mine.model_fields_set)} != {sorted(theirs.model_fields_set)}"
    if mine.model_dump(mode="json") != theirs.model_dump(mode="json"):
        return f"json dump {mine.model_dump(mode='json')} != {theirs.model_dump(mode='json')}"
    if mine.model_dump() != theirs.model_dump():
        return f"python dump {mine.model_dump()!r} != {theirs.model_dump()!r}"
    if json.loads(mine.model_dump_json()) != json.loads(theirs.model_dump_json()):
        return f"json text {mine.model_dump_json()} != {theirs.model_dump_json()}"
    if json.loads(mine.model_dump_json(exclude_unset=True)) != json.loads(
        theirs.model_dump_json(exclude_unset=True)
    ):  # the text may differ only in how a float is written (``1e-07``, pydantic ``1e-7``)
        return f"unset json {mine.model_dump_json(exclude_unset=True)} != {theirs.model_dump_json()}"
    return None


def check(name: str, model: type[BaseModel], count: int) -> dict[str, Any]:
    made = twin.twin_of(model)
    corpus = payloads(made.model_json_schema(), Random(name), count)
    tally: dict[str, Any] = {
        "payloads": len(corpus),
        "light": 0,
        "pydantic": 0,
        "slow": 0,
        "mismatches": [],
        "slow_answers": [],
    }
    for payload in corpus:
        text = json.dumps(payload)
        for kind, mine_call, theirs_call, given in (
            ("python", _from_value, made.model_validate, payload),
            ("json", _from_text, made.model_validate_json, text),
        ):
            took, mine = _outcome(mine_call, model, given)
            accepted, theirs = _twin_outcome(theirs_call, given)
            tally["pydantic"] += accepted
            if took:
                tally["light"] += 1
                why = "pydantic refuses it" if not accepted else _same(mine, theirs)
                if why:
                    tally["mismatches"].append({"as": kind, "payload": text[:400], "why": why[:600]})
            elif accepted:
                tally["slow"] += 1
            if accepted and kind == "json":
                _answer(model, made, theirs.model_dump_json(), tally)
    return tally


def _answer(model: type[BaseModel], made: Any, written: str, tally: dict[str, Any]) -> None:
    """What pydantic wrote (as the server would) is read by the light engine alone, the same way."""
    readable, theirs = _twin_outcome(made.model_validate_json, written)
    if not readable:
        return  # pydantic cannot read it either (an infinite float written as null)
    took, mine = _outcome(_from_text, model, written)
    if not took:
        tally["slow_answers"].append(written[:400])
    elif why := _same(mine, theirs):
        tally["mismatches"].append({"as": "answer", "payload": written[:400], "why": why[:600]})


def _from_value(model: type[BaseModel], value: Any) -> Any:
    if type(value) is not dict:
        raise Refused()
    return model._light_from_dict(value, None)


def _from_text(model: type[BaseModel], text: str) -> Any:
    value = parse(text)
    if type(value) is not dict:
        raise Refused()
    return model._light_from_dict(value, None)


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 60
    report = {name: check(name, model, count) for name, model in sorted(light_models().items())}
    print(json.dumps(report, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
