"""Writing the audit log. The entry joins the caller's transaction: it is committed with the action
it describes, or not at all.

In routes, prefer the ``Audit`` dependency (``server.api.deps.AuditDep``), which fills in the
current user and client address::

    audit("user.deactivate", target=f"user:{user.id}", details={"name": user.name})

Details are JSON; never put a password, token or hash in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.orm import Session

from server.models import AuditEntry


class Actor(Protocol):
    """Who did it: a ``User`` row, or the cached ``server.api.caches.Principal``."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...


def record_audit(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    target: str | None = None,
    details: Mapping[str, Any] | None = None,
    client_ip: str | None = None,
) -> AuditEntry:
    """Add one audit row to ``session`` (flushed, not committed). ``actor=None``: system/CLI."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.name if actor is not None else None,
        action=action,
        target=target,
        details=dict(details or {}),
        client_ip=client_ip,
    )
    session.add(entry)
    session.flush()
    return entry
