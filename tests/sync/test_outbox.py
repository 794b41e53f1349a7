"""The outbox: record and item in one transaction, no double save, counts for the banner, requeue."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from app.store.cache import ContactCache
from app.store.database import LocalStore
from app.store.drafts import Drafts
from app.store.schema import OutboxKind, OutboxState
from app.sync.items import OutboxCounts
from app.sync.outbox import DuplicateDispositionError, Outbox
from app.wire.contacts import ContactOut, ContactPatch
from app.wire.statuses import OperatorStatus, StatusChangeIn
from tests.sync.conftest import disposition


def test_a_disposition_is_saved_with_its_item_and_replaces_the_draft(store: LocalStore) -> None:
    drafts = Drafts(store)
    drafts.save("call-1-operator1@pbx.test", {"comment": "half typed"})
    outbox = Outbox(store)
    seen: list[OutboxCounts] = []
    outbox.subscribe(seen.append)
    saved = outbox.add_disposition(disposition(1))
    assert drafts.load("call-1-operator1@pbx.test") is None
    assert seen == [OutboxCounts(pending=1, parked=0)]
    with store.reading() as db:
        [row] = db.execute("SELECT key FROM dispositions").fetchall()
        [item] = db.execute("SELECT key, stream, payload FROM outbox").fetchall()
    assert row["key"] == item["key"] == str(saved.key)
    assert item["stream"] == "disposition:operator1"
    assert json.loads(item["payload"])["comment"] == "Клиент <b>просил</b> перезвонить; ' OR 1=1 --"


def test_saving_twice_gives_one_record_and_a_different_one_is_refused(store: LocalStore) -> None:
    outbox = Outbox(store)
    first = outbox.add_disposition(disposition(1))
    assert outbox.add_disposition(disposition(1)) == first
    with pytest.raises(DuplicateDispositionError):
        outbox.add_disposition(disposition(1, code="busy"))
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    assert outbox.counts() == OutboxCounts(pending=1, parked=0)


def test_a_failed_save_leaves_neither_record_nor_item(store: LocalStore) -> None:
    outbox = Outbox(store)
    with pytest.raises(ValueError, match="not cached"):
        outbox.add_contact_edit(5, ContactPatch(name="Петров"))
    with store.reading() as db:
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    assert outbox.counts().pending == 0


def test_parked_items_are_counted_kept_and_requeued(store: LocalStore) -> None:
    outbox = Outbox(store)
    outbox.add_status_change(
        StatusChangeIn(operator="operator1", status=OperatorStatus.READY, at=datetime.now(UTC))
    )
    [item] = outbox.pending()
    assert item.kind is OutboxKind.STATUS
    outbox.mark_parked(item, "not your status", 403)
    assert outbox.counts() == OutboxCounts(pending=0, parked=1)
    [parked] = outbox.parked()
    assert parked.last_error == "not your status"
    assert parked.state is OutboxState.PARKED
    outbox.requeue(parked.id)
    assert outbox.counts() == OutboxCounts(pending=1, parked=0)
    assert Outbox(store).counts() == OutboxCounts(pending=1, parked=0)  # counts are rebuilt at start-up


def test_contact_edits_show_at_once_and_chain_versions(store: LocalStore) -> None:
    cache = ContactCache(store)
    cache.put(
        ContactOut.model_validate(
            {
                "id": 9,
                "version": 4,
                "updated_at": datetime.now(UTC),
                "name": "Old",
                "phones": ["+79123456789"],
            }
        )
    )
    outbox = Outbox(store)
    outbox.add_contact_edit(9, ContactPatch(name="New"))
    outbox.add_contact_edit(9, ContactPatch(city="Омск"))
    shown = cache.get(9)
    assert shown is not None
    assert (shown.name, shown.city, shown.version) == ("New", "Омск", 4)
    first, second = outbox.pending()
    assert (first.if_match, second.if_match) == (4, 4)
    landed = shown.model_copy(update={"version": 5, "city": None})
    outbox.mark_delivered(first, "5", landed)
    [rest] = outbox.pending()
    assert rest.if_match == 5
    after = cache.get(9)
    assert after is not None
    assert (after.name, after.city, after.version) == ("New", "Омск", 5)
