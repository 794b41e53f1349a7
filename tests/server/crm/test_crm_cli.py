"""``ringdesk-server crm ...`` as an admin runs it, against a replayed Bitrix24 portal: the webhook URL
read from stdin and never printed whole, ``crm test`` saying plainly what is wrong (a URL that is
not a webhook's, a wrong token, a portal that is down), ``crm status`` with the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.crm.bitrix_replay import TOKEN, BitrixReplay
from tests.server.live import run_cli
from tests.support.ports import free_port


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"RINGDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'crm.sqlite3'}"}


@pytest.fixture
def portal() -> Iterator[BitrixReplay]:
    with BitrixReplay() as replay:
        yield replay


def test_set_test_and_status_with_a_working_portal(env: dict[str, str], portal: BitrixReplay) -> None:
    done = run_cli(
        [
            "crm",
            "bitrix24",
            "set",
            "--user",
            "ivanova=12",
            "--recording-url",
            "https://ringdesk.example.ru/recordings/{id}/audio",
        ],
        env=env,
        stdin=portal.url + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout + done.stderr and "/rest/1/****/" in done.stdout

    checked = run_cli(["crm", "test"], env=env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == f"ok: 127.0.0.1:{portal.port}: user 1 Ирина Смирнова"
    assert [r.method for r in portal.requests] == ["profile"]

    status = run_cli(["crm", "status"], env=env)
    assert status.returncode == 0, status.stderr
    assert "kind: bitrix24" in status.stdout and "users: {'ivanova': 12}" in status.stdout
    assert "jobs: none" in status.stdout and TOKEN not in status.stdout


def test_a_url_that_is_not_a_webhooks_is_refused_before_anything_is_stored(env: dict[str, str]) -> None:
    done = run_cli(
        ["crm", "bitrix24", "set", "--url", "https://centre.bitrix24.ru/crm/contact/list/"], env=env
    )
    assert done.returncode == 2
    assert "not a Bitrix24 webhook URL: expected https://<portal>/rest/<user id>/<token>/" in done.stderr
    assert "crm: none configured" in run_cli(["crm", "status"], env=env).stdout


def test_a_wrong_token_and_a_portal_down_are_told_apart(env: dict[str, str], portal: BitrixReplay) -> None:
    wrong = portal.url.replace(TOKEN, "revoked0token0123")
    assert run_cli(["crm", "bitrix24", "set", "--url", wrong], env=env).returncode == 0
    refused = run_cli(["crm", "test"], env=env)
    assert refused.returncode == 1
    assert "the portal refused the webhook: Bitrix24 profile: INVALID_CREDENTIALS" in refused.stderr
    assert "revoked0token0123" not in refused.stderr

    down = f"http://127.0.0.1:{free_port()}/rest/1/{TOKEN}/"
    assert run_cli(["crm", "bitrix24", "set", "--url", down], env=env).returncode == 0
    unreachable = run_cli(["crm", "test"], env=env)
    assert unreachable.returncode == 1
    assert "the portal did not answer usefully: Bitrix24 profile: cannot reach" in unreachable.stderr
    assert TOKEN not in unreachable.stderr
