"""Dynamic call scripts: the format, a sandboxed template engine, the runner, the linter (no Qt).

* :mod:`~app.scripts.schema` - the JSON Schema (also ``resources/scripts/schema.json``);
* :mod:`~app.scripts.loader` - YAML with the line of every value;
* :mod:`~app.scripts.model` - typed nodes and fields;
* :mod:`~app.scripts.templates` / :mod:`~app.scripts.helpers` - rendering, placeholders, helpers, with
  :mod:`~app.scripts.sandbox` (the Jinja2 environment), :mod:`~app.scripts.values` (records and
  placeholders) and :mod:`~app.scripts.budget` (the time, steps and sizes every evaluation runs under);
* :mod:`~app.scripts.validators` - what an operator typed, checked and normalised
  (:mod:`~app.scripts.patterns`: text patterns on RE2);
* :mod:`~app.scripts.runner` - a walk through a script, with Back and a JSON state;
* :mod:`~app.scripts.lint` (+ :mod:`~app.scripts.checks`, :mod:`~app.scripts.comparisons`,
  :mod:`~app.scripts.graph`) - the linter;
* :mod:`~app.scripts.cli` - ``ringdesk script lint`` / ``play``.

The format is described in ``docs/scripts.md``.

The names below are loaded on first use, not when the package is: the desktop runs scripts (the runner
and the model) but never lints them, and the linter pulls in JSON Schema validation, the YAML loader and
difflib, several MB that would sit idle in every operator's workstation.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.scripts.lint import Catalogue, Message, ScriptInvalid, checked_script, lint, lint_text
    from app.scripts.model import Script, build
    from app.scripts.runner import CallData, Result, Runner, StateError, StepView

_HOMES = {
    "Catalogue": "lint",
    "Message": "lint",
    "ScriptInvalid": "lint",
    "checked_script": "lint",
    "lint": "lint",
    "lint_text": "lint",
    "Script": "model",
    "build": "model",
    "CallData": "runner",
    "Result": "runner",
    "Runner": "runner",
    "StateError": "runner",
    "StepView": "runner",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "CallData",
    "Catalogue",
    "Message",
    "Result",
    "Runner",
    "Script",
    "ScriptInvalid",
    "StateError",
    "StepView",
    "build",
    "checked_script",
    "lint",
    "lint_text",
]
