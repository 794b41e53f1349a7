"""Building blocks every wire model shares: the strict base class and bounded field types.

Every string on the wire has a length limit, so an oversized body is a 422 naming the field instead of a
row the database refuses (or stores and then chokes every screen that renders it). NUL characters are
refused everywhere because PostgreSQL cannot store them in ``text``: without the check they would pass
validation and fail as a 500 inside the transaction.

The ``*_MAX`` constants here are the only place a length limit is written down: the wire types below
use them, and so do the server's columns (``String(NAME_MAX)``), so a value the wire accepts always
fits its column. (Migrations spell the numbers out, as a migration must keep producing the schema of
its day; a test checks the migrated schema against the models.)
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any

from app import phones
from app.wire.schema import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

NAME_MAX = 200
"""Person names and script names: the longest real ones are well under this."""
LABEL_MAX = 100
"""Catalogue and field labels, city names: what fits a button or a card line."""
SHORT_MAX = 64
"""Short free text used for grouping: contact segments."""
COMMENT_MAX = 4000
"""Free text an operator types: a few paragraphs, never a pasted document."""
CODE_MAX = 64
"""Machine identifiers: logins, queue names, script ids, field keys."""
CATALOGUE_CODE_MAX = 32
"""Disposition and not-ready reason codes: short, typed by admins, shown in reports."""
EMAIL_MAX = 254
"""RFC 5321's limit on a forward path."""
USER_NAME_MAX = 64
"""Logins and team names."""
CALL_ID_MAX = 255
"""A SIP Call-ID (or a PBX's unique id): usually under 100 characters, but nothing in SIP bounds it."""
E164_MAX = 16
"""``+`` and at most 15 digits (ITU-T E.164)."""
PASSWORD_MAX = 1024
"""Long passphrases are fine; a megabyte "password" is a hashing-cost attack on argon2."""
REFRESH_TOKEN_MAX = 256
"""Refresh tokens are 43 characters; the bound only keeps junk out of the hash lookup."""
TOKEN_MAX = 4096
"""Access tokens (JWTs) as the server issues them."""
MAX_INT32 = 2**31 - 1
"""The largest INTEGER a column holds (PostgreSQL): user ids, script versions."""
MAX_INT64 = 2**63 - 1
"""The largest BIGINT (PostgreSQL) and SQLite INTEGER: contact, disposition and request ids."""
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
"""Every moment on the wire is in ``[EARLIEST, LATEST)``. Calls, statuses and reports are about now;
the bounds keep each moment (and each day turned into its UTC period) far inside what Python's
``datetime`` and both databases hold, so year 1 written as ``+05:00`` or 9999-12-31 as ``-05:00`` is
a 422 naming the field, not an overflow in the middle of a request (issue 14)."""


