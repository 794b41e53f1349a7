"""Closed vocabularies stored in the database (as text with a CHECK constraint).

Adding a value needs a migration that rewrites the constraint; removing one needs a data migration.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do. Team leads act on their own team; admins on everything."""

    operator = "operator"
    team_lead = "team_lead"
    admin = "admin"


class Channel(StrEnum):
    """A contact's preferred channel."""

    call = "call"
    sms = "sms"
    email = "email"


class DispositionCategory(StrEnum):
    """How a disposition code counts in reports."""

    success = "success"
    not_reached = "not_reached"
    non_target = "non_target"
    mail_only = "mail_only"
    callback = "callback"
    other = "other"


class FieldType(StrEnum):
    """Type of a declared custom contact field."""

    text = "text"
    number = "number"
    date = "date"
    boolean = "boolean"
    choice = "choice"


class OperatorStatus(StrEnum):
    """What the operator chose (not what the phone is doing).

    ``not_ready`` always carries a reason from the not-ready catalogue (break, lunch, training,
    back-of-queue ...); ``offline`` is before shift start and after shift end.
    """

    offline = "offline"
    ready = "ready"
    not_ready = "not_ready"
    on_call = "on_call"
    acw = "acw"


class StatusSource(StrEnum):
    """Who changed an operator's status."""

    operator = "operator"
    team_lead = "team_lead"
    system = "system"
