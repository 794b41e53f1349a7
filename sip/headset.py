"""The headset's call buttons and lights, on their own thread in the telephony service.

A USB headset's buttons and lights are HID reports, not sound: this thread (``headset-hid``, never the
pjsua2 engine thread, which must not wait on a USB read) finds the headset through hidapi, reads its
input reports and emits :class:`~app.telephony.events.HeadsetPressed` events on the service's channel,
like any other telephony event: the desktop's core decides what a press means for its calls (answer,
hang up, mute...), and its commands come back to the engine as from the keyboard. The lights go the
other way: every event the service emits and every mute it applies is fed to
:class:`~app.headset.lights.CallLights`, and when the lights it works out change, this thread writes
the headset's output reports.

Hot-plug is a re-enumeration about every second (hidapi has no portable plug notification); a headset
unplugged mid-call is reported (:class:`~app.telephony.events.HeadsetsChanged` with ``lost``) and
the calls go on; plugged back, it is opened again and shown the current lights.
"""

from __future__ import annotations

import importlib
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.headset.buttons import ButtonReader
from app.headset.descriptor import TELEPHONY_PAGE, Button, DescriptorError, Layout, Light, parse
from app.headset.lights import CallLights, Lights, output_reports
from app.telephony import events as ev

log = logging.getLogger(__name__)

TEST_BACKEND_ENV = "RINGDESK_TEST_HID_BACKEND"
"""TEST ONLY: the name of a module standing in for ``hid`` (hidapi), e.g. a fake device where the kernel
cannot make a virtual one (no uhid). Never set in production; :func:`load_backend` logs when it is."""

SCAN_INTERVAL_S = 1.0
READ_TIMEOUT_MS = 50
"""How long one read waits: the lights and commands queued meanwhile wait at most this long."""
HOOK_RESYNC_S = 1.0
"""After a hook switch press that changed nothing, the headset is told the lights again (it waits
for the Off-Hook light to agree with its hook state)."""
_BUTTONS = {
    Button.HOOK_SWITCH: ev.HeadsetButton.HOOK_SWITCH,
    Button.FLASH: ev.HeadsetButton.FLASH,
    Button.REDIAL: ev.HeadsetButton.REDIAL,
    Button.MUTE: ev.HeadsetButton.MUTE,
}


class HidDevice(Protocol):
    """The part of ``hid.device`` (cython-hidapi) used here."""

    def open_path(self, path: bytes) -> None: ...
    def read(self, max_length: int, timeout_ms: int = 0) -> list[int]: ...
    def write(self, buff: bytes) -> int: ...
    def get_report_descriptor(self) -> list[int]: ...
    def close(self) -> None: ...


class HidBackend(Protocol):
    """The part of the ``hid`` module used here."""

    def enumerate(self, vendor_id: int = 0, product_id: int = 0) -> list[dict[str, Any]]: ...
    def device(self) -> HidDevice: ...


def hidapi_module() -> str:
    """The cython-hidapi module to use. On Linux the PyPI wheel's ``hid`` is hidapi's libusb backend,
    which detaches the kernel's driver from the interface it opens and sees only real USB devices;
    ``hidraw`` is the hidraw backend (the kernel's own HID driver stays, uhid devices are seen), with
    the same interface. Elsewhere ``hid`` is the native backend (Windows HID API, macOS IOHIDManager)."""
    return "hidraw" if sys.platform.startswith("linux") else "hid"


def load_backend() -> HidBackend | None:
    """hidapi, or the test's stand-in named by :data:`TEST_BACKEND_ENV`; None when hidapi is missing."""
    name = os.environ.get(TEST_BACKEND_ENV, "")
    try:
        if name:
            log.warning("headset: using the TEST backend %s instead of hidapi", name)
            return importlib.import_module(name)
        return importlib.import_module(hidapi_module())
    except ImportError as exc:
        log.warning("headset buttons off: %s", exc)
        return None


@dataclass(frozen=True)
class _Found:
    """One headset on the bus: the path of its telephony collection (or its first one)."""

    key: tuple[int, int, str, str]
    name: str
    path: bytes
    telephony: bool


def _matches(name: str, audio: str) -> bool:
    """A HID product name and a sound device name that are the same headset ("Jabra EVOLVE 30 II" and
    "Jabra EVOLVE 30 II: USB Audio (hw:1,0)")."""
    a, b = name.strip().casefold(), audio.strip().casefold()
    return bool(a and b) and (a in b or b in a)


