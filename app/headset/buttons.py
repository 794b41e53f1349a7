"""Presses read from a headset's input reports.

A report carries the state of every control in it; a press is a change, and what counts as one depends
on how the control is declared (:class:`app.headset.descriptor.Field`):

- the hook switch is a state: every change says the headset went off hook (1) or on hook (0). A headset
  whose hook switch is declared relative (a toggle) reports ``off_hook=None``: "pressed", no state.
- mute, flash and redial are presses: a relative control presses on every non-zero report; an absolute
  one with a preferred state (a momentary button: 1 while held, back to 0) on 0 -> 1 only; an absolute
  one without (a latching switch) on every change, since each press flips it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.headset.descriptor import Button, Field, Layout


@dataclass(frozen=True)
class Press:
    """One press of a call button; ``off_hook`` is the hook switch's new state when it reports one."""

    button: Button
    off_hook: bool | None = None


def field_value(report: bytes, fld: Field) -> int:
    """The raw value of ``fld`` in ``report`` (the bytes after the report id); for an array field,
    1 when one of its slots selects the field's usage."""
    if fld.array_index is not None:
        slots = (_bits(report, fld.bit_offset + n * fld.bit_size, fld.bit_size) for n in range(fld.slots))
        return int(any(v == fld.array_index for v in slots))
    return _bits(report, fld.bit_offset, fld.bit_size)


def _bits(report: bytes, offset: int, size: int) -> int:
    whole = int.from_bytes(report, "little")
    return (whole >> offset) & ((1 << size) - 1) if offset + size <= len(report) * 8 else 0


class ButtonReader:
    """Turns a headset's input reports into presses, remembering each control's last value."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self._last: dict[Button, int] = {}

    @property
    def hook_state(self) -> bool | None:
        """The hook switch as the headset last reported it (None: not reported yet, or a toggle)."""
        fld = self.layout.buttons.get(Button.HOOK_SWITCH)
        if fld is None or fld.relative or Button.HOOK_SWITCH not in self._last:
            return None
        return bool(self._last[Button.HOOK_SWITCH])

    def acknowledge(self, *, off_hook: bool) -> None:
        """The host wrote the Off-Hook light: a headset takes it as its hook state (that is how a call
        the caller ended puts it back on hook), so the next change is counted from it."""
        fld = self.layout.buttons.get(Button.HOOK_SWITCH)
        if fld is not None and not fld.relative:
            self._last[Button.HOOK_SWITCH] = int(off_hook)

    def read(self, data: bytes | list[int]) -> list[Press]:
        """The presses in one input report as read from the device (with its id byte first when the
        descriptor uses report ids)."""
        raw = bytes(data)
        report_id = 0
        if self.layout.uses_report_ids:
            if not raw:
                return []
            report_id, raw = raw[0], raw[1:]
        presses: list[Press] = []
        for button, fld in self.layout.buttons.items():
            if fld.report_id != report_id:
                continue
            value = field_value(raw, fld)
            before = self._last.get(button, 0)
            self._last[button] = value
            if button is Button.HOOK_SWITCH and not fld.relative:
                if value != before:
                    presses.append(Press(button, off_hook=bool(value)))
            elif fld.relative:
                if value:
                    presses.append(Press(button))
            elif fld.preferred_state:
                if value and not before:
                    presses.append(Press(button))
            elif value != before:
                presses.append(Press(button))
        return presses
