"""A FAKE hidapi (``hid`` module) for the telephony service, because a virtual HID device cannot be made
on this test machine: its kernel has no uhid (CONFIG_UHID unset, no /dev/uhid) and no USB host. The
real-kernel test is tests/e2e/test_headset.py's ``uhid`` case, which runs wherever /dev/uhid exists.

The seam is the HID transport boundary: the service's headset thread (sip/headset.py) talks to the
``hid`` module's interface (``enumerate()``, ``device()`` with ``open_path``, ``read(n, timeout_ms)``,
``write``, ``get_report_descriptor``, ``close``), and the service loads this module instead of ``hid``
only when the TEST-ONLY variable ``RINGDESK_TEST_HID_BACKEND=tests.support.fake_hid`` is set. Everything
above it (descriptor parsing, presses, lights, events, the desktop) is the production code.

Two halves, in two processes:

- :class:`FakeHeadset` (the test): "plugs in" a headset as a Unix SEQPACKET socket plus a JSON file
  naming it and carrying its real report descriptor bytes, in the directory named by
  ``RINGDESK_FAKE_HID_DIR``; sends input reports; records the output reports the service writes.
- the module functions (the service): ``enumerate()`` lists the plugged headsets as hidraw does (one
  entry per top-level collection, same path), ``device()`` opens one. Unplugging closes the socket:
  the next read fails as hidraw's does on a vanished device.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import threading
from pathlib import Path
from typing import Any

from app.headset.descriptor import Light, parse
from app.headset.lights import lights_in

DIR_ENV = "RINGDESK_FAKE_HID_DIR"


def _dir() -> Path:
    return Path(os.environ[DIR_ENV])


# ----- the service's side: the hid module's interface ------------------------------------------------


def enumerate(vendor_id: int = 0, product_id: int = 0) -> list[dict[str, Any]]:
    """The plugged fake headsets, one entry per top-level collection as hidapi's hidraw backend lists."""
    entries: list[dict[str, Any]] = []
    for info in sorted(_dir().glob("*.json")):
        sock = info.with_suffix(".sock")
        if not sock.exists():
            continue
        meta = json.loads(info.read_text())
        for page, usage in meta["collections"]:
            entries.append(
                {
                    "path": str(sock).encode(),
                    "vendor_id": meta["vendor_id"],
                    "product_id": meta["product_id"],
                    "serial_number": meta["serial"],
                    "release_number": 0x0100,
                    "manufacturer_string": "ringdesk tests",
                    "product_string": meta["product"],
                    "usage_page": page,
                    "usage": usage,
                    "interface_number": 3,
                }
            )
    return entries


class device:  # noqa: N801 - hid's name
    """A fake ``hid.device``: a connection to the test's :class:`FakeHeadset`."""

    def __init__(self) -> None:
        self._socket: socket.socket | None = None
        self._descriptor: list[int] = []

    def open_path(self, path: bytes) -> None:
        sock = Path(path.decode())
        try:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            conn.connect(str(sock))
        except OSError as exc:
            raise OSError("open failed") from exc
        self._socket = conn
        self._descriptor = list(
            bytes.fromhex(json.loads(sock.with_suffix(".json").read_text())["descriptor"])
        )

    def get_report_descriptor(self) -> list[int]:
        if self._socket is None:
            raise ValueError("not open")
        return list(self._descriptor)

    def read(self, max_length: int, timeout_ms: int = 0) -> list[int]:
        if self._socket is None:
            raise ValueError("not open")
        ready, _, _ = select.select([self._socket], [], [], timeout_ms / 1000 if timeout_ms > 0 else None)
        if not ready:
            return []
        try:
            data = self._socket.recv(max_length)
        except OSError as exc:
            raise OSError("read error") from exc
        if not data:
            raise OSError("read error")  # the headset was unplugged
        return list(data)

    def write(self, buff: bytes) -> int:
        if self._socket is None:
            raise ValueError("not open")
        try:
            return self._socket.send(bytes(buff))
        except OSError:
            return -1

    def set_nonblocking(self, v: int) -> int:
        return 0

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


# ----- the test's side -------------------------------------------------------------------------------


class FakeHeadset:
    """A headset the test plugs in, presses and unplugs; it records every output report written to it."""

    def __init__(
        self,
        directory: Path,
        descriptor: bytes,
        *,
        product: str = "Ringdesk Test Headset",
        vendor_id: int = 0x0B0E,
        product_id: int = 0x0001,
        collections: tuple[tuple[int, int], ...] = ((0x0C, 0x01), (0x0B, 0x05)),
    ) -> None:
        self.directory = directory
        self.descriptor = descriptor
        self.layout = parse(descriptor)
        self.product = product
        stem = product.replace(" ", "_")
        self.sock_path = directory / f"{stem}.sock"
        self.info_path = directory / f"{stem}.json"
        self._meta = {
            "product": product,
            "vendor_id": vendor_id,
            "product_id": product_id,
            "serial": f"TEST-{product_id:04x}",
            "collections": [list(c) for c in collections],
            "descriptor": descriptor.hex(),
        }
        self.written: list[bytes] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._conn: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # plugging

    def plug(self) -> None:
        """Plug in (again): what was written to it before is forgotten, as a headset's lights are. The
        socket listens before the file naming it appears (renamed into place whole), so the service
        never lists a headset it cannot open yet."""
        with self._lock:
            self.written = []
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        listener.bind(str(self.sock_path))
        listener.listen(1)
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, args=(listener,), daemon=True)
        self._thread.start()
        partial = self.info_path.with_suffix(".part")
        partial.write_text(json.dumps(self._meta))
        partial.replace(self.info_path)

    def unplug(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.sock_path.unlink()
        self.info_path.unlink(missing_ok=True)
        for sock in (self._conn, self._listener):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
        self._conn = self._listener = None
        if self._thread is not None:
            self._thread.join(2)

    @property
    def opened(self) -> bool:
        """Whether the service has the headset open."""
        return self._conn is not None

    def _serve(self, listener: socket.socket) -> None:
        """Accept the service's connections one after the other (it reopens a headset it closed)."""
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return  # unplugged
            self._conn = conn
            while True:
                try:
                    data = conn.recv(64)
                except OSError:
                    data = b""
                if not data:
                    break
                with self._lock:
                    self.written.append(data)
            if self._conn is conn:
                self._conn = None
            conn.close()

    # the operator's thumb

    def send(self, report: bytes) -> None:
        """Send one input report (the report id first, as the descriptor has ids)."""
        assert self._conn is not None, "the service has not opened the headset"
        self._conn.send(report)

    # what the service showed

    def lights(self) -> dict[Light, bool]:
        """The lights as the last output report written set them (all off before any)."""
        with self._lock:
            last = self.written[-1] if self.written else None
        if last is None:
            return {light: False for light in self.layout.lights}
        return lights_in(self.layout, last)
