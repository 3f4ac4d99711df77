"""Settings → Appearance: theme, colour convention, price flashes and font size, applied live.

`AppearanceBox` is the group in the Settings dialog (it emits `changed` on every choice; there
is nothing to Save); `apply_appearance` recolours and refonts the running application.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox, QGroupBox, QWidget

from desktop.domain.appearance import (
    FLASH_MS_RANGE,
    Appearance,
    ColorConvention,
    FlashMode,
    FontSize,
    Theme,
)
from desktop.qt import board_colors
from desktop.widgets.dialog_parts import FormRows, hbox, named, plain_label
from desktop.widgets.theme import apply_theme, theme_colors

__all__ = ["AppearanceBox", "apply_appearance"]

_BASE_FONT = "qbBaseFontPoints"


def apply_appearance(app: QApplication, appearance: Appearance) -> None:
    """Apply `appearance` to the whole running app: theme, colours, flashes, font size; repaint."""
    color_set = theme_colors(app, appearance.theme)
    apply_theme(app, color_set)
    board_colors.apply_colors(appearance, color_set)
    base = app.property(_BASE_FONT)
    if not isinstance(base, float):
        base = app.font().pointSizeF()
        app.setProperty(_BASE_FONT, base)
    size = max(6.0, base + appearance.font.delta_pt)
    if app.font().pointSizeF() != size:
        font = QFont(app.font())
        font.setPointSizeF(size)
        app.setFont(font)
    for window in app.topLevelWidgets():  # a window's repaint redraws its children too
        if window.isVisible():
            window.update()


class AppearanceBox(QGroupBox):
    """The Appearance group of the Settings dialog; see the module docstring."""

    changed = Signal(object)
    """The user picked another `Appearance` (apply and store it now)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Appearance", parent)
        self.setObjectName("appearanceGroup")
        self.theme_box = named(QComboBox(), "themeBox")
        self.theme_box.addItem("Dark", Theme.DARK)
        self.theme_box.addItem("Light", Theme.LIGHT)
        self.theme_box.addItem("Follow system", Theme.SYSTEM)
        self.theme_box.setToolTip("Follow system switches with the operating system's dark mode")
        self.convention_box = named(QComboBox(), "conventionBox")
        self.convention_box.addItem("Green up, red down", ColorConvention.GREEN_UP)
        self.convention_box.addItem("Red up, green down", ColorConvention.RED_UP)
        self.convention_box.setToolTip(
            "Red up is what Hong Kong and mainland China traders read at a glance"
        )
        self.flash_box = named(QComboBox(), "flashBox")
        self.flash_box.addItem("Flash", FlashMode.ON)
        self.flash_box.addItem("Subtle", FlashMode.SUBTLE)
        self.flash_box.addItem("Off", FlashMode.OFF)
        self.flash_box.setToolTip("How strongly a price cell lights up when it moves")
        self.duration_box = named(QDoubleSpinBox(), "flashDurationBox")
        low, high = FLASH_MS_RANGE
        self.duration_box.setRange(low / 1000, high / 1000)
        self.duration_box.setSingleStep(0.1)
        self.duration_box.setDecimals(1)
        self.duration_box.setSuffix(" s")
        self.duration_box.setToolTip("How long a flash takes to fade")
        self.font_box = named(QComboBox(), "fontSizeBox")
        self.font_box.addItem("Small", FontSize.SMALL)
        self.font_box.addItem("Normal", FontSize.NORMAL)
        self.font_box.addItem("Large", FontSize.LARGE)
        hint = plain_label("Changes apply at once and are kept.", role="hint")
        form = FormRows(self)
        form.add("Theme", self.theme_box)
        form.add("Colours", self.convention_box)
        form.add("Flash", hbox((self.flash_box, 1), self.duration_box))
        form.add("Font size", hbox((self.font_box, 1), (hint, 2)))
        self._quiet = False
        self.set_appearance(Appearance())
        for box in (self.theme_box, self.convention_box, self.flash_box, self.font_box):
            box.currentIndexChanged.connect(self._emit)
        self.duration_box.valueChanged.connect(self._emit)

    def set_appearance(self, appearance: Appearance) -> None:
        """Show `appearance` (without announcing it as a change)."""
        self._quiet = True
        try:
            self.theme_box.setCurrentIndex(self.theme_box.findData(appearance.theme))
            self.convention_box.setCurrentIndex(self.convention_box.findData(appearance.convention))
            self.flash_box.setCurrentIndex(self.flash_box.findData(appearance.flash))
            self.duration_box.setValue(appearance.flash_ms / 1000)
            self.font_box.setCurrentIndex(self.font_box.findData(appearance.font))
            self.duration_box.setEnabled(appearance.flash is not FlashMode.OFF)
        finally:
            self._quiet = False

    def appearance(self) -> Appearance:
        """The choices shown now."""
        return Appearance(
            convention=self.convention_box.currentData(),
            flash=self.flash_box.currentData(),
            flash_ms=round(self.duration_box.value() * 1000),
            font=self.font_box.currentData(),
            theme=self.theme_box.currentData(),
        )

    def _emit(self, *_args: object) -> None:
        if self._quiet:
            return
        appearance = self.appearance()
        self.duration_box.setEnabled(appearance.flash is not FlashMode.OFF)
        self.changed.emit(appearance)
