"""The workstation follows the server's catalogue (``app/workstation/server_truth.py``), and a read of
it waits while a call pops (issue 15): the catalogue changes a few times a day, the caller's card is
wanted now."""

from __future__ import annotations

import asyncio

from app.wire.dispositions import Catalogue
from app.workstation import CatalogueChanged
from app.workstation.server_truth import CatalogueFollower
from tests.core.helpers import CATALOGUE
from tests.core.test_pop_watch import Desk


def test_a_catalogue_read_waits_for_the_ringing_calls_card_then_the_desk_follows_it() -> None:
    async def main() -> None:
        d = Desk()
        fresh = Catalogue(dispositions=CATALOGUE.dispositions[:1], reasons=CATALOGUE.reasons)
        asked: list[int] = []

        async def fetch() -> tuple[Catalogue | None, bool]:
            asked.append(1)
            return fresh, False

        follower = CatalogueFollower(d.ws, fetch, quiet=d.pops.quiet)
        changed: list[CatalogueChanged] = []
        d.ws.hub.on(CatalogueChanged, changed.append)
        d.ring()
        follower.stale()  # a push says the catalogue changed, while the call's lookup is out
        await asyncio.sleep(0.1)
        assert asked == [] and changed == []  # the card goes first
        d.contacts.answer.set()
        await asyncio.wait_for(follower.wait(), 2)
        assert asked == [1]
        assert [c.catalogue for c in changed] == [fresh]
        assert d.ws.catalogue == fresh

    asyncio.run(main())
