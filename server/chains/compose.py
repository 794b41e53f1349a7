"""What a chain's step says to the client: templates filled from the card in the call scripts'
sandbox (:mod:`app.scripts.templates`), the channel chosen by the card's preferred channel and
consents, and the client's local hours for SMS.

**Consents** (``NULL`` is "not recorded"): a channel whose consent is *no* is never used. A marketing
chain (``marketing: true``) needs the contact's marketing consent *and* the channel's consent to be
*yes*, and a marketing consent withdrawn (*no*) stops the run. A service chain needs only the channel's
consent not to be *no*.

**Local hours**: an SMS goes out only within the client's business hours (``app.local_time``, the
rule the card's light and the task queue use); outside them the step waits for the morning in the
client's zone (the contact's, else the number's, else ``task_default_time_zone``). E-mail waits for
nobody: it does not ring.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app import phones
from app.local_time import BusinessHours, client_time
from app.scripts import budget
from app.scripts.templates import _bounded_render
from app.scripts.values import Record
from server.chains.definition import Chain, Step
from server.models import ChainRun, Contact

_PLACEHOLDER = re.compile(r"\[([\w.]+)\?\]")
HOURS = BusinessHours()


class Incomplete(ValueError):
    """A template printed a value the card does not have, or failed: the message is not sent."""


def template_data(chain: Chain, run: ChainRun, contact: Contact | None) -> dict[str, Any]:
    card: dict[str, Any] = {}
    if contact is not None:
        card = {
            "id": contact.id,
            "name": contact.name,
            "phones": [p.e164 for p in contact.phones],
            "birthday": contact.birthday.isoformat() if contact.birthday else None,
            "city": contact.city,
            "time_zone": contact.time_zone,
            "email": contact.email,
            "segment": contact.segment,
            "preferred_channel": getattr(contact.preferred_channel, "value", contact.preferred_channel),
            "consent": {
                "call": contact.consent_call,
                "sms": contact.consent_sms,
                "email": contact.consent_email,
                "marketing": contact.consent_marketing,
            },
            "custom": dict(contact.custom_fields or {}),
        }
    return {
        "contact": Record(card),
        "trigger": Record(dict(run.trigger or {})),
        "chain": Record({"id": chain.id, "version": chain.version, "name": chain.name}),
    }


def fill(source: str, data: Mapping[str, Any]) -> str:
    """``source`` rendered; :class:`Incomplete` naming what is missing when a printed value is not
    on the card (a client must never read "[name?]"), or why the template failed."""
    if "{" not in source:
        return source
    try:
        with budget.budget() as current:
            text = _bounded_render(source, data)
    except Exception as exc:  # the sandbox's refusals, the budget, a type error in an expression
        raise Incomplete(f"the template failed: {type(exc).__name__}: {str(exc)[:200]}") from None
    if current.missing:
        names = sorted(set(_PLACEHOLDER.findall(text))) or ["a value"]
        raise Incomplete(f"the card has no {', '.join(names)} for this message")
    return text.strip()


@dataclass(frozen=True)
class Choice:
    """The channel a sending step uses, or why it sends nothing."""

    channel: str | None
    recipient: str | None = None
    skipped: str | None = None
    stop_run: bool = False


def _consent(contact: Contact | None, channel: str, marketing: bool) -> tuple[bool, str | None]:
    if contact is None:
        return (not marketing), ("no card: no marketing consent" if marketing else None)
    own = contact.consent_sms if channel == "sms" else contact.consent_email
    word = "SMS" if channel == "sms" else "e-mail"
    if own is False:
        return False, f"the client refused {word}"
    if marketing and own is not True:
        return False, f"no {word} consent recorded (a marketing message needs one)"
    if marketing and contact.consent_marketing is not True:
        return False, "no marketing consent recorded"
    return True, None


def choose(chain: Chain, step: Step, run: ChainRun, contact: Contact | None) -> Choice:
    """The channel for ``step`` (module notes)."""
    if chain.marketing and contact is not None and contact.consent_marketing is False:
        return Choice(None, skipped="the client withdrew marketing consent", stop_run=True)
    offered = [c for c, part in (("email", step.email), ("sms", step.sms)) if part is not None]
    preferred = getattr(contact.preferred_channel, "value", None) if contact is not None else None
    if step.kind == "send" and preferred in offered:
        offered.sort(key=lambda c: c != preferred)
    reasons: list[str] = []
    for channel in offered:
        ok, why = _consent(contact, channel, chain.marketing)
        address = (contact.email if contact is not None else None) if channel == "email" else run.phone
        if ok and not address:
            why = "the card has no e-mail address" if channel == "email" else "no phone number"
            ok = False
        if ok:
            return Choice(channel, address)
        reasons.append(why or "not allowed")
    return Choice(None, skipped="; ".join(reasons))


def client_zone(contact: Contact | None, phone: str | None, default: str) -> str:
    if contact is not None and contact.time_zone:
        return contact.time_zone
    return (phones.time_zone_for(phone) if phone else None) or default


def next_open(zone: str, now: datetime, hours: BusinessHours = HOURS) -> datetime | None:
    """``None`` when the client's hours are open at ``now``; else when they open next (their zone's
    wall clock, DST included)."""
    local = client_time(zone, now, hours)
    if local is None or local.open:
        return None
    tz = zoneinfo.ZoneInfo(zone)
    day = local.local.date()
    for offset in range(8):
        date = day + timedelta(days=offset)
        start, _ = hours.weekend if date.weekday() >= 5 else hours.weekday
        opening = datetime.combine(date, start, tzinfo=tz)
        if opening > now:
            return opening
    return None  # pragma: no cover - some day of a week is open
