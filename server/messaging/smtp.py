"""E-mail over SMTP: STARTTLS (or implicit TLS) with the server's certificate verified, then AUTH.

``smtplib`` in a worker thread: one connection per message keeps a failure to the message it hit;
the chain worker bounds how many run at once. The ``Message-ID`` is the message's uid, the same on
every attempt, so a message sent again after a crash between the send and its record is one message
to any mail system that de-duplicates on it (and to the tests' SMTP server).

A server that does not offer STARTTLS is refused rather than spoken to in clear: the password and
the client's data must not cross the network unencrypted.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from starlette.concurrency import run_in_threadpool

from server.messaging.base import Outgoing, Sent
from server.settings import Settings


def message_id(message: Outgoing) -> str:
    return f"<{message.uid}@ringdesk>"


class SmtpProvider:
    name = "smtp"

    def __init__(self, settings: Settings) -> None:
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.user = settings.smtp_user
        self.password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        self.security = settings.smtp_security
        self.sender = settings.smtp_from or f"ringdesk@{settings.smtp_host}"
        self.timeout = settings.smtp_timeout_seconds
        self.context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)

    def build(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or ""
        mail["Message-ID"] = message_id(message)
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail.set_content(message.body)
        return mail

    async def send(self, message: Outgoing) -> Sent:
        return await run_in_threadpool(self.send_now, message)

    def send_now(self, message: Outgoing) -> Sent:
        return self.deliver(self.build(message))

    def deliver(self, mail: EmailMessage) -> Sent:
        """Send a message built elsewhere (the daily report, with its attachments) the same way:
        STARTTLS required, AUTH, the same verdicts on failure. ``ref``: its Message-ID."""
        try:
            if self.security == "tls":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self.context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                client.ehlo()
                if self.security == "starttls":
                    if not client.has_extn("starttls"):
                        return Sent.failed(f"{self.host} does not offer STARTTLS: refusing to send in clear")
                    client.starttls(context=self.context)
                    client.ehlo()
                if self.user:
                    client.login(self.user, self.password)
                refused = client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return Sent.failed(f"recipient refused: {code} {_text(text)}", permanent=code >= 500)
        except smtplib.SMTPResponseException as exc:
            return Sent.failed(f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}", permanent=_permanent(exc))
        except (smtplib.SMTPException, OSError) as exc:
            return Sent.failed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        if refused:
            return Sent.failed(f"recipient refused: {refused}", permanent=True)
        return Sent(True, str(mail["Message-ID"]))


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def _permanent(exc: smtplib.SMTPResponseException) -> bool:
    """5xx is permanent, except an authentication failure: that is our configuration, which an
    admin fixes while the message waits."""
    return exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError)
