"""Closed vocabularies stored in the database (as text with a CHECK constraint).

Each is defined once, in the wire format the desktop shares (``app.wire``), and only re-exported here
so models and routes can import them next to the tables: a value the wire accepts is a value the
column accepts. Adding a value needs a migration that rewrites the constraint; removing one needs a
data migration.
"""

from __future__ import annotations

from app.wire.auth import Role
from app.wire.contacts import FieldType, PreferredChannel
from app.wire.dispositions import DispositionCategory
from app.wire.requests import RequestKind, RequestState
from app.wire.statuses import OperatorStatus, StatusSource

__all__ = [
    "DispositionCategory",
    "FieldType",
    "OperatorStatus",
    "PreferredChannel",
    "RequestKind",
    "RequestState",
    "Role",
    "StatusSource",
]
