"""The JSON Schema of a call script: the structure a document must have before any deeper check.

The schema is written here, in Python, so the engine, the linter and the server share one definition
without reading files at run time; ``resources/scripts/schema.json`` is generated from it (``python -m
app.scripts.schema``) for editors and YAML language servers, and a test keeps the two equal.

It checks shape only (kinds, required keys, types of values). What needs the whole document (node
references, reachability, loops, templates, answers that exist) is the linter's job
(:mod:`app.scripts.lint`), because a schema error cannot say "unknown node 'foo'" in a useful way.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Node ids, field ids and variable names: the wire's ``FieldKey`` (answers are keyed by field id)."""
KEY_MAX = 64
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
"""Script ids, outcomes and disposition codes: the wire's ``Code`` / ``CatalogueCode``."""
TEXT_MAX = 4000
"""Text of one template: what an operator can read aloud, never a document."""
NODES_MAX = 2000
FIELD_TYPES = ("text", "single", "multi", "number", "date", "phone", "email", "yesno")
NODE_KINDS = ("say", "ask", "branch", "set", "end")

_key: dict[str, Any] = {"type": "string", "pattern": KEY_PATTERN, "maxLength": KEY_MAX}
_ref: dict[str, Any] = {"type": "string", "maxLength": KEY_MAX}
_text: dict[str, Any] = {"type": "string", "maxLength": TEXT_MAX}
_label: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 500}
_date_bound: dict[str, Any] = {
    "type": "string",
    "pattern": r"^(today|\d{4}-\d{2}-\d{2})$",
    "description": "an ISO date or 'today'",
}

_option: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "label"],
    "properties": {
        "value": {"type": "string", "pattern": CODE_PATTERN, "maxLength": KEY_MAX},
        "label": _label,
    },
}

_field: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "type", "label"],
    "properties": {
        "id": _key,
        "type": {"enum": list(FIELD_TYPES)},
        "label": _label,
        "required": {"type": "boolean"},
        "hint": _label,
        "options": {"type": "array", "items": _option, "maxItems": 100},
        "min": {"type": ["number", "string"]},
        "max": {"type": ["number", "string"]},
        "integer": {"type": "boolean"},
        "min_length": {"type": "integer", "minimum": 0},
        "max_length": {"type": "integer", "minimum": 1, "maximum": TEXT_MAX},
        "pattern": {"type": "string", "maxLength": 500},
        "pattern_message": _label,
        "region": {"type": "string", "pattern": "^[A-Z]{2}$"},
    },
    "allOf": [
        {
            "if": {"properties": {"type": {"enum": ["single", "multi"]}}},
            "then": {"required": ["options"]},
            "else": {"not": {"required": ["options"]}},
        },
        {
            "if": {"properties": {"type": {"const": "date"}}},
            "then": {"properties": {"min": _date_bound, "max": _date_bound}},
        },
        {
            "if": {"properties": {"type": {"enum": ["number", "multi"]}}},
            "then": {"properties": {"min": {"type": "number"}, "max": {"type": "number"}}},
        },
        {
            "if": {"properties": {"type": {"enum": ["text", "single", "phone", "email", "yesno"]}}},
            "then": {"not": {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}},
        },
        {
            "if": {"properties": {"type": {"not": {"const": "text"}}}},
            "then": {"not": {"anyOf": [{"required": [k]} for k in ("min_length", "max_length", "pattern")]}},
        },
    ],
}

_common: dict[str, Any] = {"id": _key, "kind": {"enum": list(NODE_KINDS)}, "title": _label}


def _node(kind: str, required: list[str], **properties: Any) -> dict[str, Any]:
    return {
        "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
        "then": {
            "required": required,
            "properties": {**_common, **properties},
            "additionalProperties": False,
        },
    }


_node_schema: dict[str, Any] = {
    "type": "object",
    "required": ["id", "kind"],
    "properties": _common,
    "allOf": [
        _node("say", ["text"], text=_text, next=_ref),
        _node(
            "ask",
            ["fields"],
            text=_text,
            fields={"type": "array", "items": _field, "minItems": 1, "maxItems": 50},
            next=_ref,
        ),
        _node(
            "branch",
            ["cases", "default"],
            cases={
                "type": "array",
                "maxItems": 100,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["when", "goto"],
                    "properties": {"when": {"type": "string", "maxLength": 1000}, "goto": _ref},
                },
            },
            default=_ref,
        ),
        _node(
            "set",
            ["vars"],
            vars={
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": KEY_PATTERN, "maxLength": KEY_MAX},
                "additionalProperties": {"type": "string", "maxLength": 1000},
            },
            next=_ref,
        ),
        _node(
            "end",
            ["outcome", "disposition"],
            text=_text,
            outcome={"type": "string", "pattern": CODE_PATTERN, "maxLength": KEY_MAX},
            disposition={"type": "string", "pattern": CODE_PATTERN, "maxLength": 32},
        ),
    ],
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://ringdesk.example/schemas/call-script.json",
    "title": "ringdesk call script",
    "description": "A branching call script; see docs/scripts.md.",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "version", "title", "language", "nodes"],
    "properties": {
        "id": {"type": "string", "pattern": CODE_PATTERN, "maxLength": KEY_MAX},
        "version": {"type": "integer", "minimum": 1},
        "title": _label,
        "language": {"enum": ["ru", "en"]},
        "description": _text,
        "contact_fields": {"type": "array", "items": {"type": "string", "maxLength": 80}, "maxItems": 200},
        "start": _ref,
        "nodes": {"type": "array", "items": _node_schema, "minItems": 1, "maxItems": NODES_MAX},
    },
}


@cache
def validator() -> Draft202012Validator:
    """The compiled validator (built once: building it costs more than validating a script)."""
    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator(SCHEMA)


def schema_json() -> str:
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # regenerate resources/scripts/schema.json
    target = Path(__file__).resolve().parents[2] / "resources" / "scripts" / "schema.json"
    target.write_text(schema_json(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
