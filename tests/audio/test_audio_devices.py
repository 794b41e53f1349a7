"""Device choice by name (PortAudio and PulseAudio), PulseAudio routing, and the stream callbacks, with a
fake sounddevice module: no sound server needed."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import pytest

from sip.audio import devices as dv
from sip.audio.streams import FRAME_BYTES, HeadsetIO, HeadsetStream
from sip.audio.tones import ToneCursor

PA_DEVS: list[dict[str, Any]] = [
    {"index": 0, "name": "HDA Intel PCH: ALC3246 Analog (hw:0,0)", "host_api": "ALSA",
     "max_input_channels": 2, "max_output_channels": 2},
    {"index": 1, "name": "pulse", "host_api": "ALSA", "max_input_channels": 32, "max_output_channels": 32},
    {"index": 2, "name": "default", "host_api": "ALSA", "max_input_channels": 32, "max_output_channels": 32},
]  # fmt: skip
PULSE = dv.PulseInventory(
    sinks=(("alsa_output.usb-Jabra_Evolve_20-00.analog-stereo", 2), ("alsa_output.pci.analog-stereo", 2)),
    sources=(("alsa_input.usb-Jabra_Evolve_20-00.mono-fallback", 1),),
    default_sink="alsa_output.pci.analog-stereo",
    default_source="alsa_input.usb-Jabra_Evolve_20-00.mono-fallback",
)


def test_pactl_short_lists_are_parsed_without_monitors() -> None:
    text = (
        "0\theadset\tmodule-null-sink.c\ts16le 2ch 44100Hz\tIDLE\n"
        "0\theadset.monitor\tmodule-null-sink.c\ts16le 2ch 44100Hz\tIDLE\n"
        "1\tmic\tmodule-sine-source.c\tfloat32le 1ch 44100Hz\tRUNNING\n"
    )
    assert dv._parse_short(text, skip_monitors=True) == (("headset", 2), ("mic", 1))


def test_substring_of_a_pulse_sink_routes_through_portaudio_pulse_device() -> None:
    out = dv.resolve("jabra", "output", PA_DEVS, PULSE)
    assert out == dv.Route(1, pulse_name="alsa_output.usb-Jabra_Evolve_20-00.analog-stereo",
                           label="alsa_output.usb-Jabra_Evolve_20-00.analog-stereo")  # fmt: skip
    mic = dv.resolve("Jabra", "input", PA_DEVS, PULSE)
    assert mic.pulse_name == "alsa_input.usb-Jabra_Evolve_20-00.mono-fallback" and mic.found


def test_exact_portaudio_name_wins_then_portaudio_substring() -> None:
    assert dv.resolve("default", "output", PA_DEVS, PULSE) == dv.Route(2, label="default")
    assert dv.resolve("ALC3246", "output", PA_DEVS, PULSE).device == 0


def test_empty_name_means_the_servers_default_named_explicitly() -> None:
    out = dv.resolve("", "output", PA_DEVS, PULSE)
    assert out.pulse_name == "alsa_output.pci.analog-stereo" and out.found
    assert dv.resolve("", "output", PA_DEVS, dv.PulseInventory()) == dv.Route(None)


def test_unknown_name_falls_back_to_the_default_and_says_so() -> None:
    out = dv.resolve("nonexistent", "output", PA_DEVS, PULSE)
    assert not out.found
    assert out.pulse_name == "alsa_output.pci.analog-stereo"


def test_describe_lists_portaudio_then_pulse_devices_with_defaults() -> None:
    class FakeSd:
        class default:  # noqa: N801
            device = (2, 2)

    listed = dv.describe(FakeSd, PA_DEVS, PULSE)
    names = [d.name for d in listed]
    assert names[:3] == ["HDA Intel PCH: ALC3246 Analog (hw:0,0)", "pulse", "default"]
    by_name = {d.name: d for d in listed}
    assert by_name["default"].default_output
    assert by_name["alsa_output.pci.analog-stereo"].default_output
    assert by_name["alsa_output.pci.analog-stereo"].host_api == dv.PULSE_HOST_API
    assert by_name["alsa_input.usb-Jabra_Evolve_20-00.mono-fallback"].inputs == 1


def test_pulse_routing_sets_and_restores_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULSE_SOURCE", "theirs")
    monkeypatch.delenv("PULSE_SINK", raising=False)
    with dv.pulse_routing(sink="mine", source="mic"):
        assert os.environ["PULSE_SINK"] == "mine"
        assert os.environ["PULSE_SOURCE"] == "mic"
    assert "PULSE_SINK" not in os.environ
    assert os.environ["PULSE_SOURCE"] == "theirs"


class _Status:
    def __init__(self, underflow: bool = False, overflow: bool = False) -> None:
        self.output_underflow = underflow
        self.input_overflow = overflow

    def __bool__(self) -> bool:
        return self.output_underflow or self.input_overflow


class FakeStream:
    """Stands in for sounddevice's RawOutputStream / RawInputStream and remembers how it was opened."""

    opened: ClassVar[list[FakeStream]] = []
    kind = ""
    fail_open = False

    def __init__(self, **kwargs: Any) -> None:
        if self.fail_open:
            raise RuntimeError(f"cannot open {self.kind}")
        self.kwargs = kwargs
        self.env_sink = os.environ.get("PULSE_SINK")
        self.env_source = os.environ.get("PULSE_SOURCE")
        self.active = False
        self.closed = False
        FakeStream.opened.append(self)

    def start(self) -> None:
        self.active = True

    def close(self, ignore_errors: bool = True) -> None:
        self.active = False
        self.closed = True


