"""App identity: name, organisation, package version, desktop entry and a window icon at every size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

import desktop
from desktop.widgets import app_identity
from desktop.widgets.app_identity import (
    DESKTOP_FILE_NAME,
    ICON_SIZES,
    app_icon,
    apply_app_identity,
    icon_file,
)
from desktop.widgets.resources import resource_path


@pytest.fixture
def identity_restored(qapp: QApplication) -> Iterator[QApplication]:
    """The shared QApplication, put back as it was after the test changes who it says it is."""
    saved = (
        qapp.applicationName(),
        qapp.organizationName(),
        qapp.applicationVersion(),
        qapp.desktopFileName(),
        qapp.windowIcon(),
    )
    yield qapp
    qapp.setApplicationName(saved[0])
    qapp.setOrganizationName(saved[1])
    qapp.setApplicationVersion(saved[2])
    qapp.setDesktopFileName(saved[3])
    qapp.setWindowIcon(saved[4])


def test_every_icon_size_is_a_png_of_exactly_that_size() -> None:
    assert ICON_SIZES[0] == 16 and ICON_SIZES[-1] == 512
    for size in ICON_SIZES:
        image = QImage(str(resource_path("icons", icon_file(size))))
        assert not image.isNull(), f"{icon_file(size)} is missing or unreadable"
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel(), "the rounded corners need transparency"


def test_the_window_icon_offers_every_rendered_size(qapp: QApplication) -> None:
    sizes = [s.width() for s in app_icon().availableSizes()]
    assert sorted(sizes) == list(ICON_SIZES)


def test_a_missing_icon_folder_gives_an_empty_icon_and_a_warning(
    qapp: QApplication,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(app_identity, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert app_icon().isNull()
    assert "no app icon found" in caplog.text


def test_identity_names_the_app_its_package_version_and_its_desktop_entry(
    identity_restored: QApplication,
) -> None:
    apply_app_identity(identity_restored)
    assert identity_restored.applicationName() == "Quote Board"
    assert identity_restored.organizationName() == "Quote Board"
    assert identity_restored.applicationVersion() == desktop.__version__
    # on Wayland the app id must be the .desktop file's basename, or the shell shows no icon
    assert identity_restored.desktopFileName() == DESKTOP_FILE_NAME
    assert resource_path(f"{DESKTOP_FILE_NAME}.desktop").is_file()
    assert not identity_restored.windowIcon().isNull()
