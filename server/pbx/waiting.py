"""Callers waiting in the PBX's queues now, with when each joined: the live report's ``waiting`` and
``longest_wait_seconds`` (``server.reports.live``), computed when they are read.

Each PBX connection that reports queue callers keeps one :class:`WaitingBook`:

* Asterisk (:class:`AmiWaiting`): ``QueueCallerJoin`` adds a caller (by ``Uniqueid``),
  ``QueueCallerLeave`` and ``QueueCallerAbandon`` remove it; on every (re)connect the ``QueueStatus``
  action's ``QueueEntry`` events (``Wait``: seconds waited so far) replace the book, and its
  ``QueueParams`` name the queues (so a queue nobody waits in reads 0, not unknown).
* FreeSWITCH (:class:`CallcenterWaiting`): ``member-queue-start`` adds a member (by its UUID),
  ``bridge-agent-start`` (an operator answered) and ``member-queue-end`` remove it; on every
  (re)connect ``callcenter_config queue list`` and ``... queue list members <queue>`` (state
  ``Waiting`` or ``Trying``, ``joined_epoch``) replace the book.

Why the resync: a restart of either side loses events (a caller who hung up while ringdesk was
away would wait forever on the dashboard, a ghost). Events that arrive while the resync's answer is
being read are applied to the old book and also logged, then replayed in order over the fresh one:
a join is "add if absent", a leave "remove", so whatever order the PBX interleaved them in, the
result is the PBX's state. While a connection is down its book is *unknown* (``waiting`` ``None``),
not zero: the dashboard must not say nobody waits when it cannot know.

PBX queue names map to ringdesk queues as the call reports do (``server.pbx.calls``): Asterisk's
``Queue`` as is, FreeSWITCH's ``CC-Queue`` without its ``@domain``.

Several server workers: every worker process runs its own adapters (``server.api.main`` builds them
per app, no leader), so each has its own AMI/ESL connection and receives every event itself; its
book is its own, and nothing needs sharing. A change is pushed to that worker's own team boards
(:data:`app.wire.requests.QUEUES_MESSAGE`), which read the live report again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from server.pbx.ami import AmiClient, AmiError
from server.pbx.asterisk import AsteriskAdapter, PbxEvent

log = logging.getLogger("ringdesk.server.pbx.waiting")

Clock = Callable[[], datetime]
WAITING_STATES = frozenset({"Waiting", "Trying"})
"""``mod_callcenter`` member states still waiting for an operator (``Answered`` is not)."""
TRACKED_MAX = 10_000
"""Callers one book keeps at most (a PBX that never sends leaves must not grow it forever)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class QueueWaiting:
    """One queue now: callers waiting (``None``: unknown, the PBX connection is down) and the
    longest wait in seconds (0 when nobody waits)."""

    waiting: int | None
    longest_wait_seconds: float | None


@dataclass
class WaitingBook:
    """The callers waiting on one PBX connection (module notes)."""

    source: str
    known: set[str] = field(default_factory=set)
    """Queues this PBX has (configured or seen): they read 0 when nobody waits."""
    clock: Clock = utc_now
    on_change: Callable[[], None] | None = None
    callers: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    """Caller id -> (queue, when it joined)."""
    synced: bool = False
    """A resync finished on the current connection: the book is the PBX's state."""
    _log: list[tuple[str, str, str | None, datetime | None]] | None = None

    def join(self, uid: str, queue: str, joined: datetime | None = None) -> None:
        if self._log is not None:
            self._log.append(("join", uid, queue, joined))
        self._join(uid, queue, joined)
        self._changed()

    def leave(self, uid: str) -> None:
        if self._log is not None:
            self._log.append(("leave", uid, None, None))
        if self.callers.pop(uid, None) is not None:
            self._changed()

    def begin_sync(self) -> None:
        """A resync was asked for: log the events until :meth:`end_sync`."""
        self._log = []

    def end_sync(self, entries: Iterable[tuple[str, str, datetime]], queues: Iterable[str] = ()) -> None:
        """Replace the book with the PBX's answer (``(id, queue, joined)``) and replay the events
        logged meanwhile (module notes)."""
        logged, self._log = self._log or [], None
        self.callers = {}
        self.known.update(queues)
        for uid, queue, joined in entries:
            self._join(uid, queue, joined)
        for kind, logged_uid, logged_queue, logged_joined in logged:
            if kind == "join" and logged_queue is not None:
                self._join(logged_uid, logged_queue, logged_joined)
            else:
                self.callers.pop(logged_uid, None)
        self.synced = True
        self._changed()

    def lost(self) -> None:
        """The connection is down: nothing is known until the next resync."""
        was = self.synced or bool(self.callers)
        self.synced, self._log = False, None
        self.callers.clear()
        if was:
            self._changed()

    def _join(self, uid: str, queue: str, joined: datetime | None) -> None:
        self.known.add(queue)
        if uid in self.callers:
            return  # a replayed join, or one the resync already had: the earlier time stays
        if len(self.callers) >= TRACKED_MAX:
            self.callers.pop(next(iter(self.callers)))
        self.callers[uid] = (queue, joined or self.clock())

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


