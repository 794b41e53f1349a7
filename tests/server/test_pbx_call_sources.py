"""The server's PBX call sources end to end: recorded Asterisk traffic through the real adapter,
tracker and sink into the database, where the calls get their outcomes and the missed ones tasks."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select

from server.db import Database
from server.models import Call, Task
from server.pbx.call_sources import call_sources
from server.pbx.registry import follower_for
from server.settings import Settings
from tests.server.tasks_support import task_settings
from tests.support.fake_ami import FakeAmi

RECORDING = Path(__file__).parents[1] / "pbx" / "recordings" / "asterisk_calls.ami"


def _count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Call)) or 0


def test_asterisk_calls_are_stored_with_outcomes_and_tasks(settings: Settings, database: Database) -> None:
    async def scenario() -> None:
        async with FakeAmi(RECORDING) as fake:
            url = SecretStr(f"ami://ringdesk:s3cret@127.0.0.1:{fake.port}")
            configured = task_settings(settings, ami_url=url)
            follower = follower_for(configured)
            sources = call_sources(configured, database, follower)
            for adapter in follower.adapters:  # the tracker settles a leave after 2 s; shorter here
                for listener in getattr(adapter, "listeners", []):
                    listener.settle = 0.2
            await follower.start()
            await sources.start()
            try:
                await asyncio.wait_for(fake.marks["sent"].wait(), 5)
                while _count(database) < 4 or sources.sink.pending:
                    await asyncio.sleep(0.02)
            finally:
                await follower.stop()
                await sources.stop()
            assert fake.errors == []

    asyncio.run(asyncio.wait_for(scenario(), 20))
    with database.session() as session:
        calls = {c.call_id: c for c in session.scalars(select(Call))}
        tasks = {t.id: t for t in session.scalars(select(Task))}
    outcomes = {
        cid: (c.outcome.value, c.missed_reason and c.missed_reason.value, c.sources)
        for cid, c in calls.items()
    }
    assert outcomes == {
        "1772442400.11": ("missed", "abandoned", ["asterisk"]),
        "1772442401.12": ("accepted", None, ["asterisk"]),
        "1772442402.13": ("missed", "rang_out", ["asterisk"]),
        "1772442403.14": ("non_target", None, ["asterisk"]),  # 2 s: within the greeting
    }
    assert sorted(t.phone for t in tasks.values()) == ["+74232000000", "+79123456789"]
    vladivostok = next(t for t in tasks.values() if t.phone == "+74232000000")
    assert vladivostok.time_zone == "Asia/Vladivostok" and vladivostok.dnis == "74950000001"
