"""Statuses decide where a real call lands: Kamailio (the Debian package) asks the ringdesk server's
``GET /routing/next`` over ``http_client`` for each call to ``q-support``; a sipp caller; two
registered ``ringdesk phone`` operators. Statuses change between calls, and each call rings the
phone the rules pick (longest-idle ready; back of queue only when nobody ready is free; never break
or ACW). Calls one after another with no status change between them ring different phones: these
operators have no desktop to report ``on_call``, so only the server's reservation keeps a second
call off a phone it just offered one to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.telephony import events as ev
from server.db import Database
from server.models import User
from tests.server.conftest import make_settings
from tests.server.helpers import add_user
from tests.server.live import LiveServer
from tests.support.kamailio import Kamailio, kamailio_available
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.support.sipp import run_sipp, sipp_available

KEY = "kamailio-routing-key"
HTTP_CLIENT = Path("/usr/lib/x86_64-linux-gnu/kamailio/modules/http_client.so")

pytestmark = pytest.mark.skipif(
    not (kamailio_available() and sipp_available() and HTTP_CLIENT.exists()),
    reason="needs kamailio, kamailio-utils-modules (http_client) and sipp: make test installs them",
)


def test_statuses_route_real_calls(tmp_path: Path, start_phone: Callable[..., Phone]) -> None:
    url = f"sqlite:///{tmp_path / 'routing.sqlite3'}"
    settings = make_settings(url)
    env = {
        "RINGDESK_DATABASE_URL": url,
        "RINGDESK_SECRET_KEY": settings.secret_key.get_secret_value(),
        "RINGDESK_ROUTING_KEY": KEY,
        "RINGDESK_PASSWORD_TIME_COST": "1",
        "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
        "RINGDESK_PASSWORD_PARALLELISM": "1",
    }
    with LiveServer(tmp_path / "server.log", env=env) as server:
        database = Database.connect(url)
        users = {name: add_user(database, settings, name, team="north") for name in ("anna", "boris")}
        with database.session() as session:
            for name, ext in (("anna", "1001"), ("boris", "1002")):
                session.query(User).filter_by(name=name).one().sip_uri = f"sip:{ext}@ringdesk.test"
            session.commit()
        database.dispose()
        http = httpx.Client(base_url=server.base_url, timeout=10)
        tokens = {
            name: http.post("/auth/login", json={"name": name, "password": u.password}).json()["access_token"]
            for name, u in users.items()
        }
        reasons = [
            {"code": "break", "label_en": "Break", "label_ru": "Перерыв"},
            {"code": "back_of_queue", "label_en": "Back", "label_ru": "В конец", "routable": True},
        ]
        admin = add_admin(url, settings, http)
        for spec in reasons:
            assert http.put(f"/catalogue/reasons/{spec['code']}", json=spec, headers=admin).status_code == 201

        minutes = [30.0]

        def status(name: str, value: str, reason: str | None = None) -> None:
            minutes[0] -= 1  # each change a minute after the previous one, all in the past
            at = (datetime.now(UTC) - timedelta(minutes=minutes[0])).isoformat()
            body = {"operator": name, "status": value, "reason": reason, "at": at}
            headers = {"Authorization": f"Bearer {tokens[name]}"}
            assert http.post("/statuses", json=body, headers=headers).status_code == 201

        with Kamailio(
            {"1001": "pw-1001", "1002": "pw-1002"},
            routing_url=f"{server.base_url}/routing/next",
            routing_key=KEY,
        ) as kam:
            phones = {}
            for name, ext in (("anna", "1001"), ("boris", "1002")):
                phone = start_phone(
                    "--listen",
                    f"127.0.0.1:{free_port()}",
                    "--no-audio",
                    "--auto-answer",
                    "--account",
                    f"sip:{ext}@ringdesk.test",
                    "--registrar",
                    kam.uri(),
                    "--password-stdin",
                    stdin_first_line=f"pw-{ext}",
                    name=name,
                )
                phone.wait_for(ev.RegistrationChanged, lambda e: e.state.value == "registered")
                phones[name] = phone

            def call_lands_on(expected: str | None) -> None:
                marks = {name: p.mark() for name, p in phones.items()}
                result = run_sipp("uac_headers.xml", kam.target, service="q-support", timeout=15)
                if expected is None:
                    assert not result.ok
                    assert "RDK-ROUTING queue=support code=404" in kam.log_path.read_text()
                else:
                    assert result.ok, result.describe()
                    phones[expected].wait_for(ev.IncomingCall, after=marks[expected])
                for name, p in phones.items():
                    if name != expected:
                        assert not [e for e in p.all(ev.IncomingCall) if p.events.index(e) >= marks[name]]

            status("anna", "ready")
            status("boris", "ready")
            call_lands_on("anna")  # ready longer
            status("anna", "not_ready", "break")
            call_lands_on("boris")  # anna on break
            status("boris", "not_ready", "back_of_queue")
            status("anna", "ready")
            call_lands_on("anna")  # ready beats back of queue
            status("anna", "acw")
            call_lands_on("boris")  # nobody ready: back of queue gets it
            status("boris", "not_ready", "break")
            call_lands_on(None)  # break and ACW: 480 No Operator Free
            status("anna", "ready")
            status("boris", "ready")
            call_lands_on("anna")
            call_lands_on("boris")  # anna was offered the last call: reserved, whatever her phone did
            call_lands_on(None)  # both reserved for routing_offer_seconds


def add_admin(url: str, settings: object, http: httpx.Client) -> dict[str, str]:
    from server.settings import Settings

    assert isinstance(settings, Settings)
    database = Database.connect(url)
    from server.models import Role

    admin = add_user(database, settings, "root", role=Role.ADMIN)
    database.dispose()
    token = http.post("/auth/login", json={"name": "root", "password": admin.password}).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}
