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


def _samples() -> list[object]:
    """One instance of every command and event, every field given a value other than its default."""
    from app.telephony.config import AudioConfig, EngineConfig, SrtpMode

    account = AccountConfig(
        account_id="a",
        uri="sip:1@h",
        registrars=("sip:h", "sip:g"),
        username="1",
        secret="s",
        transport=Transport.TCP,
        srtp=SrtpMode.MANDATORY,
    )
    assert EngineConfig(audio=AudioConfig(enabled=False))  # (the config's shapes are checked too)
    return [
        cmd.AddAccount(account=account, ref="r1"),
        cmd.MakeCall(target="sip:2@h", headers=(("X-Queue", "shop"), ("P-Asserted-Identity", "<sip:1@h>"))),
        cmd.Reject(call_id="c", code=603),
        cmd.SetHold(call_id="c", held=True),
        cmd.SendDtmf(call_id="c", digits="12#", method=cmd.DtmfMethod.INFO),
        cmd.SelectAudioDevices(headset="USB", ringer="", fallback=None),
        cmd.PlayTestTone(target="ringer"),
        cmd.PlayRecording(path="/r/1.wav", position_s=1.5, speed=2),
        ev.EngineStarted(pid=1, version="2.14", listen=("udp:127.0.0.1:5060",), at=1.0),
        ev.RegistrationChanged(account_id="a", state=ev.RegState.REGISTERED, registrar="sip:h", code=200),
        ev.CallEnded(
            call_id="c", cause=ev.EndCause.REMOTE_HANGUP, code=200, reason="OK", talk_s=3, total_s=4.5
        ),
        ev.CallReplaced(call_id="c", new_call_id="d", reason="refer"),
        ev.AudioDevicesChanged(
            devices=(ev.AudioDevice(name="USB", host_api="ALSA", inputs=1, outputs=2, default_input=True),),
            headset="USB",
            ringer="",
        ),
        ev.HeadsetPressed(button=ev.HeadsetButton.HOOK_SWITCH, off_hook=True, device="Jabra"),
        ev.HeadsetsChanged(devices=(ev.HidHeadset(name="Jabra", telephony=True),), active="Jabra"),
        ev.RecordingChanged(
            call_id="c", state=ev.RecordingState.FINISHED, path="/r", seconds=2.5, pauses=((0.5, 1.0),)
        ),
        ev.SupervisingChanged(call_id="c", state=ev.CallState.ACTIVE, code=403),
        ev.IncomingCall(
            call_id="c",
            account_id="",
            number="1",
            display_name="",
            remote_uri="sip:1@h",
            sip_call_id="x",
            call_info=("<http://x>;answer-after=0",),
            answer_after_s=None,
        ),
    ]


def test_every_sample_survives_a_round_trip_and_is_written_as_pydantic_wrote_it() -> None:
    """The lines are unchanged since the wire stopped using pydantic (issue 15): a desktop and a
    telephony service of different builds still understand each other."""
    import json
    from typing import Annotated, Any

    from pydantic import Field, TypeAdapter

    events = TypeAdapter[Any](Annotated[ev.Event, Field(discriminator="type")])
    commands = TypeAdapter[Any](Annotated[cmd.Command, Field(discriminator="type")])
    for message in _samples():
        is_event = type(message).__module__ == ev.__name__
        line = wire.encode(message)  # type: ignore[arg-type]
        adapter = events if is_event else commands
        assert json.loads(line) == adapter.dump_python(message, mode="json")
        decoded = wire.decode_event(line) if is_event else wire.decode_command(line)
        assert decoded == message
        assert decoded == adapter.validate_json(line)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"type": "hold", "call_id": "c", "held": 1}', "held: true or false is expected"),
        (b'{"type": "reject", "call_id": "c", "code": true}', "code: an integer is expected"),
        (b'{"type": "make_call", "target": "t", "headers": [["a"]]}', "headers.0: a list of 2"),
        (b'{"type": "dtmf", "call_id": "c", "digits": "1", "method": "smoke"}', "method: does not match"),
        (b'{"type": "test_tone", "target": "speaker"}', "target: 'headset' or 'ringer' is expected"),
        (b'{"type": "add_account", "account": {"account_id": "a"}}', "account.uri: Field required"),
        (b'{"type": 5}', "does not match any of"),
    ],
)
def test_values_of_another_type_are_refused_with_their_field(line: bytes, message: str) -> None:
    with pytest.raises(wire.WireError, match=message):
        wire.decode_command(line)


def test_fields_a_newer_peer_adds_are_ignored() -> None:
    line = b'{"type": "answer", "call_id": "c", "video": true}'
    assert wire.decode_command(line) == cmd.Answer(call_id="c")
