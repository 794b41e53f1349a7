"""A private PulseAudio daemon as the operator's headset, borrowed from the audio tests.

Why reuse ``tests/audio/pulse.py``: it already runs an isolated daemon (own runtime dir, ``HOME`` and
socket, never the developer's sound session) with a null sink ``headset`` and a 440 Hz source ``mic`` as
the defaults, and stops it by PID. This module only adapts it to a context manager and says, as a
sentence, why audio figures cannot be measured on a machine without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Running:
    """What a benchmark needs from a running daemon: the client environment and the daemon's PID."""

    env: dict[str, str]
    pid: int


def unavailable() -> str:
    """Why no PulseAudio headset can be had here, or "" when it can."""
    try:
        from tests.audio import pulse
    except ImportError as exc:
        return f"tests/audio/pulse.py cannot be imported ({exc})"
    return pulse.missing_tools()


@contextlib.contextmanager
def server(root: Path) -> Iterator[Running]:
    """Start a daemon rooted at ``root`` and stop it (by PID) however the block ends."""
    from tests.audio import pulse

    daemon = pulse.PulseServer(root)
    try:
        daemon.start()
        assert daemon.proc is not None
        yield Running(env=dict(daemon.env), pid=daemon.proc.pid)
    finally:
        daemon.stop()
