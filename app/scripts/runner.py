"""Walking a script during a call: the current step, answers, Back, and a state that survives a crash.

The runner is deterministic: the same script, call data, clock and inputs always give the same path.
``branch`` and ``set`` nodes run on their own between the steps an operator sees (``say``, ``ask``,
``end``). Each step shown is pushed on a trail with the variables as they were, so Back restores the
previous step exactly; answers typed on a step that was left by Back are kept as drafts (prefilled if the
operator comes back) but only answers of steps on the current path count: conditions never see an
answer from an abandoned branch, and neither does the result.

The runner never raises on script content: a broken reference or a loop without an exit leaves it on
the current step with :attr:`StepView.problem` set (the linter reports those before a script is used).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.scripts import budget, templates
from app.scripts.helpers import ChoiceValue, contact_zone, helpers
from app.scripts.model import Ask, Branch, End, Field, Option, Say, Script, SetVars
from app.scripts.validators import AnswerValue, FieldError, check

STATE_FORMAT = 1
AUTO_MAX = 1000
"""Branch and set nodes run in a row before the runner gives up on a loop that never shows a step."""
JsonValue = str | int | float | bool | list[Any] | None


@dataclass(frozen=True)
class CallData:
    """What templates can read about the call, and the clock helpers and date checks use."""

    contact: Mapping[str, Any] = field(default_factory=dict)
    operator: Mapping[str, Any] = field(default_factory=dict)
    call: Mapping[str, Any] = field(default_factory=dict)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)


@dataclass(frozen=True)
class FieldView:
    """A field as the panel shows it: label rendered, value prefilled from a draft or earlier answer."""

    id: str
    type: str
    label: str
    required: bool
    hint: str
    options: tuple[Option, ...]
    value: AnswerValue
    spec: Field


@dataclass(frozen=True)
class Crumb:
    node: str
    title: str


@dataclass(frozen=True)
class StepView:
    """Everything the panel needs to draw the current step; plain data, texts already rendered."""

    node: str
    kind: str
    title: str
    text: str
    fields: tuple[FieldView, ...]
    breadcrumb: tuple[Crumb, ...]
    can_back: bool
    finished: bool
    outcome: str | None = None
    disposition: str | None = None
    problem: str | None = None
    too_expensive: str | None = None
    """Why a text of this step went beyond its evaluation budget (:mod:`app.scripts.budget`), in
    English; that text is left empty and the panel says the step is too expensive to show."""


@dataclass(frozen=True)
class Result:
    """What a finished script hands to the disposition form."""

    script_id: str
    version: int
    outcome: str
    disposition: str
    answers: dict[str, AnswerValue]
    path: list[str]


class StateError(ValueError):
    """A saved state that does not belong to this script (or is not a runner state at all)."""


class Runner:
    """One walk through one script (see the module notes)."""

    def __init__(self, script: Script, call: CallData | None = None) -> None:
        self.script = script
        self.call = call or CallData()
        self._base: dict[str, Any] = {
            "contact": templates.Record(self.call.contact),
            "operator": templates.Record(self.call.operator),
            "call": templates.Record(self.call.call),
            **helpers(self.call.contact, script.language, self.call.now),
        }
        self._zone = contact_zone(self.call.contact)
        self._node = script.start
        self._trail: list[dict[str, Any]] = []
        self._answers: dict[str, AnswerValue] = {}
        self._vars: dict[str, JsonValue] = {}
        self._path: list[str] = []
        self._problem: str | None = None
        self._view: StepView | None = None
        self._enter(script.start)

    # -- intents -----------------------------------------------------------------------------------

    def next(self, values: Mapping[str, Any] | None = None) -> list[FieldError]:
        """Accept the current step (with ``values`` typed into its fields) and move on.

        Returns the field errors when an answer is not accepted (the step stays); valid values are
        kept even then, so the panel does not lose them.
        """
        node = self.script.by_id.get(self._node)
        if not isinstance(node, Say | Ask):  # an end, or a start that could not be entered
            return []
        self._view = None
        errors: list[FieldError] = []
        if isinstance(node, Ask):
            today = self._today()
            given = values or {}
            for spec in node.fields:
                raw = given.get(spec.id, self._answers.get(spec.id))
                value, error = check(spec, raw, today)
                if error is None:
                    self._answers[spec.id] = value
                else:
                    errors.append(error)
            if errors:
                return errors
        self._trail.append({"node": self._node, "vars": dict(self._vars), "path": len(self._path)})
        if not self._enter(node.next):
            self._trail.pop()
        return errors

    def back(self) -> bool:
        """Return to the previous step shown; ``False`` at the first one."""
        if not self._trail:
            return False
        entry = self._trail.pop()
        self._node, self._vars = entry["node"], dict(entry["vars"])
        del self._path[entry["path"] :]
        self._problem, self._view = None, None
        return True

    # -- what the panel reads ------------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return isinstance(self.script.by_id.get(self._node), End)

    def view(self) -> StepView:
        if self._view is None:
            self._view = self._make_view()
        return self._view

    def answers(self) -> dict[str, AnswerValue]:
        """Answers of the steps on the current path (not drafts left behind by Back)."""
        result: dict[str, AnswerValue] = {}
        for entry in self._trail:
            node = self.script.by_id.get(entry["node"])
            if isinstance(node, Ask):
                for spec in node.fields:
                    result[spec.id] = self._answers.get(spec.id)
        return result

    def result(self) -> Result | None:
        node = self.script.by_id.get(self._node)
        if not isinstance(node, End):
            return None
        return Result(
            self.script.id,
            self.script.version,
            node.outcome,
            node.disposition,
            self.answers(),
            list(self._path),
        )

    def render(self, source: str) -> str:
        return templates.render(source, self._data())

    # -- persistence -----------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """JSON-serialisable state: save it after every step, :meth:`resume` it after a crash."""
        return {
            "format": STATE_FORMAT,
            "script": {"id": self.script.id, "version": self.script.version},
            "node": self._node,
            "trail": [dict(e, vars=dict(e["vars"])) for e in self._trail],
            "answers": dict(self._answers),
            "vars": dict(self._vars),
            "path": list(self._path),
        }

    @classmethod
    def resume(cls, script: Script, state: Mapping[str, Any], call: CallData | None = None) -> Runner:
        """A runner at the step ``state`` was saved on; :class:`StateError` if it is not this script's."""
        try:
            ok = state["format"] == STATE_FORMAT and state["script"] == {
                "id": script.id,
                "version": script.version,
            }
            node, trail, answers = state["node"], list(state["trail"]), dict(state["answers"])
            variables, path = dict(state["vars"]), [str(p) for p in state["path"]]
            ok = ok and node in script.by_id and all(e["node"] in script.by_id for e in trail)
            ok = ok and all(isinstance(e["vars"], dict) and isinstance(e["path"], int) for e in trail)
        except (KeyError, TypeError, ValueError):
            raise StateError("not a saved script state") from None
        if not ok:
            raise StateError(f"the saved state is not one of script {script.id!r} version {script.version}")
        runner = cls(script, call)
        runner._node, runner._trail, runner._answers = node, trail, answers
        runner._vars, runner._path, runner._problem, runner._view = variables, path, None, None
        return runner

    # -- inside ----------------------------------------------------------------------------------------

    def _today(self) -> Any:
        moment = self.call.now()
        return (moment.astimezone(self._zone) if self._zone else moment).date()

    def _data(self, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {
            **self._base,
            "answers": templates.Record(self._labelled(self.answers())),
            "vars": templates.Record(self._vars if variables is None else variables),
        }

    def _prefill(self, spec: Field, data: Mapping[str, Any]) -> AnswerValue:
        """The value a field starts with from its ``prefill`` template, checked as if typed; ``None``
        when the template prints a missing value or the result is not a valid answer."""
        if not spec.prefill:
            return None
        text = templates.filled(spec.prefill, data)
        if text is None:
            return None
        value, error = check(spec, text.split(",") if spec.type.value == "multi" else text, self._today())
        return value if error is None else None

    def _labelled(self, answers: dict[str, AnswerValue]) -> dict[str, Any]:
        """Answers as templates see them: a choice's value knows its option's label (``label(...)``)."""
        shown: dict[str, Any] = dict(answers)
        for key, value in answers.items():
            spec = self.script.fields.get(key)
            if spec is None or not spec.options or value is None:
                continue
            labels = {o.value: o.label for o in spec.options}
            if isinstance(value, str):
                shown[key] = ChoiceValue(value, labels.get(value, value))
            elif isinstance(value, list):
                shown[key] = [ChoiceValue(v, labels.get(v, v)) for v in value]
        return shown

    def _enter(self, target: str | None) -> bool:
        """Run from ``target`` through branch and set nodes to the next shown step; all or nothing.

        All the conditions and variables of one move share a budget (:data:`budget.STEP_TIME_MAX`), so
        a chain of branches cannot add up to a stall either: past it, conditions are false.
        """
        with budget.budget(budget.STEP_TIME_MAX):
            return self._walk(target)

    def _walk(self, target: str | None) -> bool:
        variables, path = dict(self._vars), list(self._path)
        node_id = target
        for _ in range(AUTO_MAX):
            node = self.script.by_id.get(node_id) if node_id is not None else None
            if node is None:
                here = self._path[-1] if self._path else self.script.start
                self._problem = (
                    f"step {here!r} leads nowhere" if node_id is None else f"unknown step {node_id!r}"
                )
                return False
            path.append(node.id)
            if isinstance(node, Branch):
                data = self._data(variables)
                node_id = next(
                    (c.goto for c in node.cases if templates.condition(c.when, data)), node.default
                )
            elif isinstance(node, SetVars):
                for name, expression in node.vars:
                    variables[name] = _evaluate(expression, self._data(variables))
                node_id = node.next
            else:
                self._node, self._vars, self._path = node.id, variables, path
                self._problem, self._view = None, None
                return True
        self._problem = f"steps after {target!r} loop without showing anything"
        return False

    def _make_view(self) -> StepView:
        with budget.budget(budget.STEP_TIME_MAX):
            return self._draw()

    def _draw(self) -> StepView:
        node = self.script.by_id.get(self._node)
        crumbs = tuple(Crumb(e["node"], _title(self.script, e["node"])) for e in self._trail)
        if node is None:
            return StepView(
                self._node, "", "", "", (), crumbs, bool(self._trail), False, problem=self._problem
            )
        data = self._data()
        refusals: list[str] = []

        def render(source: str) -> str:
            text, expensive = templates.render_checked(source, data)
            if expensive is not None:
                refusals.append(expensive)
                return ""
            return text

        text = render(node.text) if isinstance(node, Say | Ask | End) else ""
        fields: tuple[FieldView, ...] = ()
        if isinstance(node, Ask):
            fields = tuple(
                FieldView(
                    f.id, f.type.value, render(f.label) or f.id, f.required, render(f.hint),
                    f.options, self._answers[f.id] if f.id in self._answers else self._prefill(f, data), f,
                )
                for f in node.fields
            )  # fmt: skip
        end = node if isinstance(node, End) else None
        return StepView(
            node=node.id,
            kind=self.script.kind(node),
            title=node.title,
            text=text,
            fields=fields,
            breadcrumb=(*crumbs, Crumb(node.id, _title(self.script, node.id))),
            can_back=bool(self._trail),
            finished=end is not None,
            outcome=end.outcome if end else None,
            disposition=end.disposition if end else None,
            problem=self._problem,
            too_expensive=refusals[0] if refusals else None,
        )


def _title(script: Script, node_id: str) -> str:
    node = script.by_id.get(node_id)
    return (node.title if node is not None else "") or node_id


def _evaluate(expression: str, data: Mapping[str, Any]) -> JsonValue:
    """A ``set`` expression's value as JSON (so the state saves); ``None`` when it cannot be computed."""
    try:
        return _jsonable(templates.evaluate(expression, data))
    except Exception:
        return None


def _jsonable(value: Any, depth: int = 0) -> JsonValue:
    if isinstance(value, templates.Placeholder) or value is None:
        return None
    if isinstance(value, bool | int | str):
        return value if not isinstance(value, str) else value[: templates.RENDERED_MAX]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple) and depth < 3:
        return [_jsonable(v, depth + 1) for v in value[:1000]]
    return str(value)[:1000] if not isinstance(value, templates.Record) else None
