"""End to end, the screen pop from the centre's CRM (issue 19): a seeded live server configured with
``ringdesk-server crm bitrix24 set`` against a replayed Bitrix24 portal (real HTTP, recorded answers
shaped after Bitrix24's documentation: ``tests/server/crm/recorded/README.md``), the real desktop
and telephony service, and a sipp caller ringdesk does not know but Bitrix24 does.

The card says whose call it is with Bitrix24's name and where the data came from, and Ctrl+S makes
the contact in ringdesk from it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import direct_desktop, seeded_demo_server, until
from tests.server.crm.bitrix_replay import BitrixReplay
from tests.server.live import LiveServer, run_cli
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")

CALLER = "+79125550127"


@pytest.fixture
def portal() -> Iterator[BitrixReplay]:
    with BitrixReplay() as replay:
        replay.known[CALLER] = "contact_get.json"
        yield replay


@pytest.fixture
def crm_server(tmp_path: Path, portal: BitrixReplay) -> Iterator[LiveServer]:
    live = seeded_demo_server(tmp_path)
    database = f"sqlite:///{tmp_path / 'server.db'}"
    done = run_cli(["crm", "bitrix24", "set", "--db", database], stdin=portal.url + "\n")
    assert done.returncode == 0, done.stderr
    with live:
        yield live


def test_a_caller_known_only_to_bitrix24_pops_with_its_name_and_source(
    crm_server: LiveServer,
    portal: BitrixReplay,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    phone_port = free_port("udp")
    desktop = direct_desktop(crm_server.base_url, "operator1", tmp_path / "desk.db", phone_port=phone_port)
    sipps: list[Sipp] = []

    async def steps() -> None:
        assert await desktop.start()
        window, ws = desktop.window, desktop.workstation
        assert window is not None and ws is not None
        sipp = Sipp(
            "uac_headers.xml",
            f"127.0.0.1:{phone_port}",
            service="operator",
            variables={
                "display": "",
                "caller": CALLER,
                "pai_number": CALLER,
                "customer_id": "0",
                "queue": "shop",
                "extra_header": "",
                "hold_ms": "1000",
            },
            recv_timeout=20.0,
            timeout=60.0,
        )
        sipps.append(sipp)
        sipp.start()

        await until(lambda: window.card.has_contact_page() and window.card.new_contact.crm_box.isVisible())
        form = window.card.new_contact
        assert form.crm_source.text() == "From Bitrix24: not in ringdesk yet"
        assert form.crm_details.text().splitlines()[0] == "Пётр Кузнецов"
        assert "E-mail: p.kuznetsov@example.ru" in form.crm_details.text()
        assert window.card.whose.text() == "Ringing: Пётр Кузнецов"
        assert [r.method for r in portal.requests][:2] == ["crm.duplicate.findbycomm", "crm.contact.get"]

        window.card.save()  # Ctrl+S: the contact made in ringdesk from Bitrix24's data
        await until(lambda: window.card.stack.currentWidget() is window.card.contact_page)
        assert window.card.contact_page.name.text() == "Пётр Кузнецов"
        window.ringing.answer_button.click()
        await until(lambda: not sipp.running, timeout=30)
        assert sipp.wait().ok

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await desktop.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        for sipp in sipps:
            sipp.stop()
