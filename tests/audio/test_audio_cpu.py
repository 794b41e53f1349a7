"""The open headset streams must not burn a CPU core.

Regression: the bridge used one duplex PortAudio stream (input and output together) on ALSA's ``pulse``
device. Its callbacks came at a normal 50/s, yet PortAudio's thread spun at ~100 % of a core for the
bridge's whole life, call or no call (the microphone and the headset run on different clocks and the
duplex wait loop polls without sleeping); on the operators' 2-core PCs that starved the desktop and cost
hundreds of underruns per minute when another process was busy. Two streams, one per direction, cost
~1-3 % of a core together.

What is measured is the child process's own CPU time (all its threads) over a stretch of wall time, so a
loaded CI machine makes the figure smaller, not larger: a spinning thread still takes far more than the
bound, a healthy bridge far less.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pulse import PulseServer

pytestmark = pytest.mark.audio

Run = Callable[..., dict[str, Any]]

CPU_BOUND_PCT = 25.0  # of one core; measured ~1.5 % idle and ~2.5 % with audio, the bug was ~100 %


def test_open_headset_streams_stay_cheap_idle_and_during_call_audio(
    pulse_server: PulseServer, run_scenario: Run
) -> None:
    r = run_scenario("cpu", pulse_server)
    idle, call = r["idle"], r["call"]
    for phase in (idle, call):
        # Both streams really ran during the window: a closed stream would make the bound meaningless.
        assert 35 <= phase["blocks_per_s"] <= 65, phase
        assert 35 <= phase["mic_blocks_per_s"] <= 65, phase
        assert phase["cpu_pct"] < CPU_BOUND_PCT, phase
    assert call["frames_played"] >= 80 and call["frames_captured"] >= 80, call  # ~100 frames in 2 s
    assert r["errors"] == []
