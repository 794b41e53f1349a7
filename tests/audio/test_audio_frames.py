"""The ctypes fast path to a pjsua2 MediaFrame's payload agrees with the binding's own (slow) path.

Only plain pjsua2 value objects are used (no Endpoint), so this runs in-process.
"""

from __future__ import annotations

import pytest

pj = pytest.importorskip("pjsua2")

from sip.audio.frames import FrameIO  # noqa: E402


def test_layout_check_passes_and_fast_path_round_trips() -> None:
    io = FrameIO(pj, 640)
    assert io.fast_ok, "the std::vector layout check failed: the bridge would use the slow path"
    data = bytes(range(256)) * 2 + bytes(128)
    frame = pj.MediaFrame()
    io.write(frame, data)
    assert bytes(frame.buf) == data
    assert frame.type == pj.PJMEDIA_FRAME_TYPE_AUDIO
    assert io.read(frame) == data


def test_empty_frame_reads_as_nothing() -> None:
    io = FrameIO(pj, 640)
    assert io.read(pj.MediaFrame()) == b""


def test_calibrate_keeps_the_faster_correct_path() -> None:
    io = FrameIO(pj, 640)
    timings = io.calibrate(rounds=5)
    assert set(timings) == {"binding", "ctypes"}
    assert io.path == min(timings, key=timings.__getitem__)
    frame = pj.MediaFrame()
    io.write(frame, b"\x02\x01" * 320)
    assert io.read(frame) == b"\x02\x01" * 320
