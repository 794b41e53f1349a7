"""Boundary and hostile versions of a generated payload: one value changed where validators disagree.

A light validator written by hand drifts from pydantic at the edges, not in the middle: a string of
exactly ``maxLength`` code points (an emoji is one, UTF-16 says two), blanks that ``strip_whitespace``
removes and one that it does not (``\\u0085``), ``True`` for an int, ``"12"`` and ``1.0`` for an int
(pydantic's lax mode takes both), datetimes ISO 8601 allows and RFC 3339 does not, the first and last
days either calendar holds. :func:`mutate` swaps one recorded :class:`~generate.Site` for such a value.
Some of the results are still valid (that is the point: both sides must agree which).
"""

from __future__ import annotations

import copy
from random import Random
from typing import Any

from tests.unit.wire_light.generate import Generator, Site, bounds

ODD_MOMENTS: tuple[Any, ...] = (
    "2026-12-07 18:05:18",
    "2026-12-07 18:05:18Z",
    "2026-12-07T18:05:18.1234567Z",
    "2026-12-07T18:05Z",
    "2026-12-07",
    "1796666718",
    1796666718,
    1796666718.5,
    "2026-12-07t18:05:18z",
    "2026-12-07T18:05:18+0300",
    "2026-12-07T18:05:18+03",
    "2026-13-01T00:00:00Z",
    "2026-02-29T00:00:00Z",
    "2026-12-07T24:00:00Z",
    "2026-12-07T18:05:60Z",
    "2026-12-07T18:05:18+24:00",
    "2026-12-07T18:05:18,5Z",
    " 2026-12-07T18:05:18Z",
    "0001-01-01T00:00:00+05:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T04:59:59-05:00",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T23:59:59+14:00",
    "1969-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z",
    "1970-01-01T02:59:59+03:00",
    "2099-12-31T23:59:59.999999Z",
    "2100-01-01T00:00:00Z",
    "2100-01-01T02:00:00+03:00",
    "2026-12-07T18:05:18",
    "2026-12-07T18:05:18-00:00",
    "",
    "now",
    "2026-12-07T18:05:18Z\n",
    "2026-12-07T18:05:18.Z",
    "+2026-12-07T18:05:18Z",
)
"""Datetimes as clients, PBXs and attackers write them: some valid, most not, several disputed."""
ODD_DAYS: tuple[Any, ...] = (
    "2026-12-07T00:00:00Z",
    "2026-12-07T00:00:00",
    "2026-12-7",
    "07.12.2026",
    "20261207",
    20261207,
    "2026-02-29",
    "2024-02-29",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "1969-12-31",
    "1970-01-01",
    "2099-12-31",
    "2100-01-01",
    "1899-12-31",
    "1900-01-01",
    "2026-12-07 ",
    "2026-W49-1",
    "1796666718",
    1796666718,
    "2026-12-07Z",
    "",
    "2026-12-07\n",
    "2026/12/07",
)
"""Days in forms a light parser may take and ``date`` refuses, or the other way round."""
ODD_BLANKS = (" ", "\t", "\n", "\r\n", "\x00", "\u0085", "\u00a0", "\u2028", "\ufeff", "\u200b", "\x7f")
"""Characters at an edge or inside a string: stripped or not, a control character or not."""
FILLER = ("Я", "😀", "a", "ё", "Ж", "📞", "b")
"""Characters for strings of an exact length in code points (emoji are two UTF-16 units each)."""
SIZE_LIMIT = 5000
"""Longest string built on purpose; longer limits are probed with ASCII only to keep payloads small."""
REMOVE = object()
"""Returned by :func:`hostile_value` when the property itself is to be left out."""


def sized(n: int, rng: Random) -> str:
    """A string of exactly ``n`` code points: Cyrillic and emoji while short, mostly ASCII when long."""
    if n > 300:
        return "Ж😀" + "x" * (n - 2)
    start = rng.randrange(len(FILLER))
    return "".join(FILLER[(start + i) % len(FILLER)] for i in range(n))


def mutate(gen: Generator, payload: Any) -> Any:
    """``payload`` with one of its recorded sites replaced by a hostile value (``gen.sites``)."""
    rng = gen.rng
    site = rng.choice(gen.sites)
    current = payload if site.parent is None else site.parent[site.key]  # type: ignore[index]
    new = hostile_value(gen, site, current)
    if site.parent is None:
        return {} if new is REMOVE else new
    if new is REMOVE:
        if isinstance(site.parent, dict):
            site.parent.pop(str(site.key), None)
        else:
            site.parent.pop(int(site.key or 0))
    else:
        site.parent[site.key] = new  # type: ignore[index]
    return payload


