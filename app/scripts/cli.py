"""``ringdesk script lint FILE...`` and ``ringdesk script play FILE --contact contact.json``.

``lint`` prints ``FILE:LINE: severity: message`` for every problem and exits 0 when no file has an
error (warnings alone do not fail), 1 otherwise, 2 on a usage error. ``--fields`` takes the custom
field schema as ``GET /contacts/fields`` returns it and ``--codes`` the disposition codes (a JSON list
of codes or of catalogue entries with ``code``); without them custom fields and codes are not checked.

``play`` walks a script. With ``--answers`` (a JSON object: field id -> what the operator would type, or
``{"visits": [...]}`` for a different answer each time a step comes round) it runs without asking and
prints the path, the rendered texts and the outcome as JSON; without, it asks in the terminal (a number
picks an option, ``<`` goes back, an empty line skips an optional field). ``--call KEY=VALUE``,
``--operator``, ``--login`` and ``--team`` set what ``call.*`` and ``operator.*`` read.
No Qt is loaded: this runs on a server or in CI.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.scripts.lint import CALL_FIELDS, Catalogue, lint_text
from app.scripts.loader import LoadError, load
from app.scripts.model import build
from app.scripts.runner import CallData, Runner, StepView

PLAY_STEPS_MAX = 1000
"""Steps ``play --answers`` takes before deciding the fixed answers send it round a loop forever."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ringdesk script", description="Check and try call scripts.")
    sub = parser.add_subparsers(dest="command", required=True)
    lint_p = sub.add_parser("lint", help="check scripts; FILE:LINE: messages, exit 1 on errors")
    lint_p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    lint_p.add_argument("--fields", type=Path, help="custom field schema (JSON, as GET /contacts/fields)")
    lint_p.add_argument("--codes", type=Path, help="disposition codes (JSON list)")
    play_p = sub.add_parser("play", help="walk through a script with a contact")
    play_p.add_argument("file", type=Path, metavar="FILE")
    play_p.add_argument("--contact", type=Path, required=True, help="the contact (JSON)")
    play_p.add_argument("--answers", type=Path, help="answers by field id (JSON): run without asking")
    play_p.add_argument("--operator", default="", help="operator name for {{ operator.name }}")
    play_p.add_argument("--login", help="operator.login (default: the --operator name)")
    play_p.add_argument("--team", help="operator.team")
    play_p.add_argument(
        "--call",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a call.* value (id, queue, direction, number, started_at); repeat for several",
    )
    play_p.add_argument("--now", help="the moment of the call, ISO 8601 with an offset (default: now)")
    args = parser.parse_args(argv)
    try:
        if args.command == "lint":
            return lint_files(args.files, _catalogue(args.fields, args.codes))
        return play(args)
    except (OSError, ValueError) as exc:
        print(f"ringdesk script: {exc}", file=sys.stderr)
        return 2


def _catalogue(fields: Path | None, codes: Path | None) -> Catalogue:
    custom = None
    if fields is not None:
        custom = frozenset(str(f["key"]) for f in json.loads(fields.read_text(encoding="utf-8")))
    known = None
    if codes is not None:
        items = json.loads(codes.read_text(encoding="utf-8"))
        known = frozenset(str(i["code"]) if isinstance(i, dict) else str(i) for i in items)
    return Catalogue(custom_fields=custom, dispositions=known)


def lint_files(files: list[Path], catalogue: Catalogue, out: Callable[[str], None] = print) -> int:
    failed = False
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            out(f"{path}: error: cannot read: {exc}")
            failed = True
            continue
        for message in lint_text(text, str(path), catalogue):
            out(message.format())
            failed = failed or message.severity == "error"
    return 1 if failed else 0


def play(args: argparse.Namespace) -> int:
    text = args.file.read_text(encoding="utf-8")
    errors = [m for m in lint_text(text, str(args.file)) if m.severity == "error"]
    if errors:
        for message in errors:
            print(message.format(), file=sys.stderr)
        return 1
    try:
        data, _ = load(text)
    except LoadError as exc:  # pragma: no cover - lint_text reported it already
        raise ValueError(str(exc)) from None
    contact = json.loads(args.contact.read_text(encoding="utf-8"))
    if not isinstance(contact, dict):
        raise ValueError("--contact must hold a JSON object")
    moment = datetime.fromisoformat(args.now) if args.now else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("--now needs an offset, like 2025-03-01T10:00:00+03:00")
    operator = {"name": args.operator, "login": args.login or args.operator, "team": args.team}
    values = _call_values(args.call, moment)
    call = CallData(contact=contact, operator=operator, call=values, now=lambda: moment)
    runner = Runner(build(data), call)
    if args.answers is None:
        return interactive(runner)
    answers = json.loads(args.answers.read_text(encoding="utf-8"))
    if not isinstance(answers, dict):
        raise ValueError("--answers must hold a JSON object")
    report, code = replay(runner, answers)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return code


