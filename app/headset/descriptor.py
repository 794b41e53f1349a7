"""Where a headset's call buttons and lights sit in its reports, read from its HID report descriptor.

A USB headset describes its reports in a byte stream of items (HID 1.11, section 6.2.2). We walk it
once when the device is opened and keep only what a softphone needs:

- inputs on the Telephony page (0x0B): Hook Switch 0x20, Flash 0x21, Redial 0x24, Phone Mute 0x2F;
- outputs on the LED page (0x08) inside a telephony collection: Mute 0x09, Off-Hook 0x17, Ring 0x18,
  Hold 0x20 (a keyboard's LEDs on the same page are not ours);

each with its report id, bit offset and size, and whether the control is absolute or relative and has
a preferred state: real headsets report the hook switch as an absolute on/off state (1 while off hook,
and they expect the host to confirm it with the Off-Hook light) but mute, flash and redial as a press
that reports 1 and falls back (a one-shot toggle). :mod:`app.headset.buttons` decides from these flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

TELEPHONY_PAGE = 0x0B
LED_PAGE = 0x08


class Button(IntEnum):
    """The call buttons we act on (Telephony page usages)."""

    HOOK_SWITCH = 0x20
    FLASH = 0x21
    REDIAL = 0x24
    MUTE = 0x2F


class Light(IntEnum):
    """The call lights we drive (LED page usages)."""

    MUTE = 0x09
    OFF_HOOK = 0x17
    RING = 0x18
    HOLD = 0x20


_CONSTANT, _VARIABLE, _RELATIVE, _NO_PREFERRED = 0x01, 0x02, 0x04, 0x20
_MAIN_INPUT, _MAIN_OUTPUT, _MAIN_FEATURE, _MAIN_COLLECTION, _MAIN_END = 0x8, 0x9, 0xB, 0xA, 0xC
_COLLECTION_APPLICATION = 0x01


class DescriptorError(ValueError):
    """Bytes that are not a report descriptor we can follow (cut short, unbalanced collections)."""


@dataclass(frozen=True)
class Field:
    """One control in a report: ``bit_offset`` counts from the first byte after the report id."""

    report_id: int
    bit_offset: int
    bit_size: int
    relative: bool = False
    preferred_state: bool = True
    array_index: int | None = None
    """For an array field: the logical value that selects this usage (None for a variable field)."""
    slots: int = 1
    """For an array field: how many slots of ``bit_size`` bits may each hold a selected usage."""


@dataclass(frozen=True)
class Layout:
    """What a descriptor says about call buttons and lights."""

    buttons: dict[Button, Field] = field(default_factory=dict)
    lights: dict[Light, Field] = field(default_factory=dict)
    output_sizes: dict[int, int] = field(default_factory=dict)
    """Bytes of each output report that carries a light, by report id (without the id byte)."""
    uses_report_ids: bool = False

    @property
    def telephony(self) -> bool:
        """Whether it has a call button at all: a headset without one is left alone."""
        return bool(self.buttons)


@dataclass
class _Globals:
    page: int = 0
    logical_min: int = 0
    logical_max: int = 0
    report_size: int = 0
    report_count: int = 0
    report_id: int = 0

    def copy(self) -> _Globals:
        return _Globals(**vars(self))


def _unsigned(data: bytes) -> int:
    return int.from_bytes(data, "little") if data else 0


def _signed(data: bytes) -> int:
    return int.from_bytes(data, "little", signed=True) if data else 0


def _items(descriptor: bytes) -> list[tuple[int, int, bytes]]:
    """(type, tag, data) of every short item; long items (0xFE) are skipped as the spec allows."""
    items: list[tuple[int, int, bytes]] = []
    i = 0
    while i < len(descriptor):
        prefix = descriptor[i]
        if prefix == 0xFE:  # long item: size, tag, data
            if i + 1 >= len(descriptor):
                raise DescriptorError("a long item is cut short")
            i += 3 + descriptor[i + 1]
            continue
        size = (0, 1, 2, 4)[prefix & 0x03]
        if i + 1 + size > len(descriptor):
            raise DescriptorError(f"the item at byte {i} is cut short")
        items.append(((prefix >> 2) & 0x03, prefix >> 4, bytes(descriptor[i + 1 : i + 1 + size])))
        i += 1 + size
    return items


def parse(descriptor: bytes | list[int]) -> Layout:
    """The call buttons and lights in ``descriptor`` (raises :class:`DescriptorError` on garbage)."""
    g = _Globals()
    stack: list[_Globals] = []
    usages: list[int] = []
    usage_range: list[int] = []
    collections: list[int] = []  # the page<<16|usage of each open collection
    telephony_depth: list[bool] = []
    offsets: dict[tuple[int, int], int] = {}  # (main tag, report id) -> next bit
    buttons: dict[Button, Field] = {}
    lights: dict[Light, Field] = {}
    output_bits: dict[int, int] = {}
    uses_ids = False

    def full(usage: int, size: int) -> int:
        return usage if size == 4 else (g.page << 16) | usage

    for kind, tag, data in _items(bytes(descriptor)):
        if kind == 1:  # global
            match tag:
                case 0x0:
                    g.page = _unsigned(data)
                case 0x1:
                    g.logical_min = _signed(data)
                case 0x2:
                    g.logical_max = _signed(data) if g.logical_min < 0 else _unsigned(data)
                case 0x7:
                    g.report_size = _unsigned(data)
                case 0x8:
                    g.report_id = _unsigned(data)
                    uses_ids = True
                case 0x9:
                    g.report_count = _unsigned(data)
                case 0xA:
                    stack.append(g.copy())
                case 0xB:
                    if not stack:
                        raise DescriptorError("Pop without Push")
                    g = stack.pop()
            continue
        if kind == 2:  # local
            match tag:
                case 0x0:
                    usages.append(full(_unsigned(data), len(data)))
                case 0x1:
                    usage_range[:] = [full(_unsigned(data), len(data))]
                case 0x2 if usage_range:
                    low = usage_range[0]
                    usages.extend(range(low, full(_unsigned(data), len(data)) + 1))
                    usage_range.clear()
            continue
        if kind != 0:
            continue
        if tag == _MAIN_COLLECTION:
            application = usages[0] if usages else 0
            collections.append(application)
            inside = bool(telephony_depth and telephony_depth[-1])
            is_app = _unsigned(data) == _COLLECTION_APPLICATION
            telephony_depth.append(inside or (is_app and application >> 16 == TELEPHONY_PAGE))
        elif tag == _MAIN_END:
            if not collections:
                raise DescriptorError("End Collection without a Collection")
            collections.pop()
            telephony_depth.pop()
        elif tag in (_MAIN_INPUT, _MAIN_OUTPUT, _MAIN_FEATURE):
            flags = _unsigned(data)
            key = (tag, g.report_id)
            start = offsets.get(key, 0)
            in_telephony = bool(telephony_depth and telephony_depth[-1])
            if not flags & _CONSTANT:
                for n, fld, usage in _fields(g, flags, usages, start):
                    page, usage_id = usage >> 16, usage & 0xFFFF
                    if (
                        tag == _MAIN_INPUT
                        and page == TELEPHONY_PAGE
                        and usage_id in Button._value2member_map_
                    ):
                        buttons.setdefault(Button(usage_id), fld)
                    elif (
                        tag == _MAIN_OUTPUT
                        and in_telephony
                        and page == LED_PAGE
                        and usage_id in Light._value2member_map_
                        and n is not None
                    ):
                        lights.setdefault(Light(usage_id), fld)
            offsets[key] = start + g.report_size * g.report_count
            if tag == _MAIN_OUTPUT:
                output_bits[g.report_id] = offsets[key]
        usages.clear()
        usage_range.clear()
    if collections:
        raise DescriptorError("a Collection is never ended")
    sizes = {f.report_id: (output_bits[f.report_id] + 7) // 8 for f in lights.values()}
    return Layout(buttons, lights, sizes, uses_ids)


def _fields(g: _Globals, flags: int, usages: list[int], start: int) -> list[tuple[int | None, Field, int]]:
    """(index, field, usage) for each usage a main item declares: one per bit field for a variable
    item (the last usage repeats, HID 1.11 6.2.2.8), one per selectable usage for an array."""
    relative = bool(flags & _RELATIVE)
    preferred = not flags & _NO_PREFERRED
    if not usages:
        return []
    if flags & _VARIABLE:
        out: list[tuple[int | None, Field, int]] = []
        for n in range(g.report_count):
            usage = usages[min(n, len(usages) - 1)]
            fld = Field(g.report_id, start + n * g.report_size, g.report_size, relative, preferred)
            out.append((n, fld, usage))
        return out
    # Array: each slot holds the index of a pressed usage (logical_min selects the first).
    return [
        (
            None,
            Field(g.report_id, start, g.report_size, relative, preferred, g.logical_min + n, g.report_count),
            usage,
        )
        for n, usage in enumerate(usages)
    ]