def hostile_value(gen: Generator, site: Site, current: Any) -> Any:
    """A value for ``site`` that probes an edge of its schema (or simply a wrong JSON type)."""
    rng, s = gen.rng, site.schema
    kind = s.get("type")
    options: list[Any]
    if "const" in s or "enum" in s:
        allowed = [s["const"]] if "const" in s else list(s["enum"])
        text = str(current)
        options = [text.upper(), text + " ", " " + text, text.title(), "bogus", "", 1, None, True, [current]]
        options += [x for x in allowed if x != current][:2]
        options.append(allowed[-1] + "x" if isinstance(allowed[-1], str) else 7)
    elif kind == "string":
        options = string_options(s, current if isinstance(current, str) else "abc", rng)
    elif kind in ("integer", "number"):
        options = number_options(s, current, kind == "integer")
    elif kind == "boolean":
        options = [1, 0, "true", "false", "yes", "1", 1.0, None, [True], "True"]
    elif kind == "null":
        options = [0, "", "null", False, [], {}]
    elif kind == "object" and isinstance(current, dict):
        options = object_options(gen, s, current)
    elif kind == "array" and isinstance(current, list):
        options = array_options(gen, s, current)
    else:
        options = [float("nan"), "\x00", {"": None}, [[[]]], 10**30]
    if site.parent is not None and isinstance(site.parent, dict):
        options.append(REMOVE)
    chosen = rng.choice(options)
    return chosen if chosen is REMOVE else copy.deepcopy(chosen)


def string_options(s: dict[str, Any], value: str, rng: Random) -> list[Any]:
    """Lengths at and over the limits, blanks and controls at the edges and inside, wrong types."""
    low, high = s.get("minLength", 0), s.get("maxLength")
    blank = rng.choice(ODD_BLANKS)
    if s.get("format") in ("date-time", "date"):
        odd = ODD_MOMENTS if s["format"] == "date-time" else ODD_DAYS
        return [*odd, f" {value}", value + "\n", blank + value, value + "Z", 12, True, None, [value]]
    options: list[Any] = [
        f" {value}",
        f"{value} ",
        f" {value} ",
        value + "\n",
        value[:1] + "\x00" + value[1:],
        value + "\u0085",
        blank + value,
        value + blank,
        value[:2] + blank + value[2:],
        "",
        " ",
        "12",
        12,
        0,
        1.5,
        True,
        None,
        [value],
        {"value": value},
        value.upper(),
        value + "😀",
        "Ж" + value,
    ]
    if high is not None and high <= SIZE_LIMIT:
        options += [
            sized(high, rng),
            sized(high + 1, rng),
            " " + sized(high, rng),
            sized(high, rng) + "\n",
        ] * 2
    if low > 1:
        options += [sized(low - 1, rng), sized(low, rng)]
    if "pattern" in s:
        options += ["_" + value, "-" + value, value + "!", value + " x", "Я" + value, value + "\n", "a" * 65]
    return options


def number_options(s: dict[str, Any], value: Any, integer: bool) -> list[Any]:
    """Just outside the bounds, booleans, floats that are whole and not, numbers written as text."""
    low, high = bounds(s, 1 if integer else 1e-3)
    v = value if isinstance(value, int | float) and not isinstance(value, bool) else 1
    options: list[Any] = [
        True,
        False,
        str(v),
        "12",
        " 12",
        "1e3",
        "0x10",
        None,
        [v],
        {"v": v},
        float(v),
        v + 0.5,
        -v,
        0,
        -1,
        10**20,
        -(2**63) - 1,
        2**63,
        2**64,
        1e308,
        1e-7,
        -0.0,
    ]
    for bound, step in ((low, -1), (high, 1)):
        if bound is not None:
            options += [bound, bound + step, bound + step * 1e-9, float(bound), str(bound)] * 2
    if not integer:
        options += [float("inf"), float("-inf"), "NaN", "Infinity", "1,5"]
    options.append(float("nan"))  # once among ~30: rare, as Python's json writes it but nobody should
    return options


def object_options(gen: Generator, s: dict[str, Any], value: dict[str, Any]) -> list[Any]:
    """Unknown and misspelt properties, a required one missing, keys the key schema refuses."""
    rng = gen.rng
    props: dict[str, Any] = s.get("properties", {})
    required = [p for p in s.get("required", []) if p in value]
    options: list[Any] = [{}, [], [value], None, "{}", 0]
    misspelt = rng.choice(list(props)) if props else "x"
    for extra in ("unknown", misspelt.upper(), misspelt + "_", misspelt.replace("_", "")):
        if extra not in props:
            options += [{**value, extra: rng.choice((1, "x", None, {}))}] * 2
    for prop in required:
        options += [{k: v for k, v in value.items() if k != prop}] * 3
    if "patternProperties" in s or "propertyNames" in s or isinstance(s.get("additionalProperties"), dict):
        some = next(iter(value.values()), "x")
        options += [{**value, bad: some} for bad in ("Bad Key", "1abc", "", "ключ", "a" * 65, "a\x00", "_a")]
        most = s.get("maxProperties")
        if most is not None and most <= 200:
            options.append({f"k{i}": some for i in range(most + 1)})
    return options


def array_options(gen: Generator, s: dict[str, Any], value: list[Any]) -> list[Any]:
    """One item too many or too few, a repeated item, an object or a lone item instead of the list."""
    low, high = s.get("minItems", 0), s.get("maxItems")
    options: list[Any] = [{}, None, "a,b", value[:1] + value[:1] if value else [None], [*value, None]]
    if value:
        options += [value[0], [*value, value[0]], value[::-1], [*value, *value]]
    if low > 0:
        options += [value[: low - 1]] * 3
    if high is not None and high <= 120:
        item = gen.value(s.get("items", {}), 99)
        options += [[*value, *([item] * (high + 1 - len(value)))]] * 2
    return options
