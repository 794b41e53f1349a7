"""Test-wide set-up: Qt offscreen, the repo on sys.path, and phones that are always cleaned up."""

from __future__ import annotations

import fnmatch
import gc
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.audio.pulse import PulseServer, missing_tools  # noqa: E402
from tests.support.phone import Phone  # noqa: E402

ALLOWED_SKIPS = Path(__file__).with_name("allowed_skips.txt")
STRICT_SKIPS_ENV = "RINGDESK_STRICT_SKIPS"
"""Set by ``tools/run-tests.sh`` (``make test``); CI sets ``CI``. Either makes an unlisted skip fail."""
_skipped: dict[str, str] = {}


def allowed_skips(path: Path = ALLOWED_SKIPS) -> list[tuple[str, str]]:
    """``(node id pattern, why)`` for every skip CI accepts (comments and blank lines ignored)."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            pattern, _, why = line.partition("|")
            if not why.strip():
                raise ValueError(f"{path}: every allowed skip needs a reason after '|': {line!r}")
            entries.append((pattern.strip(), why.strip()))
    return entries


def unexpected_skips(skipped: dict[str, str], allowed: list[tuple[str, str]]) -> dict[str, str]:
    """The skipped node ids (with their reasons) that no allowed pattern covers."""
    return {
        node: reason
        for node, reason in skipped.items()
        if not any(fnmatch.fnmatchcase(node, pattern) for pattern, _ in allowed)
    }


def _remember_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skipped[report.nodeid] = str(reason).removeprefix("Skipped: ")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember each skipped test and why (an xfail is not a skip)."""
    _remember_skip(report)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    """A whole module skipped while collected (``importorskip``, ``pytest.skip(allow_module_level=...)``)."""
    _remember_skip(report)


def _strict_skips() -> bool:
    return bool(os.environ.get("CI") or os.environ.get(STRICT_SKIPS_ENV))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI or ``make test`` a skip not in ``tests/allowed_skips.txt`` fails the run: a test that
    silently stopped running (a tool missing on a new machine, a fixture that gave up) is a failure."""
    if _strict_skips() and unexpected_skips(_skipped, allowed_skips()) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    unexpected = unexpected_skips(_skipped, allowed_skips())
    if not unexpected:
        return
    verdict = "these fail the run" if _strict_skips() else f"set {STRICT_SKIPS_ENV}=1 or CI to fail on them"
    terminalreporter.section("skips not in tests/allowed_skips.txt")
    for node, reason in sorted(unexpected.items()):
        terminalreporter.write_line(f"{node}: {reason}")
    terminalreporter.write_line(f"({verdict}; list a skip there only with the reason it cannot apply)")


@pytest.fixture(autouse=True)
def _garbage_on_the_main_thread() -> Iterator[None]:
    """Once a Qt test installed the desktop's collector (``ui/gui_gc.py``: automatic collection off,
    the GUI thread collects), later tests in the process still need their garbage collected: here,
    on the main thread, with the thresholds CPython would use."""
    yield
    if not gc.isenabled() and "ui.gui_gc" in sys.modules:
        sys.modules["ui.gui_gc"].collect_due()


def need(binary: str) -> None:
    """Skip with a clear reason when a system binary the test drives is missing."""
    if shutil.which(binary) is None:
        pytest.skip(f"{binary} is not installed (make test installs it as root)")


@pytest.fixture
def pulse_server(tmp_path: Path) -> Iterator[PulseServer]:
    """A private PulseAudio daemon with a null sink ``headset`` and a source ``mic`` hearing 440 Hz as
    defaults; killed by PID at teardown. Take it before ``start_phone`` so phones stop first."""
    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    root = tmp_path / "pa"
    root.mkdir()
    server = PulseServer(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_phone(tmp_path: Path) -> Iterator[Callable[..., Phone]]:
    """Start ``ringdesk phone`` processes; each is stopped at the end and must exit cleanly."""
    phones: list[Phone] = []

    def start(*args: str, name: str = "", **kwargs: object) -> Phone:
        phone = Phone(args, log_dir=tmp_path, name=name or f"phone{len(phones) + 1}", **kwargs)  # type: ignore[arg-type]
        phones.append(phone)
        return phone

    yield start
    problems = []
    for phone in phones:
        if phone.proc.poll() is not None:
            continue
        code = phone.terminate()
        if code != 0:
            problems.append(f"{phone.name} exited with {code}:\n{phone.log_tail()}")
    assert not problems, "\n".join(problems)
