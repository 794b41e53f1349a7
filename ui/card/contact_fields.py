"""A contact as a flat list of editable fields (no Qt): what the card shows, diffs and turns into a patch.

Each field has a path: ``name``, ``consent.sms``, ``custom.tariff``... and a JSON-shaped value. Flat paths
make the three-way comparison of a 412 conflict (what I loaded, what I typed, what the server has now)
one dictionary lookup per field, and keep the wire model's nesting (consent flags, the custom map that
a patch replaces whole) in :func:`patch_data` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.wire.contacts import ContactOut, FieldSchema, FieldType

CONSENT_FLAGS = ("call", "sms", "email", "marketing")


@dataclass(frozen=True)
class FieldSpec:
    """One editable field of the card."""

    path: str
    kind: str
    """``text``, ``phones``, ``date``, ``number``, ``tristate`` (yes / no / not recorded), ``choice``,
    ``zone`` (a time zone, offered by city and offset)."""
    choices: tuple[str, ...] = ()
    required: bool = False
    custom: FieldSchema | None = field(default=None, compare=False)
    """The schema entry of a custom field (its labels)."""


CORE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", "text"),
    FieldSpec("phones", "phones", required=True),
    FieldSpec("preferred_channel", "choice", ("call", "sms", "email")),
    *(FieldSpec(f"consent.{flag}", "tristate") for flag in CONSENT_FLAGS),
    FieldSpec("segment", "text"),
    FieldSpec("city", "text"),
    FieldSpec("time_zone", "zone"),
    FieldSpec("email", "text"),
    FieldSpec("birthday", "date"),
)


def field_specs(schema: list[FieldSchema]) -> list[FieldSpec]:
    """The core fields, then the custom fields in schema order."""
    kinds = {
        FieldType.TEXT: "text",
        FieldType.NUMBER: "number",
        FieldType.DATE: "date",
        FieldType.CHOICE: "choice",
        FieldType.BOOL: "tristate",
    }
    custom = [FieldSpec(f"custom.{f.key}", kinds[f.type], tuple(f.choices), f.required, f) for f in schema]
    return [*CORE_FIELDS, *custom]


def flatten(contact: ContactOut, specs: list[FieldSpec]) -> dict[str, Any]:
    """The value of every field path of ``contact`` (JSON-shaped: dates as ISO strings)."""
    data = contact.model_dump(mode="json")
    values: dict[str, Any] = {}
    for spec in specs:
        head, _, tail = spec.path.partition(".")
        values[spec.path] = (data.get(head) or {}).get(tail) if tail else data.get(head)
    return values


def patch_data(changes: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """A :class:`~app.wire.contacts.ContactPatch` body for ``changes`` (paths to new values).

    Consent flags are sent one by one (a patch changes only the flags it names); the custom map is
    sent whole, ``base``'s custom values overlaid with the changed ones, because a patch replaces it.
    """
    body: dict[str, Any] = {}
    for path, value in changes.items():
        head, _, tail = path.partition(".")
        if head == "consent":
            body.setdefault("consent", {})[tail] = value
        elif head == "custom":
            if "custom" not in body:
                body["custom"] = {
                    p.partition(".")[2]: v
                    for p, v in base.items()
                    if p.startswith("custom.") and v is not None
                }
            if value is None:
                body["custom"].pop(tail, None)
            else:
                body["custom"][tail] = value
        else:
            body[head] = value
    return body


@dataclass(frozen=True)
class Conflict:
    """A field both the operator and someone else changed, to different values."""

    path: str
    mine: Any
    theirs: Any


def conflicts(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> list[Conflict]:
    """Three-way comparison: the fields of ``mine`` (the operator's changes) that the server changed too.

    A field only the operator changed is no conflict (the newer version still has the old value), nor
    is one both changed to the same value.
    """
    return [
        Conflict(path, value, theirs.get(path))
        for path, value in mine.items()
        if theirs.get(path) != base.get(path) and theirs.get(path) != value
    ]
