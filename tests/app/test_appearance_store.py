"""The appearance choices are applied at start, changed live from Settings, and kept."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from desktop.app.appearance import AppAppearance
from desktop.domain.appearance import Appearance, ColorConvention, FlashMode, Theme
from desktop.persistence.database import Database
from desktop.qt.palette import LIGHT, colors
from desktop.qt.quote_columns import UP_COLOR
from desktop.widgets.appearance_box import AppearanceBox, apply_appearance
from tests.conftest import TIMEOUT_S


@pytest.fixture(autouse=True)
def default_appearance(qapp: QApplication) -> Iterator[None]:
    yield
    apply_appearance(qapp, Appearance())


def test_a_choice_made_in_settings_is_applied_and_comes_back_next_start(
    qapp: QApplication, tmp_path: Path
) -> None:
    db = Database(tmp_path / "q.db")
    first = AppAppearance(qapp, db)
    assert first.current == Appearance() and QColor(colors().up) == UP_COLOR
    box = AppearanceBox()
    first.attach(box)
    box.convention_box.setCurrentIndex(box.convention_box.findData(ColorConvention.RED_UP))
    box.flash_box.setCurrentIndex(box.flash_box.findData(FlashMode.SUBTLE))
    assert QColor(colors().down) == UP_COLOR  # applied at once
    db.close()
    apply_appearance(qapp, Appearance())  # as a new process starts
    again = AppAppearance(qapp, Database(tmp_path / "q.db"))
    assert again.current.convention is ColorConvention.RED_UP
    assert again.current.flash is FlashMode.SUBTLE
    assert QColor(colors().down) == UP_COLOR
    shown = AppearanceBox()
    again.attach(shown)
    assert shown.appearance() == again.current


_FRESH_PROCESS = """
import sys
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from desktop.app.appearance import AppAppearance
from desktop.persistence.database import Database
from desktop.qt.palette import LIGHT, colors
app = QApplication([])
AppAppearance(app, Database(sys.argv[1]))
print(colors().name, app.palette().color(QPalette.ColorRole.Window).name())
"""


def test_the_light_theme_chosen_in_settings_is_the_theme_of_a_fresh_process(
    qapp: QApplication, tmp_path: Path
) -> None:
    db = Database(tmp_path / "q.db")
    first = AppAppearance(qapp, db)
    box = AppearanceBox()
    first.attach(box)
    box.theme_box.setCurrentIndex(box.theme_box.findData(Theme.LIGHT))
    assert colors() is LIGHT  # applied at once
    db.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path.cwd())}
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS, str(tmp_path / "q.db")],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S * 6,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["light", LIGHT.window]


def test_follow_system_switches_the_running_board_when_the_os_changes_its_scheme(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import Qt

    from desktop.widgets import theme

    monkeypatch.setattr(theme, "system_prefers_light", lambda app: False)
    store = AppAppearance(qapp, Database(tmp_path / "q.db"))
    store.change(Appearance(theme=Theme.SYSTEM))
    assert colors().name == "dark"
    monkeypatch.setattr(theme, "system_prefers_light", lambda app: True)
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert colors() is LIGHT
    store.change(Appearance(theme=Theme.DARK))
    qapp.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert colors().name == "dark"  # a fixed choice ignores the OS
