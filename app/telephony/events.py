"""Events the telephony service emits: what happened on the phone, as plain immutable values.

Every event carries ``at`` (the service's wall-clock time, seconds since the epoch) so the desktop can
order and time what it shows even when it reads the channel late.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


def _now() -> float:
    return time.time()


class RegState(StrEnum):
    """Registration health of one account, as the operator's routability depends on it."""

    REGISTERING = "registering"
    REGISTERED = "registered"
    FAILED = "failed"
    UNREGISTERED = "unregistered"


class CallState(StrEnum):
    """Phone-level state of a call (not the operator's status)."""

    RINGING = "ringing"  # incoming, not answered yet
    CALLING = "calling"  # outgoing, INVITE sent
    EARLY = "early"  # outgoing, provisional answer received (18x)
    CONNECTING = "connecting"  # answered, waiting for ACK
    ACTIVE = "active"
    HELD = "held"  # we put the remote party on hold
    ENDED = "ended"


class EndCause(StrEnum):
    """Why a call ended, in the operator's terms."""

    LOCAL_HANGUP = "local_hangup"
    REMOTE_HANGUP = "remote_hangup"
    REJECTED = "rejected"  # we declined an incoming call
    DECLINED = "declined"  # the remote side refused our call (4xx/6xx)
    CANCELLED = "cancelled"  # caller gave up before we answered
    TRANSFERRED = "transferred"
    FAILED = "failed"  # transport or protocol failure
    SHUTDOWN = "shutdown"


@dataclass(frozen=True)
class AudioDevice:
    """A PortAudio device as the operator picks it (by name: indexes change on hot-plug)."""

    name: str
    host_api: str
    inputs: int
    outputs: int
    default_input: bool = False
    default_output: bool = False


@dataclass(frozen=True)
class EngineStarted:
    """The service is up; ``listen`` lists its local SIP addresses such as ``udp:127.0.0.1:5070``."""

    pid: int
    version: str
    listen: tuple[str, ...]
    at: float = field(default_factory=_now)
    type: Literal["engine_started"] = "engine_started"


@dataclass(frozen=True)
class EngineStopped:
    """The service released every SIP object and is about to exit."""

    reason: str
    at: float = field(default_factory=_now)
    type: Literal["engine_stopped"] = "engine_stopped"


@dataclass(frozen=True)
class RegistrationChanged:
    """An account's registration changed; ``code``/``reason`` say why (401, 403, ``timeout``...)."""

    account_id: str
    state: RegState
    registrar: str
    code: int = 0
    reason: str = ""
    expires_s: int = 0
    at: float = field(default_factory=_now)
    type: Literal["registration"] = "registration"


@dataclass(frozen=True)
class IncomingCall:
    """A call is ringing. Headers are copied from the INVITE as received (text, never markup)."""

    call_id: str
    account_id: str
    number: str
    display_name: str
    remote_uri: str
    sip_call_id: str
    p_asserted_identity: str = ""
    call_info: tuple[str, ...] = ()
    x_headers: tuple[tuple[str, str], ...] = ()
    answer_after_s: float | None = None
    at: float = field(default_factory=_now)
    type: Literal["incoming_call"] = "incoming_call"


@dataclass(frozen=True)
class CallStateChanged:
    """A call moved to a new phone state."""

    call_id: str
    state: CallState
    code: int = 0
    reason: str = ""
    codec: str = ""
    srtp: bool = False
    at: float = field(default_factory=_now)
    type: Literal["call_state"] = "call_state"


@dataclass(frozen=True)
class CallEnded:
    """A call is over and its SIP objects are released. ``talk_s`` counts from answer to end."""

    call_id: str
    cause: EndCause
    code: int
    reason: str
    talk_s: float
    total_s: float
    at: float = field(default_factory=_now)
    type: Literal["call_ended"] = "call_ended"


@dataclass(frozen=True)
class DtmfReceived:
    """The remote party pressed a key."""

    call_id: str
    digit: str
    method: str
    at: float = field(default_factory=_now)
    type: Literal["dtmf_received"] = "dtmf_received"


@dataclass(frozen=True)
class TransferProgress:
    """Progress of a transfer we started (from the NOTIFYs of the REFER)."""

    call_id: str
    code: int
    reason: str
    final: bool
    at: float = field(default_factory=_now)
    type: Literal["transfer"] = "transfer"


@dataclass(frozen=True)
class CallReplaced:
    """The remote side moved this conversation to a new call: it transferred us (``refer``: we now
    call ``remote_uri``) or an attended transfer replaced our call with one from another party
    (``replaces``). The old call ends on its own; the conversation goes on as ``new_call_id``."""

    call_id: str
    new_call_id: str
    reason: Literal["refer", "replaces"]
    remote_uri: str = ""
    at: float = field(default_factory=_now)
    type: Literal["call_replaced"] = "call_replaced"


@dataclass(frozen=True)
class AudioDevicesChanged:
    """The list of sound devices, after start-up or a re-scan (hot-plug)."""

    devices: tuple[AudioDevice, ...]
    headset: str
    ringer: str
    at: float = field(default_factory=_now)
    type: Literal["audio_devices"] = "audio_devices"


