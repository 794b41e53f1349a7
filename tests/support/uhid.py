"""A virtual USB headset made by Linux's uhid (``/dev/uhid``): a real HID device for hidapi and hidraw,
no hardware needed. The test writes ``UHID_CREATE2`` with the headset's report descriptor, presses its
buttons with ``UHID_INPUT2`` and reads the output reports (the lights) the telephony service writes,
which the kernel hands back as ``UHID_OUTPUT`` events (linux/uhid.h, Documentation/hid/uhid.rst).

Needs CONFIG_UHID and write access to /dev/uhid (root, or a udev rule); :func:`available` says whether
this machine has it.
"""

from __future__ import annotations

import contextlib
import os
import struct
import threading
from pathlib import Path

from app.headset.descriptor import Light, parse
from app.headset.lights import lights_in

UHID_PATH = Path("/dev/uhid")

# linux/uhid.h
UHID_DESTROY = 1
UHID_START = 2
UHID_STOP = 3
UHID_OPEN = 4
UHID_CLOSE = 5
UHID_OUTPUT = 6
UHID_CREATE2 = 11
UHID_INPUT2 = 12
UHID_DATA_MAX = 4096
HID_MAX_DESCRIPTOR_SIZE = 4096
BUS_USB = 0x03
_CREATE2 = struct.Struct(f"<I128s64s64sHHIIII{HID_MAX_DESCRIPTOR_SIZE}s")
EVENT_SIZE = 4380
"""sizeof(struct uhid_event): the type and the union of requests, whose largest (create2, 4372 bytes)
is padded to 4376 by the 8-byte alignment the old create request's pointer gives the union (checked
with gcc against linux/uhid.h: 4380, create2 4372, output 4099, input2 4098)."""
_INPUT2 = struct.Struct(f"<IH{UHID_DATA_MAX}s")
_OUTPUT = struct.Struct(f"<I{UHID_DATA_MAX}sHB")


def available() -> bool:
    """Whether this kernel offers uhid and we may use it."""
    return UHID_PATH.exists() and os.access(UHID_PATH, os.R_OK | os.W_OK)


class UhidHeadset:
    """A headset plugged in through uhid; records every output report the host writes to it."""

    def __init__(
        self, descriptor: bytes, *, name: str, vendor_id: int = 0x0B0E, product_id: int = 0x0001
    ) -> None:
        self.descriptor = descriptor
        self.layout = parse(descriptor)
        self.name = name
        self.vendor_id, self.product_id = vendor_id, product_id
        self.written: list[bytes] = []
        self._opened = False
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._thread: threading.Thread | None = None

    @property
    def opened(self) -> bool:
        """Whether a host program (the service, through hidraw) has the device open."""
        return self._opened

    def plug(self) -> None:
        """Plug in (again): what was written to it before is forgotten, as a headset's lights are."""
        with self._lock:
            self.written = []
        fd = os.open(UHID_PATH, os.O_RDWR | os.O_CLOEXEC)
        request = _CREATE2.pack(
            UHID_CREATE2,
            self.name.encode()[:127],
            b"ringdesk-test/uhid",
            b"TEST-0001",
            len(self.descriptor),
            BUS_USB,
            self.vendor_id,
            self.product_id,
            0x0100,
            0,
            self.descriptor,
        )
        os.write(fd, request)
        self._fd = fd
        self._thread = threading.Thread(target=self._events, args=(fd,), daemon=True)
        self._thread.start()

    def unplug(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.write(fd, struct.pack("<I", UHID_DESTROY).ljust(EVENT_SIZE, b"\0"))
        os.close(fd)
        if self._thread is not None:
            self._thread.join(2)
        self._opened = False

    def send(self, report: bytes) -> None:
        """One input report, as the headset sends it (report id first)."""
        assert self._fd is not None, "not plugged in"
        os.write(self._fd, _INPUT2.pack(UHID_INPUT2, len(report), report).ljust(EVENT_SIZE, b"\0"))

    def lights(self) -> dict[Light, bool]:
        with self._lock:
            last = self.written[-1] if self.written else None
        if last is None:
            return {light: False for light in self.layout.lights}
        return lights_in(self.layout, last)

    def _events(self, fd: int) -> None:
        while True:
            try:
                event = os.read(fd, EVENT_SIZE)
            except OSError:
                return  # closed: unplugged
            if len(event) < 4:
                return
            (kind,) = struct.unpack_from("<I", event)
            if kind == UHID_OPEN:
                self._opened = True
            elif kind == UHID_CLOSE:
                self._opened = False
            elif kind == UHID_OUTPUT:
                _, data, size, _rtype = _OUTPUT.unpack_from(event.ljust(_OUTPUT.size, b"\0"))
                with self._lock:
                    self.written.append(bytes(data[:size]))
