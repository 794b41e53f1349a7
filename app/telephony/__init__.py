"""The telephony service's contract: commands in, events out, and the configuration it runs with.

The SIP engine (``sip/``) runs in its own process; the desktop and the tests talk to it only through the
immutable dataclasses defined here, serialised as JSON lines by :mod:`app.telephony.wire`.
"""
