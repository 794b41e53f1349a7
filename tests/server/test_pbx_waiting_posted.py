"""A PBX without an adapter reports the callers waiting in its queues (``PUT /calls/waiting``,
``server.pbx.reported``): the dashboard's figures, in every worker, ageing out when it stops.

* Over a real ``serve --workers 2`` on PostgreSQL (:func:`check_posted_waiting`, run on the live
  server of ``tests/server/test_workers.py`` rather than starting one more): only a source's key may
  post (401 without it or with a user's token; 422 for a queue named twice or a negative wait); each
  snapshot lands on whichever worker took the connection and reaches a team lead's board on the
  other (a ``{"kind":"queues"}`` push through the relay), and ``GET /reports/live`` from either worker
  shows the same callers waiting and longest wait.
* With a moved clock (no sleeping for a minute, both databases): a snapshot older than
  ``pbx_waiting_stale_seconds`` reads unknown, not its last callers; a new one brings it back; figures
  of an adapter and a posted snapshot for one queue add up; a queue not reported for a day is gone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from websockets.sync.client import connect

from app.wire.calls import WaitingSnapshotIn
from app.wire.requests import QUEUES_MESSAGE
from server.db import Database
from server.pbx import reported
from server.pbx.waiting import WaitingBoard
from server.reports import live, query
from server.settings import Settings
from tests.server.live import LiveServer
from tests.server.test_workers import ATTEMPTS, PBX_KEY, _pids


def _snapshot(sales: list[float]) -> dict[str, object]:
    return {
        "queues": [
            {"queue": "sales", "callers": [{"waited_seconds": w} for w in sales]},
            {"queue": "support", "callers": []},
        ]
    }


def check_posted_waiting(server: LiveServer, lead: str) -> None:
    """A PBX posts its waiting callers to a ``serve --workers 2`` (``tests/server/test_workers.py``
    runs it on its live server, whose source key is ``PBX_KEY``; ``lead``: a team lead's token, whose
    team's operator answers every queue). Module notes."""
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        bearer = {"Authorization": f"Bearer {lead}"}
        source = {"X-Source-Key": PBX_KEY}
        assert http.put("/calls/waiting", json=_snapshot([5])).status_code == 401
        assert http.put("/calls/waiting", json=_snapshot([5]), headers=bearer).status_code == 401
        twice = {"queues": [{"queue": "sales"}, {"queue": "sales"}]}
        assert http.put("/calls/waiting", json=twice, headers=source).status_code == 422
        negative = {"queues": [{"queue": "sales", "callers": [{"waited_seconds": -1}]}]}
        assert http.put("/calls/waiting", json=negative, headers=source).status_code == 422
        assert http.get("/reports/live?tz=UTC", headers=bearer).json()["pbx_configured"] is False

        ws_url = (
            server.base_url.replace("http://", "ws://")
            + f"/statuses/live?token={lead}&requests=true&queues=true"
        )
        with connect(ws_url) as board:
            puts: set[str] = set()
            for n in range(ATTEMPTS):
                waits = [42.0, 7.0] if n % 2 == 0 else [42.0]  # the count changes each time: a push
                with httpx.Client(base_url=server.base_url, timeout=10) as fresh:  # a new connection
                    answer = fresh.put("/calls/waiting", json=_snapshot(waits), headers=source)
                assert answer.status_code == 204, answer.text
                puts.add(answer.headers["x-request-id"])
                assert board.recv(timeout=5) == QUEUES_MESSAGE
                if n >= 3 and len(_pids(server, puts)) == 2:
                    break
            assert len(_pids(server, puts)) == 2, "every snapshot went to one worker: nothing crossed"
        reads: set[str] = set()
        for _ in range(ATTEMPTS):
            with httpx.Client(base_url=server.base_url, timeout=10) as fresh:
                answer = fresh.get("/reports/live?tz=UTC", headers=bearer)
            body = answer.json()
            reads.add(answer.headers["x-request-id"])
            queues = {q["queue"]: q for q in body["queues"]}
            assert (body["pbx_configured"], body["pbx_connected"]) == (True, True)
            assert (queues["sales"]["waiting"], queues["support"]["waiting"]) == (len(waits), 0)
            assert 42 <= queues["sales"]["longest_wait_seconds"] < 42 + 30  # moves on from the snapshot
            assert queues["support"]["longest_wait_seconds"] == 0
            assert body["total"]["waiting"] == len(waits)
            if len(_pids(server, reads)) == 2:
                break
        assert len(_pids(server, reads)) == 2, "every read went to one worker"


def _build(
    database: Database, settings: Settings, now: datetime, board: WaitingBoard | None = None
) -> dict[str, object]:
    with database.session() as session:
        report = live.build(
            session, settings=settings, zone=ZoneInfo("UTC"), scope=query.Scope(), now=now, waiting=board
        )
    figures = {q.queue: (q.waiting, q.longest_wait_seconds) for q in report.queues}
    return {"queues": figures, "connected": report.pbx_connected, "configured": report.pbx_configured}


def _store(database: Database, snapshot: dict[str, object], now: datetime, source: str = "pbx2") -> bool:
    with database.session() as session:
        changed = reported.store(
            session, WaitingSnapshotIn.model_validate(snapshot), source=source, now=now, stale=60
        )
        session.commit()
    return changed


def test_a_snapshot_ages_out_and_figures_add_up(database: Database, settings: Settings) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0)
    assert _store(database, _snapshot([42, 7]), t0)
    later = _build(database, settings, t0 + timedelta(seconds=30))
    assert later["queues"] == {"sales": (2, 72.0), "support": (0, 0.0)}  # the longest wait moved on
    assert later["connected"] is True
    assert not _store(database, _snapshot([50, 15]), t0 + timedelta(seconds=8))  # same counts: no push
    # the PBX stopped reporting: unknown after a minute, never its last two callers
    stale = _build(database, settings, t0 + timedelta(seconds=8 + 61))
    assert stale["queues"] == {"sales": (None, None), "support": (None, None)}
    assert (stale["configured"], stale["connected"]) == (True, False)
    back = t0 + timedelta(seconds=100)
    assert _store(database, {"queues": [{"queue": "sales", "callers": [{"waited_seconds": 3}]}]}, back)
    assert _build(database, settings, back)["queues"] == {"sales": (1, 3.0), "support": (None, None)}
    # an Asterisk adapter's book beside it: the callers add up, the longest wait is the longest
    board = WaitingBoard()
    book = board.book("asterisk", ("sales", "vip"), clock=lambda: back)
    book.end_sync([("u1", "sales", back - timedelta(seconds=20))])
    both = _build(database, settings, back, board)
    assert both["queues"] == {"sales": (2, 20.0), "support": (None, None), "vip": (0, 0.0)}
    # a day without a word: forgotten, not unknown for ever
    gone = _build(database, settings, back + reported.FORGOTTEN + timedelta(seconds=1))
    assert gone["queues"] == {} and gone["configured"] is False
