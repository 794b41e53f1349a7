"""Issue 14: a caller's card still pops when the local cache cannot be written (a full disk).

Before, the server's answer was stored in the cache first and the cache's ``disk is full`` failed the
whole lookup: the card said the lookup failed although the server had answered."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from typing import Any

from app.sync.reads import CachedReads
from app.wire.contacts import ContactOut
from app.wire.dispositions import Catalogue

CONTACT = ContactOut(
    id=7, version=1, updated_at=datetime(2026, 1, 1, tzinfo=UTC), name="Иван", phones=["+79123456789"]
)


class Api:
    async def lookup_contact(self, phone: str) -> ContactOut | None:
        return CONTACT

    async def catalogue(self, queue: str | None = None) -> Catalogue:
        return Catalogue()


class FullCache:
    def put(self, *args: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    def lookup(self, phone: str) -> None:
        return None

    def get(self, *args: Any) -> None:
        return None


def test_the_servers_answer_is_used_when_the_cache_cannot_be_written() -> None:
    reads = CachedReads(Api(), FullCache(), FullCache())  # type: ignore[arg-type]
    fetched = asyncio.run(reads.contact_for("+79123456789"))
    assert fetched.value == CONTACT and not fetched.from_cache
    catalogue = asyncio.run(reads.catalogue())
    assert catalogue.value == Catalogue()
