"""``ringdesk-server`` subcommands as real processes: user add, the secret check, seed-demo."""

from __future__ import annotations

import pytest

from app.wire.quality import FormIn
from server.cli import main
from server.crud.users import get_user_by_name
from server.db import Database
from server.models import DispositionCode, EvaluationForm, NotReadyReason, Role
from server.seed import DISPOSITION_CODES, NOT_READY_REASONS
from tests.server.conftest import TEST_SECRET, make_settings
from tests.server.helpers import TestClient, audit_rows, login
from tests.server.live import run_cli

CHEAP = {
    "RINGDESK_PASSWORD_TIME_COST": "1",
    "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
    "RINGDESK_PASSWORD_PARALLELISM": "1",
}


def test_user_add_reads_the_password_from_stdin(db_url: str) -> None:
    env = {"RINGDESK_DATABASE_URL": db_url, **CHEAP}
    done = run_cli(["user", "add", "Пётр O'Neil", "--role", "admin"], env=env, stdin="hunter2-but-longer\n")
    assert done.returncode == 0, done.stderr
    assert "created user" in done.stdout
    assert "hunter2" not in done.stdout + done.stderr

    database = Database.connect(db_url)
    try:
        from server.api.main import create_app

        with TestClient(create_app(make_settings(db_url), database=database)) as client:
            pair = login(client, "Пётр O'Neil", "hunter2-but-longer")
            assert pair["user"]["role"] == "admin"
        [row] = audit_rows(database, "user.create")
        assert row.actor_id is None
        assert row.details["via"] == "cli"
    finally:
        database.dispose()

    again = run_cli(["user", "add", "Пётр O'Neil", "--role", "admin"], env=env, stdin="hunter2-but-longer\n")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["user", "add", "x", "--role", "admin"], "short\n", 1, "at least 8 characters"),
        (["user", "add", "x", "--role", "admin"], "", 1, "no password on stdin"),
        (["user", "add", "x", "--role", "team_lead"], "long-enough-pw\n", 1, "a team lead needs a team"),
        (["user", "add", "x", "--role", "boss"], "long-enough-pw\n", 2, "invalid choice"),
    ],
)
def test_user_add_refusals(db_url: str, args: list[str], stdin: str, code: int, message: str) -> None:
    done = run_cli(args, env={"RINGDESK_DATABASE_URL": db_url, **CHEAP}, stdin=stdin)
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        (None, "the secret key is not set"),
        ("changethis", "well-known placeholder"),
        ("0123456789abcdef", "too short (16 characters"),
        ("ab" * 20, "too few distinct characters"),
        ("0123456789" * 4 + "01", "follows a pattern"),
        ("k3y-abcdefghijklmnopqrstuvwxyz0123456789", "follows a pattern"),
    ],
)
def test_serve_refuses_a_weak_secret_outside_dev(db_url: str, secret: str | None, why: str) -> None:
    env = {"RINGDESK_DATABASE_URL": db_url}
    if secret is not None:
        env["RINGDESK_SECRET_KEY"] = secret
    done = run_cli(["serve", "--port", "9"], env=env, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("ringdesk-server: refusing to start: ")
    assert why in done.stderr
    assert "RINGDESK_SECRET_KEY" in done.stderr
    assert "--dev" in done.stderr
    assert "Traceback" not in done.stderr
    if secret is not None:
        assert secret not in done.stderr


def test_seed_demo_is_idempotent(
    db_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in CHEAP.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("RINGDESK_SECRET_KEY", TEST_SECRET)
    assert main(["seed-demo", "--db", db_url]) == 0
    first = capsys.readouterr().out
    assert "password: " in first
    assert main(["seed-demo", "--db", db_url]) == 0
    second = capsys.readouterr().out
    assert "password: " not in second
    assert second.count("(exists, unchanged)") == 5

    database = Database.connect(db_url)
    try:
        with database.session() as session:
            assert session.query(DispositionCode).count() == len(DISPOSITION_CODES)
            assert session.query(NotReadyReason).count() == len(NOT_READY_REASONS)
            callback = session.query(DispositionCode).filter_by(code="callback").one()
            assert (callback.label_ru, callback.callback_required) == ("Перезвонить", True)
            lead = get_user_by_name(session, name="lead")
            assert lead is not None
            assert (lead.role, lead.team_name) == (Role.TEAM_LEAD, "sales")
            forms = session.query(EvaluationForm).all()  # a lead can score a demo call at once, once only
            assert [(form.name, form.active) for form in forms] == [("Оценка разговора", True)]
            assert FormIn(name=forms[0].name, sections=forms[0].sections).questions()[4].critical
    finally:
        database.dispose()
