"""A message whose send's outcome was never recorded: *in doubt* (docs/chains.md "Durable and
exactly once").

A sending step commits its message, sets ``handed_at`` and only then hands it to the provider;
recording the outcome clears ``handed_at``. A step claimed again with its message still ``queued``
and ``handed_at`` set was cut off mid-send: a kill -9, or a lease that ran out while the provider
took its time. Whether the provider got it is unknown.

* **E-mail and the HTTP SMS provider** de-duplicate (the Message-ID, the ``Idempotency-Key``): the
  message is sent again with the same uid, and the client gets one.
* **Kannel** has no idempotency key: sending again could send twice. But Kannel reports on every
  message we hand it (``dlr-url`` with ``dlr-mask`` 1|2|8|16: 8 is "the SMSC took it", within
  seconds when the SMSC link is up), and the report's URL carries our uid. So an in-doubt Kannel
  message **waits for its report**, without spending an attempt, at most
  ``kannel_report_wait_seconds`` after it was handed over (re-checked every
  :data:`RECHECK` and at once when a report arrives: ``server.api.routes.messaging``):

  - a report came (the message is ``sent``, ``delivered``, ``undelivered`` or ``replied``): Kannel
    had it; the step is done, nothing is sent again;
  - none came in that time: the message is **failed, not sent again** (``kannel_in_doubt``
    says why in the history and the run), because a report can also be missing when Kannel has
    the message queued for an SMSC that is down, or when every retry of the report met this server
    down: sending again would then reach the client twice. Never twice is the chain's promise;
    the lead sees the failed run and decides.

  Without ``chain_public_url`` Kannel cannot report at all: an in-doubt message fails at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from sqlalchemy.orm import Session

from server.chains import progress
from server.models import ChainMessage, ChainRun, ChainStep

if TYPE_CHECKING:
    from server.chains.definition import Step
    from server.chains.policy import Policy

RECHECK = timedelta(seconds=60)
"""How often a waiting step looks again even if no report woke it (a report racing the claim)."""

Verdict = Literal["send", "done", "wait", "give_up"]


def handed(message: ChainMessage, now: datetime) -> None:
    """The message goes to the provider after this transaction commits."""
    message.handed_at = now


def recorded(message: ChainMessage) -> None:
    """The send's outcome is recorded: the message is no longer in doubt."""
    message.handed_at = None


def verdict(message: ChainMessage, *, wait: timedelta | None, reports: bool, now: datetime) -> Verdict:
    """What to do with a claimed step's existing message (module notes). ``wait``: how long its
    provider's report may take (``None``: the provider de-duplicates, send again); ``reports``:
    whether the provider was asked to report (a public URL is set)."""
    if message.state != "queued":
        return "done"  # a report said the provider has it (or the outcome was recorded)
    if message.handed_at is None or wait is None:
        return "send"
    if reports and now < message.handed_at + wait:
        return "wait"
    return "give_up"


def due_again(message: ChainMessage, *, wait: timedelta, now: datetime) -> datetime:
    """When a waiting step looks again: at :data:`RECHECK`, at most at the end of the wait."""
    assert message.handed_at is not None
    return min(message.handed_at + wait, now + RECHECK)


def why(wait: timedelta, reports: bool) -> str:
    if not reports:
        return (
            "in doubt: a send was cut off before its outcome was recorded and Kannel cannot report "
            "(no chain_public_url): not sent again, so the client cannot get it twice"
        )
    return (
        f"in doubt: a send was cut off before its outcome was recorded and Kannel did not report on it "
        f"within {int(wait.total_seconds())} s: not sent again, so the client cannot get it twice"
    )


def settle(
    session: Session,
    step: ChainStep,
    run: ChainRun,
    spec: Step,
    message: ChainMessage,
    *,
    now: datetime,
    policy: Policy,
) -> bool:
    """A claimed step whose message exists (``server.chains.sending``): whether an earlier send
    settles it (module notes): done (a report says the provider has it), waiting for a report
    (no attempt spent), or failed (never sent twice). ``False``: send (again)."""
    wait = policy.sms_report_wait if message.channel == "sms" else None
    found = verdict(message, wait=wait, reports=bool(policy.public_url), now=now)
    if found == "send":
        return False
    if found == "done":
        recorded(message)
        message.sent_at = message.sent_at or message.handed_at or now
        progress.finish(session, step, run, now, spec.next, note="sent: the provider reported on it")
    elif found == "wait":
        assert wait is not None
        step.state, step.lease_until = "pending", None
        step.due_at = due_again(message, wait=wait, now=now)
        step.attempts -= 1
        step.last_error = "in doubt: waiting for Kannel's report"
    else:
        assert wait is not None
        reason = why(wait, bool(policy.public_url))
        recorded(message)
        message.state, message.last_error = "failed", reason
        progress.fail(step, run, now, f"{message.channel} {reason}")
    return True