class FakeOutput(FakeStream):
    kind = "output"


class FakeInput(FakeStream):
    kind = "input"


class FakeSounddevice:
    """The part of the sounddevice module the streams use. No ``RawStream``: a duplex stream spins a CPU
    core on ALSA's ``pulse`` device (see test_audio_cpu.py), so opening one must fail here."""

    RawOutputStream = FakeOutput
    RawInputStream = FakeInput


def _open_headset(io: HeadsetIO) -> tuple[HeadsetStream, FakeStream, FakeStream]:
    FakeStream.opened.clear()
    route = dv.Route(1, pulse_name="headset", label="headset")
    stream = HeadsetStream(FakeSounddevice, io, dv.Route(1, pulse_name="mic"), route, 60)
    out, mic = FakeStream.opened
    assert (out.kind, mic.kind) == ("output", "input")  # one stream per direction
    return stream, out, mic


def test_headset_opens_one_routed_stream_per_direction_and_closes_both() -> None:
    io = HeadsetIO.for_buffer(60)
    stream, out, mic = _open_headset(io)
    for fake in (out, mic):
        assert (fake.env_sink, fake.env_source) == ("headset", "mic")  # routed while opening
        assert fake.kwargs["samplerate"] == 16000 and fake.kwargs["blocksize"] == 320
        assert fake.kwargs["channels"] == 1 and fake.kwargs["dtype"] == "int16"
        assert fake.kwargs["latency"] == 0.06
        assert fake.active
    assert stream.active
    mic.active = False  # PortAudio stopped one direction by itself: the headset counts as lost
    assert not stream.active
    stream.close()
    assert out.closed and mic.closed
    stream.close()  # twice is harmless


def test_headset_without_microphone_opens_output_only() -> None:
    FakeStream.opened.clear()
    stream = HeadsetStream(FakeSounddevice, HeadsetIO.for_buffer(60), None, dv.Route(None), 60)
    assert [f.kind for f in FakeStream.opened] == ["output"]
    assert stream.active


def test_microphone_that_fails_to_open_releases_the_output_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeStream.opened.clear()
    monkeypatch.setattr(FakeInput, "fail_open", True)
    with pytest.raises(RuntimeError, match="cannot open input"):
        HeadsetStream(FakeSounddevice, HeadsetIO.for_buffer(60), dv.Route(1), dv.Route(1), 60)
    (out,) = FakeStream.opened
    assert out.closed  # the router's next attempt (e.g. without microphone) starts clean


