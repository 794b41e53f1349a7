"""Beep and ring generation, mixing, and the cursor the sound callbacks read them through."""

from __future__ import annotations

import itertools
import math
from array import array

import pytest

from sip.audio.tones import SAMPLE_RATE, ToneCursor, beep, mix, ring_pattern, silence, tone


def _crossing_hz(pcm: bytes) -> float:
    s = array("h", pcm)
    crossings = sum(1 for a, b in itertools.pairwise(s) if (a < 0) != (b < 0))
    return crossings / 2 / (len(s) / SAMPLE_RATE)


def _rms(pcm: bytes) -> float:
    s = array("h", pcm)
    return math.sqrt(sum(x * x for x in s) / len(s))


def test_beep_is_150_ms_near_1_khz_and_fades_in_and_out() -> None:
    pcm = beep()
    assert len(pcm) == 2 * 2400
    assert 950 < _crossing_hz(pcm) < 1050
    s = array("h", pcm)
    assert abs(s[0]) < 100 and abs(s[-1]) < 100  # no click at the edges
    assert 0.25 * 32767 * 0.6 < _rms(pcm) < 0.3 * 32767 * 0.75


def test_ring_pattern_is_two_bursts_then_a_pause() -> None:
    pcm = ring_pattern()
    assert len(pcm) == 2 * round(3.0 * SAMPLE_RATE)
    burst = 2 * round(0.4 * SAMPLE_RATE)
    gap = 2 * round(0.2 * SAMPLE_RATE)
    assert _rms(pcm[:burst]) > 3000
    assert _rms(pcm[burst : burst + gap]) == 0
    assert _rms(pcm[burst + gap : 2 * burst + gap]) > 3000
    assert _rms(pcm[2 * burst + gap :]) == 0


def test_tone_edge_cases() -> None:
    assert tone((440.0,), 0) == b""
    assert tone((), 0.01) == bytes(320)
    assert silence(0.02) == bytes(640)


def test_mix_adds_and_saturates() -> None:
    a = array("h", [1000, 30000, -30000, 0]).tobytes()
    b = array("h", [-500, 10000, -10000, 7]).tobytes()
    assert array("h", mix(a, b)).tolist() == [500, 32767, -32768, 7]
    with pytest.raises(ValueError, match="equal length"):
        mix(a, b[:2])


def test_one_shot_cursor_pads_the_last_block_then_ends() -> None:
    c = ToneCursor(b"\x01\x00" * 5)
    assert c.take(4) == b"\x01\x00\x01\x00"
    assert c.take(4) == b"\x01\x00\x01\x00"
    assert c.take(4) == b"\x01\x00\x00\x00"
    assert c.done
    assert c.take(4) is None


def test_looping_cursor_wraps_around() -> None:
    c = ToneCursor(b"abcdef", loop=True)
    assert c.take(4) == b"abcd"
    assert c.take(4) == b"efab"
    assert c.take(10) == b"cdefabcdef"
    assert not c.done
