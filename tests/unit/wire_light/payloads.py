"""A deterministic corpus of JSON payloads for a pydantic model, for differential tests.

The desktop's light validator must accept and refuse exactly what pydantic accepts and refuses. Both
are fed the payloads from :func:`payloads`, built from nothing but ``Model.model_json_schema()`` and a
seeded ``random.Random``: about half plausibly valid (:mod:`generate`), the rest one of those with a
single value turned into a boundary or hostile one (:mod:`hostile`). Nothing marks which is which: the
oracle is pydantic, and the test is that the two implementations agree.

:data:`HARD_TO_GENERATE` names the models for which no generated payload is valid, with why; a test
(``test_payloads.py``) keeps it exact.
"""

from __future__ import annotations

import json
from random import Random
from typing import Any

from tests.unit.wire_light.generate import Generator
from tests.unit.wire_light.hostile import mutate

SIZE_MAX = 20_000
"""Characters of ``json.dumps(payload)`` a payload may reach; a bigger one is drawn again."""
VALID_SHARE = 0.5
HARD_TO_GENERATE: tuple[tuple[str, str], ...] = ()
"""``("module.Model", why)`` for each model of ``app.wire`` none of whose generated payloads validates."""


def payloads(schema: dict[str, Any], rng: Random, count: int) -> list[Any]:
    """``count`` JSON-compatible values for the model whose JSON schema is ``schema``.

    Deterministic for a given state of ``rng``; every value survives ``json.dumps`` (a rare NaN
    included) and stays under :data:`SIZE_MAX` characters as JSON.
    """
    gen = Generator(schema, rng)
    out: list[Any] = []
    for _ in range(count):
        hostile = rng.random() >= VALID_SHARE
        smallest: tuple[int, Any] | None = None
        for _attempt in range(6):
            gen.fresh()
            payload = gen.value(schema)
            if hostile:
                payload = mutate(gen, payload)
            size = len(json.dumps(payload))
            if size <= SIZE_MAX:
                smallest = (size, payload)
                break
            if smallest is None or size < smallest[0]:
                smallest = (size, payload)
        assert smallest is not None
        out.append(smallest[1] if smallest[0] <= SIZE_MAX else {})
    return out
