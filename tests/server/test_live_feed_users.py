"""Open live feeds follow their users (``server.api.userwatch``): moved to another team, a feed is
closed with 4401 so the reconnect subscribes to the new team; an admin's board stays open whatever
happens to others. The deactivation and role cases run on the real server (test_hardening_live)."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from starlette.websockets import WebSocketDisconnect

from server.crud.users import get_or_create_team
from server.db import Database
from server.models import Role, User
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People, TestClient


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url, live_recheck_seconds=0.1)


def _token(people: People, who: object) -> str:
    return people.headers(who)["Authorization"].removeprefix("Bearer ")  # type: ignore[arg-type]


def _move(database: Database, name: str, team: str) -> None:
    with database.session() as session:
        team_row = get_or_create_team(session, name=team)[0]
        session.execute(update(User).where(User.name == name).values(team_id=team_row.id))
        session.commit()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", ["/statuses/live", "/me/live"])
def test_a_user_moved_to_another_team_is_told_to_reconnect(
    people: People, client: TestClient, database: Database, path: str
) -> None:
    who = people.lead_n if path == "/statuses/live" else people.op_n1
    with client.websocket_connect(f"{path}?token={_token(people, who)}") as ws:
        _move(database, who.name, "south")
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_text()
    assert (info.value.code, info.value.reason) == (4401, "your team changed: reconnect")


@pytest.mark.timeout(60)
def test_the_admins_board_stays_open_while_others_change(
    people: People, client: TestClient, database: Database
) -> None:
    with (
        client.websocket_connect(f"/statuses/live?token={_token(people, people.admin)}") as board,
        client.websocket_connect(f"/statuses/live?token={_token(people, people.lead_n)}") as moved,
    ):
        _move(database, people.lead_n.name, "south")
        with pytest.raises(WebSocketDisconnect):
            moved.receive_text()  # a recheck has run...
        response = people.client.post(
            "/statuses",
            json={"operator": "op_n2", "status": "acw", "at": "2026-03-02T10:00:00Z"},
            headers=people.headers(people.op_n2),
        )
        assert response.status_code == 201, response.text
        assert '"op_n2"' in board.receive_text()  # ...and the admin's board is still live


@pytest.mark.timeout(60)
def test_an_admin_made_team_lead_loses_the_all_teams_board(
    people: People, client: TestClient, database: Database
) -> None:
    with database.session() as session:  # an admin who also belongs to a team
        north = get_or_create_team(session, name="north")[0]
        session.execute(update(User).where(User.name == "admin").values(team_id=north.id))
        session.commit()
    with client.websocket_connect(f"/statuses/live?token={_token(people, people.admin)}") as board:
        with database.session() as session:
            session.execute(update(User).where(User.name == "admin").values(role=Role.TEAM_LEAD))
            session.commit()
        with pytest.raises(WebSocketDisconnect) as info:
            board.receive_text()
    assert (info.value.code, info.value.reason) == (4401, "your role changed: reconnect")