class WireModel(BaseModel):
    """Base of every wire model: an unknown field is an error, never silently ignored.

    A typo in a client (``calback_at``) would otherwise drop data without anyone noticing.

    JSON parsing caches the keys only (``cache_strings="keys"``): pydantic-core's default also keeps
    the values in a process-wide cache, and a desk reading new call ids, numbers and times all shift
    long filled it with ~1 MB of strings never read again (issue 15).
    """

    model_config = ConfigDict(extra="forbid", cache_strings="keys")


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""C0 controls (line breaks and tabs included), DEL and the C1 controls."""


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must be a single line without control characters")
    return value


def _no_edge_spaces(value: str) -> str:
    if value != value.strip():
        raise ValueError("must not start or end with spaces")
    return value


Line = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=NAME_MAX), AfterValidator(_single_line)
]
"""One line of human text (a name, a city, a label), surrounding blanks removed."""
RequiredLine = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    AfterValidator(_single_line),
]
"""A :data:`Line` that must not be blank."""
Label = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=LABEL_MAX),
    AfterValidator(_single_line),
]
"""A label in one language (``label_en``, ``label_ru``): required, one line."""
City = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=LABEL_MAX), AfterValidator(_single_line)
]
Segment = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=SHORT_MAX), AfterValidator(_single_line)
]
"""A contact segment ("VIP", "Розница"): scripts are chosen by it, so it is short and exact."""
Comment = Annotated[str, StringConstraints(max_length=COMMENT_MAX), AfterValidator(_no_nul)]
"""Multi-line free text, kept exactly as typed (quotes, markup and SQL-looking text included)."""
FreeText = Comment
"""Free text inside JSON values (custom fields, script answers): as :data:`Comment`, no NUL."""


def one_reason(expected: str) -> WrapValidator:
    """A validator for a union of JSON types that says in one sentence why a value is refused.

    Pydantic reports a failed union once per member ("should be a valid integer", "...boolean"...);
    an operator's desktop and an admin reading a 422 need the one that matters: the text holds a NUL,
    the number is NaN. A value of none of the types gets ``expected``.
    """

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            reasons = [
                str(error["msg"]).removeprefix("Value error, ")
                for error in exc.errors()
                if not str(error["type"]).endswith(("_type", "_parsing"))
            ]
            raise ValueError(reasons[0] if reasons else expected) from None

    return WrapValidator(check)


Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=CODE_MAX)]
"""A stable machine identifier: queue names, script ids."""
UserName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=USER_NAME_MAX),
    AfterValidator(_single_line),
    AfterValidator(_no_edge_spaces),
]
"""A login or a team name, in any script (``Пётр O'Neil``). Kept exact, never trimmed: a login is
compared character for character, so blanks around it are refused rather than silently removed."""
CallId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=CALL_ID_MAX),
    AfterValidator(_single_line),
]
"""The SIP Call-ID (or the PBX's unique id) that ties records to one call."""
CatalogueCode = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=CATALOGUE_CODE_MAX)
]
"""A disposition or not-ready reason code (``callback``, ``smoke``)."""
FieldKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=CODE_MAX)]
"""Key of a custom field or a script node: lower-case, so it is safe as a JSON key and a column name."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"{value[:60]!r} is not an e-mail address")
    return value


Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=EMAIL_MAX), AfterValidator(_email)]
"""A plausible e-mail address. Deliberately loose (Cyrillic domains are real); delivery is the proof."""


_RANGE = f"between {EARLIEST:%Y-%m-%d} and {LATEST.year - 1}-12-31 (UTC)"


def _utc(value: datetime) -> datetime:
    try:
        moment = value.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, 9999-12-31 west of it
        moment = None
    if moment is None or not EARLIEST <= moment < LATEST:
        raise ValueError(f"must be {_RANGE}, not {value.isoformat()}")
    return moment


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_utc)]
"""A moment in time: a naive timestamp is refused (whose clock?), an aware one is converted to UTC,
and it lies in ``[EARLIEST, LATEST)``."""


def _day(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError(f"must be {_RANGE}, not {value.isoformat()}")
    return value


Day = Annotated[date, AfterValidator(_day)]
"""A calendar day (a report's), in the range of :data:`UtcDatetime`, so its start and end in any time
zone are moments the server can compute."""
Id32 = Annotated[int, Field(ge=1, le=MAX_INT32)]
"""A reference to an INTEGER key or number (a script version): beyond the column is a 422."""
Id64 = Annotated[int, Field(ge=1, le=MAX_INT64)]
"""A reference to a BIGINT key (a contact, a request)."""
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
"""A JSON number that is one: ``NaN`` and ``Infinity`` (which Python's JSON reader accepts) are refused,
as neither database stores them in JSON (SQLite read them back as ``null``, PostgreSQL refused them)."""


def _e164(value: str) -> str:
    if not phones.is_valid_e164(value):
        raise ValueError(f"{value[:40]!r} is not a valid phone number in E.164 form, like +79123456789")
    return value


E164 = Annotated[str, StringConstraints(max_length=E164_MAX), AfterValidator(_e164)]
"""A phone number as ``+<country><number>``: one canonical form, so lookups and upserts match.

Clients normalise what people type with :func:`app.phones.normalise` before sending.
"""


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


_ZONE_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA zone such as ``Asia/Novosibirsk``.

    Checked against the platform's zone database; where there is none (Windows without the ``tzdata``
    package) only the shape is checked rather than refusing every zone.
    """
    if not _ZONE_SHAPE.match(name):
        return False
    known = _known_zones()
    return name in known if known else True


def _zone(value: str) -> str:
    if not is_time_zone(value):
        raise ValueError(f"{value[:40]!r} is not an IANA time zone such as Europe/Moscow")
    return value


TimeZone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=CODE_MAX), AfterValidator(_zone)
]
"""An IANA time zone name (never an offset: offsets change with DST and with Russian law)."""