def test_headset_callbacks_move_audio_only_while_connected_and_mix_the_beep() -> None:
    io = HeadsetIO.for_buffer(60)
    stream, out_fake, mic_fake = _open_headset(io)
    play, record = out_fake.kwargs["callback"], mic_fake.kwargs["callback"]
    mic_block = b"\x05\x00" * 320
    out = bytearray(FRAME_BYTES)

    record(mic_block, 320, None, _Status())
    play(out, 320, None, _Status())
    assert bytes(out) == bytes(FRAME_BYTES) and len(io.from_mic) == 0  # idle: silence, mic dropped

    io.active = True
    for _ in range(2):
        io.to_headset.write(b"\x10\x00" * 320)
    record(mic_block, 320, None, _Status())
    play(out, 320, None, _Status())
    assert bytes(out) == b"\x10\x00" * 320
    assert io.from_mic.read(FRAME_BYTES) == mic_block

    record(mic_block, 320, None, _Status(overflow=True))
    assert io.device_overflows == 1
    io.beep = ToneCursor(b"\x01\x00" * 320)
    play(out, 320, None, _Status(underflow=True))
    assert bytes(out) == b"\x11\x00" * 320  # call audio + beep
    assert io.device_underflows == 1
    play(out, 320, None, _Status())
    assert io.beep is None  # one-shot finished
    assert io.to_headset.underruns == 1  # the call audio ran dry
    assert (io.device_blocks, io.mic_blocks) == (4, 3)
    stream.close()
    assert not stream.active


class FakePortAudio(FakeSounddevice):
    """sounddevice without PulseAudio (Windows, plain ALSA): a device list that changes only when
    PortAudio is re-initialised, as the real one."""

    plugged: ClassVar[list[str]] = []
    listed: ClassVar[list[str]] = []
    default = type("Default", (), {"device": (0, 0)})()

    @classmethod
    def query_devices(cls) -> list[dict[str, Any]]:
        return [
            {"name": n, "hostapi": 0, "max_input_channels": 1, "max_output_channels": 2} for n in cls.listed
        ]

    @staticmethod
    def query_hostapis(index: int) -> dict[str, str]:
        return {"name": "Windows WASAPI"}

    @classmethod
    def _terminate(cls) -> None:
        cls.listed = []

    @classmethod
    def _initialize(cls) -> None:
        cls.listed = list(cls.plugged)


@pytest.mark.parametrize(
    ("fallback", "while_lost"),
    [("Speakers", "Speakers (Realtek)"), ("default", "default"), ("silent", "")],
)
def test_a_headset_lost_without_pulseaudio_goes_to_the_fallback_and_back_when_plugged_again(
    monkeypatch: pytest.MonkeyPatch, fallback: str, while_lost: str
) -> None:
    from app.telephony.events import AudioRouteChanged
    from sip.audio import router as rt

    monkeypatch.setattr(dv, "scan_pulse", dv.PulseInventory)  # no PulseAudio server
    monkeypatch.setattr(dv.PulseEvents, "start", lambda self: False)
    monkeypatch.setattr(rt, "WATCH_INTERVAL_S", 0.0)
    monkeypatch.setattr(rt, "LOOK_AGAIN_S", 0.0)
    monkeypatch.setattr(rt, "LOOK_AGAIN_PLAYING_S", 0.0)
    FakePortAudio.plugged = ["Speakers (Realtek)", "Jabra EVOLVE 30"]  # index 0: the system default
    FakePortAudio._initialize()
    routes: list[AudioRouteChanged] = []
    router = rt.Router(HeadsetIO.for_buffer(60), 60, b"", lambda m: None, routes.append)
    router.sd = FakePortAudio  # type: ignore[assignment]
    router.want_headset, router.fallback = "Jabra", fallback
    router.open()
    assert router.headset is not None and router.headset.out.label == "Jabra EVOLVE 30"

    FakePortAudio.plugged = ["Speakers (Realtek)"]  # unplugged: PortAudio stops its streams
    for stream in router.headset.streams:
        stream.active = False
    router.watch()
    # "default": PortAudio's default device, which the status bar words as the computer's default
    assert [(r.headset, r.device, r.back) for r in routes] == [("Jabra EVOLVE 30", while_lost, False)]
    assert (router.headset.out.label if router.headset else "") == while_lost
    assert router.io.device_open is bool(while_lost)
    router.watch()  # looked again: still missing, nothing new said
    assert len(routes) == 1

    FakePortAudio.plugged = ["Speakers (Realtek)", "Jabra EVOLVE 30"]
    router.watch()
    assert [(r.device, r.back) for r in routes[1:]] == [("Jabra EVOLVE 30", True)]
    assert router.headset is not None and router.headset.out.label == "Jabra EVOLVE 30"
    assert router.lost is None
