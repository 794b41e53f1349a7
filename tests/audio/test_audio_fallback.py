"""Without sound (disabled in the settings, or no PortAudio library) the bridge is still a working pjsua2
port: the call gets silence, call audio is dropped, counters move, and the engine is told once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Run = Callable[..., dict[str, Any]]


def test_disabled_audio_keeps_the_port_working(run_scenario: Run) -> None:
    r = run_scenario("disabled")
    s = r["stats"]
    assert not s["device_open"]
    assert s["frames_played"] >= 40 and s["frames_captured"] >= 40  # 1 s of 20 ms frames
    assert r["call"]["rms"] == 0.0
    assert r["devices"] == []
    assert r["errors"] == ["audio is disabled in the settings: calls have no headset audio"]


def test_missing_portaudio_library_is_reported_once(run_scenario: Run) -> None:
    r = run_scenario("no_library")
    s = r["stats"]
    assert not s["device_open"]
    assert s["frames_played"] >= 40 and s["frames_captured"] >= 40
    assert r["call"]["rms"] == 0.0
    assert r["rescan"] == []
    assert len(r["errors"]) == 1, r["errors"]  # rescan finding the same problem does not repeat it
    assert "PortAudio" in r["errors"][0]


def test_close_while_call_audio_is_connected_is_safe(run_scenario: Run) -> None:
    # The port is unlinked and the conference given a tick before the C++ object is freed; before that
    # fix, closing a linked port crashed the process now and then (SIGSEGV in the clock thread).
    r = run_scenario("lifecycle")
    assert r["cycles"] == 8
    assert r["ports_left"] == 3  # null sound device, player, recorder: no bridge port left behind