def _call_values(pairs: list[str], moment: datetime) -> dict[str, str]:
    """``--call KEY=VALUE`` options as the call's data; ``started_at`` defaults to ``--now``."""
    values = {"started_at": moment.isoformat()}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in CALL_FIELDS:
            known = ", ".join(sorted(CALL_FIELDS))
            raise ValueError(f"--call takes KEY=VALUE with KEY one of {known}: {pair!r}")
        values[key] = value
    return values


def _answer(answers: dict[str, Any], field: Any, visits: dict[str, int]) -> Any:
    """What the answers file gives ``field`` on this visit: a value, or ``{"visits": [v1, v2, ...]}``
    for a different one each time the step comes round (the last repeats); absent: its prefill."""
    if field.id not in answers:
        return field.value
    given = answers[field.id]
    if isinstance(given, dict) and isinstance(given.get("visits"), list) and given["visits"]:
        seen = visits.get(field.id, 0)
        visits[field.id] = seen + 1
        return given["visits"][min(seen, len(given["visits"]) - 1)]
    return given


def replay(runner: Runner, answers: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Walk with fixed answers; the report, and 0 when it reached an end (1 when it got stuck)."""
    steps: list[dict[str, Any]] = []
    visits: dict[str, int] = {}
    problem: str | None = None
    for _ in range(PLAY_STEPS_MAX):
        view = runner.view()
        steps.append(_step_json(view))
        if view.finished or view.problem:
            problem = view.problem
            break
        errors = runner.next({f.id: _answer(answers, f, visits) for f in view.fields})
        if errors:
            problem = "; ".join(f"{e.field}: {e.message}" for e in errors)
            break
        if runner.view().problem:
            problem = runner.view().problem
            break
    else:
        problem = f"no end after {PLAY_STEPS_MAX} steps: the answers go round a loop"
    result = runner.result()
    report: dict[str, Any] = {
        "script": {"id": runner.script.id, "version": runner.script.version},
        "path": runner.state()["path"],
        "steps": steps,
        "outcome": result.outcome if result else None,
        "disposition": result.disposition if result else None,
        "answers": runner.answers(),
    }
    if problem:
        report["problem"] = problem
    return report, 0 if result is not None else 1


def _step_json(view: StepView) -> dict[str, Any]:
    step: dict[str, Any] = {"node": view.node, "kind": view.kind, "title": view.title, "text": view.text}
    if view.fields:
        step["fields"] = [{"id": f.id, "label": f.label} for f in view.fields]
    if view.too_expensive:
        step["too_expensive"] = view.too_expensive
    return step


def interactive(runner: Runner, ask: Callable[[str], str] = input, out: Callable[[str], None] = print) -> int:
    """The terminal walk-through; returns 0 at an end, 1 if the operator quits (end of input)."""
    try:
        while not runner.finished:
            view = runner.view()
            out(f"\n== {view.title or view.node} ==  ({' > '.join(c.title for c in view.breadcrumb)})")
            if view.text:
                out(view.text)
            if view.problem:
                out(f"!! {view.problem}")
            if view.too_expensive:
                out(f"!! this step is too expensive to show: {view.too_expensive}")
            values: dict[str, Any] = {}
            went_back = False
            for f in view.fields:
                answer = _ask_field(f, ask, out)
                if answer == "<":
                    went_back = True
                    break
                values[f.id] = answer
            if went_back or (not view.fields and ask("[Enter] next, < back: ").strip() == "<"):
                if not runner.back():
                    out("(this is the first step)")
                continue
            for error in runner.next(values):
                out(f"!! {error.field}: {error.message}")
    except EOFError:
        out("\n(stopped)")
        return 1
    view = runner.view()
    out(f"\n== {view.title or view.node} ==")
    if view.text:
        out(view.text)
    result = runner.result()
    assert result is not None
    out(json.dumps({"outcome": result.outcome, "disposition": result.disposition, "answers": result.answers},
                   ensure_ascii=False, indent=2))  # fmt: skip
    return 0


def _ask_field(f: Any, ask: Callable[[str], str], out: Callable[[str], None]) -> Any:
    for number, option in enumerate(f.options, 1):
        out(f"  {number}. {option.label}")
    hint = {"yesno": " (y/n)", "multi": " (numbers, comma-separated)", "date": " (DD.MM.YYYY)"}.get(
        f.type, ""
    )
    mark = "*" if f.required else ""
    typed = ask(f"{f.label}{mark}{hint}: ").strip()
    if typed == "<":
        return "<"
    if f.options:
        picks = [p.strip() for p in typed.split(",")] if f.type == "multi" else [typed]
        chosen = [
            f.options[int(p) - 1].value if p.isdigit() and 1 <= int(p) <= len(f.options) else p
            for p in picks
            if p
        ]
        return chosen if f.type == "multi" else (chosen[0] if chosen else "")
    return typed


if __name__ == "__main__":
    sys.exit(main())
