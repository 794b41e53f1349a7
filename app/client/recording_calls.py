"""The desktop's recording calls of :class:`app.client.api.ApiClient` (docs/quality.md): announce a
finished recording and send its bytes in chunks at the offset the server holds."""

from __future__ import annotations

from app.client.answers import JSON, parse
from app.client.errors import TransientError, classify
from app.client.mixin import SendsRequests
from app.wire.recordings import RecordingOut


class Behind(Exception):
    """The server holds a different number of bytes than the chunk assumed (409): send from ``received``."""

    def __init__(self, received: int) -> None:
        super().__init__(f"the server holds {received} bytes")
        self.received = received


class RecordingCalls(SendsRequests):
    """Mixed into :class:`~app.client.api.ApiClient` (which supplies :meth:`request`)."""

    async def announce_recording(self, payload: str) -> RecordingOut:
        """``POST /recordings`` with a saved ``RecordingIn``: the new recording (201) or the one the
        server already has for this call (200), with how many bytes it holds."""
        response = await self.request("POST", "/recordings", content=payload, headers=JSON)
        if response.status_code not in (200, 201):
            raise classify(response)
        return parse(RecordingOut, response)

    async def put_recording_chunk(self, recording_id: int, offset: int, data: bytes) -> RecordingOut:
        """Send ``data`` at ``offset``; raises :class:`Behind` when the server holds another offset."""
        response = await self.request(
            "PUT",
            f"/recordings/{recording_id}/content",
            content=data,
            params={"offset": offset},
            headers={"Content-Type": "application/octet-stream"},
        )
        if response.status_code == 409:
            try:
                received = int(response.json()["received"])
            except (ValueError, KeyError, TypeError):
                raise TransientError("a 409 without the server's offset", 409) from None
            raise Behind(received)
        if response.status_code != 200:
            raise classify(response)
        return parse(RecordingOut, response)

    async def download_recording(self, recording_id: int) -> bytes:
        """The recording's Ogg file (``GET /recordings/{id}/audio``): the server records it as a play."""
        response = await self.request("GET", f"/recordings/{recording_id}/audio")
        if response.status_code != 200:
            raise classify(response)
        return response.content
