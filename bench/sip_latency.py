"""INVITE -> call card and INVITE -> answer, on loopback, 200 calls one after the other.

Why these two: ``incoming_call`` is when the desktop can pop the call card (it includes the JSON pipe the
desktop reads, so it is measured where the line *arrives*), and the 200 OK is when an auto-answering
operator is really connected. Both start at the INVITE's send time in this process, so one clock
(``perf_counter``) measures both.

Calls are paced, never overlapped: each waits for the previous one's ``call_ended`` plus a random pause
of 20-45 ms, so INVITEs land at every phase of the engine's poll cycle (``idle_poll_ms`` 20). Back-to-back
calls would measure queueing, and a fixed rhythm could lock onto the poll period and hide its effect.

Why at least 20 ms between calls: PJSIP recycles a closed socket's ioqueue slot only ~500 ms later
(``PJ_IOQUEUE_KEY_FREE_DELAY``) and the media ioqueue has 64 slots, two per call (RTP, RTCP). Measured
here: 32 calls within half a second abort the phone (``pj_ioqueue_register_sock2: Assertion
!pj_list_empty(&ioqueue->free_list)``, SIGABRT). That is a finding for the engine, not a latency figure.
"""

from __future__ import annotations

import random
import socket
import time
import uuid
from pathlib import Path

from app.telephony import events as ev
from bench.common import BenchResult, free_port, free_ports, percentile
from bench.phone import BenchPhone
from bench.sipcaller import SipCaller

NAME = "sip_latency"
CALLS = 200
WARMUP = 5  # first calls pay for lazy imports and allocations: not what an operator sees all day
TARGET_P95_MS = 10.0
HOST = "127.0.0.1"
PAUSE_MIN_S = 0.020  # see the module docstring: faster than ~30 calls per 0.5 s crashes the phone


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    port = free_port("both")
    rtp_port = free_ports(2, "udp", consecutive=True, align=2)[0]
    args = ["--listen", f"{HOST}:{port}", "--auto-answer", "--no-audio", "--sip-log-level", "0"]
    to_event: list[float] = []
    to_answer: list[float] = []
    failures: list[str] = []
    with BenchPhone(args, log_dir=log_dir, name="latency-phone") as phone, _RtpSink(rtp_port):
        caller = SipCaller(HOST, port, rtp_port)
        try:
            for n in range(WARMUP + CALLS):
                try:
                    event_ms, answer_ms = _one_call(phone, caller)
                except _CallFailed as exc:
                    if phone.exit_code is not None:  # e.g. SIGABRT (-6) from PJSIP: no point going on
                        raise RuntimeError(
                            f"the phone died at call {n} (exit code {phone.exit_code})"
                        ) from None
                    failures.append(f"call {n}: {exc}")
                    if len(failures) > 10:
                        raise RuntimeError("more than 10 calls failed: " + "; ".join(failures)) from None
                    continue
                if n >= WARMUP:
                    to_event.append(event_ms)
                    to_answer.append(answer_ms)
                time.sleep(random.uniform(PAUSE_MIN_S, PAUSE_MIN_S + 0.025))
        finally:
            caller.close()
    for label, values in (("INVITE->incoming_call", to_event), ("INVITE->200 OK", to_answer)):
        p50, p95 = percentile(values, 50), percentile(values, 95)
        result.add(f"{label} p50", round(p50, 2), "ms")
        result.add(f"{label} p95", round(p95, 2), "ms", TARGET_P95_MS)
        result.add(f"{label} max", round(max(values), 2), "ms")
    result.details = {
        "calls": len(to_event),
        "warmup_calls": WARMUP,
        "failed_calls": failures,
        "invite_to_incoming_call_ms": [round(v, 3) for v in to_event],
        "invite_to_200_ms": [round(v, 3) for v in to_answer],
    }
    if failures:
        result.notes.append(f"{len(failures)} call(s) failed: {failures[:3]}")
    return result


class _CallFailed(Exception):
    pass


def _one_call(phone: BenchPhone, caller: SipCaller) -> tuple[float, float]:
    """One call: INVITE, wait for 200 and the event, ACK + BYE, wait until the phone released it."""
    sip_call_id = f"{uuid.uuid4().hex}@bench"
    tag = uuid.uuid4().hex[:10]
    mark = phone.mark()
    sent = caller.invite(sip_call_id, tag)
    ok = caller.wait_final(sip_call_id, "INVITE", timeout=3.0)
    if ok is None or ok.code != 200:
        raise _CallFailed(f"INVITE answered {ok.code if ok else 'nothing'}")
    arrived, incoming = phone.wait_for(
        ev.IncomingCall, lambda e: e.sip_call_id == sip_call_id, after=mark, timeout=3.0
    )
    caller.ack_and_bye(sip_call_id, tag, ok.to)
    bye = caller.wait_final(sip_call_id, "BYE", timeout=3.0)
    if bye is None:
        raise _CallFailed("no answer to BYE")
    phone.wait_for(ev.CallEnded, lambda e: e.call_id == incoming.call_id, after=mark, timeout=3.0)
    return (arrived - sent) * 1000.0, (ok.arrived - sent) * 1000.0


class _RtpSink:
    """Binds the RTP/RTCP ports our SDP offers, so the phone's media meets a socket and not ICMP errors.

    Nothing reads them: the kernel drops what overflows, which costs the phone nothing.
    """

    def __init__(self, port: int) -> None:
        self.socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
        try:
            for offset, sock in enumerate(self.socks):
                sock.bind((HOST, port + offset))
        except OSError:
            self.__exit__()
            raise

    def __enter__(self) -> _RtpSink:
        return self

    def __exit__(self, *exc: object) -> None:
        for sock in self.socks:
            sock.close()
