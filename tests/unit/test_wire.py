"""The IPC format: every command and event survives a round trip; garbage becomes a clear error."""

from __future__ import annotations

import pytest

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony import wire
from app.telephony.config import AccountConfig, Transport


def test_round_trip_keeps_unicode_headers_and_enums() -> None:
    event = ev.IncomingCall(
        call_id="c1",
        account_id="main",
        number="+79123456789",
        display_name="Иван <b>Петров</b>",
        remote_uri="sip:1@h",
        sip_call_id="x",
        x_headers=(("X-Customer-Id", "42"),),
        answer_after_s=0.0,
    )
    line = wire.encode(event)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert wire.decode_event(line) == event


def test_account_secret_travels_but_never_shows_in_repr() -> None:
    account = AccountConfig(
        account_id="a",
        uri="sip:1@h",
        registrars=("sip:h",),
        username="1",
        secret="s3cret",
        transport=Transport.TLS,
    )
    command = cmd.AddAccount(account=account, ref="1")
    assert wire.decode_command(wire.encode(command)) == command
    assert "s3cret" not in repr(command)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{", "not JSON"),
        (b"[1]", "JSON object"),
        (b'{"type": "dial"}', "does not match"),
        (b'{"type": "answer"}', "call_id: Field required"),
        (b'{"type": "reject", "call_id": "c", "code": "busy"}', "code"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_malformed_commands_are_rejected_with_a_reason(line: bytes, message: str) -> None:
    with pytest.raises(wire.WireError, match=message):
        wire.decode_command(line)


def test_oversized_line_is_refused() -> None:
    with pytest.raises(wire.WireError, match="longer than"):
        wire.decode_command(b"{" + b" " * wire.MAX_LINE_BYTES + b"}")
