"""Which PBX call-event sources a server runs: the AMI tracker on the Asterisk adapter's events and
a ``mod_callcenter`` listener beside the FreeSWITCH adapter, both storing through one
:class:`~server.pbx.calls.CallSink` (``server.crud.calls.record``, source ``asterisk``/``freeswitch``);
and, on the same events, the callers waiting now in a :class:`~server.pbx.waiting.WaitingBoard`."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from app.wire.calls import CallReportIn
from server.crud.calls import record
from server.db import Database
from server.pbx.adapter import QueueFollower
from server.pbx.asterisk import AsteriskAdapter
from server.pbx.calls import AmiCallTracker, CallSink, callcenter_report
from server.pbx.freeswitch import FreeswitchAdapter
from server.pbx.freeswitch_events import CallcenterEvents
from server.pbx.waiting import CallcenterWaiting, WaitingBoard, watch_asterisk
from server.settings import Settings


@dataclass
class CallSources:
    sink: CallSink
    listeners: list[CallcenterEvents] = field(default_factory=list)

    async def start(self) -> None:
        for listener in self.listeners:
            await listener.start()

    async def stop(self) -> None:
        for listener in self.listeners:
            await listener.stop()
        await self.sink.drain()


def call_sources(
    settings: Settings, database: Database, follower: QueueFollower, waiting: WaitingBoard | None = None
) -> CallSources:
    """The call-event sources of ``follower``'s adapters; with ``waiting``, each also keeps a book of
    the callers waiting now in it."""

    def store(report: CallReportIn, source: str) -> None:
        with database.sessions() as session:
            record(
                session,
                report,
                source=source,
                non_target_seconds=settings.non_target_seconds,
                service_level=settings.service_level_for,
            )
            session.commit()

    sources = CallSources(CallSink(store))
    for adapter in follower.adapters:
        if isinstance(adapter, AsteriskAdapter):
            adapter.listeners.append(AmiCallTracker(sources.sink.for_source("asterisk")))
            if waiting is not None:
                watch_asterisk(adapter, waiting)
    if settings.esl_url is not None:
        parts = urlsplit(settings.esl_url.get_secret_value())
        send = sources.sink.for_source("freeswitch")
        members: CallcenterWaiting | None = None
        if waiting is not None:
            queues = next(
                (a.default_queues for a in follower.adapters if isinstance(a, FreeswitchAdapter)), ()
            )
            members = CallcenterWaiting(waiting.book("freeswitch", queues))

        def on_event(headers: dict[str, str]) -> None:
            callcenter_report(headers, send)
            if members is not None:
                members.on_event(headers)

        sources.listeners.append(
            CallcenterEvents(
                parts.hostname or "127.0.0.1",
                parts.port or 8021,
                unquote(parts.password or "ClueCon"),
                on_event,
                on_subscribed=members.resync if members is not None else None,
                on_lost=members.book.lost if members is not None else None,
            )
        )
    return sources
