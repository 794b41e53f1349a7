"""A minimal SIP caller over UDP: INVITE with SDP, ACK, BYE, and the times the answers arrived.

Why our own rather than sipp: sipp reports response times per scenario step but not per Call-ID, so its
figures cannot be paired with the phone's ``incoming_call`` events; here the send time, the 200 OK and
the event are all stamped with one ``time.perf_counter()`` in one process. Loopback UDP loses nothing,
so there are no retransmissions: a call that gets no answer within the timeout counts as failed.
"""

from __future__ import annotations

import socket
import time
import uuid
from dataclasses import dataclass

_COMPACT = {"i": "call-id", "t": "to", "f": "from", "m": "contact", "v": "via", "l": "content-length"}


@dataclass(frozen=True)
class Response:
    """A SIP response as far as a caller needs it."""

    code: int
    call_id: str
    cseq_method: str
    to: str
    arrived: float


def parse_response(data: bytes, arrived: float) -> Response | None:
    """The status and dialog headers of a response; None for requests and garbage."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").split("\r\n")
    parts = head[0].split(" ", 2)
    if len(parts) < 2 or parts[0] != "SIP/2.0" or not parts[1].isdigit():
        return None
    headers: dict[str, str] = {}
    for line in head[1:]:
        name, sep, value = line.partition(":")
        if sep:
            key = name.strip().lower()
            headers.setdefault(_COMPACT.get(key, key), value.strip())
    cseq = headers.get("cseq", "").split()
    return Response(
        int(parts[1]), headers.get("call-id", ""), cseq[-1] if cseq else "", headers.get("to", ""), arrived
    )


class SipCaller:
    """Places one call at a time to ``sip:user@host:port`` from a UDP socket of its own."""

    def __init__(self, host: str, port: int, rtp_port: int, user: str = "ringdesk") -> None:
        self.target = (host, port)
        self.ruri = f"sip:{user}@{host}:{port}"
        self.rtp_port = rtp_port
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.local = f"{host}:{self.sock.getsockname()[1]}"

    def close(self) -> None:
        self.sock.close()

    def invite(self, call_id: str, tag: str) -> float:
        """Send the INVITE; returns the perf_counter time taken right before the send."""
        host = self.target[0]
        sdp = (
            f"v=0\r\no=bench 1 1 IN IP4 {host}\r\ns=-\r\nc=IN IP4 {host}\r\nt=0 0\r\n"
            f"m=audio {self.rtp_port} RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n"
        )
        msg = self._request("INVITE", call_id, tag, f"<{self.ruri}>", cseq=1, body=sdp)
        sent = time.perf_counter()
        self.sock.sendto(msg, self.target)
        return sent

    def ack_and_bye(self, call_id: str, tag: str, to: str) -> None:
        """Confirm the answered call and hang it up at once (``to`` carries the phone's tag)."""
        self.sock.sendto(self._request("ACK", call_id, tag, to, cseq=1), self.target)
        self.sock.sendto(self._request("BYE", call_id, tag, to, cseq=2), self.target)

    def wait_final(self, call_id: str, method: str, timeout: float) -> Response | None:
        """The first final (>= 200) response to ``method`` of this call, stamped on arrival."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65535)
            except TimeoutError:
                return None
            response = parse_response(data, time.perf_counter())
            if (
                response is not None
                and response.call_id == call_id
                and response.cseq_method == method
                and response.code >= 200
            ):
                return response
        return None

    def _request(self, method: str, call_id: str, tag: str, to: str, *, cseq: int, body: str = "") -> bytes:
        lines = [
            f"{method} {self.ruri} SIP/2.0",
            f"Via: SIP/2.0/UDP {self.local};branch=z9hG4bK{uuid.uuid4().hex[:16]};rport",
            "Max-Forwards: 70",
            f'From: "Bench" <sip:bench@{self.local}>;tag={tag}',
            f"To: {to}",
            f"Call-ID: {call_id}",
            f"CSeq: {cseq} {method}",
            f"Contact: <sip:bench@{self.local}>",
            "User-Agent: ringdesk-bench",
        ]
        if body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(body.encode())}")
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()
