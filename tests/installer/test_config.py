"""Configuration precedence: policy > machine > user > defaults, with sources, locks and bad input.

The file layers are real files in a temporary directory. The Windows registry layers use a fake
:class:`RegistrySource` (a dict), because ``winreg`` exists only on Windows; only the registry reading is
faked, the resolution is the same code as on Linux. The Windows CI workflow reads the real registry after
installing the MSI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from app.config import ConfigPaths, Layer, load_config
from app.config.sources import REGISTRY_MACHINE_KEY, REGISTRY_POLICY_KEY

REPO = Path(__file__).resolve().parents[2]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def paths(tmp_path: Path) -> ConfigPaths:
    return ConfigPaths(
        user_file=tmp_path / "home" / "ringdesk.toml",
        machine_file=tmp_path / "etc" / "ringdesk.toml",
        policy_dir=tmp_path / "etc" / "policy.d",
    )


def test_each_layer_overrides_the_one_below(paths: ConfigPaths) -> None:
    write(paths.user_file, 'language = "en"\ntheme = "dark"\nserver_url = "https://user.example"\n')
    write(paths.machine_file, 'server_url = "https://machine.example"\n[sip]\ntransport = "tls"\n')
    write(paths.policy_dir / "20-lock.toml", '[sip]\ntransport = "tcp"\n')
    write(paths.policy_dir / "10-base.toml", '[sip]\ntransport = "udp"\ndomain = "pbx.example"\n')

    config = load_config(paths)

    assert config["theme"] == "dark"
    assert config.settings["theme"].layer is Layer.USER
    assert config["server_url"] == "https://machine.example"
    assert config.settings["server_url"].layer is Layer.MACHINE
    # policy.d files are read in name order; the later one wins key by key
    assert config["sip.transport"] == "tcp"
    assert config.settings["sip.transport"].origin.endswith("20-lock.toml")
    assert config["sip.domain"] == "pbx.example"
    assert config["acw.seconds"] == 120
    assert config.settings["acw.seconds"].layer is Layer.DEFAULT
    assert config.problems == ()


def test_locked_only_by_policy_with_a_reason(paths: ConfigPaths) -> None:
    write(paths.machine_file, 'language = "en"\n')
    policy = write(paths.policy_dir / "it.toml", "updates.enabled = false\n")

    config = load_config(paths)

    assert config.is_locked("language") is None
    reason = config.is_locked("updates.enabled")
    assert reason is not None
    assert str(policy) in reason
    assert config["updates.enabled"] is False


def test_bad_values_fall_back_to_the_layer_below_and_are_reported(paths: ConfigPaths) -> None:
    write(paths.user_file, "acw.seconds = 45\n")
    write(
        paths.machine_file, 'acw.seconds = "lots"\nunknown_thing = 1\n[sip]\ntransport = "carrier-pigeon"\n'
    )
    write(paths.machine_file.with_name("unused.toml"), "")

    config = load_config(paths)

    assert config["acw.seconds"] == 45
    assert config["sip.transport"] == "udp"
    text = "\n".join(config.problems)
    assert "acw.seconds" in text
    assert "unknown setting 'unknown_thing'" in text
    assert "carrier-pigeon" in text
    assert config.errors == ()


def test_keys_appended_to_the_shipped_machine_file_are_read(paths: ConfigPaths) -> None:
    """IT appends lines to /etc/ringdesk/ringdesk.toml as shipped (``echo ... >>``, configuration
    management): they must not land inside the file's last table."""
    shipped = (REPO / "installer/debian/ringdesk.toml").read_text(encoding="utf-8")
    write(
        paths.machine_file,
        shipped + 'server_url = "https://it.example"\nlanguage = "en"\nsip.transport = "tls"\n',
    )

    config = load_config(paths)

    assert config.problems == ()
    assert config["server_url"] == "https://it.example"
    assert config["language"] == "en"
    assert config["sip.transport"] == "tls"
    assert config.settings["sip.transport"].layer is Layer.MACHINE


