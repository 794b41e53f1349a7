"""The close codes of the live feeds (``/statuses/live``, ``/me/live``), shared by server and clients.

Refusals are sent after the handshake as WebSocket close codes in the private range, because every
client library can read a close code while few can read an HTTP refusal of the upgrade.
"""

from __future__ import annotations

CLOSE_UNAUTHENTICATED = 4401
"""The token the socket was opened with expired or was refused: renew it and reconnect."""
CLOSE_FORBIDDEN = 4403
"""The user's role may not read this feed."""
CLOSE_TOO_SLOW = 4408
"""The client fell too far behind; reconnect and read the state afresh."""
