"""Warm what the first call needs while the desk idles, so the first screen pop is as fast as the
hundredth (issue 15: the first call after start popped in 133-586 ms, the steady state in 20-31 ms).

Profiled, the first pop's extra time was the call card's pages (imported and built on first use, to keep
the idle desktop small: issue 5) with the editors of the contact's fields (~50 ms), and the
phone-number metadata read on the first lookup; then, smaller, the telephony wire's checkers of
the call's events (compiled from the dataclasses' type hints on first use: ~1.5 ms of the first pop)
and the wire models' checks (the light engine's, compiled on first use: ~1 ms a model).
All are done here right after the window is shown:

* the imports, off the GUI thread (a worker thread: importing is pure Python, no widget is touched);
* the widgets, on the GUI thread (Qt requires it), in one short slice once the imports are in, when the
  event loop has nothing else to do.

The operator needs seconds to go ready after the window appears; this takes tens of milliseconds. A call
that comes in before it ends is served as before (the card builds its pages itself): nothing waits on it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import logging
import typing

from app.wire.contacts import FieldSchema
from ui.main_window import MainWindow

log = logging.getLogger(__name__)

MODULES = ("ui.card.contact_page", "ui.card.new_contact", "phonenumbers", "tenacity")
"""Imported off the GUI thread: the card's pages, the phone-number library and the sync pump's retrying
(both left out of the start: ``app.phones``, ``app.sync.pump``)."""


def _in_worker() -> None:
    """The imports, and the phone-number metadata of the desk's region (read on first use)."""
    for name in MODULES:
        importlib.import_module(name)
    from app import phones

    phones.lookup_keys("+7 912 345-67-89")
    phones.format_for_display("+79123456789")
    _telephony_checks()
    _wire_checks()


def _telephony_checks() -> None:
    """Compile the wire's checker of every telephony event and of the types inside them (what the
    first incoming call's events would otherwise compile on the GUI thread). Safe beside the GUI
    thread's own decoding: a checker compiled twice is the same checker."""
    from app.telephony.events import Event
    from app.telephony.shapes import check_for

    seen: set[object] = set()
    todo: list[object] = list(typing.get_args(Event))
    while todo:
        tp = todo.pop()
        if tp in seen:
            continue
        seen.add(tp)
        try:
            check_for(tp)
        except TypeError:  # a ``Literal``'s value, not a type
            continue
        if dataclasses.is_dataclass(tp):
            todo.extend(typing.get_type_hints(tp).values())
        else:
            todo.extend(typing.get_args(tp))


def _wire_checks() -> None:
    """Compile the checks of every wire model the desk has imported (the light engine compiles a
    model's on its first use: ~1 ms each, ~45 ms for all, which the first call's lookup, report and
    disposition would otherwise pay on the GUI thread). Nothing to do on pydantic, which built them
    at import. Safe beside the GUI thread: a plan compiled twice is the same plan."""
    from app.wire import engine

    if not engine.light():
        return
    from app.wire.light.model import BaseModel

    todo: list[type[BaseModel]] = [BaseModel]
    while todo:
        for model in todo.pop().__subclasses__():
            model._light_plan()
            todo.append(model)


async def warm_first_call(window: MainWindow, schema: list[FieldSchema]) -> None:
    """Do the first call's one-off work now (see the module docstring). Never raises: a warm-up that
    fails only leaves the first call as slow as it was."""
    try:
        await asyncio.to_thread(_in_worker)
        await asyncio.sleep(0)  # let what queued meanwhile (painting, the phone's events) run first
        window.card.contact_page.prepare(schema)  # both call pages, and the editors of the fields
    except Exception:
        log.exception("warming up for the first call failed (the first call builds what it needs)")
