"""Creating and tearing down the pjsua2 Endpoint: threading model, transports, codecs.

Called only from the engine thread (see :mod:`sip.engine`). The endpoint runs with no worker threads
(``threadCnt=0``, ``mainThreadOnly``): the engine thread polls it, so every pjsua2 callback runs on that
one thread and no other thread ever touches a pjsua2 object.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pjsua2 as pj

import app
from app.telephony.config import EngineConfig, SrtpMode, Transport

log = logging.getLogger(__name__)

SRTP_USE = {
    SrtpMode.OFF: pj.PJMEDIA_SRTP_DISABLED,
    SrtpMode.OPTIONAL: pj.PJMEDIA_SRTP_OPTIONAL,
    SrtpMode.MANDATORY: pj.PJMEDIA_SRTP_MANDATORY,
}
_TRANSPORT_TYPE = {
    Transport.UDP: pj.PJSIP_TRANSPORT_UDP,
    Transport.TCP: pj.PJSIP_TRANSPORT_TCP,
    Transport.TLS: pj.PJSIP_TRANSPORT_TLS,
}
CLOCK_RATE = 16000


@dataclass
class Transports:
    """The transports the endpoint listens on: pjsua2 transport ids and printable local addresses."""

    ids: dict[Transport, int]
    listen: tuple[str, ...]


def error_text(exc: BaseException) -> str:
    """A readable message from a pjsua2.Error (whose ``str()`` is empty) or any other exception."""
    if isinstance(exc, pj.Error):
        return f"{exc.title}: {exc.reason}".strip(": ") or "PJSIP error"
    return str(exc) or type(exc).__name__


def create_endpoint(config: EngineConfig) -> pj.Endpoint:
    """Create, initialise and start the endpoint with the engine's threading model and codecs."""
    ep = pj.Endpoint()
    ep.libCreate()
    epc = pj.EpConfig()
    ua = epc.uaConfig
    ua.threadCnt = 0
    ua.mainThreadOnly = True
    ua.maxCalls = config.max_calls
    ua.userAgent = f"{config.user_agent}/{app.__version__}"
    epc.logConfig.level = config.sip_log_level
    epc.logConfig.consoleLevel = config.sip_log_level
    epc.logConfig.msgLogging = config.sip_log_level >= 5
    med = epc.medConfig
    med.clockRate = CLOCK_RATE
    med.sndClockRate = CLOCK_RATE
    med.channelCount = 1
    med.ecTailLen = 0  # no echo canceller on a null device; headsets rarely need one
    ep.libInit(epc)
    return ep


def create_transports(ep: pj.Endpoint, config: EngineConfig) -> Transports:
    """Listen for SIP on the configured transports; UDP and TCP share one port."""
    ids: dict[Transport, int] = {}
    port = config.listen_port
    host = "" if config.listen_host in ("", "0.0.0.0") else config.listen_host
    for transport in config.transports:
        tcfg = pj.TransportConfig()
        tcfg.boundAddress = host
        if config.public_address:
            tcfg.publicAddress = config.public_address
        if transport is Transport.TLS:
            tcfg.port = 0 if not config.tls_cert_file else (port + 1 if port else 0)
            tls = tcfg.tlsConfig
            tls.method = pj.PJSIP_TLSV1_2_METHOD
            tls.proto = pj.PJ_SSL_SOCK_PROTO_TLS1_2  # the bundled OpenSSL 1.0.2 cannot do TLS 1.3
            tls.verifyServer = config.tls_verify_server
            tls.CaListFile = config.tls_ca_file
            tls.certFile = config.tls_cert_file
            tls.privKeyFile = config.tls_key_file
        else:
            tcfg.port = port
        tid = ep.transportCreate(_TRANSPORT_TYPE[transport], tcfg)
        ids[transport] = tid
        if transport is Transport.UDP and port == 0:
            port = int(ep.transportGetInfo(tid).localName.rsplit(":", 1)[1])
    listen = tuple(f"{t.value}:{ep.transportGetInfo(tid).localName}" for t, tid in ids.items())
    ep.libStart()
    ep.audDevManager().setNullDev()  # the wheel has no sound devices: audio goes through the bridge
    return Transports(ids, listen)


def set_codec_priorities(ep: pj.Endpoint, preferred: tuple[str, ...], keep_others: bool) -> None:
    """Put the preferred codecs first and, unless asked to keep them, disable the rest.

    Out of the box speex/16000 has the highest priority and would win between two PJSIP peers, which
    many PBXs then transcode; contact-centre trunks speak G.722 and G.711.
    """
    available = {c.codecId for c in ep.codecEnum2()}
    for codec_id in available:
        ep.codecSetPriority(codec_id, 1 if keep_others else 0)
    for rank, wanted in enumerate(preferred):
        matches = [c for c in available if c.lower().startswith(wanted.lower())]
        if not matches:
            log.warning("codec %s is not available in this PJSIP build", wanted)
        for codec_id in matches:
            ep.codecSetPriority(codec_id, max(2, 255 - rank))
