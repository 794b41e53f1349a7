"""Each make target installs the system packages it needs and no more: the demo gets Python and Qt's
libraries, the installer build its tools, the tests everything (read from ``tools/system-deps.sh
--list`` and ``make -n``, so nothing is installed here)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from installer.deb import DESKTOP_DEPENDS

REPO = Path(__file__).resolve().parents[2]
TEST_ONLY = {
    "kamailio",
    "sip-tester",
    "postgresql",
    "xvfb",
    "debootstrap",
    "softhsm2",
    "xdotool",
    "pulseaudio",
}
BUILD_TOOLS = {"wixl", "msitools", "osslsigncode", "debsigs", "apt-utils", "binutils", "gnupg"}


def group(name: str) -> set[str]:
    out = subprocess.run(
        ["bash", str(REPO / "tools/system-deps.sh"), "--list", name],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return set(out.stdout.split())


def test_the_demo_needs_python_and_qt_libraries_only() -> None:
    demo = group("demo")
    assert {"python3", "python3-venv"} <= demo
    assert {p.strip() for p in DESKTOP_DEPENDS.split(",")} - {"libportaudio2"} <= demo
    assert not demo & (TEST_ONLY | BUILD_TOOLS)


def test_the_installer_gets_its_build_tools_but_no_test_services() -> None:
    installer = group("installer")
    assert installer >= BUILD_TOOLS
    assert group("demo") <= installer
    assert not installer & TEST_ONLY


def test_the_tests_get_everything() -> None:
    assert group("installer") | TEST_ONLY <= group("test")


def test_each_make_target_asks_for_its_own_group() -> None:
    def recipe(target: str) -> str:
        return subprocess.run(
            ["make", "-n", target], cwd=REPO, capture_output=True, text=True, check=True, timeout=30
        ).stdout

    assert "tools/system-deps.sh demo" in recipe("demo")
    assert "tools/system-deps.sh installer" in recipe("installer")
    assert "tools/system-deps.sh test" in recipe("test")
