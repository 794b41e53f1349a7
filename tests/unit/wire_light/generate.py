"""Plausibly valid JSON values for a pydantic JSON schema, remembering where every value sits.

A JSON schema says less than the model behind it: ``AfterValidator`` checks (a phone number, an IANA
zone, no control characters, moments in order) leave no trace in it. So the generator writes what a
real client writes: one-line text without edge blanks, datetimes that move forward through the payload
(``ring_at`` before ``end_at`` whatever the model), E.164 numbers, zones and e-mail addresses for fields
*named* like them. Those are rules about field names shared by every model, never hints about a model.

Each value generated is recorded as a :class:`Site` (its container, key and the concrete schema it
satisfies), so :mod:`hostile` can turn one of them into a boundary or hostile value afterwards.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from random import Random
from typing import Any

MAX_DEPTH = 7
"""Below this depth objects get their required properties only and arrays their minimum length."""
TEXT_CAP = 24
"""Typical length of generated free text: long strings are :mod:`hostile`'s business."""
FALLBACK_SHAPES = ("abc", "a_1", "Europe/Moscow", "+79123456789", "x", "A1.b-2")
"""Tried against a ``pattern`` when strings built from its character classes do not match."""
WORDS = (
    "Иванов",
    "Пётр",
    "O'Neil",
    "Розница",
    "VIP",
    "shop",
    "line",
    "тест",
    "Ёлка",
    "📞",
    "Zoë",
    "ok",
    "<b>",
    "'; DROP",
    "100%",
    "2",
    "Москва",
)
ZONES = ("Europe/Moscow", "Asia/Novosibirsk", "UTC", "Asia/Yekaterinburg", "America/New_York")
OFFSETS = (
    timedelta(0),
    timedelta(hours=3),
    -timedelta(hours=5, minutes=30),
    timedelta(hours=5, minutes=45),
    timedelta(hours=-11),
)
NAIVE_SHARE = 0.02
"""How often a "valid" datetime is written without an offset (real clients forget it)."""


@dataclass
class Site:
    """Where a generated value sits: ``parent[key]`` (``parent`` ``None`` for the payload itself)."""

    parent: dict[str, Any] | list[Any] | None
    key: str | int | None
    schema: dict[str, Any]
    name: str


