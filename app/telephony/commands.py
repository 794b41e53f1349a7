"""Commands the desktop sends to the telephony service.

Each carries a ``ref`` chosen by the sender; the service answers every command with exactly one
:class:`app.telephony.events.CommandResult` with the same ``ref``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.telephony.config import AccountConfig, DtmfMethod


@dataclass(frozen=True)
class AddAccount:
    """Create (or replace) a SIP account and start registering it."""

    account: AccountConfig
    ref: str = ""
    type: Literal["add_account"] = "add_account"


@dataclass(frozen=True)
class RemoveAccount:
    """Unregister and release an account."""

    account_id: str
    ref: str = ""
    type: Literal["remove_account"] = "remove_account"


@dataclass(frozen=True)
class MakeCall:
    """Dial ``target`` (a SIP URI, or a number completed with the account's domain)."""

    target: str
    account_id: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    ref: str = ""
    type: Literal["make_call"] = "make_call"


@dataclass(frozen=True)
class Answer:
    """Answer a ringing call."""

    call_id: str
    ref: str = ""
    type: Literal["answer"] = "answer"


@dataclass(frozen=True)
class Reject:
    """Decline a ringing call: 486 Busy Here (this operator is busy) or 603 Decline."""

    call_id: str
    code: int = 486
    ref: str = ""
    type: Literal["reject"] = "reject"


@dataclass(frozen=True)
class Hangup:
    """End a call in any state."""

    call_id: str
    ref: str = ""
    type: Literal["hangup"] = "hangup"


@dataclass(frozen=True)
class SetHold:
    """Put a call on hold (``held=True``) or take it off hold."""

    call_id: str
    held: bool
    ref: str = ""
    type: Literal["hold"] = "hold"


@dataclass(frozen=True)
class SetMute:
    """Mute or unmute the operator's microphone at the audio bridge."""

    muted: bool
    ref: str = ""
    type: Literal["mute"] = "mute"


@dataclass(frozen=True)
class SendDtmf:
    """Send keypad digits (0-9, *, #, A-D) on a call."""

    call_id: str
    digits: str
    method: DtmfMethod | None = None
    ref: str = ""
    type: Literal["dtmf"] = "dtmf"


@dataclass(frozen=True)
class BlindTransfer:
    """Transfer a call to ``target`` with REFER and drop it once the transfer succeeds."""

    call_id: str
    target: str
    ref: str = ""
    type: Literal["blind_transfer"] = "blind_transfer"


@dataclass(frozen=True)
class AttendedTransfer:
    """Join the remote party of ``call_id`` to the party of ``consult_call_id`` (REFER with Replaces)."""

    call_id: str
    consult_call_id: str
    ref: str = ""
    type: Literal["attended_transfer"] = "attended_transfer"


@dataclass(frozen=True)
class SelectAudioDevices:
    """Use these devices (by name; empty = system default) for the headset and the ring tone; ``fallback``
    (when given) is where the sound goes while the headset is unplugged (``AudioConfig.fallback``)."""

    headset: str = ""
    ringer: str = ""
    fallback: str | None = None
    ref: str = ""
    type: Literal["select_audio"] = "select_audio"


@dataclass(frozen=True)
class RescanAudioDevices:
    """Look for plugged or unplugged devices and report them in an ``AudioDevicesChanged`` event."""

    ref: str = ""
    type: Literal["rescan_audio"] = "rescan_audio"


@dataclass(frozen=True)
class SelectHeadset:
    """Use the call buttons and lights of the USB headset named ``name`` (empty: the one whose name
    matches the audio device, else the first with call buttons)."""

    name: str = ""
    ref: str = ""
    type: Literal["select_headset"] = "select_headset"


@dataclass(frozen=True)
class PlayTestTone:
    """Play a short test sound on the headset or the ringer device (the settings dialog's test button)."""

    target: Literal["headset", "ringer"] = "headset"
    ref: str = ""
    type: Literal["test_tone"] = "test_tone"


@dataclass(frozen=True)
class QueryStats:
    """Ask for ``EngineStats`` and ``AudioStats`` now."""

    ref: str = ""
    type: Literal["stats"] = "stats"


@dataclass(frozen=True)
class StartRecording:
    """Record a call (caller left, operator right) into ``path``, an ``.ogg`` file the desktop chose."""

    call_id: str
    path: str
    ref: str = ""
    type: Literal["start_recording"] = "start_recording"


@dataclass(frozen=True)
class PauseRecording:
    """Pause (silence in the file, marked as a pause) or resume a call's recording."""

    call_id: str
    paused: bool = True
    ref: str = ""
    type: Literal["pause_recording"] = "pause_recording"


@dataclass(frozen=True)
class PlayRecording:
    """Play a recording file in the headset from ``position_s`` at ``speed`` (1, 1.5 or 2); replaces
    what plays. Seeking is sending it again with another position."""

    path: str
    position_s: float = 0.0
    speed: float = 1.0
    ref: str = ""
    type: Literal["play_recording"] = "play_recording"


@dataclass(frozen=True)
class StopPlayback:
    """Stop the recording playing in the headset."""

    ref: str = ""
    type: Literal["stop_playback"] = "stop_playback"


@dataclass(frozen=True)
class SetSupervision:
    """The operator's service: whose service this is and the server's key to check supervision
    grants with (``GET /supervision/policy``). Until it is given, every supervision call is refused.
    ``hide_listen``: a lead listening is not announced (the centre's policy)."""

    operator: str
    public_key: str
    hide_listen: bool = False
    ref: str = ""
    type: Literal["set_supervision"] = "set_supervision"


@dataclass(frozen=True)
class Supervise:
    """The lead's service: call the operator's service at ``target`` with a supervision ``grant``
    (``POST /supervision/grants``). The call is the lead's own (in the lead's headset) but never a
    call of the desk: it is reported as ``SupervisingChanged``, not as call events."""

    target: str
    grant: str
    account_id: str = ""
    ref: str = ""
    type: Literal["supervise"] = "supervise"


@dataclass(frozen=True)
class SwitchSupervision:
    """The lead's service: switch the mode of the supervision call ``call_id`` (this service placed it
    with ``MakeCall`` and the grant's headers) to ``mode`` (``listen``, ``whisper``, ``barge``). Sent to
    the operator's service as an in-dialog MESSAGE; it takes only a mode the grant allows."""

    call_id: str
    mode: str
    ref: str = ""
    type: Literal["switch_supervision"] = "switch_supervision"


@dataclass(frozen=True)
class Shutdown:
    """Hang up everything, release every SIP object and exit."""

    ref: str = ""
    type: Literal["shutdown"] = "shutdown"


Command = (
    AddAccount
    | RemoveAccount
    | MakeCall
    | Answer
    | Reject
    | Hangup
    | SetHold
    | SetMute
    | SendDtmf
    | BlindTransfer
    | AttendedTransfer
    | SelectAudioDevices
    | RescanAudioDevices
    | SelectHeadset
    | PlayTestTone
    | QueryStats
    | StartRecording
    | PauseRecording
    | PlayRecording
    | StopPlayback
    | SetSupervision
    | Supervise
    | SwitchSupervision
    | Shutdown
)