@dataclass(frozen=True)
class AudioRouteChanged:
    """The headset's sound device was lost (unplugged) or came back, and where the call's sound goes
    now: ``device`` names the device playing it ("" when nothing does: the silent fallback); ``back``
    is True when it is the headset again. The calls are not touched."""

    headset: str
    device: str
    back: bool = False
    at: float = field(default_factory=_now)
    type: Literal["audio_route"] = "audio_route"


@dataclass(frozen=True)
class AudioStats:
    """Health of the headset bridge: frames moved and the times audio ran short or overflowed."""

    frames_played: int
    frames_captured: int
    underruns: int
    overruns: int
    max_callback_gap_ms: float
    muted: bool
    device_open: bool
    at: float = field(default_factory=_now)
    type: Literal["audio_stats"] = "audio_stats"


@dataclass(frozen=True)
class EngineStats:
    """Live SIP objects held by the engine: after every call ends, ``calls`` is back to zero."""

    accounts: int
    calls: int
    pj_calls: int
    at: float = field(default_factory=_now)
    type: Literal["engine_stats"] = "engine_stats"


class HeadsetButton(StrEnum):
    """A headset's call button (USB HID Telephony page)."""

    HOOK_SWITCH = "hook_switch"  # answer / hang up
    FLASH = "flash"  # hold, or swap to the call waiting
    REDIAL = "redial"
    MUTE = "mute"


@dataclass(frozen=True)
class HeadsetPressed:
    """The operator pressed a call button on the headset. ``off_hook`` is the hook switch's new state
    when the headset reports one (None: a toggle, or another button). The desktop decides what it means
    for the calls it has, as for a key press."""

    button: HeadsetButton
    off_hook: bool | None = None
    device: str = ""
    at: float = field(default_factory=_now)
    type: Literal["headset_pressed"] = "headset_pressed"


@dataclass(frozen=True)
class HidHeadset:
    """A USB headset seen on the HID bus; ``telephony``: whether it has call buttons we can use."""

    name: str
    telephony: bool


@dataclass(frozen=True)
class HeadsetsChanged:
    """The USB headsets plugged in changed, or the one whose buttons and lights are used (``active``,
    empty when none). ``lost`` names the headset in use that was just unplugged (the calls go on)."""

    devices: tuple[HidHeadset, ...]
    active: str = ""
    lost: str = ""
    at: float = field(default_factory=_now)
    type: Literal["headsets"] = "headsets"


@dataclass(frozen=True)
class CommandResult:
    """The answer to one command, matched by ``ref``; ``call_id`` is set when a command created a call."""

    ref: str
    ok: bool
    error: str = ""
    call_id: str = ""
    at: float = field(default_factory=_now)
    type: Literal["result"] = "result"


class RecordingState(StrEnum):
    RECORDING = "recording"
    PAUSED = "paused"
    FINISHED = "finished"
    FAILED = "failed"


@dataclass(frozen=True)
class RecordingChanged:
    """A call's recording started, paused, resumed, finished (the file is complete) or failed.

    ``pauses`` are (start, end) seconds from the start of the file; ``sha256`` and ``size`` describe the
    finished file, which the desktop then uploads.
    """

    call_id: str
    state: RecordingState
    path: str
    seconds: float = 0.0
    size: int = 0
    sha256: str = ""
    pauses: tuple[tuple[float, float], ...] = ()
    error: str = ""
    at: float = field(default_factory=_now)
    type: Literal["recording"] = "recording"


@dataclass(frozen=True)
class SupervisionChanged:
    """The operator's service: a team lead started, switched or ended supervising ``call_id`` (the
    operator's call). ``mode`` is ``listen``, ``whisper`` or ``barge``; ``active`` False when it ended.
    Not sent for listen mode while the centre hides it (``SetSupervision.hide_listen``)."""

    call_id: str
    lead: str
    mode: str
    active: bool = True
    at: float = field(default_factory=_now)
    type: Literal["supervision"] = "supervision"


@dataclass(frozen=True)
class SupervisingChanged:
    """The lead's service: its supervision call ``call_id`` (``Supervise``) is calling, active or
    ended (``code`` 403: the operator's service refused the grant)."""

    call_id: str
    state: CallState
    code: int = 0
    reason: str = ""
    at: float = field(default_factory=_now)
    type: Literal["supervising"] = "supervising"


@dataclass(frozen=True)
class SupervisionRefused:
    """The operator's service refused a supervision call (a bad, expired, replayed or foreign grant):
    for the log; the operator's call is untouched."""

    reason: str
    lead: str = ""
    at: float = field(default_factory=_now)
    type: Literal["supervision_refused"] = "supervision_refused"


@dataclass(frozen=True)
class EngineError:
    """Something went wrong that no command asked about: bad SIP input, an audio device lost..."""

    message: str
    where: str = ""
    at: float = field(default_factory=_now)
    type: Literal["error"] = "error"


Event = (
    EngineStarted
    | EngineStopped
    | RegistrationChanged
    | IncomingCall
    | CallStateChanged
    | CallEnded
    | DtmfReceived
    | TransferProgress
    | CallReplaced
    | AudioDevicesChanged
    | AudioRouteChanged
    | AudioStats
    | EngineStats
    | HeadsetPressed
    | HeadsetsChanged
    | CommandResult
    | RecordingChanged
    | SupervisionChanged
    | SupervisingChanged
    | SupervisionRefused
    | EngineError
)
