"""What desktops need to show codes as words (issue 13, defect 11): queue display names come with the
catalogue, and a choice field's values can carry labels, stored without a migration (a labelled
choice is kept as its label object in the same JSON column; plain strings of older rows still read)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from server.db import Database
from server.models import ContactField
from tests.server.helpers import People, TestClient

LENSES: dict[str, Any] = {
    "key": "lens_type",
    "label_en": "Lenses worn",
    "label_ru": "Тип линз",
    "type": "choice",
    "choices": ["daily", "monthly"],
    "choice_labels": [{"value": "daily", "label_en": "Daily", "label_ru": "Однодневные"}],
}


def test_the_catalogue_names_the_queues(people: People, client: TestClient) -> None:
    catalogue = client.get("/catalogue", headers=people.headers(people.op_n1)).json()
    names = {q["code"]: q["label_ru"] for q in catalogue["queues"]}
    assert names["shop"] == "Интернет-магазин" and names["sales"] == "Продажи"


def test_choice_labels_are_stored_and_read_back(
    people: People, client: TestClient, database: Database
) -> None:
    put = client.put("/contacts/fields/lens_type", json=LENSES, headers=people.headers(people.admin))
    assert put.status_code == 201, put.text
    (field,) = client.get("/contacts/fields", headers=people.headers(people.op_n1)).json()
    assert field["choices"] == ["daily", "monthly"]
    assert field["choice_labels"] == LENSES["choice_labels"]

    with database.session() as session:  # a row written before labels existed: plain strings
        session.execute(update(ContactField).values(choices=["daily", "monthly"]))
        session.commit()
    (field,) = client.get("/contacts/fields", headers=people.headers(people.op_n1)).json()
    assert field["choices"] == ["daily", "monthly"] and field["choice_labels"] == []


def test_a_label_for_a_value_that_is_not_a_choice_is_refused(people: People, client: TestClient) -> None:
    stray = {**LENSES, "choice_labels": [{"value": "yearly", "label_en": "Yearly", "label_ru": "Годовые"}]}
    answer = client.put("/contacts/fields/lens_type", json=stray, headers=people.headers(people.admin))
    assert answer.status_code == 422
