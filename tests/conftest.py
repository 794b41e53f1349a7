"""Test-wide set-up: Qt offscreen, the repo on sys.path, and phones that are always cleaned up."""

from __future__ import annotations

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
