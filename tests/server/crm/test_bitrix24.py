"""The Bitrix24 adapter against a replayed portal (real HTTP on a free port, the adapter's real httpx
client; the answers are recorded shapes from Bitrix24's documentation, ``recorded/README.md``):
what it sends, how it reads the answers, the rate it keeps, and its errors for every way a portal
goes wrong, none of them showing the webhook's token."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from server.crm.bitrix24 import BadWebhookUrl, Bitrix24, Bitrix24Config, masked, parse_url
from server.crm.contract import (
    CallFacts,
    CallResult,
    CrmAuthError,
    CrmRateLimited,
    CrmRefused,
    CrmUnavailable,
    NewContact,
)
from server.logs import redact
from tests.server.crm.bitrix_replay import HANG, TOKEN, BitrixReplay
from tests.support.ports import free_port

T = TypeVar("T")
PETR = "+79125550127"


@pytest.fixture
def portal() -> Iterator[BitrixReplay]:
    with BitrixReplay() as replay:
        replay.known[PETR] = "contact_get.json"
        yield replay


def run(make: Callable[[Bitrix24], Awaitable[T]], url: str, **options: Any) -> T:
    """``make(adapter)`` on a fresh adapter for ``url`` (its own event loop, closed after)."""
    config = Bitrix24Config(url=url, default_user=1, users={"ivanova": 12})

    async def go() -> T:
        adapter = Bitrix24(config, **options)
        adapter.limit_waits = (0.2, 0.4, 0.8)  # the real ones are 1, 2, 4 s: same logic, shorter
        try:
            return await make(adapter)
        finally:
            await adapter.aclose()

    return asyncio.run(go())


def test_the_webhook_url_is_checked_and_shown_masked() -> None:
    url = f"https://centre.bitrix24.ru/rest/1/{TOKEN}/"
    assert parse_url(url) == url
    assert parse_url(f"https://centre.bitrix24.ru/rest/1/{TOKEN}/profile.json") == url  # pasted with a method
    assert parse_url(f"https://centre.bitrix24.ru/rest/1/{TOKEN}") == url
    for bad in (
        "centre.bitrix24.ru",
        "https://centre.bitrix24.ru/",
        f"ftp://centre.bitrix24.ru/rest/1/{TOKEN}/",
        f"https://centre.bitrix24.ru/rest/x/{TOKEN}/",
        f"https://u:p@centre.bitrix24.ru/rest/1/{TOKEN}/",
    ):
        with pytest.raises(BadWebhookUrl) as refused:
            parse_url(bad)
        assert TOKEN not in str(refused.value)
    assert TOKEN not in masked(url) and masked(url) == "https://centre.bitrix24.ru/rest/1/****/"
    assert TOKEN not in redact(f"POST {url}telephony.externalcall.finish.json 200")


def test_a_known_number_is_found_with_its_name_and_source(portal: BitrixReplay) -> None:
    found = run(lambda a: a.lookup_by_phone(PETR), portal.url)
    assert found is not None
    assert (found.source, found.external_id, found.name) == ("bitrix24", "27", "Пётр Кузнецов")
    assert found.email == "p.kuznetsov@example.ru" and found.phones == ("+7 912 555-01-27",)
    finds = portal.of("crm.duplicate.findbycomm")
    assert finds[0].params == {"ENTITY_TYPE": "CONTACT", "TYPE": "PHONE", "VALUES": [PETR]}
    assert portal.of("crm.contact.get")[0].params == {"id": 27}


def test_an_unknown_number_is_not_found_in_one_request(portal: BitrixReplay) -> None:
    assert run(lambda a: a.lookup_by_phone("+79990000000"), portal.url) is None
    assert [r.method for r in portal.requests] == ["crm.duplicate.findbycomm"]


def test_a_call_is_registered_and_finished_with_the_operator_result_and_recording(
    portal: BitrixReplay,
) -> None:
    start = datetime(2026, 12, 7, 9, 0, 3, tzinfo=UTC)
    call = CallFacts(
        call_id="a84b@pbx",
        phone=PETR,
        operator="ivanova",
        started_at=start,
        line="88005553535",
        answered_at=start + timedelta(seconds=5),
        ended_at=start + timedelta(seconds=100),
        result=CallResult.ANSWERED,
    )

    async def steps(adapter: Bitrix24) -> str:
        call_id = await adapter.call_started(call)
        await adapter.call_finished(call_id, call, "https://ringdesk.example.ru/recordings/7/audio")
        await adapter.attach_recording(call_id, call, "https://ringdesk.example.ru/recordings/7/audio")
        return call_id

    crm_call_id = run(steps, portal.url)
    assert crm_call_id == "externalCall.cf1649fa0f4479870b76a0686f4a7058.1733562003"
    register = portal.of("telephony.externalcall.register")[0].params
    assert register == {
        "USER_ID": 12,
        "PHONE_NUMBER": PETR,
        "TYPE": 2,
        "CALL_START_DATE": start.isoformat(),
        "CRM_CREATE": 0,
        "SHOW": 0,
        "LINE_NUMBER": "88005553535",
    }
    finish = portal.of("telephony.externalcall.finish")[0].params
    assert finish == {
        "CALL_ID": crm_call_id,
        "USER_ID": 12,
        "DURATION": 95,
        "STATUS_CODE": "200",
        "RECORD_URL": "https://ringdesk.example.ru/recordings/7/audio",
    }
    attach = portal.of("telephony.externalCall.attachRecord")[0].params
    assert attach["CALL_ID"] == crm_call_id and attach["FILENAME"] == "a84b_pbx.ogg"


def test_a_missed_call_is_finished_as_304_on_the_default_user(portal: BitrixReplay) -> None:
    call = CallFacts(
        call_id="m1", phone=PETR, result=CallResult.MISSED, ended_at=datetime(2026, 12, 7, 9, 1, tzinfo=UTC)
    )
    run(lambda a: a.call_finished("externalCall.1", call, None), portal.url)
    assert portal.of("telephony.externalcall.finish")[0].params == {
        "CALL_ID": "externalCall.1",
        "USER_ID": 1,
        "DURATION": 0,
        "STATUS_CODE": "304",
    }


def test_a_contact_is_created_with_its_phones(portal: BitrixReplay) -> None:
    new_id = run(
        lambda a: a.create_contact(NewContact("Ольга Петрова", ("+79125550199",), "o@example.ru")), portal.url
    )
    assert new_id == "45"
    fields = portal.of("crm.contact.add")[0].params["fields"]
    assert (fields["NAME"], fields["LAST_NAME"]) == ("Ольга", "Петрова")
    assert fields["PHONE"] == [{"VALUE": "+79125550199", "VALUE_TYPE": "WORK"}]


def test_requests_are_paced_at_two_a_second(portal: BitrixReplay) -> None:
    async def many(adapter: Bitrix24) -> None:
        await asyncio.gather(*(adapter.check() for _ in range(7)))

    run(many, portal.url)
    times = [r.at for r in portal.requests]
    assert len(times) == 7
    # the i-th is sent no sooner than 0.5 s x i after the first; measured on arrival, where a loaded
    # machine may delay any one of them (the first too: hence the margin), but never bring one forward.
    # Unpaced, the seven would arrive together.
    since_first = [round(at - times[0], 3) for at in times]
    assert all(elapsed >= 0.5 * i - 0.3 for i, elapsed in enumerate(since_first)), since_first


def test_query_limit_exceeded_backs_off_and_retries(portal: BitrixReplay) -> None:
    portal.queue("profile", "query_limit_exceeded.json", "query_limit_exceeded.json")
    who = run(lambda a: a.check(), portal.url)
    assert "Ирина Смирнова" in who
    times = [r.at for r in portal.of("profile")]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.2 and times[2] - times[1] >= 0.4  # the waits, everyone's


def test_a_portal_that_keeps_refusing_for_rate_gives_up_bounded(portal: BitrixReplay) -> None:
    portal.queue("profile", *["query_limit_exceeded.json"] * 10)
    with pytest.raises(CrmRateLimited) as refused:
        run(lambda a: a.check(), portal.url)
    assert len(portal.of("profile")) == 4  # the request and three retries, no more
    assert "QUERY_LIMIT_EXCEEDED" in str(refused.value)


@pytest.mark.parametrize(
    ("answer", "error", "said"),
    [
        ("expired_token.json", CrmAuthError, "expired_token"),
        ("invalid_credentials.json", CrmAuthError, "INVALID_CREDENTIALS"),
        ("garbage.html", CrmUnavailable, "not a Bitrix24 answer (HTTP 200, text/html"),
        ("method_not_found.json", CrmRefused, "ERROR_METHOD_NOT_FOUND"),
        ("wrong_user.json", CrmRefused, "USER_ID or USER_PHONE_INNER"),
    ],
)
def test_each_bad_answer_is_its_own_clear_error(
    portal: BitrixReplay, answer: str, error: type[Exception], said: str
) -> None:
    portal.queue("profile", answer)
    with pytest.raises(error) as raised:
        run(lambda a: a.check(), portal.url)
    assert said in str(raised.value) and TOKEN not in str(raised.value)
    assert len(portal.of("profile")) == 1  # not retried by the adapter: the worker decides


def test_a_wrong_token_is_refused_as_credentials(portal: BitrixReplay) -> None:
    with pytest.raises(CrmAuthError, match="INVALID_CREDENTIALS"):
        run(lambda a: a.check(), portal.url.replace(TOKEN, "wrongtoken123"))


def test_a_hanging_portal_is_given_up_after_the_timeout(portal: BitrixReplay) -> None:
    portal.queue("profile", HANG)
    started = time.monotonic()
    with pytest.raises(CrmUnavailable, match=r"no answer within 0\.5 s"):
        run(lambda a: a.check(), portal.url, timeout=0.5)
    assert time.monotonic() - started < 3


def test_a_portal_that_is_down_is_unavailable() -> None:
    url = f"http://127.0.0.1:{free_port()}/rest/1/{TOKEN}/"
    with pytest.raises(CrmUnavailable, match="cannot reach") as raised:
        run(lambda a: a.check(), url)
    assert TOKEN not in str(raised.value)


def test_an_answer_of_the_wrong_shape_is_unavailable_not_a_crash(portal: BitrixReplay) -> None:
    portal.queue("crm.duplicate.findbycomm", "odd_shape.json")
    with pytest.raises(CrmUnavailable, match=r"crm\.duplicate\.findbycomm: an answer of an unexpected shape"):
        run(lambda a: a.lookup_by_phone(PETR), portal.url)
    portal.queue("telephony.externalcall.register", "odd_shape.json")
    with pytest.raises(CrmUnavailable, match="no CALL_ID"):
        run(lambda a: a.call_started(CallFacts(call_id="x", phone=PETR)), portal.url)
