"""How the board looks to this user: theme, up/down colour convention, price flashes, font size.

Pure and JSON-friendly (`to_json`/`from_json`): stored in the app database, applied live by the
Qt layer. Unknown or damaged values fall back to the defaults one field at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

__all__ = ["FLASH_MS_RANGE", "Appearance", "ColorConvention", "FlashMode", "FontSize", "Theme"]

_E = TypeVar("_E", bound=Enum)

FLASH_MS_RANGE = (200, 2000)
"""Shortest and longest flash a user can choose, in milliseconds."""


class Theme(Enum):
    """Dark or light surfaces, or whichever the operating system is set to right now."""

    DARK = "dark"
    LIGHT = "light"
    SYSTEM = "system"


class ColorConvention(Enum):
    """Which colour means up: green (US, Europe) or red (Hong Kong, mainland China, Japan)."""

    GREEN_UP = "green_up"
    RED_UP = "red_up"


class FlashMode(Enum):
    """How strongly a moved price flashes: full tint, a faint one, or none."""

    ON = "on"
    SUBTLE = "subtle"
    OFF = "off"


class FontSize(Enum):
    """Three font sizes; the value is the change from the system font, in points."""

    SMALL = "small"
    NORMAL = "normal"
    LARGE = "large"

    @property
    def delta_pt(self) -> int:
        """Points added to the system font's size."""
        return {"small": -1, "normal": 0, "large": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Appearance:
    """The user's appearance choices (defaults: dark, green up, full flash of 0.6 s, normal font)."""

    convention: ColorConvention = ColorConvention.GREEN_UP
    flash: FlashMode = FlashMode.ON
    flash_ms: int = 600
    font: FontSize = FontSize.NORMAL
    theme: Theme = Theme.DARK

    def to_json(self) -> str:
        """Text for the app database."""
        return json.dumps(
            {
                "convention": self.convention.value,
                "flash": self.flash.value,
                "flash_ms": self.flash_ms,
                "font": self.font.value,
                "theme": self.theme.value,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> Appearance:
        """The stored choices; defaults for anything missing or unusable."""
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        default = cls()
        flash_ms = data.get("flash_ms")
        if not isinstance(flash_ms, int) or isinstance(flash_ms, bool):
            flash_ms = default.flash_ms
        low, high = FLASH_MS_RANGE
        return cls(
            theme=_member(Theme, data.get("theme"), default.theme),
            convention=_member(ColorConvention, data.get("convention"), default.convention),
            flash=_member(FlashMode, data.get("flash"), default.flash),
            flash_ms=max(low, min(high, flash_ms)),
            font=_member(FontSize, data.get("font"), default.font),
        )


def _member(kind: type[_E], value: object, default: _E) -> _E:
    try:
        return kind(value)
    except ValueError:
        return default
