"""System-tray notifications for alerts, where the desktop has a tray (many Linux setups do not)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QSystemTrayIcon

from desktop.qt.palette import colors
from desktop.widgets.delegates import bell_path

__all__ = ["TrayNotifier", "alert_icon"]


def alert_icon(size: int = 64) -> QIcon:
    """The app's alert icon, drawn: an amber bell on a dark rounded square."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colors().window))
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2)
    bell = bell_path(size * 0.62)
    box = bell.boundingRect()
    painter.translate((size - box.width()) / 2 - box.x(), (size - box.height()) / 2 - box.y())
    painter.setBrush(QColor(colors().alert))
    painter.drawPath(bell)
    painter.end()
    return QIcon(pixmap)


class TrayNotifier(QObject):
    """Shows alert messages as tray notifications when a system tray is available."""

    def __init__(self, parent: QObject | None = None, available: bool | None = None) -> None:
        super().__init__(parent)
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self._icon: QSystemTrayIcon | None = None
        if self.available:
            self._icon = QSystemTrayIcon(alert_icon(), self)
            self._icon.setToolTip("Quote Board")
            self._icon.show()
        self.sent = 0

    def notify(self, title: str, message: str) -> bool:
        """Show a notification; False when there is no tray to show it in."""
        if self._icon is None or not QSystemTrayIcon.supportsMessages():
            return False
        self._icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 8_000)
        self.sent += 1
        return True

    def hide(self) -> None:
        """Remove the tray icon (at shutdown)."""
        if self._icon is not None:
            self._icon.hide()
