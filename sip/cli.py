"""``ringdesk phone``: the telephony service run headless, for the desktop, tests and IT diagnostics.

Prints one JSON object per line for every event and reads commands (same format) from stdin. The SIP
password comes from the OS keyring (store it once with ``--set-password``), never from a file or flag.
It is the same keyring entry the desktop's settings dialog writes (:mod:`app.credentials`: service
``ringdesk/sip-password``, account = the SIP URI), so IT and the operator set it once for both, and the
same unsafe backends (``keyrings.alt``'s plain files) are refused.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import logging
import os
import sys
from typing import TYPE_CHECKING

from app.telephony.config import (
    FALLBACK_DEFAULT,
    FALLBACK_SILENT,
    AccountConfig,
    AudioConfig,
    DtmfMethod,
    EngineConfig,
    SecretKind,
    SrtpMode,
    Transport,
)

if TYPE_CHECKING:
    from app.credentials import SecretStore


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ringdesk phone",
        description="Run the ringdesk telephony service headless: JSON events out, JSON commands in.",
    )
    p.add_argument(
        "--listen",
        default="0.0.0.0:5060",
        metavar="HOST:PORT",
        help="local SIP address for UDP and TCP (port 0: any free port)",
    )
    p.add_argument(
        "--local-user",
        default="ringdesk",
        metavar="NAME",
        help="user part of our address for direct IP calls (sip:NAME@host:port)",
    )
    p.add_argument(
        "--transport",
        action="append",
        choices=[t.value for t in Transport],
        help="transports to listen on (repeatable; default udp and tcp, plus tls for a tls account)",
    )
    p.add_argument("--account", metavar="SIP_URI", help="register this account, e.g. sip:1001@pbx.example")
    p.add_argument(
        "--registrar",
        action="append",
        default=[],
        metavar="URI",
        help="registrar URI, repeat for failover in order of preference (default: the account's domain)",
    )
    p.add_argument("--username", help="auth user name (default: the account's user part)")
    p.add_argument("--realm", default="*", help="digest realm (default: any)")
    p.add_argument(
        "--account-transport",
        choices=[t.value for t in Transport],
        default="udp",
        help="transport used towards the registrar",
    )
    p.add_argument("--ha1", action="store_true", help="the stored secret is the digest HA1, not the password")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of the keyring",
    )
    p.add_argument(
        "--set-password", action="store_true", help="store the account's password in the OS keyring and exit"
    )
    p.add_argument(
        "--tls-ca", default="", metavar="FILE", help="CA bundle to verify the registrar's certificate"
    )
    p.add_argument("--srtp", choices=[m.value for m in SrtpMode], default="off")
    p.add_argument("--expires", type=int, default=300, help="registration expiry in seconds")
    p.add_argument(
        "--failover-timeout",
        type=float,
        default=3.0,
        help="seconds without an answer before trying the next registrar",
    )
    p.add_argument("--retry-interval", type=float, default=2.0, help="seconds between rounds of registration")
    p.add_argument(
        "--probe-interval",
        type=float,
        default=15.0,
        help="seconds between OPTIONS probes of the registrar while registered",
    )
    p.add_argument("--auto-answer", action="store_true", help="answer every incoming call")
    p.add_argument("--auto-answer-delay", type=float, default=0.0, metavar="SECONDS")
    p.add_argument(
        "--ignore-answer-after",
        action="store_true",
        help="do not auto-answer when the PBX asks (Call-Info answer-after)",
    )
    p.add_argument("--dtmf", choices=[m.value for m in DtmfMethod], default="rfc4733")
    p.add_argument(
        "--codec",
        action="append",
        metavar="ID",
        help="codec in order of preference, e.g. G722/16000/1 (repeatable)",
    )
    p.add_argument(
        "--no-audio", action="store_true", help="do not open sound devices (silence in, audio dropped)"
    )
    p.add_argument(
        "--headset", default="", help="sound device for the call, by name (default: system default)"
    )
    p.add_argument("--ringer", default="", help="sound device for the ring tone, by name")
    p.add_argument(
        "--audio-fallback",
        default=FALLBACK_SILENT,
        metavar="WHERE",
        help=f"where a call's sound goes while the headset is unplugged: {FALLBACK_SILENT} (until it is "
        f"back), {FALLBACK_DEFAULT} (the system's default devices) or a device name",
    )
    p.add_argument(
        "--hid-headset",
        default="",
        metavar="NAME",
        help="USB headset whose call buttons and lights to use, by HID product name "
        "(default: the one named like the sound device, else the first with call buttons)",
    )
    p.add_argument(
        "--no-hid-headset", action="store_true", help="do not use a headset's call buttons and lights"
    )
    p.add_argument("--audio-buffer-ms", type=int, default=60)
    p.add_argument(
        "--call", action="append", default=[], metavar="URI", help="dial this at start (repeatable)"
    )
    p.add_argument("--ipc", action="store_true", help="shut down when stdin closes (used by the desktop)")
    p.add_argument("--sip-log-level", type=int, default=3, help="PJSIP log level on stderr (0-6)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.set_password:
        return _set_password(args)
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit():
        print(f"--listen needs HOST:PORT, got {args.listen!r}", file=sys.stderr)
        return 2
    accounts = []
    if args.account:
        try:
            accounts.append(_account(args))
        except ValueError as exc:
            print(f"ringdesk phone: {exc}", file=sys.stderr)
            return 2
    transports = tuple(Transport(t) for t in (args.transport or ["udp", "tcp"]))
    if args.account and Transport(args.account_transport) not in transports:
        transports += (Transport(args.account_transport),)
    config = EngineConfig(
        listen_host=host,
        listen_port=int(port),
        transports=transports,
        tls_ca_file=args.tls_ca,
        local_user=args.local_user,
        auto_answer=args.auto_answer,
        auto_answer_delay_s=args.auto_answer_delay,
        honour_answer_after=not args.ignore_answer_after,
        dtmf_method=DtmfMethod(args.dtmf),
        srtp=SrtpMode(args.srtp),
        sip_log_level=args.sip_log_level,
        audio=AudioConfig(
            enabled=not args.no_audio,
            headset=args.headset,
            ringer=args.ringer,
            buffer_ms=args.audio_buffer_ms,
            fallback=args.audio_fallback.strip() or FALLBACK_SILENT,
        ),
    )
    if args.codec:
        config = dataclasses.replace(config, codecs=tuple(args.codec))
    from sip.service import run_service  # pjsua2 is loaded only when the service really runs

    headset = None if args.no_hid_headset else args.hid_headset
    code = run_service(config, accounts, ipc=args.ipc, calls=args.call, headset=headset)
    # Every SIP object is released by now. The stdin reader thread may still sit in a blocking read,
    # which makes a normal interpreter exit abort ("could not acquire lock for stdin"): leave directly.
    logging.shutdown()
    sys.stderr.flush()
    os._exit(code)


def _user_and_domain(uri: str) -> tuple[str, str]:
    rest = uri.split(":", 1)[1] if uri.lower().startswith(("sip:", "sips:")) else uri
    user, at, domain = rest.partition("@")
    if not at or not user or not domain:
        raise ValueError(f"--account needs a SIP URI like sip:1001@pbx.example, got {uri!r}")
    return user, domain.split(";", 1)[0]


def _account(args: argparse.Namespace) -> AccountConfig:
    user, domain = _user_and_domain(args.account)
    if args.password_stdin:
        secret = sys.stdin.buffer.readline().decode().rstrip("\r\n")
    else:
        secret = _keyring_get(_account_uri(args.account))
    return AccountConfig(
        account_id="main",
        uri=_account_uri(args.account),
        registrars=tuple(args.registrar) or (f"sip:{domain}",),
        username=args.username or user,
        secret=secret,
        secret_kind=SecretKind.HA1 if args.ha1 else SecretKind.PASSWORD,
        realm=args.realm,
        transport=Transport(args.account_transport),
        register_expires_s=args.expires,
        failover_timeout_s=args.failover_timeout,
        retry_interval_s=args.retry_interval,
        probe_interval_s=args.probe_interval,
    )


def _account_uri(account: str) -> str:
    """``1001@pbx`` -> ``sip:1001@pbx``: the form the desktop keys the password by."""
    return account if account.lower().startswith(("sip:", "sips:")) else f"sip:{account}"


def _secrets() -> SecretStore:
    from app.credentials import SecretStore

    return SecretStore()


def _keyring_get(uri: str) -> str:
    from app.credentials import SecretKind as StoredSecret

    store = _secrets()
    if store.problem:
        raise ValueError(f"the OS keyring is not available ({store.problem}); use --password-stdin")
    secret = store.get(StoredSecret.SIP_PASSWORD, uri)
    if store.problem:  # reading failed (a locked keyring that cannot prompt, D-Bus gone)
        raise ValueError(f"the OS keyring is not available ({store.problem}); use --password-stdin")
    if secret is None:
        raise ValueError(f"no password stored for {uri}: run `ringdesk phone --account {uri} --set-password`")
    return secret


def _set_password(args: argparse.Namespace) -> int:
    from app.credentials import SecretKind as StoredSecret

    if not args.account:
        print("--set-password needs --account sip:user@host", file=sys.stderr)
        return 2
    uri = _account_uri(args.account)
    if sys.stdin.isatty():
        secret = getpass.getpass(f"SIP password for {uri}: ")
    else:
        secret = sys.stdin.readline().rstrip("\r\n")
    if not secret:
        print("empty password: nothing stored", file=sys.stderr)
        return 2
    store = _secrets()
    if store.problem is None:
        store.set(StoredSecret.SIP_PASSWORD, uri, secret)
    if store.problem is not None:  # unusable from the start, or the write failed (kept in memory only)
        print(f"the OS keyring is not available: {store.problem}", file=sys.stderr)
        return 1
    print(f"password for {uri} stored in the OS keyring", file=sys.stderr)
    return 0