class HeadsetLink:
    """Finds the headset, reads its buttons, writes its lights; every public method is thread-safe."""

    def __init__(
        self,
        emit: Callable[[ev.Event], None],
        backend: HidBackend,
        *,
        preferred: str = "",
        scan_interval_s: float = SCAN_INTERVAL_S,
    ) -> None:
        self._emit = emit
        self._backend = backend
        self._preferred = preferred
        self._scan_interval_s = scan_interval_s
        self._inbox: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="headset-hid", daemon=True)
        self._calls = CallLights()
        self._audio_names: tuple[str, ...] = ()
        self._found: list[_Found] = []
        self._no_telephony: set[tuple[int, int, str, str]] = set()
        self._unopened: set[tuple[int, int, str, str]] = set()
        self._device: HidDevice | None = None
        self._active: _Found | None = None
        self._layout: Layout | None = None
        self._reader: ButtonReader | None = None
        self._shown: Lights | None = None
        self._resync_at: float | None = None
        self._announced: tuple[tuple[ev.HidHeadset, ...], str] | None = None

    # ----- any thread ----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._inbox.put(None)
        self._thread.join(timeout_s)

    def observe(self, event: ev.Event) -> None:
        """Every event the service emits: calls for the lights, sound devices for the default choice."""
        if isinstance(event, ev.AudioDevicesChanged):
            self._inbox.put(lambda: self._audio(event))
        elif isinstance(event, ev.IncomingCall | ev.CallStateChanged | ev.CallEnded | ev.EngineStopped):
            self._inbox.put(lambda: self._calls.observe(event))

    def set_muted(self, muted: bool) -> None:
        """The service applied a mute (from the headset, the keyboard or the screen alike)."""
        self._inbox.put(lambda: self._calls.set_muted(muted))

    def select(self, name: str, ref: str = "") -> None:
        """Use the headset named ``name`` ("" = automatic); answered with a ``CommandResult``."""

        def apply() -> None:
            self._preferred = name
            self._choose()
            if ref:
                self._emit(ev.CommandResult(ref=ref, ok=True))

        self._inbox.put(apply)

    # ----- the headset-hid thread ----------------------------------------------------------------

    def _run(self) -> None:
        next_scan = 0.0
        try:
            while True:
                now = time.monotonic()
                if now >= next_scan:
                    self._scan()
                    next_scan = now + self._scan_interval_s
                if self._device is not None:
                    self._read_once()
                    wait = 0.0
                else:
                    wait = max(0.0, next_scan - time.monotonic())
                if not self._drain(wait):
                    return
                self._show_lights()
        except Exception:  # a failing USB stack must not take the phone with it
            log.exception("headset thread failed; headset buttons are off until the service restarts")
        finally:
            self._close()

    def _drain(self, wait_s: float) -> bool:
        """Run what other threads queued (waiting up to ``wait_s`` for the first); False on stop."""
        try:
            job = self._inbox.get(timeout=wait_s) if wait_s > 0 else self._inbox.get_nowait()
        except queue.Empty:
            return True
        while True:
            if job is None:
                return False
            job()
            try:
                job = self._inbox.get_nowait()
            except queue.Empty:
                return True

    def _audio(self, event: ev.AudioDevicesChanged) -> None:
        default = [d.name for d in event.devices if d.default_output]
        self._audio_names = tuple(n for n in (event.headset, *([] if event.headset else default)) if n)
        self._choose()

    def _scan(self) -> None:
        try:
            entries = self._backend.enumerate()
        except Exception as exc:  # try again next time; a failed listing is not an unplug
            log.warning("headset: listing HID devices failed: %s", exc)
            return
        groups: dict[tuple[int, int, str, str], list[dict[str, Any]]] = {}
        for entry in entries:
            key = (
                int(entry.get("vendor_id", 0)),
                int(entry.get("product_id", 0)),
                str(entry.get("serial_number", "")),
                str(entry.get("product_string", "")),
            )
            groups.setdefault(key, []).append(entry)
        found: list[_Found] = []
        for key, group in groups.items():
            tel = [e for e in group if int(e.get("usage_page", 0)) == TELEPHONY_PAGE]
            name = key[3] or f"{key[0]:04x}:{key[1]:04x}"
            if tel and key not in self._no_telephony:
                found.append(_Found(key, name, bytes(tel[0]["path"]), True))
            elif tel or any(_matches(name, audio) for audio in self._audio_names):
                found.append(_Found(key, name, bytes(group[0]["path"]), False))  # a headset, no buttons
        self._found = found
        if self._active is not None and all(f.key != self._active.key for f in found):
            self._lost()
        self._choose()

    def _choose(self) -> None:
        usable = [f for f in self._found if f.telephony]
        if self._preferred:
            wanted = next((f for f in usable if f.name == self._preferred), None)
        else:
            wanted = next(
                (f for f in usable if any(_matches(f.name, a) for a in self._audio_names)),
                usable[0] if usable else None,
            )
        if wanted != self._active:
            self._close()
            if wanted is not None:
                self._open(wanted)
        self._announce()

    def _open(self, found: _Found) -> None:
        device = self._backend.device()
        try:
            device.open_path(found.path)
            layout = parse(bytes(device.get_report_descriptor()))
        except (OSError, ValueError, DescriptorError) as exc:
            # Tried again every scan; said once (on Linux: no udev rule giving the user its hidraw node?)
            level = logging.DEBUG if found.key in self._unopened else logging.WARNING
            log.log(level, "headset %s: cannot open it or read its descriptor: %s", found.name, exc)
            self._unopened.add(found.key)
            device.close()
            return
        self._unopened.discard(found.key)
        if not layout.telephony:
            log.info("headset %s has no call buttons (no HID Telephony usage): ignored", found.name)
            device.close()
            self._no_telephony.add(found.key)
            self._found = [
                f if f.key != found.key else _Found(f.key, f.name, f.path, False) for f in self._found
            ]
            self._choose()
            return
        log.info(
            "headset %s: call buttons %s, lights %s", found.name, list(layout.buttons), list(layout.lights)
        )
        self._device, self._active, self._layout = device, found, layout
        self._reader = ButtonReader(layout)
        self._shown = None
        self._show_lights()  # before its first read: the hook state it reports is counted from them

    def _close(self) -> None:
        if self._device is not None:
            try:
                self._device.close()
            except Exception as exc:
                log.debug("headset close: %s", exc)
        self._device = self._active = self._layout = self._reader = None
        self._resync_at = None

    def _lost(self) -> None:
        gone = self._active
        log.warning("headset %s is gone", gone.name if gone else "")
        self._close()
        if gone is not None:
            self._found = [f for f in self._found if f.key != gone.key]
        self._announce(lost=gone.name if gone else "")

    def _announce(self, lost: str = "") -> None:
        devices = tuple(ev.HidHeadset(f.name, f.telephony) for f in self._found)
        active = self._active.name if self._active else ""
        if lost or (devices, active) != self._announced:
            self._announced = (devices, active)
            self._emit(ev.HeadsetsChanged(devices=devices, active=active, lost=lost))

    def _read_once(self) -> None:
        assert self._device is not None and self._reader is not None
        try:
            data = self._device.read(64, READ_TIMEOUT_MS)
        except (OSError, ValueError) as exc:  # hidraw: -1 once the device is unplugged
            log.info("headset read failed (%s): unplugged?", exc)
            self._lost()
            return
        if not data:
            self._check_resync()
            return
        name = self._active.name if self._active else ""
        for press in self._reader.read(data):
            self._emit(ev.HeadsetPressed(button=_BUTTONS[press.button], off_hook=press.off_hook, device=name))
            if press.button is Button.HOOK_SWITCH:
                self._resync_at = time.monotonic() + HOOK_RESYNC_S

    def _check_resync(self) -> None:
        if self._resync_at is None or time.monotonic() < self._resync_at or self._reader is None:
            return
        self._resync_at = None
        hook = self._reader.hook_state
        if hook is not None and self._shown is not None and hook != self._shown.off_hook:
            self._shown = None  # written again below: the headset goes back in step with the calls

    def _show_lights(self) -> None:
        if self._device is None or self._layout is None:
            return
        lights = self._calls.lights()
        if lights == self._shown:
            return
        self._shown = lights
        if self._reader is not None and Light.OFF_HOOK in self._layout.lights:
            self._reader.acknowledge(off_hook=lights.off_hook)
        for report in output_reports(self._layout, lights):
            try:
                self._device.write(report)
            except (OSError, ValueError) as exc:
                log.info("headset write failed (%s): unplugged?", exc)
                self._lost()
                return


def start_headset(
    emit: Callable[[ev.Event], None], preferred: str = "", backend: HidBackend | None = None
) -> HeadsetLink | None:
    """The running headset link, or None when no HID library is there (the phone works without)."""
    backend = backend if backend is not None else load_backend()
    if backend is None:
        return None
    link = HeadsetLink(emit, backend, preferred=preferred)
    link.start()
    return link
