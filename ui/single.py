"""One desktop per operator session: a second ``ringdesk`` (a ``tel:``/``sip:`` link clicked in a
browser or the CRM, the menu entry clicked twice) hands its link to the running one and exits.

A local socket named after the OS user (a Unix socket or a Windows named pipe, through
``QLocalServer``) carries one line: the link to dial, or an empty line ("show the window").
"""

from __future__ import annotations

import getpass
from collections.abc import Callable

from PySide6.QtNetwork import QLocalServer, QLocalSocket


def socket_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = "user"
    return f"ringdesk-{user}"


def hand_over(link: str | None, name: str | None = None, timeout_ms: int = 500) -> bool:
    """Give ``link`` to a desktop already running; ``False`` when there is none."""
    socket = QLocalSocket()
    socket.connectToServer(name or socket_name())
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(((link or "") + "\n").encode("utf-8"))
    socket.flush()
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class Instance:
    """Listens for later launches and passes their links on (``on_link``; ``""``: just show)."""

    def __init__(self, on_link: Callable[[str], None], name: str | None = None) -> None:
        self.on_link = on_link
        self.name = name or socket_name()
        self.server = QLocalServer()
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed desktop
        self.server.listen(self.name)
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode("utf-8", "replace").strip()
            self.on_link(line[:2048])

    def close(self) -> None:
        self.server.close()