class Generator:
    """Builds one valid-looking value at a time from ``root`` (a model's JSON schema) with ``rng``."""

    def __init__(self, root: dict[str, Any], rng: Random) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.rng = rng
        self.sites: list[Site] = []
        self.clock = datetime(2020, 1, 1, tzinfo=UTC)

    def fresh(self) -> None:
        """Forget the sites and restart the clock: a new payload begins."""
        self.sites = []
        self.clock = datetime(2019, 6, 1, tzinfo=UTC) + timedelta(seconds=self.rng.randrange(6 * 365 * 86400))

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema`` with ``$ref`` (and one-element ``allOf``) replaced by what they point at."""
        for _ in range(32):
            if "$ref" in schema:
                target = self.defs[str(schema["$ref"]).rsplit("/", 1)[-1]]
                schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
            elif isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
                schema = {**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}}
            else:
                break
        return schema

    def branch(self, branches: list[dict[str, Any]]) -> dict[str, Any]:
        """One branch of a union; ``null`` a quarter of the time when it is one of them."""
        resolved = [self.resolve(b) for b in branches]
        typed = [b for b in resolved if b.get("type") != "null"]
        if not typed or (len(typed) < len(resolved) and self.rng.random() < 0.25):
            return {"type": "null"}
        return self.rng.choice(typed)

    def value(
        self,
        schema: dict[str, Any],
        depth: int = 0,
        name: str = "",
        parent: dict[str, Any] | list[Any] | None = None,
        key: str | int | None = None,
    ) -> Any:
        """A value satisfying ``schema`` as far as the schema and the field ``name`` tell."""
        s = self.resolve(schema)
        branches = s.get("anyOf") or s.get("oneOf")
        if isinstance(branches, list) and "const" not in s and "enum" not in s:
            return self.value(self.branch(branches), depth, name, parent, key)
        kind = s.get("type")
        if isinstance(kind, list):
            kind = self.rng.choice(kind)
            s = {**s, "type": kind}
        out: Any
        if "const" in s:
            out = copy.deepcopy(s["const"])
        elif "enum" in s:
            out = copy.deepcopy(self.rng.choice(s["enum"]))
        elif kind == "object":
            out = self.obj(s, depth, name)
        elif kind == "array":
            out = self.array(s, depth, name)
        elif kind == "string":
            out = self.string(s, name)
        elif kind == "integer":
            out = self.integer(s)
        elif kind == "number":
            out = self.number(s)
        elif kind == "boolean":
            out = self.rng.random() < 0.5
        elif kind == "null":
            out = None
        else:
            out = self.anything(depth)
        self.sites.append(Site(parent, key, s, name))
        return out

    def obj(self, s: dict[str, Any], depth: int, name: str) -> dict[str, Any]:
        """Required properties always, optional ones two times in three (sometimes their default)."""
        rng = self.rng
        props: dict[str, Any] = s.get("properties", {})
        required = s.get("required", [])
        out: dict[str, Any] = {}
        for prop, sub in props.items():
            if prop not in required and (depth >= MAX_DEPTH or rng.random() < 0.35):
                continue
            default = sub.get("default") if isinstance(sub, dict) else None
            if default is not None and rng.random() < 0.15:
                out[prop] = copy.deepcopy(default)
                self.sites.append(Site(out, prop, self.resolve(sub), prop))
            else:
                out[prop] = self.value(sub, depth + 1, prop, out, prop)
        extra = s.get("additionalProperties")
        patterned: dict[str, Any] = s.get("patternProperties", {})
        if patterned or isinstance(extra, dict) or (extra is not False and not props):
            value_schema = next(iter(patterned.values()), extra if isinstance(extra, dict) else {})
            names: dict[str, Any] = s.get("propertyNames", {})
            key_schema = {
                "type": "string",
                "maxLength": names.get("maxLength", 24),
                "minLength": max(1, names.get("minLength", 1)),
            }
            if patterned or "pattern" in names:
                key_schema["pattern"] = next(iter(patterned), names.get("pattern"))
            low = s.get("minProperties", 0)
            count = (
                low if depth >= MAX_DEPTH else rng.randint(low, max(low, min(s.get("maxProperties", 3), 3)))
            )
            added = 0
            for _ in range(count * 3):
                k = self.string(key_schema, "key")
                if added < count and k not in out:
                    out[k] = self.value(value_schema, depth + 1, k, out, k)
                    added += 1
        return out

    def array(self, s: dict[str, Any], depth: int, name: str) -> list[Any]:
        """Short arrays; an array of an enum is sometimes the whole enum shuffled (an "order")."""
        rng = self.rng
        items = self.resolve(s.get("items", {}))
        low, high = s.get("minItems", 0), s.get("maxItems", 1000)
        out: list[Any] = []
        enum = items.get("enum")
        if isinstance(enum, list) and low <= len(enum) <= high and rng.random() < 0.5:
            out.extend(rng.sample(enum, len(enum)))
            self.sites.extend(Site(out, i, items, name) for i in range(len(out)))
            return out
        count = low if depth >= MAX_DEPTH else min(high, low + rng.choice((0, 0, 1, 1, 1, 2, 3)))
        for i in range(count):
            out.append(self.value(items, depth + 1, name, out, i))
        return out

    def string(self, s: dict[str, Any], name: str) -> str:
        """Text honouring the format, the pattern, the length and what the field name suggests."""
        low, high = s.get("minLength", 0), s.get("maxLength", 10_000)
        fmt = s.get("format")
        if fmt == "date-time":
            return self.moment()
        if fmt == "date":
            return self.day()
        if "pattern" in s:
            return self.matching(str(s["pattern"]), low, high)
        shaped = self.shaped(name.lower(), fmt)
        if shaped is not None and low <= len(shaped) <= high:
            return shaped
        return self.text(low, high)

    def shaped(self, name: str, fmt: Any) -> str | None:
        """A value for a field whose name (or format) says what it holds."""
        rng = self.rng
        if "email" in name or fmt == "email":
            return f"{rng.choice(('ivan', 'o.neil', 'пётр'))}{rng.randrange(100)}@" + rng.choice(
                ("example.com", "почта.рф", "mail.ru")
            )
        if "zone" in name:
            return str(rng.choice(ZONES))
        if "phone" in name or name in ("caller", "number", "dnis"):
            prefix = rng.choice(("+79", "+7495", "+7383", "+7912"))
            return prefix + "".join(rng.choice("0123456789") for _ in range(12 - len(prefix)))
        if name in ("weekday", "weekend", "hours"):
            start = rng.randrange(0, 12)
            return f"{start:02d}:{rng.choice(('00', '30'))}-{rng.randrange(start + 1, 25):02d}:00"
        if "url" in name or fmt == "uri":
            return f"https://crm.example.com/c/{rng.randrange(10**6)}"
        return None

    def text(self, low: int, high: int) -> str:
        """One line of words (Cyrillic, emoji, quotes included), no edge blanks, ``low..high`` long."""
        rng = self.rng
        if low == 0 and rng.random() < 0.05:
            return ""
        target = rng.randint(max(low, 1), max(low, 1, min(high, TEXT_CAP)))
        words: list[str] = []
        while len(" ".join(words)) < target:
            words.append(rng.choice(WORDS) if rng.random() < 0.7 else str(rng.randrange(10**4)))
        out = " ".join(words)[:target].strip()
        return (out + "a" * low)[: max(low, len(out))][:high]

    def matching(self, pattern: str, low: int, high: int) -> str:
        """A string that ``re.search``es ``pattern``: alternatives it lists, strings drawn from its
        character classes at the lengths its quantifiers name, then :data:`FALLBACK_SHAPES`."""
        rng = self.rng
        compiled = re.compile(pattern)
        pool = "".join(_expand(c) for c in re.findall(r"\[((?:\\.|[^\]])+)\]", pattern)) or "abc_1"
        lengths = [int(n) for n in re.findall(r"\{(\d+)\}", pattern)] + [rng.randint(1, 12) for _ in range(4)]
        literals: list[str] = [a for group in re.findall(r"\(([^()]*)\)", pattern) for a in group.split("|")]
        candidates = rng.sample(literals, len(literals))
        for _ in range(48):
            candidates.append("".join(rng.choice(pool) for _ in range(rng.choice(lengths))))
        candidates += FALLBACK_SHAPES
        for candidate in candidates:
            if low <= len(candidate) <= high and compiled.search(candidate):
                return candidate
        return "abc"

    def moment(self) -> str:
        """An ISO datetime later than the previous one of this payload, in one of several spellings."""
        rng = self.rng
        self.clock += timedelta(seconds=rng.randint(60, 7200), microseconds=rng.randrange(10**6))
        offset = rng.choice(OFFSETS)
        local = self.clock.astimezone(timezone(offset))
        digits = rng.choice((0, 0, 0, 1, 2, 3, 4, 5, 6))
        text = local.strftime("%Y-%m-%dT%H:%M:%S") + (
            f".{local.microsecond:06d}"[: digits + 1] if digits else ""
        )
        if rng.random() < NAIVE_SHARE:
            return text
        if not offset and rng.random() < 0.6:
            return text + "Z"
        sign, span = ("-", -offset) if offset < timedelta(0) else ("+", offset)
        return f"{text}{sign}{span.seconds // 3600:02d}:{span.seconds % 3600 // 60:02d}"

    def day(self) -> str:
        """An ISO date between 1970 and 2025: inside every day range the wire knows (birthdays too)."""
        return (date(1970, 1, 2) + timedelta(days=self.rng.randrange(20_000))).isoformat()

    def integer(self, s: dict[str, Any]) -> int:
        """The minimum, a small step above it, the maximum or anything in between."""
        low, high = bounds(s, 1)
        lo = int(low) if low is not None else -1000 if self.rng.random() < 0.1 else 0
        hi = int(high) if high is not None else max(lo, 0) + 10**6
        r = self.rng.random()
        if r < 0.25:
            return lo
        if r < 0.7:
            return min(hi, lo + self.rng.randrange(100))
        return hi if r < 0.8 else self.rng.randint(lo, hi)

    def number(self, s: dict[str, Any]) -> float | int:
        """A finite float in range, now and then a whole number (JSON does not tell them apart)."""
        low, high = bounds(s, 1e-3)
        lo = low if low is not None else 0.0
        hi = high if high is not None else lo + 1e6
        value = round(lo + (hi - lo) * self.rng.random() ** 3, 3)
        value = min(max(value, lo), hi)
        return int(value) if self.rng.random() < 0.2 and lo <= int(value) <= hi else value

    def anything(self, depth: int) -> Any:
        """Any JSON value (a schema without a type), nested at most to :data:`MAX_DEPTH`."""
        rng = self.rng
        pick = rng.randrange(7 if depth < MAX_DEPTH else 5)
        if pick == 5:
            return [self.anything(depth + 1) for _ in range(rng.randrange(3))]
        if pick == 6:
            return {f"k{i}": self.anything(depth + 1) for i in range(rng.randrange(3))}
        return (
            self.text(0, 12),
            rng.randrange(-5, 10**4),
            round(rng.uniform(-1e3, 1e3), 2),
            rng.random() < 0.5,
            None,
        )[pick]


def bounds(s: dict[str, Any], step: float) -> tuple[Any, Any]:
    """The inclusive ``(low, high)`` of a numeric schema (``None`` when unbounded); exclusive bounds
    move by ``step`` inwards."""
    low, high = s.get("minimum"), s.get("maximum")
    if "exclusiveMinimum" in s:
        low = s["exclusiveMinimum"] + step
    if "exclusiveMaximum" in s:
        high = s["exclusiveMaximum"] - step
    return low, high


def _expand(cls: str) -> str:
    """The characters of a regex class body (``A-Za-z0-9_.\\-``); negated classes give none."""
    if cls.startswith("^"):
        return ""
    out: list[str] = []
    i = 0
    chars = cls.replace("\\d", "0-9").replace("\\w", "a-zA-Z0-9_")
    while i < len(chars):
        c = chars[i + 1] if chars[i] == "\\" and i + 1 < len(chars) else chars[i]
        i += 2 if chars[i] == "\\" else 1
        if i + 1 < len(chars) and chars[i] == "-" and chars[i + 1] != "\\":
            out.extend(chr(x) for x in range(ord(c), ord(chars[i + 1]) + 1))
            i += 2
        else:
            out.append(c)
    return "".join(out)