def test_every_example_line_of_the_shipped_machine_file_is_a_setting(paths: ConfigPaths) -> None:
    """Uncommenting any example line of the shipped file gives a known, valid setting."""
    shipped = (REPO / "installer/debian/ringdesk.toml").read_text(encoding="utf-8")
    examples = [line[2:] for line in shipped.splitlines() if re.match(r"# [a-z_.]+ = ", line)]
    assert len(examples) >= 12
    write(paths.machine_file, "\n".join(examples) + "\n")

    config = load_config(paths)

    assert config.problems == ()
    assert {s.spec.key for s in config if s.layer is Layer.MACHINE} >= {
        "server_url",
        "sip.domain",
        "log.level",
    }


def test_a_key_under_the_wrong_table_is_reported_with_the_reason(paths: ConfigPaths) -> None:
    write(paths.machine_file, '[log]\nlevel = "debug"\nserver_url = "https://it.example"\n')
    text = "\n".join(load_config(paths).problems)
    assert "unknown setting 'log.server_url'" in text
    assert "before the first [table]" in text


def test_a_policy_that_cannot_be_read_fails_closed(paths: ConfigPaths) -> None:
    """A syntax error in one policy file must not silently unlock what it locked: every setting is
    locked (at the machine value or the default), the operator's own file is not used, and the error says
    which file and why."""
    write(paths.user_file, 'language = "en"\ntheme = "dark"\n')
    write(paths.machine_file, 'server_url = "https://machine.example"\n')
    write(paths.policy_dir / "10-ok.toml", '[sip]\ntransport = "tls"\n')
    broken = write(paths.policy_dir / "20-broken.toml", '[sip]\ntransport = "tls\nupdates.enabled = false\n')

    config = load_config(paths)

    assert config["sip.transport"] == "tls"
    assert config["server_url"] == "https://machine.example"
    assert config["language"] == "ru" and config["theme"] == "system"  # not the operator's choices
    assert all(setting.locked for setting in config)
    reason = config.is_locked("theme")
    assert reason is not None and str(broken) in reason and "cannot be read" in reason
    assert len(config.errors) == 1 and str(broken) in config.errors[0]
    assert "every setting is locked" in config.errors[0]
    assert config.is_locked("sip.transport") == (
        f"set by your IT department's policy ({paths.policy_dir / '10-ok.toml'})"
    )


@pytest.mark.parametrize("what", ["file", "directory", "owner"])
def test_a_policy_others_can_write_is_refused(paths: ConfigPaths, what: str) -> None:
    """Like sshd's StrictModes: a policy anyone could have written is not obeyed (its values are not
    used), and the desktop fails closed as for an unreadable one."""
    write(paths.machine_file, 'server_url = "https://machine.example"\n')
    policy = write(paths.policy_dir / "50-it.toml", 'server_url = "https://evil.example"\n')
    paths.policy_dir.chmod(0o755)
    policy.chmod(0o644)
    if what == "file":
        policy.chmod(0o666)
    elif what == "directory":
        paths.policy_dir.chmod(0o777)
    else:
        os.chown(policy, 12345, 12345)

    config = load_config(paths)

    assert config["server_url"] == "https://machine.example"
    assert all(setting.locked for setting in config)
    [error] = config.errors
    culprit = str(paths.policy_dir if what == "directory" else policy)
    assert culprit in error
    assert ("owned by uid 12345" if what == "owner" else "writable by others") in error


