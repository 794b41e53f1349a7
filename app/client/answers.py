"""Reading the server's answers into wire models: what is malformed is a :class:`TransientError` (a
proxy or a captive portal answered, or the answer was cut), what is refused is sorted by
:func:`app.client.errors.classify`. Shared by every typed call of :mod:`app.client`."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

import httpx

from app.client.errors import TransientError, classify
from app.wire.schema import BaseModel, ConfigDict, TypeAdapter, ValidationError

M = TypeVar("M", bound=BaseModel)
JSON = {"Content-Type": "application/json"}


def parse(model: type[M], response: httpx.Response) -> M:
    """The answer as ``model``; a body that is not one is a :class:`TransientError`."""
    try:
        return model.model_validate_json(response.content)
    except (ValidationError, ValueError):
        raise TransientError(
            f"malformed answer to {response.request.url.path}", response.status_code
        ) from None


def ok(model: type[M], response: httpx.Response) -> M:
    """A 200 answer as ``model``; any other status is the error :func:`classify` gives."""
    if response.status_code != 200:
        raise classify(response)
    return parse(model, response)


def created(model: type[M], response: httpx.Response) -> M | None:
    """A 201 answer as ``model``; ``None`` when its body was unreadable, which still means stored."""
    if response.status_code != 201:
        raise classify(response)
    try:
        return parse(model, response)
    except TransientError:
        return None


@cache
def list_of(model: type[BaseModel]) -> TypeAdapter[Any]:
    """The adapter for a JSON list of ``model``, built once per model; like the models themselves
    (``WireModel``), it caches the JSON's keys only, not its values (issue 15: memory over a shift)."""
    return TypeAdapter(list[model], config=ConfigDict(cache_strings="keys"))  # type: ignore[valid-type]


def parse_list(model: type[M], response: httpx.Response) -> list[M]:
    """A 200 answer that is a JSON list of ``model``."""
    if response.status_code != 200:
        raise classify(response)
    try:
        return list_of(model).validate_json(response.content)  # type: ignore[no-any-return]
    except (ValidationError, ValueError):
        raise TransientError(
            f"malformed answer to {response.request.url.path}", response.status_code
        ) from None
