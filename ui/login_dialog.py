"""The login dialog: server address, login and password; the core does the logging in.

The dialog stays open while the core tries, so a refusal ("invalid credentials", a server down) shows
under the fields without retyping; the message comes from the server and is shown as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from ui.plain import plain_label, set_plain
from ui.theme import set_role


@dataclass(frozen=True)
class LoginForm:
    """What the operator typed."""

    server_url: str
    user: str
    password: str = field(repr=False)


class LoginDialog(QDialog):
    """Server URL, user, password; Return logs in."""

    login_requested = Signal(object)
    """A :class:`LoginForm` with every field filled in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server = QLineEdit()
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = plain_label()
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        # "Log in" says what the button does (Qt's own "OK" stays Latin in its Russian translation)
        self.login_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.labels = [plain_label() for _ in range(3)]
        form = QFormLayout()
        for label, line in zip(self.labels, (self.server, self.user, self.password), strict=True):
            form.addRow(label, line)
            line.textChanged.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._update()

    def show_defaults(self, server_url: str, user: str) -> None:
        """Prefill the last server and login, and put the cursor where typing starts."""
        self.server.setText(server_url)
        self.user.setText(user)
        (self.password if server_url and user else self.server).setFocus()

    def show_busy(self, busy: bool) -> None:
        """Disable the form while the core logs in."""
        for widget in (self.server, self.user, self.password, self.buttons):
            widget.setEnabled(not busy)
        if not busy:
            self._update()

    def show_error(self, text: str) -> None:
        """Show why logging in failed (the server's message, plain); the password is cleared."""
        self.show_busy(False)
        set_plain(self.error, text)
        self.password.clear()
        self.password.setFocus()

    def _form(self) -> LoginForm:
        return LoginForm(self.server.text().strip(), self.user.text().strip(), self.password.text())

    def _update(self) -> None:
        form = self._form()
        self.login_button.setEnabled(bool(form.server_url and form.user and form.password))

    def _submit(self) -> None:
        form = self._form()
        if form.server_url and form.user and form.password:
            set_plain(self.error, "")
            self.login_requested.emit(form)

    def retranslate(self) -> None:
        """Re-set the texts in the current language."""
        self.setWindowTitle(self.tr("Log in to ringdesk"))
        self.login_button.setText(self.tr("Log in"))
        for label, text in zip(
            self.labels, (self.tr("Server"), self.tr("Login"), self.tr("Password")), strict=True
        ):
            label.setText(text)
        self.server.setPlaceholderText("https://ringdesk.example.ru")

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
