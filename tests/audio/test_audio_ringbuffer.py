"""The bridge's ring buffer alone: drop-oldest, counters, partial reads, the refill cushion."""

from __future__ import annotations

import threading

import pytest

from sip.audio.ringbuffer import RingBuffer


def test_write_then_read_in_order_with_partial_reads() -> None:
    rb = RingBuffer(16)
    assert rb.write(b"abcdef") == 0
    assert rb.read(4) == b"abcd"
    assert rb.read(10) == b"ef"  # fewer than asked: what there is
    assert rb.read(2) == b""
    assert len(rb) == 0
    assert (rb.overruns, rb.underruns, rb.dropped_bytes) == (0, 0, 0)


def test_full_buffer_drops_the_oldest_audio_and_counts_an_overrun() -> None:
    rb = RingBuffer(8)
    rb.write(b"AAAA")
    rb.write(b"BBBB")
    assert rb.write(b"CCCC") == 4
    assert rb.read(8) == b"BBBBCCCC"
    assert rb.overruns == 1 and rb.dropped_bytes == 4
    assert rb.write(b"0123456789ab") == 4  # one write larger than the buffer keeps its newest part
    assert rb.read(100) == b"456789ab"
    assert rb.overruns == 2 and rb.dropped_bytes == 8


def test_capacity_is_aligned_to_whole_samples_and_odd_writes_are_refused() -> None:
    rb = RingBuffer(9, start_level=5)
    assert rb.capacity == 8 and rb.start_level == 4
    with pytest.raises(ValueError, match="multiple"):
        rb.write(b"abc")
    with pytest.raises(ValueError, match="capacity"):
        RingBuffer(1)


def test_read_padded_waits_for_the_start_level_without_counting_the_first_fill() -> None:
    rb = RingBuffer(32, start_level=8)
    assert rb.read_padded(4) == bytes(4)  # nothing yet: silence, not an underrun
    rb.write(b"1234")
    assert rb.read_padded(4) == bytes(4)  # below the start level: still waiting
    assert rb.underruns == 0
    rb.write(b"5678")
    assert rb.read_padded(4) == b"1234"
    assert rb.read_padded(4) == b"5678"
    assert rb.underruns == 0


def test_running_dry_pads_with_silence_counts_and_refills_before_playing_again() -> None:
    rb = RingBuffer(32, start_level=4)
    rb.write(b"abcdef")
    assert rb.read_padded(4) == b"abcd"
    assert rb.read_padded(4) == b"ef\x00\x00"  # partial: the rest is silence
    assert rb.underruns == 1
    rb.write(b"gh")
    assert rb.read_padded(4) == bytes(4)  # refilling: 2 < start level 4
    assert rb.underruns == 2  # each silent block while playing counts
    rb.write(b"ij")
    assert rb.read_padded(4) == b"ghij"
    assert rb.underruns == 2


def test_clear_forgets_audio_and_the_started_state_but_keeps_counters() -> None:
    rb = RingBuffer(8)
    rb.write(b"abcd")
    rb.read_padded(4)
    rb.read_padded(4)
    assert rb.underruns == 1
    rb.write(b"xxxx")
    rb.write(b"yyyyzz")
    assert rb.overruns == 1
    rb.clear()
    assert len(rb) == 0
    assert rb.read_padded(4) == bytes(4)
    assert (rb.underruns, rb.overruns) == (1, 1)  # a new stream's start is not an underrun


def test_one_writer_and_one_reader_thread_lose_nothing_when_the_reader_keeps_up() -> None:
    rb = RingBuffer(1 << 20)
    blocks = [bytes([i % 256]) * 64 for i in range(2000)]
    received = bytearray()

    def reader() -> None:
        while len(received) < 64 * len(blocks):
            received.extend(rb.read(256))

    t = threading.Thread(target=reader)
    t.start()
    for b in blocks:
        rb.write(b)
    t.join(timeout=10)
    assert bytes(received) == b"".join(blocks)
    assert rb.overruns == 0
