"""The headset's line in the status bar: whose call buttons are in use, or that the headset is gone.

Shown from the core's :class:`~app.workstation.notices.HeadsetChanged` (data flows one way: the service's
HID thread -> core -> here). An operator whose headset was unplugged mid-call must learn that its
buttons do nothing now (the call itself goes on); plugged back, the line says so again. The device's
name comes from USB and is shown as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget

from app.workstation.notices import HeadsetChanged
from ui.plain import set_plain


class HeadsetIndicator(QLabel):
    """Hidden until the service reports a headset with call buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("headsetIndicator")
        self._notice: HeadsetChanged | None = None
        self.hide()

    @property
    def gone(self) -> bool:
        """Whether the line says the headset in use was unplugged."""
        return self._notice is not None and not self._notice.active and bool(self._notice.lost)

    def show_headset(self, notice: HeadsetChanged) -> None:
        if self._notice is not None and not notice.active and not notice.lost and self.gone:
            notice = HeadsetChanged(notice.devices, "", self._notice.lost)  # still gone, not forgotten
        self._notice = notice
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def _render(self) -> None:
        notice = self._notice
        if notice is None or not (notice.active or notice.lost):
            self.hide()
            return
        if notice.active:
            text = self.tr("Headset buttons: %1").replace("%1", notice.active)
        else:
            text = self.tr(
                "Headset %1 unplugged: its buttons do nothing until it is back; the call goes on"
            ).replace("%1", notice.lost)
        set_plain(self, text)
        self.show()
