"""Colour link groups (the way TWS and thinkorswim link windows): a symbol published to a group
is followed by every window linked to it.

The watchlist publishes its current row to its group; a linked ladder that is given another
symbol publishes it too, so the rest of the group follows. Pinned windows are in no group.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor

__all__ = ["LINK_GROUPS", "LinkGroup", "LinkGroupHub", "link_group"]


@dataclass(frozen=True, slots=True)
class LinkGroup:
    """One group: a stable key (saved in layouts), a number and a name users see, a colour."""

    key: str
    number: int
    name: str
    color: QColor

    @property
    def label(self) -> str:
        """ "1 Blue": colour is never the only cue, so every chip also carries the number."""
        return f"{self.number} {self.name}"


# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; none of them is
# the watchlist's bid/up teal or ask/down orange-red, so a group chip never reads as a price move.
# A group keeps its colour in both themes (it is the group's name); swatches are drawn with a
# ring, so White and Yellow show on a light toolbar too.
LINK_GROUPS: tuple[LinkGroup, ...] = (
    LinkGroup("blue", 1, "Blue", QColor("#56b4e9")),
    LinkGroup("yellow", 2, "Yellow", QColor("#f0e442")),
    LinkGroup("purple", 3, "Purple", QColor("#cc79a7")),
    LinkGroup("white", 4, "White", QColor("#f3f5f7")),
)
_BY_KEY = {group.key: group for group in LINK_GROUPS}


def link_group(key: str | None) -> LinkGroup | None:
    """The group with this key, or None (pinned, or a key from a newer version)."""
    return _BY_KEY.get(key) if key else None


class LinkGroupHub(QObject):
    """The current symbol of every link group; `published` tells linked windows to follow."""

    published = Signal(str, str)
    """(group key, symbol): a member of the group now shows `symbol`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._symbols: dict[str, str] = {}

    def publish(self, group: str | None, symbol: str) -> None:
        """Make `symbol` the group's symbol and tell its members (no-op when unchanged)."""
        if group not in _BY_KEY or not symbol or self._symbols.get(group) == symbol:
            return
        self._symbols[group] = symbol
        self.published.emit(group, symbol)

    def symbol(self, group: str | None) -> str | None:
        """The symbol the group shows now, if anyone has published one."""
        return self._symbols.get(group) if group else None
