"""The appearance choices are applied at start, changed live from Settings, and kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from desktop.app.appearance import AppAppearance
from desktop.domain.appearance import Appearance, ColorConvention, FlashMode
from desktop.persistence.database import Database
from desktop.qt.palette import colors
from desktop.qt.quote_columns import UP_COLOR
from desktop.widgets.appearance_box import AppearanceBox, apply_appearance


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
