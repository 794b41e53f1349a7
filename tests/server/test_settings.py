"""Settings: flags > environment > config file > defaults; the secret check; clear errors.

Pure configuration, no database: these tests run once, not per backend.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from server.api.main import settings_for_workers
from server.settings import Settings, SettingsError, default_database_url
from server.settings_load import load_settings

STRONG = "k3y-Qm7vT2xLp9RzW4nHs8DcYb1FjKe6Ua0g"


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_precedence_flags_over_env_over_file_over_defaults(tmp_path: Path) -> None:
    config = _write(
        tmp_path / "server.toml",
        f'secret_key = "{STRONG}"\nport = 9001\nhost = "0.0.0.0"\n'
        'default_region = "kz"\naccess_token_minutes = 5\n',
    )
    env = {
        "RINGDESK_PORT": "9002",
        "RINGDESK_HOST": "10.0.0.1",
        "RINGDESK_DATABASE_URL": "sqlite:////tmp/env.db",
    }
    loaded = load_settings({"port": 9003}, config=config, environ=env)
    s = loaded.settings
    assert s.port == 9003  # flag
    assert s.host == "10.0.0.1"  # environment
    assert s.database_url == "sqlite:////tmp/env.db"
    assert s.default_region == "KZ"  # file, normalised
    assert s.access_token_minutes == 5
    assert s.refresh_token_days == 14  # default
    assert s.secret_key.get_secret_value() == STRONG
    assert loaded.config_file == config
    assert loaded.notes == ()


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(
        environ={"RINGDESK_SECRET_KEY": STRONG, "RINGDESK_CONFIG": str(_write(tmp_path / "e.toml", ""))}
    ).settings
    assert s.database_url == default_database_url()
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("server.sqlite3")
    assert (s.host, s.port, s.default_region, s.access_token_minutes) == ("127.0.0.1", 8040, "RU", 15)
    assert s.max_body_bytes == 1024 * 1024


def test_config_file_from_environment_and_secret_file(tmp_path: Path) -> None:
    config = _write(tmp_path / "c.toml", "port = 7000\n")
    key_file = _write(tmp_path / "key", STRONG + "\n")
    env = {"RINGDESK_CONFIG": str(config), "RINGDESK_SECRET_KEY_FILE": str(key_file)}
    s = load_settings(environ=env).settings
    assert s.port == 7000
    assert s.secret_key.get_secret_value() == STRONG


def test_world_readable_config_with_secret_gives_a_note(tmp_path: Path) -> None:
    config = _write(tmp_path / "c.toml", f'secret_key = "{STRONG}"\n', mode=0o644)
    notes = load_settings(config=config, environ={}).notes
    assert any("readable by every user" in n for n in notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("prot = 1\n", "unknown setting(s) prot"),
        ("port = [\n", "cannot be read"),
        ('port = "many"\n', "port (RINGDESK_PORT): Input should be a valid integer"),
        ('default_region = "XX"\n', "unknown region"),
        ('database_url = "mysql://x/y"\n', "unsupported database 'mysql'"),
        (f'source_keys = "{"pbx" * 22}:{STRONG}"\n', "is longer than 64 characters"),
        (f'source_keys = "pbx:{STRONG},{STRONG}"\n', "a source without a name or a key"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    config = _write(tmp_path / "bad.toml", f'secret_key = "{STRONG}"\n' + text)
    with pytest.raises(SettingsError) as caught:
        load_settings(config=config, environ={})
    assert message in str(caught.value)
    assert STRONG not in str(caught.value)


def test_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(config=tmp_path / "nope.toml", environ={"RINGDESK_SECRET_KEY": STRONG})


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "changethis",
        "secret",
        "short-but-random",
        "x" * 64,
        "0123456789" * 4 + "01",
        "abcdefghijklmnopqrstuvwxyzABCDEF",
        "Passw0rd!" * 4,
        "0123456789abcdef0123456789abcdef",
    ],
)
def test_weak_secret_refused_when_serving(secret: str | None) -> None:
    env = {} if secret is None else {"RINGDESK_SECRET_KEY": secret}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ=env, config=os.devnull)
    assert str(caught.value).startswith("refusing to start: the secret key")
    if secret and len(secret) > 8:  # short words like "secret" appear in the message itself
        assert secret not in str(caught.value)


def test_dev_generates_a_random_secret_per_run() -> None:
    first = load_settings({"dev": True}, environ={}, config=os.devnull)
    second = load_settings({"dev": True}, environ={}, config=os.devnull)
    assert first.settings.secret_key_generated
    assert first.settings.secret_key != second.settings.secret_key
    assert len(first.settings.secret_key.get_secret_value()) >= 32
    assert any("development mode" in n for n in first.notes)
    kept = load_settings({"dev": True}, environ={"RINGDESK_SECRET_KEY": STRONG}, config=os.devnull)
    assert kept.settings.secret_key.get_secret_value() == STRONG  # a good configured key is kept


def test_dev_cannot_come_from_environment_or_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings(config=_write(tmp_path / "d.toml", "dev = true\n"), environ={})
    with pytest.raises(SettingsError, match="refusing to start"):
        load_settings(environ={"RINGDESK_DEV": "1"}, config=os.devnull)


def test_commands_that_do_not_serve_need_no_secret() -> None:
    loaded = load_settings(environ={}, config=os.devnull, serving=False)
    assert loaded.settings.secret_key_generated
    assert loaded.notes == ()


def test_settings_object_refuses_weak_secret_directly() -> None:
    with pytest.raises(ValidationError, match="well-known placeholder"):
        Settings(secret_key=SecretStr("changethis"))
    assert "database_url" not in repr(
        Settings(secret_key=SecretStr(STRONG), database_url="postgresql://u:pw@h/d")
    )


def test_workers_get_every_secret_unmasked() -> None:
    """``serve --workers N`` hands its settings over as JSON; ``model_dump`` alone would hand them
    ``**********`` for the routing key and the AMI and ESL URLs."""
    settings = Settings(
        secret_key=SecretStr(STRONG),
        routing_key=SecretStr("pbx-routing-key"),
        ami_url=SecretStr("ami://ringdesk:s3cret@pbx:5038"),
        esl_url=SecretStr("esl://:ClueCon@pbx:8021"),
        routing_offer_seconds=12.5,
    )
    assert Settings.model_validate(json.loads(settings_for_workers(settings))) == settings


def test_random_keys_pass_the_pattern_check() -> None:
    """The pattern check never refuses what ``secrets`` generates, even 32 hex digits (128 bits)."""
    import secrets as random_source

    from server.secret_strength import secret_problem

    for _ in range(2000):
        assert secret_problem(random_source.token_hex(16)) is None
        assert secret_problem(random_source.token_urlsafe(32)) is None
