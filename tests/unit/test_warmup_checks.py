"""Issue 15: the desk's warm-up compiles the telephony wire's checkers before the first call, so the
first call's events (ringing, its states, its end) compile nothing on the GUI thread. Run in a fresh
process: in this one, other tests may have decoded events already."""

from __future__ import annotations

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
