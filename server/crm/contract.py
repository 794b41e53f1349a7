"""The contract a CRM adapter keeps (docs/integrations.md, "The CRM adapter contract").

ringdesk talks to the centre's CRM through one object per CRM connection that implements
:class:`CrmAdapter`. Bitrix24 is the one built (:mod:`server.crm.bitrix24`); another CRM follows by
implementing the same six coroutines and raising the same four errors, nothing else: the outbox, the
retries, the rate of the durable sends and the screen pop's time budget are ringdesk's
(:mod:`server.crm.worker`, :mod:`server.crm.lookup`), not the adapter's.

Semantics every adapter keeps:

* Each method is **one attempt**: it may retry inside itself only what the CRM told it to wait for
  (a rate limit), bounded, and must give up with an error instead of hanging; the caller bounds the
  whole call with its own timeout (``asyncio.timeout``) and cancels it when that runs out.
* The durable sends (:meth:`call_started`, :meth:`call_finished`, :meth:`attach_recording`,
  :meth:`create_contact`) are made **once per ringdesk fact** as far as ringdesk can see: the
  worker records each step's result (the CRM's call id) before it makes the next one, so a step that
  succeeded is never repeated unless the server died between the CRM's answer and that record.
* Texts that come from the CRM are data: ringdesk shows them as plain text, never as markup.
* The token, password or URL with a secret in it never appears in an error's message or a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class CrmError(Exception):
    """Something went wrong talking to the CRM; the message is for an admin (never holds the secret)."""


class CrmUnavailable(CrmError):
    """The CRM did not answer usefully: refused connection, timeout, a 5xx, an answer that is not the
    CRM's JSON. Transient: the worker tries again later."""


class CrmRateLimited(CrmUnavailable):
    """The CRM kept saying "too many requests" after the adapter's bounded waits. Transient."""


class CrmAuthError(CrmError):
    """The CRM refused the credentials (a wrong, revoked or expired token, a wrong portal user).
    Retried by the worker at its slow pace: an admin fixes it with ``ringdesk-server crm ... set``."""


class CrmRefused(CrmError):
    """The CRM understood the request and refused it (a missing field, an unknown user id). Sending
    the same request again gives the same answer: the worker marks that job ``failed``."""


class CallDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CallResult(StrEnum):
    """How a call ended, in ringdesk's words (the adapter maps them to the CRM's codes)."""

    ANSWERED = "answered"
    MISSED = "missed"
    """Nobody answered it (rang out, the caller gave up, no operator, out of hours)."""
    DECLINED = "declined"
    """The caller hung up within the greeting (ringdesk's ``non_target``)."""


@dataclass(frozen=True)
class CrmContact:
    """A contact as the CRM holds it: what the screen pop shows when ringdesk has none."""

    source: str
    """The adapter's name (``bitrix24``): the card says where the data came from."""
    external_id: str
    name: str
    phones: tuple[str, ...] = ()
    email: str | None = None
    company: str | None = None
    url: str | None = None
    """Where the contact opens in the CRM's own web interface, when known."""


@dataclass(frozen=True)
class NewContact:
    """A contact to create in the CRM (from a contact created in ringdesk)."""

    name: str
    phones: tuple[str, ...]
    email: str | None = None


@dataclass(frozen=True)
class CallFacts:
    """What ringdesk knows of a call when a step is sent (the job's data)."""

    call_id: str
    """ringdesk's id (the PBX's or the desktop's)."""
    phone: str
    """The other party's number (E.164 when ringdesk could read it)."""
    direction: CallDirection = CallDirection.INBOUND
    operator: str | None = None
    """The ringdesk user name of the operator who took it (``None``: nobody did)."""
    started_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    result: CallResult | None = None
    queue: str | None = None
    line: str | None = None
    """The number the client dialled (DNIS)."""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def duration(self) -> int:
        """Talk seconds: from the answer to the end (0 for a call nobody answered)."""
        if self.answered_at is None or self.ended_at is None:
            return 0
        return max(0, round((self.ended_at - self.answered_at).total_seconds()))


class CrmAdapter(Protocol):
    """One CRM connection (module notes for the semantics every method keeps)."""

    name: str
    """A short code naming the CRM (``bitrix24``), stored with the jobs and shown on the card."""

    async def check(self) -> str:
        """A harmless call proving the URL and credentials work; what the CRM says we are (for
        ``ringdesk-server crm test``). Raises :class:`CrmAuthError`, :class:`CrmUnavailable`..."""
        ...

    async def lookup_by_phone(self, phone: str) -> CrmContact | None:
        """The CRM's contact with this number (E.164), ``None`` when it has none. If several match,
        the CRM's first (oldest) one."""
        ...

    async def create_contact(self, contact: NewContact) -> str:
        """Create the contact in the CRM; its id there."""
        ...

    async def call_started(self, call: CallFacts) -> str:
        """Register the call in the CRM (it links it to its contact, or creates one as it is
        configured to); the CRM's id for the call, which the later steps are given."""
        ...

    async def call_finished(self, crm_call_id: str, call: CallFacts, recording_url: str | None) -> None:
        """Close the registered call with its operator, duration and result, and the recording's
        link when it is already known."""
        ...

    async def attach_recording(self, crm_call_id: str, call: CallFacts, recording_url: str) -> None:
        """Attach a recording that became known after the call was finished."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
