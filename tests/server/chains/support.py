"""Shared pieces of the chain tests: documents, the catalogue, a contact."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from tests.server.helpers import People

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "resources" / "chains" / "offer-followup.yaml"


def example() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def chain(**changes: Any) -> dict[str, Any]:
    """A small chain: e-mail, wait an hour, branch on a reaction, SMS, stop."""
    doc: dict[str, Any] = {
        "id": "follow",
        "version": 1,
        "name": "Follow-up",
        "trigger": {"event": "disposition", "codes": ["sale"]},
        "steps": [
            {
                "id": "mail",
                "email": {"subject": "Offer for {{ contact.name }}", "body": "Hello {{ contact.name }}"},
                "next": "wait",
            },
            {"id": "wait", "wait": {"hours": 1}, "next": "check"},
            {"id": "check", "branch": {"reacted": "done", "otherwise": "sms"}},
            {"id": "sms", "sms": {"text": "{{ contact.name }}, see your mail"}, "next": "done"},
            {"id": "done", "stop": {}},
        ],
    }
    doc.update(copy.deepcopy(changes))
    return doc


def add_sale_code(people: People) -> None:
    spec = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}
    response = people.client.put(
        "/catalogue/dispositions/sale", json=spec, headers=people.headers(people.admin)
    )
    assert response.status_code == 201, response.text
