"""Hang guards that stretch when the test process is starved of CPU on purpose.

``tools/run-tests.sh`` runs its soak stream (the sync tests and the server's slowest files) at nice 19
from start to end, so it never takes a core from a test that measures time. While the other phases
keep both cores busy, such a process gets about 1.5 % of a core: a ``ringdesk-server`` command that
needs 2 s of CPU then takes minutes. Its deadlines are hang guards, not timings, so that stream sets
``RINGDESK_TEST_PATIENCE`` and every guard written through :func:`patient` stretches by it. A real hang
still fails the run; it only takes longer to say so.
"""

from __future__ import annotations

import os


def _patience() -> float:
    try:
        return max(1.0, float(os.environ.get("RINGDESK_TEST_PATIENCE") or 1))
    except ValueError:
        return 1.0


PATIENCE = _patience()


def patient(seconds: float) -> float:
    """``seconds`` for a hang guard, stretched by ``RINGDESK_TEST_PATIENCE`` (at least 1)."""
    return seconds * PATIENCE
