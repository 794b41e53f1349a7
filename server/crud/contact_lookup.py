"""The screen pop's query: the contact owning a number, with its numbers, in one Core statement.

``GET /contacts/lookup`` runs on every incoming call. Through the ORM it cost two statements (the
contact, then its phones by ``selectin``) and most of the request's CPU in building and tracking
objects nobody changes. Here one statement joins the number to its contact and to all the contact's
numbers; the answer is a plain namespace with the attributes ``server.api.schemas.contacts`` reads,
so :func:`~server.api.schemas.contacts.contact_out` and the ETag are exactly those of ``GET
/contacts/{id}``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Select, Table, bindparam, select

from server.models import Contact, ContactPhone

_CONTACTS = Contact.__table__
_PHONES = ContactPhone.__table__
assert isinstance(_CONTACTS, Table) and isinstance(_PHONES, Table)


@functools.cache
def _statement() -> Select[Any]:
    """Core only (no ORM entities: the ORM's statement handling was half of what is left)."""
    matched = _PHONES.alias("matched")
    numbers = _PHONES.alias("numbers")
    return (
        select(matched.c.e164.label("matched_e164"), numbers.c.e164.label("number_e164"), *_CONTACTS.c)
        .select_from(matched)
        .join(_CONTACTS, _CONTACTS.c.id == matched.c.contact_id)
        .join(numbers, numbers.c.contact_id == _CONTACTS.c.id)
        .where(matched.c.e164.in_(bindparam("keys", expanding=True)))
        .order_by(numbers.c.position, numbers.c.id)
    )


def find_for_lookup(conn: Connection, *, e164s: Sequence[str]) -> SimpleNamespace | None:
    """The contact owning the first of ``e164s`` that anyone owns (candidates come best first), as
    a namespace of its columns plus ``phones`` (namespaces with ``e164``, in the contact's order)."""
    if not e164s:
        return None
    rows = conn.execute(_statement(), {"keys": list(e164s)}).all()
    if not rows:
        return None
    rank = {e164: n for n, e164 in enumerate(e164s)}
    best = min(rows, key=lambda row: rank[row.matched_e164])
    contact_id = best.id
    mine = [row for row in rows if row.id == contact_id]
    values = {column.key: getattr(best, column.key) for column in _CONTACTS.c}
    numbers = list(dict.fromkeys(row.number_e164 for row in mine))  # one per number, in order
    return SimpleNamespace(**values, phones=[SimpleNamespace(e164=e164) for e164 in numbers])
