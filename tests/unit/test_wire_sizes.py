"""The size bounds of a disposition (issue 14): the largest valid one fits ``DISPOSITION_BYTES_MAX``,
so the desktop's byte-sized batches always fit the server's ``BATCH_BODY_MAX``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.sync.deliver import BATCH_BYTES
from app.wire.common import CALL_ID_MAX, CODE_MAX, COMMENT_MAX, USER_NAME_MAX
from app.wire.dispositions import BATCH_BODY_MAX, DISPOSITION_BYTES_MAX, DispositionIn
from app.wire.schema import ValidationError
from app.wire.scripts import ANSWERS_BYTES_MAX


def largest_answers() -> dict[str, Any]:
    """Answers as close to ``ANSWERS_BYTES_MAX`` as whole answers get (control characters: 6 bytes each)."""
    answers: dict[str, Any] = {}
    n = 0
    while True:
        key = f"q{n:0{CODE_MAX - 2}d}"[:CODE_MAX]
        trial = answers | {key: "\x01" * 1000}
        if len(json.dumps(trial, ensure_ascii=False, separators=(",", ":")).encode()) > ANSWERS_BYTES_MAX:
            return answers
        answers, n = trial, n + 1


def largest(n: int = 0) -> dict[str, Any]:
    """The heaviest disposition the wire accepts, as JSON data (number ``n``: its own call id)."""
    wide = "\U0001f600"  # four bytes in UTF-8
    return {
        "call_id": f"{n:08d}" + wide * (CALL_ID_MAX - 8),
        "operator": wide * USER_NAME_MAX,
        "contact_id": 2**63 - 1,
        "queue": "q" * CODE_MAX,
        "ring_at": "2026-03-02T10:00:00.123456+03:00",
        "answer_at": "2026-03-02T10:00:05.123456+03:00",
        "end_at": "2026-03-02T10:03:00.123456+03:00",
        "acw_end_at": "2026-03-02T10:03:30.123456+03:00",
        "hold_seconds": 60,
        "script": {"id": "s" * CODE_MAX, "version": 2**31 - 1},
        "answers": largest_answers(),
        "code": "c" * 32,
        "comment": "\x01" * COMMENT_MAX,
        "callback_at": "2026-03-03T10:00:00.123456+03:00",
    }


def test_the_largest_valid_disposition_fits_its_bound() -> None:
    disposition = DispositionIn.model_validate(largest())
    size = len(disposition.model_dump_json().encode())
    assert DISPOSITION_BYTES_MAX * 0.85 < size <= DISPOSITION_BYTES_MAX
    # what the desktop sends at most in one batch, as UTF-8 and with every character escaped
    assert BATCH_BYTES + DISPOSITION_BYTES_MAX < BATCH_BODY_MAX / 3


def test_answers_beyond_their_bound_are_refused() -> None:
    data = largest() | {"answers": largest_answers() | {"extra": "x" * 4000, "more": "x" * 4000}}
    with pytest.raises(ValidationError, match=r"answers are .* bytes as JSON"):
        DispositionIn.model_validate(data)
