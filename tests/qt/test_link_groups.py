"""LinkGroupHub: a symbol published to a group reaches its members once."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop.qt.link_groups import LINK_GROUPS, LinkGroupHub, link_group


def test_publishing_tells_the_group_once_and_remembers_the_symbol(qtbot: QtBot) -> None:
    hub = LinkGroupHub()
    received: list[tuple[str, str]] = []
    hub.published.connect(lambda group, symbol: received.append((group, symbol)))
    hub.publish("blue", "00700.HK")
    hub.publish("blue", "00700.HK")
    hub.publish("yellow", "AAPL.US")
    assert received == [("blue", "00700.HK"), ("yellow", "AAPL.US")]
    assert hub.symbol("blue") == "00700.HK" and hub.symbol(None) is None


def test_unknown_groups_and_empty_symbols_are_ignored(qtbot: QtBot) -> None:
    hub = LinkGroupHub()
    with qtbot.assertNotEmitted(hub.published):
        hub.publish("magenta", "AAPL.US")
        hub.publish(None, "AAPL.US")
        hub.publish("blue", "")


def test_every_group_has_a_number_so_colour_is_not_the_only_cue() -> None:
    assert [g.label for g in LINK_GROUPS] == ["1 Blue", "2 Yellow", "3 Purple", "4 White"]
    assert link_group("yellow") is LINK_GROUPS[1] and link_group("nope") is None
