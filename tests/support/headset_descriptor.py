"""The report descriptor of the headset the tests plug in (by uhid, or the fake hidapi device).

Our own bytes, laid out as USB call-centre headsets lay out theirs (docs/telephony.md, "Headsets"): a
Consumer Control collection for the volume keys (report 1) beside a Telephony Headset collection
(report 2) whose input holds the hook switch as an absolute on/off state and mute, flash and redial as
relative one-shot presses, and whose output report (the same id, the other direction) holds the
Off-Hook, Ring, Mute and Hold lights.
"""

from __future__ import annotations

HEADSET_DESCRIPTOR = bytes(
    [
        0x05, 0x0C,  # Usage Page (Consumer)
        0x09, 0x01,  # Usage (Consumer Control)
        0xA1, 0x01,  # Collection (Application)
        0x85, 0x01,  #   Report ID (1)
        0x15, 0x00,  #   Logical Minimum (0)
        0x25, 0x01,  #   Logical Maximum (1)
        0x09, 0xE9,  #   Usage (Volume Increment)
        0x09, 0xEA,  #   Usage (Volume Decrement)
        0x75, 0x01,  #   Report Size (1)
        0x95, 0x02,  #   Report Count (2)
        0x81, 0x02,  #   Input (Data,Var,Abs)
        0x95, 0x06,  #   Report Count (6)
        0x81, 0x03,  #   Input (Const,Var,Abs): padding
        0xC0,        # End Collection
        0x05, 0x0B,  # Usage Page (Telephony)
        0x09, 0x05,  # Usage (Headset)
        0xA1, 0x01,  # Collection (Application)
        0x85, 0x02,  #   Report ID (2)
        0x15, 0x00,  #   Logical Minimum (0)
        0x25, 0x01,  #   Logical Maximum (1)
        0x75, 0x01,  #   Report Size (1)
        0x09, 0x20,  #   Usage (Hook Switch)
        0x95, 0x01,  #   Report Count (1)
        0x81, 0x22,  #   Input (Data,Var,Abs,No Preferred State): 1 while off hook
        0x09, 0x2F,  #   Usage (Phone Mute)
        0x09, 0x21,  #   Usage (Flash)
        0x09, 0x24,  #   Usage (Redial)
        0x95, 0x03,  #   Report Count (3)
        0x81, 0x06,  #   Input (Data,Var,Rel): one-shot presses
        0x95, 0x04,  #   Report Count (4)
        0x81, 0x03,  #   Input (Const,Var,Abs): padding
        0x05, 0x08,  #   Usage Page (LEDs)
        0x09, 0x17,  #   Usage (Off-Hook)
        0x09, 0x18,  #   Usage (Ring)
        0x09, 0x09,  #   Usage (Mute)
        0x09, 0x20,  #   Usage (Hold)
        0x95, 0x04,  #   Report Count (4)
        0x91, 0x22,  #   Output (Data,Var,Abs,No Preferred State)
        0x95, 0x04,  #   Report Count (4)
        0x91, 0x03,  #   Output (Const,Var,Abs): padding
        0xC0,        # End Collection
    ]
)  # fmt: skip

VOLUME_ONLY_DESCRIPTOR = HEADSET_DESCRIPTOR[:27]  # up to the first End Collection
"""The same headset with only its volume keys: no telephony usage, ignored with a note in settings."""


def report(*, off_hook: bool, mute: bool = False, flash: bool = False, redial: bool = False) -> bytes:
    """Input report 2 as the headset sends it: the hook state and the presses in this report."""
    bits = int(off_hook) | int(mute) << 1 | int(flash) << 2 | int(redial) << 3
    return bytes([0x02, bits])
