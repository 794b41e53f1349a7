"""Delivering one recording: announce it, then send its bytes from wherever the server stopped.

Why resumable and not one request: an hour of audio is ~17 MB over an office uplink, and the desktop may
be killed or lose the network half-way. The server keeps what it received (``received``) and answers
the announcement of a known call with it, so after any interruption, a kill -9 included, the next attempt
sends only the rest. Chunks are ``CHUNK_BYTES_MAX``; the server checks the whole file's SHA-256 at the end
(a mismatch makes it start again from 0, which this loop follows). The local file is deleted once the
server stored it: recordings of clients' calls do not pile up on the operator's PC.
"""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

from app.client.errors import RejectedError, TransientError
from app.client.recording_calls import Behind, RecordingCalls
from app.sync.items import OutboxItem
from app.wire.recordings import CHUNK_BYTES_MAX

log = logging.getLogger(__name__)

MAX_RESTARTS = 2
"""Times the server may reject the whole file's SHA-256 (and start again from 0) before the record is
refused: the file on disk no longer holds what was announced, and sending it again cannot help."""


async def upload(api: RecordingCalls, item: OutboxItem) -> int:
    """Send the recording of ``item`` until the server stores it; its server id. Raises
    ``TransientError`` (retried later, continuing where the server stopped) or ``RejectedError``."""
    path = Path(item.target or "")
    payload = json.loads(item.payload)
    size = int(payload["size"])
    if not path.is_file():
        answer = await api.announce_recording(item.payload)
        if answer.stored:  # delivered before the file was removed here: nothing left to do
            return answer.id
        raise RejectedError(f"the recording file {path} is missing", None)
    answer = await api.announce_recording(item.payload)
    if answer.purged and not answer.stored:
        raise RejectedError("the server dropped this upload after its retention period", 410)
    offset, restarts = answer.received, 0
    with path.open("rb") as f:
        while not answer.stored:
            f.seek(offset)
            chunk = f.read(min(CHUNK_BYTES_MAX, size - offset))
            if not chunk:
                raise TransientError(f"{path} is shorter than its announced {size} bytes", None)
            try:
                answer = await api.put_recording_chunk(answer.id, offset, chunk)
            except Behind as behind:
                offset = behind.received
                continue
            except RejectedError as exc:
                restarts += 1
                if exc.status != 422 or restarts > MAX_RESTARTS:
                    raise
                answer = await api.announce_recording(item.payload)  # the server started again from 0
            offset = answer.received
    with contextlib.suppress(OSError):
        path.unlink()
    return answer.id