class WaitingBoard:
    """Every book of this server process, read as one (``None`` books: no PBX reports callers)."""

    def __init__(self) -> None:
        self.books: list[WaitingBook] = []
        self.listeners: list[Callable[[], None]] = []
        """Called on every change (the app pushes :data:`~app.wire.requests.QUEUES_MESSAGE`)."""

    def book(self, source: str, queues: Iterable[str] = (), clock: Clock = utc_now) -> WaitingBook:
        made = WaitingBook(source, set(queues), clock=clock, on_change=self._changed)
        self.books.append(made)
        return made

    @property
    def configured(self) -> bool:
        return bool(self.books)

    @property
    def connected(self) -> bool:
        return any(book.synced for book in self.books)

    def figures(self, now: datetime) -> dict[str, QueueWaiting]:
        """Per ringdesk queue: callers waiting and the longest wait at ``now``; a queue known only
        to books whose connection is down is unknown (``None``). Called from request threads while
        the loop changes the books: it reads copies (``list``/``set`` of a dict or set is one step
        under the GIL)."""
        counts: dict[str, int] = {}
        oldest: dict[str, datetime] = {}
        unknown: set[str] = set()
        for book in self.books:
            if not book.synced:
                unknown.update(set(book.known))
                continue
            for queue in set(book.known):
                counts.setdefault(queue, 0)
            for queue, joined in list(book.callers.values()):
                counts[queue] = counts.get(queue, 0) + 1
                if queue not in oldest or joined < oldest[queue]:
                    oldest[queue] = joined
        out = {queue: QueueWaiting(None, None) for queue in unknown}
        for queue, count in counts.items():
            longest = max(0.0, (now - oldest[queue]).total_seconds()) if queue in oldest else 0.0
            out[queue] = QueueWaiting(count, round(longest, 1))
        return out

    def _changed(self) -> None:
        for listener in self.listeners:
            try:
                listener()
            except Exception:  # a listener's bug must not stop the events
                log.exception("waiting listener failed", extra={"event": "pbx.waiting_listener_failed"})


# ----- Asterisk ---------------------------------------------------------------------------------


