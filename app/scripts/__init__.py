"""Dynamic call scripts: the format, a sandboxed template engine, the runner, the linter (no Qt).

* :mod:`~app.scripts.schema` - the JSON Schema (also ``resources/scripts/schema.json``);
* :mod:`~app.scripts.loader` - YAML with the line of every value;
* :mod:`~app.scripts.model` - typed nodes and fields;
* :mod:`~app.scripts.templates` / :mod:`~app.scripts.helpers` - Jinja2 sandbox, placeholders, helpers;
* :mod:`~app.scripts.validators` - what an operator typed, checked and normalised;
* :mod:`~app.scripts.runner` - a walk through a script, with Back and a JSON state;
* :mod:`~app.scripts.lint` (+ :mod:`~app.scripts.checks`, :mod:`~app.scripts.graph`) - the linter;
* :mod:`~app.scripts.cli` - ``ringdesk script lint`` / ``play``.

The format is described in ``docs/scripts.md``.
"""

from app.scripts.lint import Catalogue, Message, ScriptInvalid, checked_script, lint, lint_text
from app.scripts.model import Script, build
from app.scripts.runner import CallData, Result, Runner, StateError, StepView

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
