"""``ringdesk demo --console``: a real call into the operator's softphone, narrated in the terminal.

Two telephony services run on loopback: the operator's, supervised exactly as the desktop supervises
it, and a "customer" phone that calls in with the headers a PBX would add (caller identity, CRM id,
queue). The operator's side answers, receives a keypress, holds and resumes, and the customer hangs
up. Everything printed comes from real SIP events. (``ringdesk demo`` shows the same in the window.)
"""

from __future__ import annotations

import argparse
import asyncio
import socket

from app.launch import ringdesk_argv
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.supervisor import TelephonyService


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    """A free loopback port for a demo phone (UDP) or the demo server (TCP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _say(text: str) -> None:
    print(text, flush=True)


def _describe(event: ev.Event) -> str | None:
    match event:
        case ev.EngineStarted(listen=listen):
            return f"  telephony service up, listening on {', '.join(listen)}"
        case ev.IncomingCall():
            extra = ", ".join(f"{k}: {v}" for k, v in event.x_headers)
            who = event.display_name or "unknown caller"
            return f"  RINGING  {who} ({event.number})  {extra}"
        case ev.CallStateChanged(state=state, codec=codec):
            return f"  call is {state.value}" + (f" ({codec})" if codec else "")
        case ev.DtmfReceived(digit=digit, method=method):
            return f"  caller pressed {digit} ({method})"
        case ev.CallEnded(cause=cause, talk_s=talk):
            return f"  call ended: {cause.value.replace('_', ' ')} after {talk:.1f} s of talk"
        case ev.EngineError(message=message):
            return f"  problem: {message}"
    return None


async def run_demo(audio: bool) -> int:
    operator_port, customer_port = free_port(), free_port()
    exe = [
        *ringdesk_argv(),
        "phone",
        "--ipc",
        "--sip-log-level",
        "0",
    ]
    audio_args = [] if audio else ["--no-audio"]
    incoming: asyncio.Queue[ev.IncomingCall] = asyncio.Queue()
    customer_events: asyncio.Queue[ev.Event] = asyncio.Queue()

    def on_operator(event: ev.Event) -> None:
        line = _describe(event)
        if line:
            _say(line)
        if isinstance(event, ev.IncomingCall):
            incoming.put_nowait(event)

    operator = TelephonyService(
        [*exe, "--listen", f"127.0.0.1:{operator_port}", "--local-user", "operator", *audio_args],
        on_event=on_operator,
    )
    customer = TelephonyService(
        [*exe, "--listen", f"127.0.0.1:{customer_port}", "--local-user", "customer", "--no-audio"],
        on_event=customer_events.put_nowait,
    )
    _say("Starting the operator's telephony service...")
    await operator.start()
    await customer.start()
    try:
        _say("A customer calls the operator:")
        dialled = await customer.send(
            cmd.MakeCall(
                target=f"sip:operator@127.0.0.1:{operator_port}",
                headers=(
                    ("P-Asserted-Identity", '"Иван Петров" <sip:+79123456789@pbx.demo>'),
                    ("X-Customer-Id", "42"),
                    ("X-Queue", "sales"),
                ),
            )
        )
        call = await asyncio.wait_for(incoming.get(), 10)
        await asyncio.sleep(1.0)
        _say("The operator answers.")
        await operator.send(cmd.Answer(call_id=call.call_id))
        await asyncio.sleep(1.0)
        await customer.send(cmd.SendDtmf(call_id=dialled.call_id, digits="1"))
        await asyncio.sleep(1.0)
        _say("The operator puts the customer on hold, then resumes.")
        await operator.send(cmd.SetHold(call_id=call.call_id, held=True))
        await asyncio.sleep(1.0)
        await operator.send(cmd.SetHold(call_id=call.call_id, held=False))
        await asyncio.sleep(1.5)
        _say("The customer hangs up.")
        await customer.send(cmd.Hangup(call_id=dialled.call_id))
        await asyncio.sleep(0.5)
    finally:
        await customer.stop()
        await operator.stop()
    _say("Demo finished: every line above came from real SIP signalling on this machine.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ringdesk demo --console", description=__doc__)
    parser.add_argument("--audio", action="store_true", help="play the call on the default sound device")
    args = parser.parse_args(argv)
    return asyncio.run(run_demo(args.audio))
