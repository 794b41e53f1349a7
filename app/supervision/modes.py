"""The terms of live supervision that the telephony service needs: its SIP headers and content type,
and the modes. Kept apart from :mod:`app.wire.supervision` (the server's pydantic models, which
re-exports them) so the service loads no pydantic (issue 15: its idle memory)."""

from __future__ import annotations

from enum import StrEnum

GRANT_HEADER = "X-Ringdesk-Grant"
"""The SIP header of the supervision INVITE that carries the grant."""
MODE_HEADER = "X-Ringdesk-Supervision"
"""The SIP header naming the mode the lead starts in."""
MODE_CONTENT_TYPE = "application/x-ringdesk-supervision"
"""An in-dialog MESSAGE with this content type and a mode as its body switches the mode."""


class SupervisionMode(StrEnum):
    """Who hears whom (operator's service mixes, ``sip/supervision``)."""

    LISTEN = "listen"
    """The lead hears the caller and the operator; nobody hears the lead."""
    WHISPER = "whisper"
    """The lead hears both; the operator hears the lead, the caller does not."""
    BARGE = "barge"
    """Three-way: everybody hears everybody."""
