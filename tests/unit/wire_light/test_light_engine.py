"""The light wire engine (:mod:`app.wire.light`), which the desktop uses instead of pydantic (issue 15).

Each test runs a process on the light engine (the test process itself is on pydantic, like the server):
- the differential run: every ``app.wire`` model over the generated corpus agrees with pydantic, and
  every answer pydantic writes is read without pydantic;
- the wire-shape tests, run again on the light engine: the same refusals with pydantic's own messages;
- the desk's modules, imported as ``ringdesk`` imports them, load no pydantic at all;
- a refused value loads pydantic once and gives the caller pydantic's error, word for word.
"""

from __future__ import annotations

import json
import os
from typing import Any

from tests.unit.wire_light.light_process import run_light

REFUSED = {"operator": "op1", "status": "not_ready", "reason": "x" * 40, "at": "now"}
"""A status change pydantic refuses twice: a reason over its 32 characters, a moment that is none."""


def test_every_model_agrees_with_pydantic_over_the_corpus() -> None:
    report: dict[str, Any] = json.loads(run_light("-m", "tests.unit.wire_light.differential", "60"))
    assert len(report) >= 80
    mismatches = {name: r["mismatches"][:2] for name, r in report.items() if r["mismatches"]}
    assert mismatches == {}
    slow_answers = {name: r["slow_answers"][:2] for name, r in report.items() if r["slow_answers"]}
    assert slow_answers == {}, "answers pydantic writes must be read by the light engine alone"
    light = sum(r["light"] for r in report.values())
    pydantic = sum(r["pydantic"] for r in report.values())
    assert light > 0.75 * pydantic  # the rest: hostile values ("12" for an int) left to pydantic
    assert all(r["light"] > 0 for r in report.values())  # every model is read by the light engine


def test_the_wire_shape_tests_pass_on_the_light_engine() -> None:
    out = run_light(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
        "tests/unit/test_wire_shapes.py",
        "tests/unit/test_wire_sizes.py",
        "tests/unit/test_answers_memory.py",
    )  # fmt: skip
    assert " passed" in out and "failed" not in out and "error" not in out.lower()


def test_the_desk_loads_no_pydantic() -> None:
    code = (
        "from app.wire import engine\n"
        "assert engine.use_light()\n"
        "import ui.start, ui.main, app.client.api, app.wire.contacts, app.wire.tasks\n"
        "import sys\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))\n"
    )
    assert run_light("-c", code, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}).strip() == "[]"


def test_a_refused_value_gets_pydantics_error_from_its_twin() -> None:
    code = """
import json, sys
from app.wire import engine
assert engine.use_light()
from app.wire.statuses import StatusChangeIn
from app.wire.schema import ValidationError
from app.wire.light import twin
REFUSED = json.loads(sys.argv[1])
ok = StatusChangeIn.model_validate_json(
    b'{"operator": "op1", "status": "ready", "at": "2026-12-07T18:05:18Z"}'
)
loaded_after_ok = "pydantic" in sys.modules
try:
    StatusChangeIn.model_validate(REFUSED)
except ValidationError as exc:
    errors = exc.errors(include_url=False)
print(json.dumps({"status": ok.status.value, "pydantic_after_ok": loaded_after_ok, "used": twin.used,
                  "errors": [{"loc": e["loc"], "type": e["type"], "msg": e["msg"]} for e in errors]}))
"""
    light = json.loads(run_light("-c", code, json.dumps(REFUSED)))
    from pydantic import ValidationError

    from app.wire.statuses import StatusChangeIn  # this process: pydantic, as the server

    try:
        StatusChangeIn.model_validate(REFUSED)
    except ValidationError as exc:
        theirs = [{"loc": list(e["loc"]), "type": e["type"], "msg": e["msg"]} for e in exc.errors()]
    assert light["status"] == "ready" and light["pydantic_after_ok"] is False
    assert light["used"] == {"StatusChangeIn": 1}
    assert light["errors"] == theirs
    assert [e["type"] for e in theirs] == ["string_too_long", "datetime_from_date_parsing"]
