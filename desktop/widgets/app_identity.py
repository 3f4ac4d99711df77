"""Who the app says it is to the OS: name, organisation, version, desktop entry and window icon.

The window icon comes from the PNGs in resources/icons (rendered from quoteboard.svg by
installer/make_icons.py), so it needs no SVG plugin and looks the same from a source tree and
from the PyInstaller bundle. The desktop file name must match `quoteboard.desktop`: on Wayland it
is the app id that finds the icon and groups the windows.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop import __version__
from desktop.widgets.resources import resource_path

__all__ = [
    "APP_NAME",
    "DESKTOP_FILE_NAME",
    "ICON_SIZES",
    "ORGANIZATION_NAME",
    "app_icon",
    "apply_app_identity",
    "icon_file",
]

_log = logging.getLogger(__name__)

APP_NAME = "Quote Board"
ORGANIZATION_NAME = "Quote Board"
DESKTOP_FILE_NAME = "quoteboard"
#: The rendered icon sizes (hicolor sizes on Linux; the window icon holds them all).
ICON_SIZES: tuple[int, ...] = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def icon_file(size: int) -> str:
    """Name of the PNG of one size inside resources/icons."""
    return f"quoteboard-{size}.png"


def app_icon() -> QIcon:
    """The app icon with every rendered size, so title bars, docks and task bars stay crisp."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", icon_file(size))
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
    if icon.isNull():  # a missing icon only loses polish, never the app
        _log.warning("no app icon found in %s", resource_path("icons"))
    return icon


def apply_app_identity(app: QApplication) -> None:
    """Name, organisation, version (package metadata), desktop entry and icon of the application."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_FILE_NAME)
    app.setWindowIcon(app_icon())
