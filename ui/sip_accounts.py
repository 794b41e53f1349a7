"""The workstation's SIP account, as the telephony service is told it at start-up."""

from __future__ import annotations

import logging

from app.config import Config
from app.credentials import SecretKind, SecretStore
from app.telephony.config import AccountConfig, Transport
from ui.settings_flow import sip_uri

log = logging.getLogger("ui.main")


def sip_accounts(config: Config, secrets: SecretStore) -> list[AccountConfig]:
    """The workstation's SIP account from the machine configuration, its password from the keyring
    (sent to the telephony service over its pipe, never written anywhere); none when unconfigured."""
    user, domain = str(config["sip.account"]), str(config["sip.domain"])
    if not user or not domain:
        return []
    uri = sip_uri(user, domain)
    secret = secrets.get(SecretKind.SIP_PASSWORD, uri) or ""
    if not secret:
        log.warning("no SIP password in the keyring for %s: set it in Settings", uri)
    return [
        AccountConfig(
            account_id="main",
            uri=uri,
            registrars=(f"sip:{domain}",),
            username=user,
            secret=secret,
            transport=Transport(str(config["sip.transport"])),
        )
    ]
