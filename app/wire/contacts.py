"""Contacts (the CRM side of the call card) on the wire, with their custom fields and call history.

Phones are E.164 only: clients normalise what people type with :mod:`app.phones` first, so every
lookup and upsert compares one canonical string. Custom fields are declared in a field schema (runtime
data, kept by the server); :func:`check_custom_fields` checks values against it, and the models run it
when validated with ``context={"field_schema": [...]}``.

Consent is three-valued: ``None`` means "not recorded", which is not the same as a refusal; an import
from a CRM without consent columns must not turn everybody into a refusal (or a yes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from app.wire.common import (
    E164,
    CallId,
    City,
    Code,
    Email,
    FieldKey,
    FiniteFloat,
    FreeText,
    Label,
    Line,
    RequiredLine,
    Segment,
    TimeZone,
    UserName,
    UtcDatetime,
    WireModel,
    one_reason,
)
from app.wire.dispositions import DispositionOut
from app.wire.recordings import RecordingRef
from app.wire.schema import (
    AfterValidator,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    ValidationInfo,
    model_serializer,
    model_validator,
)


class PreferredChannel(StrEnum):
    """How a contact prefers to be reached."""

    CALL = "call"
    SMS = "sms"
    EMAIL = "email"


class FieldType(StrEnum):
    """The type of a custom field, and so of the JSON values it accepts."""

    TEXT = "text"
    """A string; also what a field without a declared type is."""
    NUMBER = "number"
    DATE = "date"
    """An ISO ``YYYY-MM-DD`` string (JSON has no date type)."""
    CHOICE = "choice"
    """One of the field's ``choices``."""
    BOOL = "bool"


CustomText = FreeText
CustomValue = Annotated[
    CustomText | int | FiniteFloat | bool | None, one_reason("must be text, a number, true or false, or null")
]
"""A custom field value as JSON carries it; a ``date`` field holds an ISO ``YYYY-MM-DD`` string."""
CustomFields = Annotated[dict[FieldKey, CustomValue], Field(max_length=100)]
PHONES_MAX = 10
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ChoiceLabel(WireModel):
    """How a person reads one value of a choice field ("Однодневные" for ``daily``)."""

    value: RequiredLine
    label_en: Label
    label_ru: Label


class FieldSchema(WireModel):
    """Declaration of one custom field: what the card shows and what values it accepts."""

    key: FieldKey
    label_en: Label
    label_ru: Label
    type: FieldType = FieldType.TEXT
    choices: list[RequiredLine] = Field(default_factory=list, max_length=200)
    required: bool = False
    choice_labels: list[ChoiceLabel] = Field(default_factory=list, max_length=200)
    """Words for the ``choices`` (a value without one is shown as it is stored)."""

    @model_validator(mode="after")
    def _choices_match_type(self) -> FieldSchema:
        if self.type is FieldType.CHOICE and not self.choices:
            raise ValueError("a choice field needs at least one choice")
        if self.type is not FieldType.CHOICE and self.choices:
            raise ValueError(f"a {self.type.value} field has no choices")
        if len(set(self.choices)) != len(self.choices):
            raise ValueError("choices must be distinct")
        if stray := [c.value for c in self.choice_labels if c.value not in self.choices]:
            raise ValueError(f"labels for values that are not choices: {stray}")
        return self


def check_custom_fields(
    values: Mapping[str, CustomValue], schema: Sequence[FieldSchema], *, partial: bool = False
) -> list[str]:
    """Problems with ``values`` against ``schema`` (English sentences); empty when they conform.

    ``partial`` skips the required-field check, for a patch that will be merged before it is stored.
    """
    fields = {f.key: f for f in schema}
    problems = [f"unknown custom field {key!r}" for key in values if key not in fields]
    for key, spec in fields.items():
        value = values.get(key)
        if value is None or value == "":
            if spec.required and not partial:
                problems.append(f"custom field {key!r} ({spec.label_en}) is required")
            continue
        problem = _type_problem(spec, value)
        if problem:
            problems.append(f"custom field {key!r} {problem}")
    return problems


def _type_problem(spec: FieldSchema, value: CustomValue) -> str | None:
    if spec.type is FieldType.BOOL:
        return None if isinstance(value, bool) else "must be true or false"
    if spec.type is FieldType.NUMBER:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "must be a number"
    if not isinstance(value, str):
        return f"must be {'a date' if spec.type is FieldType.DATE else 'text'}"
    if spec.type is FieldType.DATE:
        try:
            if _ISO_DATE.match(value):
                date.fromisoformat(value)
                return None
        except ValueError:
            pass
        return f"must be a date as YYYY-MM-DD, not {value[:40]!r}"
    if spec.type is FieldType.CHOICE and value not in spec.choices:
        return f"must be one of {', '.join(map(repr, spec.choices))}, not {value[:40]!r}"
    return None


def _schema_from(info: ValidationInfo) -> Sequence[FieldSchema] | None:
    context: Any = info.context
    return context.get("field_schema") if isinstance(context, Mapping) else None


def _check_birthday(value: date) -> date:
    # A day of slack: "today" differs across the time zones of the client and the server.
    if not date(1900, 1, 1) <= value <= date.today() + timedelta(days=1):
        raise ValueError("birthday must be between 1900-01-01 and today")
    return value


