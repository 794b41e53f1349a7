"""Sending e-mail and SMS for communication chains (docs/chains.md, docs/integrations.md).

* :mod:`server.messaging.base`: a message to send, an attempt's outcome, the provider interface,
  the signed delivery-report URL.
* :mod:`server.messaging.smtp`: e-mail over SMTP with STARTTLS (or implicit TLS) and AUTH.
* :mod:`server.messaging.http_sms`: the HTTP SMS provider shape (JSON, ``Idempotency-Key``).
* :mod:`server.messaging.kannel`: SMS through Kannel's smsbox (``/cgi-bin/sendsms``), which
  speaks SMPP to the operator's SMSC; delivery reports come back to ``dlr-url``.

Every message carries its ``uid`` from the database, made before the first attempt: the e-mail's
``Message-ID``, the HTTP provider's ``Idempotency-Key``, the reference in the delivery-report URL.
"""
