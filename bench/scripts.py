"""Call scripts: how long one step takes (Next then drawing the new step), and linting a big script.

* ``step p95``: a walk through the inbound contact-lens sample with answers that visit every kind of
  node; each sample is ``runner.next(...)`` plus ``runner.view()`` (what the panel calls per key press),
  templates already compiled, as during a call. Target < 1 ms.
* ``lint 500 nodes``: a generated script of 500 nodes (says with templates, asks with typed fields,
  branches with conditions on earlier answers, sets), linted from data: schema, graph, every template.
  Each run uses fresh texts so Jinja's parse cache does not help (an admin uploads a new script). Target
  < 100 ms.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.scripts import analysis
from app.scripts.lint import lint
from app.scripts.loader import load
from app.scripts.model import build
from app.scripts.runner import CallData, Runner
from bench.common import REPO, BenchResult, percentile

NAME = "scripts"
CONTACT = {
    "name": "Иванова Мария",
    "segment": "VIP",
    "city": "Новосибирск",
    "time_zone": "Asia/Novosibirsk",
    "custom": {"lens_type": "monthly", "last_order": "2025-01-10", "bonus_points": 1200},
}
ANSWERS = {"reason": "reorder", "packs": "4", "receipt_email": "maria@example.ru"}


def generated(size: int, salt: int) -> dict[str, Any]:
    """A lint-clean script of ``size`` nodes: a chain with forward branches, asks feeding conditions."""
    nodes: list[dict[str, Any]] = []
    asked: list[str] = []
    for i in range(size - 2):
        nxt = f"n{i + 1}"
        kind = ("say", "ask", "branch", "say", "set")[i % 5]
        if kind == "say":
            ref = f"{{{{ answers.{asked[-1]} }}}}" if asked else ""
            text = f"Шаг {i}/{salt}: {{{{ greeting() }}}}, {{{{ contact.name }}}}! {ref} {{{{ vars.v0 }}}}"
            nodes.append({"id": f"n{i}", "kind": "say", "text": text, "next": nxt})
        elif kind == "ask":
            fid = f"f{i}"
            asked.append(fid)
            fields = [
                {
                    "id": fid,
                    "type": "single",
                    "label": f"Вопрос {i} {salt}",
                    "required": True,
                    "options": [{"value": v, "label": v} for v in ("a", "b", "c")],
                },
                {"id": f"{fid}_n", "type": "number", "label": "Число", "min": 0, "max": 100},
            ]
            nodes.append({"id": f"n{i}", "kind": "ask", "fields": fields, "next": nxt})
        elif kind == "branch":
            target = f"n{min(i + 7, size - 2)}"
            cases = (
                [
                    {
                        "when": f"answers.{asked[-1]} == '{v}' and {salt} > 0",
                        "goto": target if v == "a" else nxt,
                    }
                    for v in ("a", "b", "c")
                ]
                if asked
                else []
            )
            nodes.append({"id": f"n{i}", "kind": "branch", "cases": cases, "default": nxt})
        else:
            nodes.append(
                {
                    "id": f"n{i}",
                    "kind": "set",
                    "vars": {f"v{i}": f"answers.{asked[-1]} ~ '{salt}'"},
                    "next": nxt,
                }
            )
    nodes[0] = {"id": "n0", "kind": "set", "vars": {"v0": "1"}, "next": "n1"}
    nodes.append({"id": f"n{size - 2}", "kind": "end", "outcome": "done", "disposition": "sale"})
    nodes.append({"id": f"n{size - 1}", "kind": "end", "outcome": "other", "disposition": "callback"})
    nodes[size - 3] = {
        "id": f"n{size - 3}",
        "kind": "branch",
        "cases": [{"when": "contact.segment == 'VIP'", "goto": f"n{size - 1}"}],
        "default": f"n{size - 2}",
    }
    return {
        "id": "big",
        "version": 1,
        "title": "Big",
        "language": "ru",
        "contact_fields": ["name", "segment"],
        "nodes": nodes,
    }


def run(_logs: Path) -> BenchResult:
    result = BenchResult(NAME)
    data, _ = load((REPO / "resources" / "scripts" / "lens-inbound.ru.yaml").read_text(encoding="utf-8"))
    script = build(data)
    moment = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    call = CallData(contact=CONTACT, operator={"name": "Анна"}, now=lambda: moment)
    samples: list[float] = []
    for _ in range(300):
        runner = Runner(script, call)
        runner.view()
        while not runner.finished:
            view = runner.view()
            values = {f.id: ANSWERS.get(f.id) for f in view.fields}
            began = time.perf_counter()
            runner.next(values)
            runner.view()
            samples.append((time.perf_counter() - began) * 1000)
    result.add("step p95", round(percentile(samples, 95), 3), "ms", 1.0)
    result.add("step p50", round(percentile(samples, 50), 3), "ms")
    lint_ms: list[float] = []
    for salt in range(15):
        document = generated(500, salt)
        analysis._parsed.cache_clear()  # a new upload: nothing parsed before
        analysis.tree_of.cache_clear()
        began = time.perf_counter()
        messages = lint(document)
        lint_ms.append((time.perf_counter() - began) * 1000)
        errors = [m.format() for m in messages if m.severity == "error"]
        if errors:
            raise RuntimeError(f"the generated script does not lint clean: {errors[:3]}")
    result.add("lint 500 nodes p50", round(percentile(lint_ms, 50), 1), "ms", 100.0)
    result.add("lint 500 nodes max", round(max(lint_ms), 1), "ms")
    result.details.update(steps=len(samples), lint_runs=len(lint_ms), nodes=500)
    return result


if __name__ == "__main__":
    outcome = run(Path())
    for figure in outcome.figures:
        print(f"{figure.name}: {figure.value} {figure.unit} (target {figure.target or '-'})")