class AmiWaiting:
    """Asterisk queue callers into ``book``: a listener of the adapter's events and a resync to run
    on every AMI login (module notes)."""

    def __init__(self, book: WaitingBook, client: AmiClient) -> None:
        self.book = book
        self.client = client
        client.on_lost.append(book.lost)

    def __call__(self, event: PbxEvent) -> None:
        uid = event.fields.get("Uniqueid")
        if not uid:
            return
        if event.kind == "QueueCallerJoin" and event.queue:
            self.book.join(uid, event.queue)
        elif event.kind in ("QueueCallerLeave", "QueueCallerAbandon"):
            self.book.leave(uid)

    async def resync(self) -> None:
        self.book.begin_sync()
        try:
            answer = await self.client.collect("QueueStatus", "QueueStatusComplete")
        except (AmiError, ConnectionError, TimeoutError) as exc:
            log.warning(
                "AMI QueueStatus failed", extra={"event": "ami.queue_status_failed", "error": str(exc)}
            )
            self.book.lost()
            return
        now = self.book.clock()
        entries: list[tuple[str, str, datetime]] = []
        queues: list[str] = []
        for message in answer:
            queue = message.get("Queue")
            if not queue:
                continue
            if message.get("Event") == "QueueParams":
                queues.append(queue)
            elif message.get("Event") == "QueueEntry" and message.get("Uniqueid"):
                waited = _seconds(message.get("Wait"))
                entries.append((message["Uniqueid"], queue, now - timedelta(seconds=waited)))
        self.book.end_sync(entries, queues)


def watch_asterisk(adapter: AsteriskAdapter, board: WaitingBoard, clock: Clock = utc_now) -> AmiWaiting:
    """Keep a book of ``adapter``'s queue callers on ``board``: its events, a resync on each login."""
    watch = AmiWaiting(board.book("asterisk", adapter.default_queues, clock), adapter.client)
    adapter.listeners.append(watch)
    adapter.on_connect.append(watch.resync)
    return watch


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value or 0))
    except ValueError:
        return 0.0


# ----- FreeSWITCH -------------------------------------------------------------------------------

Api = Callable[[str], Awaitable[str]]


def callcenter_queue(name: str | None) -> str:
    """``support@default`` -> ``support`` (as ``server.pbx.calls.callcenter_report`` names it)."""
    return (name or "").split("@", 1)[0]


def _table(answer: str) -> list[dict[str, str]]:
    """A ``callcenter_config ... list`` answer (a ``|``-separated header, rows, ``+OK``) as rows."""
    lines = [line for line in answer.splitlines() if line.strip()]
    if not lines or lines[0].startswith("-ERR"):
        raise ValueError(f"callcenter_config refused: {lines[0] if lines else 'empty answer'}")
    header = lines[0].split("|")
    return [dict(zip(header, line.split("|"), strict=False)) for line in lines[1:] if "|" in line]


class CallcenterWaiting:
    """FreeSWITCH ``mod_callcenter`` members into ``book``: ``on_event`` for each
    ``callcenter::info`` event, ``resync`` on every (re)subscription (module notes)."""

    def __init__(self, book: WaitingBook) -> None:
        self.book = book

    def on_event(self, headers: dict[str, str]) -> None:
        action = headers.get("CC-Action")
        uid = headers.get("CC-Member-UUID") or headers.get("CC-Member-Session-UUID")
        if not uid:
            return
        if action == "member-queue-start":
            queue = callcenter_queue(headers.get("CC-Queue"))
            if queue:
                self.book.join(uid, queue, _epoch(headers.get("CC-Member-Joined-Time")))
        elif action in ("member-queue-end", "bridge-agent-start"):
            self.book.leave(uid)

    async def resync(self, api: Api) -> None:
        self.book.begin_sync()
        try:
            listed = _table(await api("callcenter_config queue list"))
            queues = [row["name"] for row in listed if row.get("name")]
            entries: list[tuple[str, str, datetime]] = []
            for name in queues:
                for row in _table(await api(f"callcenter_config queue list members {name}")):
                    uid = row.get("uuid") or row.get("session_uuid")
                    if uid and row.get("state") in WAITING_STATES:
                        joined = _epoch(row.get("joined_epoch")) or self.book.clock()
                        entries.append((uid, callcenter_queue(row.get("queue") or name), joined))
        except ValueError as exc:  # mod_callcenter not loaded, say: unknown, the events still flow
            log.warning(
                "callcenter queue list failed", extra={"event": "esl.queue_list_failed", "error": str(exc)}
            )
            self.book.lost()
            return
        self.book.end_sync(entries, [callcenter_queue(name) for name in queues])


def _epoch(value: str | None) -> datetime | None:
    try:
        seconds = float(value) if value else 0.0
    except ValueError:
        return None
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None
