"""Dispositions on the wire: how a call ended, as the operator recorded it, and the catalogues behind it.

A disposition is posted once per call with the client's UUID in an ``Idempotency-Key`` header (so the
key is not in the body). Field checks that need no catalogue live in the models (a naive timestamp, the
call ending before it rang); the rules that depend on the chosen code (comment or callback time
required) are :func:`check_disposition`, pure so the desktop can run the same rules before sending and
the server can run them with its catalogue.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from itertools import pairwise
from typing import Any, Literal

from app.wire.calls import PhoneText
from app.wire.common import (
    CallId,
    CatalogueCode,
    Code,
    Comment,
    Id64,
    Label,
    UserName,
    UtcDatetime,
    WireModel,
)
from app.wire.schema import Field, model_validator
from app.wire.scripts import ScriptAnswers, ScriptRef
from app.wire.statuses import NotReadyReason
from app.wire.tasks import CallbackOwner


class DispositionCategory(StrEnum):
    """What a code means for the KPIs: plan completion counts ``success``, callbacks feed the
    callback list."""

    SUCCESS = "success"
    NOT_REACHED = "not_reached"
    NON_TARGET = "non_target"
    MAIL_ONLY = "mail_only"
    CALLBACK = "callback"
    OTHER = "other"


class DispositionIn(WireModel):
    """The outcome of one call as the operator's desktop reports it.

    Timestamps are aware and normalised to UTC; ``answer_at`` is ``None`` for a call never answered,
    ``acw_end_at`` is ``None`` when there was no after-call work. Desktops send the disposition when
    after-call work ends, so one post carries the whole handle time (talk, hold and ACW for AHT).
    """

    call_id: CallId
    """The SIP Call-ID (or the PBX's unique id): ties the disposition to the call records."""
    operator: UserName
    contact_id: Id64 | None = None
    """``None`` when the caller matched no contact."""
    queue: Code | None = None
    ring_at: UtcDatetime
    answer_at: UtcDatetime | None = None
    end_at: UtcDatetime
    acw_end_at: UtcDatetime | None = None
    hold_seconds: int | None = Field(default=None, ge=0, le=24 * 3600)
    """Seconds the customer spent on hold (the desktop adds up its hold/resume times); ``None`` from
    desktops that predate it, counted as no hold by the KPIs. Talk time is answer to end minus this."""
    script: ScriptRef | None = None
    answers: ScriptAnswers = Field(default_factory=dict)
    code: CatalogueCode
    comment: Comment = ""
    callback_at: UtcDatetime | None = None
    """When to call back (an instant; the call card shows it in the contact's time zone). Makes a
    ``callback_scheduled`` task due then (``docs/tasks.md``)."""
    callback_owner: CallbackOwner = CallbackOwner.ME
    """Who the callback task belongs to: the operator (``me``) or anyone of the team."""
    direction: Literal["inbound", "outbound"] | None = None
    """Which way the call went (``None``: a desktop that did not say). The server learns of the
    calls operators place (the dial pad, a callback) from their dispositions: the CRM registers
    them as outgoing calls (docs/integrations.md)."""
    number: PhoneText | None = None
    """For an outbound call, the number dialled (E.164)."""

    @model_validator(mode="after")
    def _in_order(self) -> DispositionIn:
        moments: list[tuple[str, datetime | None]] = [
            ("ring_at", self.ring_at),
            ("answer_at", self.answer_at),
            ("end_at", self.end_at),
            ("acw_end_at", self.acw_end_at),
        ]
        present = [(name, at) for name, at in moments if at is not None]
        for (earlier, a), (later, b) in pairwise(present):
            if a is not None and b is not None and b < a:
                raise ValueError(f"{later} ({b.isoformat()}) is before {earlier} ({a.isoformat()})")
        if self.hold_seconds and (
            self.answer_at is None or self.hold_seconds > (self.end_at - self.answer_at).total_seconds()
        ):
            raise ValueError("hold_seconds is longer than the answered part of the call")
        if self.answers and self.script is None:
            raise ValueError("script answers need the script they answer (script id and version)")
        return self


class DispositionOut(DispositionIn):
    """A stored disposition, as returned (also on an idempotent replay)."""

    id: int
    received_at: UtcDatetime
    withheld: bool = False
    """True when ``comment`` and ``answers`` are left out (empty): another team's call, read in a
    contact's history. Who took the call, when and its result are always there (docs/server.md)."""


class DispositionCode(WireModel):
    """One entry of the disposition catalogue, per queue (``queue`` ``None``: offered in every queue)."""

    code: CatalogueCode
    label_en: Label
    label_ru: Label
    category: DispositionCategory
    comment_required: bool = False
    callback_required: bool = False
    queue: Code | None = None
    hotkey: int | None = Field(default=None, ge=1, le=9)
    """The digit that picks it in one key press (VICIdial-style hot keys)."""
    active: bool = True
    """Retired codes stay in the catalogue so old dispositions still resolve, but are not offered."""


class QueueName(WireModel):
    """A queue's display name in both languages: operators read "Интернет-магазин", not ``shop``."""

    code: Code
    label_en: Label
    label_ru: Label


class Catalogue(WireModel):
    """Everything a desktop needs to offer codes and reasons, fetched once per shift."""

    dispositions: list[DispositionCode] = Field(default_factory=list, max_length=1000)
    reasons: list[NotReadyReason] = Field(default_factory=list, max_length=200)
    queues: list[QueueName] = Field(default_factory=list, max_length=500)
    """Display names of the queues (a queue missing here is shown by its code)."""
    recording: str = Field(default="always", pattern="^(always|on_demand|never)$")
    """Whether calls are recorded (``app.wire.recordings.RecordingPolicy``) in a queue not listed in
    ``recording_queues`` (the server's ``recording_policy``)."""
    recording_queues: dict[Code, str] = Field(default_factory=dict, max_length=500)
    """Per-queue exceptions to ``recording`` (the server's ``recording_queues``)."""


def check_disposition(d: DispositionIn, code: DispositionCode) -> list[str]:
    """Problems with ``d`` given the catalogue entry of its code; an empty list means it is acceptable.

    Messages are English sentences for logs and API errors; the desktop checks the same flags itself
    to highlight the missing field before the operator can send.
    """
    problems: list[str] = []
    if d.code != code.code:
        problems.append(f"disposition code {d.code!r} does not match catalogue entry {code.code!r}")
    if not code.active:
        problems.append(f"disposition code {code.code!r} is retired")
    if code.queue is not None and d.queue != code.queue:
        problems.append(f"disposition code {code.code!r} belongs to queue {code.queue!r}, not {d.queue!r}")
    if code.comment_required and not d.comment.strip():
        problems.append(f"disposition code {code.code!r} requires a comment")
    if code.callback_required and d.callback_at is None:
        problems.append(f"disposition code {code.code!r} requires a callback time")
    if d.callback_at is not None and d.callback_at <= d.end_at:
        problems.append("the callback time must be after the end of the call")
    return problems


BATCH_MAX = 500
"""Items per ``POST /dispositions/batch``: an outbox that was offline for a shift sends a few batches."""
DISPOSITION_BYTES_MAX = 64 * 1024
"""The most a valid :class:`DispositionIn` can weigh as the wire writes it (UTF-8 JSON), computed from
its fields' limits: the comment 24,000 bytes (4,000 characters, each at most 6 as a ``\\u0001``
escape), the answers 32,768 (``ANSWERS_BYTES_MAX``), every other field together under 3,000 (a call
id of 255 four-byte characters is the largest). ``tests/unit/test_wire_sizes.py`` builds the largest
one and checks it fits."""
BATCH_BODY_MAX = 2 * 1024 * 1024
"""The server's body limit for ``POST /dispositions/batch`` (its own, whatever the server-wide one).
The desktop sizes batches by bytes (``app.sync.deliver.BATCH_BYTES``, 512 KiB of payload, plus one
item at most, at most :data:`DISPOSITION_BYTES_MAX`): under 600 KiB as UTF-8, under 1.8 MiB even from
a client that writes every Cyrillic letter as a 6-byte ``\\uXXXX`` escape. A client sending 500 of the
largest dispositions in one request (32 MiB) gets 413 and must size its batches by bytes too."""
DISPOSITION_BODY_MAX = 4 * DISPOSITION_BYTES_MAX
"""The body limit of a single ``POST /dispositions``: the largest valid one, escaped (3x) and indented."""


class BatchItemIn(WireModel):
    """One disposition of a batch, with the client's UUID that a single post sends as
    ``Idempotency-Key``. ``disposition`` is checked as a :class:`DispositionIn` item by item, so one
    bad item is refused on its own (its result says why) instead of failing the whole batch."""

    idempotency_key: str = Field(max_length=64)
    disposition: dict[str, Any]


class DispositionBatchIn(WireModel):
    items: list[BatchItemIn] = Field(min_length=1, max_length=BATCH_MAX)


class BatchOutcome(StrEnum):
    CREATED = "created"
    """Stored now (a single post would answer 201)."""
    REPLAYED = "replayed"
    """Stored before under this key, with the same content: ``disposition`` is the first result."""
    REJECTED = "rejected"
    """Not stored; ``status`` is what a single post would answer (400, 403, 422) and ``errors`` why.
    A rejected item does not use up its key: fix it and send it again."""


class BatchItemOut(WireModel):
    idempotency_key: str
    outcome: BatchOutcome
    status: int
    """The status a single ``POST /dispositions`` would have answered: 201, 400, 403 or 422."""
    disposition: DispositionOut | None = None
    errors: list[str] = Field(default_factory=list)


class DispositionBatchOut(WireModel):
    """One result per item, in the order sent."""

    results: list[BatchItemOut]