def test_show_config_fails_when_the_policy_is_refused(
    paths: ConfigPaths, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import ui.info

    write(paths.policy_dir / "50-it.toml", "[sip\n")
    monkeypatch.setattr(ui.info, "load_config", lambda: load_config(paths))
    assert ui.info.main("--show-config") == 1
    err = capsys.readouterr().err
    assert "error: " in err and "50-it.toml" in err


class FakeRegistry:
    """Stands in for ``winreg`` on HKLM: key path -> values, as Group Policy and the MSI leave them."""

    def __init__(self, keys: Mapping[str, Mapping[str, object]]) -> None:
        self.keys = keys

    def values(self, key: str) -> Mapping[str, object] | None:
        return self.keys.get(key)


def test_windows_registry_layers_follow_the_same_rule(tmp_path: Path) -> None:
    registry = FakeRegistry(
        {
            # written by the MSI from its public properties (all REG_SZ; empty = property not given)
            REGISTRY_MACHINE_KEY: {
                "ServerUrl": "https://msi.example",
                "SipTransport": "TLS",
                "SipDomain": "",
            },
            # Group Policy / Intune: DWORDs for flags, value names in any case
            REGISTRY_POLICY_KEY: {"updatesenabled": 0, "AcwSeconds": 60, "Bogus": "x"},
        }
    )
    user = write(tmp_path / "ringdesk.toml", 'sip.domain = "user.example"\nacw.seconds = 10\n')

    config = load_config(ConfigPaths(user_file=user, registry=registry))

    assert config["server_url"] == "https://msi.example"
    assert config.settings["server_url"].origin == r"HKLM\SOFTWARE\ringdesk\ServerUrl"
    assert config["sip.transport"] == "tls"
    assert config["sip.domain"] == "user.example"  # the empty MSI value does not hide the user's
    assert config["updates.enabled"] is False
    assert config["acw.seconds"] == 60
    assert (
        config.is_locked("acw.seconds")
        == r"set by your IT department's policy (HKLM\SOFTWARE\Policies\ringdesk\AcwSeconds)"
    )
    assert any("Bogus" in p for p in config.problems)


def test_show_config_lists_every_setting_with_its_source(paths: ConfigPaths) -> None:
    write(paths.machine_file, 'server_url = "https://machine.example"\n')
    write(paths.policy_dir / "it.toml", 'language = "en"\n')

    table = load_config(paths).format_table().splitlines()

    assert table[0].split() == ["setting", "value", "source"]
    rows = {line.split()[0]: line for line in table[1:]}
    assert f'"https://machine.example"  machine ({paths.machine_file})' in rows["server_url"]
    assert rows["language"].endswith("[locked]")
    assert rows["theme"].endswith("default")


def test_cli_show_config_and_version() -> None:
    """The real command, in a fresh interpreter: the flags work and pull in neither Qt nor pjsua2."""
    code = (
        "import sys; from ui.cli import main; rc = main(['--show-config']); main(['--version']);"
        "assert 'PySide6' not in sys.modules and 'pjsua2' not in sys.modules, 'heavy import'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "sip.transport" in result.stdout
    assert "ringdesk 0.1.0" in result.stdout


def test_the_operator_s_settings_are_saved_to_the_user_file_never_over_a_policy(paths: ConfigPaths) -> None:
    from app.config.user_file import save_user_settings

    write(paths.policy_dir / "10-it.toml", 'language = "ru"\n')
    write(paths.user_file, '# mine\ntheme = "light"\n[audio]\nringer = "Speakers"\n')
    refused = save_user_settings(
        paths.user_file,
        {"theme": "dark", "language": "en", "sip.transport": "tls", "audio.headset": 'USB "Jabra"'},
        load_config(paths),
    )
    assert refused == ["language"]
    config = load_config(paths)
    assert config["theme"] == "dark" and config.settings["theme"].layer is Layer.USER
    assert config["sip.transport"] == "tls"
    assert config["audio.headset"] == 'USB "Jabra"' and config["audio.ringer"] == "Speakers"
    assert config["language"] == "ru" and config.settings["language"].locked
    assert not config.problems
    with pytest.raises(ValueError, match="whole number"):
        save_user_settings(paths.user_file, {"acw.seconds": "lots"}, config)


def test_a_policy_locked_setting_wins_over_the_command_line(
    paths: ConfigPaths, caplog: pytest.LogCaptureFixture
) -> None:
    """A shortcut edited to ``ringdesk --server=...`` must not point a desk IT locked elsewhere."""
    from ui.start import parse

    write(paths.policy_dir / "10-it.toml", 'server_url = "https://ringdesk.corp.example"\n')
    write(paths.machine_file, 'language = "ru"\n')
    config = load_config(paths)

    options = parse(["--server", "https://evil.example", "--language", "en"], config)

    assert options.server_url == "https://ringdesk.corp.example"
    assert options.language.value == "en"  # not locked: the flag is the operator's to give
    assert "--server ignored: server_url is set by your IT department's policy" in caplog.text
