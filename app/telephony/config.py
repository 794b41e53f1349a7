"""Configuration of the telephony service: SIP accounts, transports, media and audio devices.

Plain frozen dataclasses so the desktop can build them from its settings and send them over the IPC
channel; secrets are excluded from ``repr`` so they never reach a log line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Transport(StrEnum):
    """SIP signalling transport used towards the registrar."""

    UDP = "udp"
    TCP = "tcp"
    TLS = "tls"


class SrtpMode(StrEnum):
    """Whether media is encrypted: off, offered when the peer supports it, or required."""

    OFF = "off"
    OPTIONAL = "optional"
    MANDATORY = "mandatory"


class DtmfMethod(StrEnum):
    """How keypad digits are sent: RTP events (RFC 4733) or SIP INFO."""

    RFC4733 = "rfc4733"
    INFO = "info"


class SecretKind(StrEnum):
    """What the account secret is: the plain password or the digest HA1 hash (MD5 of user:realm:pass)."""

    PASSWORD = "password"
    HA1 = "ha1"


DEFAULT_CODECS: tuple[str, ...] = ("G722/16000/1", "PCMA/8000/1", "PCMU/8000/1")
"""Preferred codecs, best first. Anything not listed is disabled unless ``keep_other_codecs`` is set
(speex would otherwise win between two PJSIP peers)."""


@dataclass(frozen=True)
class AccountConfig:
    """One SIP account of the operator.

    ``registrars`` lists registrar URIs in order of preference: the engine fails over to the next when
    one does not answer within ``failover_timeout_s`` and returns to the first as soon as it answers again.
    While registered, the registrar is probed with OPTIONS every ``probe_interval_s`` so a dead registrar
    is noticed (and the operator shown as not routable) without waiting for the registration to expire.
    ``srtp`` overrides the engine-wide SRTP mode for this account.
    """

    account_id: str
    uri: str
    registrars: tuple[str, ...]
    username: str
    secret: str = field(default="", repr=False)
    secret_kind: SecretKind = SecretKind.PASSWORD
    realm: str = "*"
    display_name: str = ""
    transport: Transport = Transport.UDP
    srtp: SrtpMode | None = None
    register_expires_s: int = 300
    failover_timeout_s: float = 3.0
    retry_interval_s: float = 2.0
    probe_interval_s: float = 15.0


FALLBACK_SILENT = "silent"
"""A headset lost mid-call: the call goes on without sound until it is plugged back in."""
FALLBACK_DEFAULT = "default"
"""A headset lost mid-call: its sound moves to the system's default output and microphone."""


@dataclass(frozen=True)
class AudioConfig:
    """Which PortAudio devices carry the call (headset) and the ring tone (ringer), chosen by name.

    An empty name means the system default; ``enabled=False`` runs the bridge without opening any device
    (silence in, audio out discarded), for servers and tests without sound. ``fallback`` says where the
    sound goes while the headset is unplugged: ``FALLBACK_SILENT`` (nowhere: a client's voice must not
    come out of a PC's speakers in an open-plan room, nor the room go to the client through a laptop's
    microphone without an echo canceller), ``FALLBACK_DEFAULT`` or a device name.
    """

    enabled: bool = True
    headset: str = ""
    ringer: str = ""
    buffer_ms: int = 60
    fallback: str = FALLBACK_SILENT


@dataclass(frozen=True)
class EngineConfig:
    """How the telephony service starts: where it listens and how it handles calls."""

    listen_host: str = "0.0.0.0"
    listen_port: int = 5060
    transports: tuple[Transport, ...] = (Transport.UDP, Transport.TCP)
    tls_cert_file: str = ""
    tls_key_file: str = ""
    tls_ca_file: str = ""
    tls_verify_server: bool = True
    public_address: str = ""
    auto_answer: bool = False
    auto_answer_delay_s: float = 0.0
    honour_answer_after: bool = True
    codecs: tuple[str, ...] = DEFAULT_CODECS
    keep_other_codecs: bool = False
    dtmf_method: DtmfMethod = DtmfMethod.RFC4733
    srtp: SrtpMode = SrtpMode.OFF
    user_agent: str = "ringdesk"
    local_user: str = "ringdesk"
    """User part of the address that direct IP calls come from (``sip:<local_user>@host:port``)."""
    max_calls: int = 4
    idle_poll_ms: int = 200
    """Longest PJSIP poll with no call up: commands wake the engine at once, timers cut it short."""
    busy_poll_ms: int = 5
    sip_log_level: int = 3
    audio: AudioConfig = AudioConfig()
