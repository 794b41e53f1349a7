"""Call scripts on the wire: versioned documents, and the answers an operator gave while following one.

The body is a script in the format of ``docs/scripts.md`` (:mod:`app.scripts`): this model bounds its
size only, and the server runs the script linter on upload (a stored body always lints clean against
the catalogue of its day). Answers are keyed by the script's field ids, which are unique in a script.
A document is immutable once stored: editing a script means a new ``version``, so a disposition that
names ``(id, version)`` always points at the exact questions the operator saw.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from app.wire.common import (
    Code,
    FieldKey,
    FiniteFloat,
    FreeText,
    Id32,
    RequiredLine,
    Segment,
    UtcDatetime,
    WireModel,
    one_reason,
)
from app.wire.schema import AfterValidator, Field, model_validator

SCRIPT_BODY_MAX = 1_000_000
"""Bytes of a script body as compact JSON: a big branching script is tens of kilobytes."""
ANSWERS_MAX = 500
"""Answers in one call: more questions than any script an operator can walk through."""
ANSWERS_BYTES_MAX = 32 * 1024
"""Bytes of a call's answers as compact JSON: 500 answers of 4,000 characters would be megabytes, so
the whole is bounded too (a long script's answers are a few kilobytes). It keeps a disposition under
``DISPOSITION_BYTES_MAX`` and so a batch of them under the server's body limit."""

AnswerText = FreeText
AnswerValue = Annotated[
    AnswerText | int | FiniteFloat | bool | list[AnswerText] | None,
    one_reason("must be text, a number, true or false, a list of texts, or null"),
]
"""One answer: free text, a number, a yes/no, the options ticked, or ``None`` (seen but not answered)."""


def _answers_size(answers: dict[str, Any]) -> dict[str, Any]:
    size = len(json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode())
    if size > ANSWERS_BYTES_MAX:
        raise ValueError(f"the answers are {size} bytes as JSON, more than {ANSWERS_BYTES_MAX}")
    return answers


ScriptAnswers = Annotated[
    dict[FieldKey, AnswerValue], Field(max_length=ANSWERS_MAX), AfterValidator(_answers_size)
]
"""Answers keyed by the id of the script field that asked them (``app.scripts.validators`` says which
JSON type each field type stores)."""


class ScriptRef(WireModel):
    """Which exact script (and version) the operator followed."""

    id: Code
    version: Id32


class ScriptSummary(WireModel):
    """A script without its body: what a picker lists and what choosing by queue and segment needs."""

    id: Code
    version: Id32
    name: RequiredLine
    queue: Code | None = None
    """The queue it is for; ``None`` means any queue."""
    segment: Segment | None = None
    """The contact segment it is for; ``None`` means any segment."""


class ScriptDocument(ScriptSummary):
    """A full script document: the summary fields plus the script itself."""

    body: dict[str, Any]
    """The script (``id``, ``version``, ``title``, ``language``, ``nodes``...), as JSON; its id and version
    are the document's."""
    created_at: UtcDatetime | None = None
    """Set by the server when stored; ignored on upload."""

    @model_validator(mode="after")
    def _body_size(self) -> ScriptDocument:
        try:
            text = json.dumps(self.body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError:
            raise ValueError("script body must be plain JSON: no NaN or Infinity") from None
        size = len(text.encode())
        if size > SCRIPT_BODY_MAX:
            raise ValueError(f"script body is {size} bytes as JSON, more than {SCRIPT_BODY_MAX}")
        if _has_nul(self.body):  # PostgreSQL's JSONB refuses them
            raise ValueError("script body must not contain NUL characters")
        return self


def _has_nul(document: Any) -> bool:
    """Whether a key or a string anywhere in ``document`` holds a NUL (iterative: any depth)."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
