"""Demo content on top of the demo catalogue: custom contact fields, contacts in several segments,
their past calls (:mod:`server.seed_history`), and the sample call scripts bound to queues, so
``ringdesk demo`` shows known and unknown callers, segments, history and scripts within its first minute.

Idempotent like :mod:`server.seed`: what exists (by phone, by field key, by script id and version)
is left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.scripts.loader import load
from app.wire.contacts import ContactIn, FieldSchema
from app.wire.scripts import ScriptDocument
from server.crud.contacts import create_contact, find_by_phone, put_field
from server.crud.scripts import add_script, get_script
from server.crud.users import get_user_by_name
from server.seed_history import seed_demo_history

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "scripts"


@dataclass(frozen=True)
class DemoCaller:
    """A number the demo's simulated caller dials from, and the queue the PBX would say it came in on."""

    number: str
    queue: str
    display_name: str = ""


DEMO_CONTACTS: tuple[ContactIn, ...] = tuple(
    ContactIn.model_validate(raw)
    for raw in (
        {
            "name": "Иванов Иван Петрович",
            "phones": ["+79131234567", "+73832123456"],
            "city": "Новосибирск",
            "time_zone": "Asia/Novosibirsk",
            "email": "ivanov@example.ru",
            "segment": "VIP",
            "preferred_channel": "sms",
            "consent": {"call": True, "sms": True, "marketing": False},
            "custom": {"lens_type": "monthly", "bonus_points": 1520},
        },
        {
            "name": "Петрова Анна Сергеевна",
            "phones": ["+74951234567"],
            "city": "Москва",
            "birthday": "1988-04-12",
            "email": "petrova@example.ru",
            "segment": "Retail",
            "preferred_channel": "call",
            "consent": {"call": True, "sms": False, "email": True},
            "custom": {"lens_type": "daily", "last_order": "2026-10-02"},
        },
        {
            "name": "ООО «Оптика Север» — закупки",
            "phones": ["+78122345678"],
            "city": "Санкт-Петербург",
            "email": "zakupki@optika-sever.example",
            "segment": "Wholesale",
            "preferred_channel": "email",
            "consent": {"call": True, "email": True},
        },
        {
            "name": "<img src=x><b>Ivan</b>",
            "phones": ["+79161112233"],
            "city": "Казань",
            "segment": "Retail",
            "preferred_channel": "call",
        },
    )
)

DEMO_CALLERS: tuple[DemoCaller, ...] = (
    DemoCaller("+79131234567", "lens", "Иван Иванов"),
    DemoCaller("+74951234567", "shop"),
    DemoCaller("+79990001122", "shop", "Unknown Caller"),
    DemoCaller("+78122345678", "lens"),
    DemoCaller("+79161112233", "shop"),
    DemoCaller("+79035550101", "finance"),
)
"""Known callers in three segments, an unknown one, and one whose CRM name is HTML (shown literally)."""

#: sample script file, queue, segment (None: any)
DEMO_SCRIPTS: tuple[tuple[str, str | None, str | None], ...] = (
    ("lens-inbound.ru.yaml", "lens", None),
    ("request-nature.ru.yaml", "shop", None),
    ("finance-lead.ru.yaml", "finance", None),
    ("satisfaction-survey.ru.yaml", "survey", None),
)


def seed_demo_content(session: Session, *, author: str = "admin") -> dict[str, int]:
    """Add the demo fields, contacts and scripts that are missing (caller commits); counts added."""
    added = {"fields": 0, "contacts": 0, "scripts": 0, "past calls": 0}
    for raw in json.loads((RESOURCES / "fields.json").read_text(encoding="utf-8")):
        _row, created = put_field(session, spec=FieldSchema.model_validate(raw))
        added["fields"] += int(created)
    for contact in DEMO_CONTACTS:
        if find_by_phone(session, e164s=contact.phones) is None:
            create_contact(session, data=contact)
            added["contacts"] += 1
    admin = get_user_by_name(session, name=author)
    if admin is None:
        raise LookupError(f"user {author!r} missing: run seed-demo first")
    for file_name, queue, segment in DEMO_SCRIPTS:
        body, _lines = load((RESOURCES / file_name).read_text(encoding="utf-8"))
        if get_script(session, script_id=body["id"], version=body["version"]) is not None:
            continue
        spec = ScriptDocument(
            id=body["id"],
            version=body["version"],
            name=body["title"],
            queue=queue,
            segment=segment,
            body=body,
        )
        add_script(session, spec=spec, created_by=admin)
        added["scripts"] += 1
    session.flush()
    added["past calls"] = seed_demo_history(session)
    if added["past calls"]:
        from server.reports.maintain import rebuild  # the history is written as rows, not through the
        # write paths that keep the report rollups: so the demo's reports count its past calls

        session.flush()
        rebuild(session)
    return added
