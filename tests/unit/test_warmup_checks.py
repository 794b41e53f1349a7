"""Issue 15: the desk's warm-up compiles the telephony wire's checkers before the first call, so the
first call's events (ringing, its states, its end) compile nothing on the GUI thread. Run in a fresh
process: in this one, other tests may have decoded events already."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
from app.telephony import events as ev, shapes, wire
from ui.warmup import _telephony_checks

_telephony_checks()
warmed = len(shapes._checks)
call = [
    ev.IncomingCall(call_id="c1", account_id="main", number="+79123456789", display_name="Ivan",
                    remote_uri="sip:+79123456789@pbx", sip_call_id="s1", x_headers=(("X-Queue", "shop"),)),
    ev.CallStateChanged(call_id="c1", state=ev.CallState.ACTIVE),
    ev.CallEnded(call_id="c1", cause=ev.EndCause.REMOTE_HANGUP, code=200, reason="", talk_s=1, total_s=2),
]
for event in call:
    assert wire.decode_event(wire.encode(event)) == event
print(warmed, len(shapes._checks))
"""


def test_after_the_warm_up_a_calls_events_compile_no_checker() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    warmed, after = (int(n) for n in done.stdout.split())
    assert warmed > 20  # every event, and the types inside them
    assert after == warmed


WIRE_SCRIPT = """
from app.wire import engine
assert engine.use_light()
import ui.main  # what the desk has imported when it warms up
from ui.warmup import _wire_checks
from app.wire.light.model import BaseModel


def models():
    todo, found = [BaseModel], []
    while todo:
        for model in todo.pop().__subclasses__():
            found.append(model)
            todo.append(model)
    return found


cold = sum(m.__dict__.get("__light_plan__") is None for m in models())
_wire_checks()
print(cold, sum(m.__dict__.get("__light_plan__") is None for m in models()))
"""


def test_after_the_warm_up_the_wire_models_compile_nothing() -> None:
    """On the light engine (the desk's), each model compiles its checks on first use; the warm-up
    compiles those of every model imported, so the first call's lookup and report compile nothing."""
    done = subprocess.run(
        [sys.executable, "-c", WIRE_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    cold, left = (int(n) for n in done.stdout.split())
    assert cold > 40
    assert left == 0
