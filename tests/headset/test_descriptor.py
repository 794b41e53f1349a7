"""The report descriptor parser finds a headset's call buttons and lights where the descriptor says."""

from __future__ import annotations

import pytest

from app.headset.descriptor import Button, DescriptorError, Light, parse
from tests.support.headset_descriptor import HEADSET_DESCRIPTOR, VOLUME_ONLY_DESCRIPTOR


def test_the_test_headsets_buttons_and_lights_are_found_with_their_reports_and_bits() -> None:
    layout = parse(HEADSET_DESCRIPTOR)
    assert layout.telephony and layout.uses_report_ids
    hook = layout.buttons[Button.HOOK_SWITCH]
    assert (hook.report_id, hook.bit_offset, hook.bit_size) == (2, 0, 1)
    assert not hook.relative and not hook.preferred_state  # an on/off state
    mute = layout.buttons[Button.MUTE]
    assert (mute.report_id, mute.bit_offset, mute.relative) == (2, 1, True)  # a one-shot press
    assert layout.buttons[Button.FLASH].bit_offset == 2
    assert layout.buttons[Button.REDIAL].bit_offset == 3
    offsets = {light: (f.report_id, f.bit_offset) for light, f in layout.lights.items()}
    assert offsets == {
        Light.OFF_HOOK: (2, 0),
        Light.RING: (2, 1),
        Light.MUTE: (2, 2),
        Light.HOLD: (2, 3),
    }
    assert layout.output_sizes == {2: 1}


def test_a_headset_with_volume_keys_only_has_no_telephony() -> None:
    layout = parse(VOLUME_ONLY_DESCRIPTOR)
    assert not layout.telephony and not layout.lights


def test_keyboard_leds_are_not_call_lights() -> None:
    keyboard = bytes.fromhex(
        "05 01 09 06 a1 01 05 08 19 01 29 05 15 00 25 01 75 01 95 05 91 02 95 03 91 03 c0"
    )  # a boot keyboard's LED output (Num Lock .. Kana): LED usages outside a telephony collection
    assert parse(keyboard).lights == {}


def test_without_report_ids_a_descriptor_counts_bits_from_the_first_byte() -> None:
    plain = bytes.fromhex(
        "05 0b 09 05 a1 01 15 00 25 01 75 01 95 01 09 2f 81 06 09 20 81 22 95 06 81 03"
        " 05 08 09 09 09 17 95 02 91 22 95 06 91 03 c0"
    )
    layout = parse(plain)
    assert not layout.uses_report_ids
    assert layout.buttons[Button.MUTE].bit_offset == 0
    assert layout.buttons[Button.HOOK_SWITCH].bit_offset == 1
    assert layout.lights[Light.OFF_HOOK].bit_offset == 1


def test_an_array_of_telephony_buttons_is_read_by_index() -> None:
    array = bytes.fromhex(
        "05 0b 09 05 a1 01 85 05 15 01 25 03 75 02 95 01 09 20 09 21 09 2f 81 00 95 06 75 01 81 03 c0"
    )
    layout = parse(array)
    assert layout.buttons[Button.MUTE].array_index == 3
    assert layout.buttons[Button.HOOK_SWITCH].array_index == 1


@pytest.mark.parametrize("garbage", [b"\x05", b"\xa1\x01", b"\xc0", b"\xb4"])
def test_garbage_is_refused_not_half_read(garbage: bytes) -> None:
    with pytest.raises(DescriptorError):
        parse(garbage)