def _check_phones(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("the same phone number is listed twice")
    return value


Birthday = Annotated[date, AfterValidator(_check_birthday)]
Phones = Annotated[list[E164], Field(min_length=1, max_length=PHONES_MAX), AfterValidator(_check_phones)]
"""At least one: a contact centre finds contacts by phone and upserts by it."""


class Consent(WireModel):
    """What the contact agreed to; ``None`` is "not recorded"."""

    call: bool | None = None
    sms: bool | None = None
    email: bool | None = None
    marketing: bool | None = None


class ContactIn(WireModel):
    """A contact as created or fully replaced. The server assigns ``id`` and ``version``."""

    name: Line = ""
    """Full name as the card shows it, Russian order for Russian names ("Иванов Иван Иванович")."""
    phones: Phones
    birthday: Birthday | None = None
    city: City | None = None
    time_zone: TimeZone | None = None
    """IANA zone; the server derives it from a landline when missing (see ``app.phones.time_zone_for``)."""
    email: Email | None = None
    segment: Segment | None = None
    preferred_channel: PreferredChannel | None = None
    consent: Consent = Field(default_factory=Consent)
    custom: CustomFields = Field(default_factory=dict)

    @model_validator(mode="after")
    def _custom_against_schema(self, info: ValidationInfo) -> ContactIn:
        schema = _schema_from(info)
        if schema is not None and (problems := check_custom_fields(self.custom, schema)):
            raise ValueError("; ".join(problems))
        return self


class ContactPatch(WireModel):
    """A partial update: only the fields present change; ``null`` clears an optional field.

    ``consent`` changes only the flags it names (``{"sms": true}`` leaves the others; ``null`` for a flag
    makes it "not recorded"). ``custom``, when present, replaces the whole custom-field map. The
    version to update goes in the ``If-Match`` header, not here. Serialising writes only the fields
    (and consent flags) that were set, so a client cannot clear every other field by sending the
    defaults.
    """

    name: Line | None = None
    phones: Phones | None = None
    birthday: Birthday | None = None
    city: City | None = None
    time_zone: TimeZone | None = None
    email: Email | None = None
    segment: Segment | None = None
    preferred_channel: PreferredChannel | None = None
    consent: Consent | None = None
    custom: CustomFields | None = None

    @model_validator(mode="after")
    def _patch_is_sane(self, info: ValidationInfo) -> ContactPatch:
        for required in ("name", "phones", "consent", "custom"):
            if required in self.model_fields_set and getattr(self, required) is None:
                raise ValueError(f"{required} cannot be cleared")
        schema = _schema_from(info)
        if schema is not None and self.custom is not None:
            problems = check_custom_fields(self.custom, schema, partial=True)
            if problems:
                raise ValueError("; ".join(problems))
        return self

    @model_serializer(mode="wrap")
    def _only_fields_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if isinstance(data.get("consent"), dict) and self.consent is not None:
            data["consent"] = {k: v for k, v in data["consent"].items() if k in self.consent.model_fields_set}
        return {key: value for key, value in data.items() if key in self.model_fields_set}


class ContactOut(ContactIn):
    """A stored contact. ``version`` is also its ETag: send it back in ``If-Match`` to update."""

    id: int
    version: int = Field(ge=1)
    updated_at: UtcDatetime


class HistoryCall(WireModel):
    """One call with a contact, with the disposition (and script answers) recorded for it."""

    kind: Literal["call"] = "call"
    call_id: CallId
    operator: UserName
    queue: Code | None = None
    direction: Literal["inbound", "outbound"] | None = None
    ring_at: UtcDatetime
    answer_at: UtcDatetime | None = None
    end_at: UtcDatetime | None = None
    disposition: DispositionOut | None = None
    """``None`` while the call is still in progress or was never dispositioned."""
    recording: RecordingRef | None = None
    """The call's recording, with its pauses, when there is one and the reader may hear it (an operator
    their own calls, a team lead their team's, an admin all: docs/quality.md)."""


MessageStatus = Literal[
    "queued", "sent", "delivered", "undelivered", "failed", "skipped", "replied", "received"
]
"""Where an e-mail or SMS of a communication chain stands (docs/chains.md): ``queued`` (not yet
accepted by the provider), ``sent`` (accepted), ``delivered`` / ``undelivered`` (the provider's
delivery report), ``failed`` (the attempts ran out), ``skipped`` (the card's consents or data kept it
from being sent: ``error`` says why), ``replied`` (the client answered it); ``received``: a message the
client sent us (``direction`` ``inbound``)."""
MESSAGE_TEXT_MAX = 500


class HistoryMessage(WireModel):
    """An e-mail or SMS a communication chain sent the contact (or did not: ``skipped``), or, with
    ``direction`` ``inbound``, one the client sent us (a reply: ``chain`` names the chain it answers,
    if any; ``status`` is ``received``). Inbound ones come only to a client that asks
    (``?inbound=true``)."""

    kind: Literal["message"] = "message"
    channel: Literal["email", "sms"]
    direction: Literal["outbound", "inbound"] = "outbound"
    at: UtcDatetime
    """When it was made (the step's time), sent or not; an inbound one: when it arrived."""
    chain: Code | None = None
    chain_name: Line = ""
    recipient: Annotated[str, StringConstraints(max_length=320)] = ""
    subject: Annotated[str | None, StringConstraints(max_length=MESSAGE_TEXT_MAX)] = None
    text: Annotated[str, StringConstraints(max_length=MESSAGE_TEXT_MAX)] = ""
    """The message's first :data:`MESSAGE_TEXT_MAX` characters."""
    status: MessageStatus
    error: Annotated[str | None, StringConstraints(max_length=MESSAGE_TEXT_MAX)] = None


HistoryItem = Annotated[HistoryCall | HistoryMessage, Field(discriminator="kind")]
"""Kinds of interaction in a contact's history. Messages come only to a client that asks for them
(``?messages=true``): a desktop of an older version refuses a kind it does not know."""


class ContactHistory(WireModel):
    """A page of a contact's interaction history, newest first."""

    contact_id: int
    items: list[HistoryItem] = Field(default_factory=list, max_length=1000)
    next_cursor: Code | None = None
    """Opaque cursor for the next (older) page; ``None`` at the end."""
