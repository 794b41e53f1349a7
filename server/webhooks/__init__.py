"""Outgoing webhooks (issue 19, docs/integrations.md).

* :mod:`server.webhooks.events`: the event types and the functions the write paths call, which add
  the event and one delivery per subscribed endpoint in the caller's transaction (an outbox: a
  committed change always has its event, a rolled-back one never).
* :mod:`server.webhooks.urls`: which URLs may be registered (http(s) only, no loopback, link-local,
  cloud metadata or this server's own addresses unless listed in ``webhook_allowed_hosts``).
* :mod:`server.webhooks.signing`: the ``Ringdesk-Signature`` header (HMAC-SHA256 over ``t.body``).
* :mod:`server.webhooks.store`: endpoints and the delivery log (API and CLI share it).
* :mod:`server.webhooks.delivery`: the worker each server process runs, posting due deliveries.
"""
