"""Small script documents for tests, written as data (the YAML samples live in resources/scripts/)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.scripts.model import Script, build
from app.scripts.runner import CallData, Runner

NOON_MOSCOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # 12:00 in Moscow


def doc(*nodes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "test", "version": 1, "title": "Test", "language": "ru", "nodes": list(nodes)} | extra


def say(node_id: str, text: str = "Hello", next: str | None = "end", **extra: Any) -> dict[str, Any]:
    node = {"id": node_id, "kind": "say", "text": text} | extra
    return node | ({"next": next} if next else {})


def ask(node_id: str, *fields: dict[str, Any], next: str | None = "end", **extra: Any) -> dict[str, Any]:
    node = {"id": node_id, "kind": "ask", "fields": list(fields)} | extra
    return node | ({"next": next} if next else {})


def field(field_id: str, type_: str = "text", **extra: Any) -> dict[str, Any]:
    return {"id": field_id, "type": type_, "label": field_id.title()} | extra


def options(*values: str) -> list[dict[str, str]]:
    return [{"value": v, "label": v.upper()} for v in values]


def branch(node_id: str, *cases: tuple[str, str], default: str | None = "end") -> dict[str, Any]:
    node: dict[str, Any] = {
        "id": node_id,
        "kind": "branch",
        "cases": [{"when": w, "goto": g} for w, g in cases],
    }
    return node | ({"default": default} if default else {})


def set_(node_id: str, next: str = "end", **variables: str) -> dict[str, Any]:
    return {"id": node_id, "kind": "set", "vars": variables, "next": next}


def end(node_id: str = "end", disposition: str = "sale", text: str = "", **extra: Any) -> dict[str, Any]:
    node = {"id": node_id, "kind": "end", "outcome": node_id, "disposition": disposition} | extra
    return node | ({"text": text} if text else {})


def runner(data: dict[str, Any] | Script, contact: dict[str, Any] | None = None, **call: Any) -> Runner:
    script = data if isinstance(data, Script) else build(data)
    now = call.pop("now", NOON_MOSCOW)
    return Runner(script, CallData(contact=contact or {}, now=lambda: now, **call))
