"""An alert's sound plays per rule, and the editor builds rules on the bid, ask or spread."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from desktop.domain.alerts import AlertFiring, AlertKind, ArmSessions, PriceField
from desktop.domain.quote_book import QuoteState
from desktop.widgets.alert_editor import AlertEditor
from desktop.widgets.alert_sound import AlertSound


def firing(sound: bool) -> AlertFiring:
    return AlertFiring(1, "AAPL.US", AlertKind.PRICE_ABOVE, 1.0, "AAPL.US traded 190.00", sound)


def test_a_firing_beeps_when_its_rule_wants_a_sound_and_not_when_muted(qtbot: QtBot) -> None:
    beeps: list[None] = []
    sound = AlertSound(lambda: beeps.append(None))
    sound.on_fired(firing(True))
    sound.on_fired(firing(False))
    assert len(beeps) == 1
    sound.muted = True
    sound.on_fired(firing(True))
    assert len(beeps) == 1 and sound.played == 1


def test_the_editor_builds_a_spread_rule_armed_with_pre_market_and_sound_on_by_default(
    qtbot: QtBot,
) -> None:
    state = QuoteState(
        "AAPL.US", last=Decimal("190.00"), bid=Decimal("189.98"), ask=Decimal("190.02")
    )
    editor = AlertEditor("AAPL.US", state)
    qtbot.addWidget(editor)
    assert editor.sound.isChecked()
    editor.set_field(PriceField.SPREAD)
    assert editor.threshold.value() == 0.08  # starts at twice today's spread
    editor.set_sessions(ArmSessions.WITH_PRE)
    built: list[object] = []
    editor.submitted.connect(built.append)
    editor.submit()
    (rule,) = built
    assert rule.field is PriceField.SPREAD and rule.sessions is ArmSessions.WITH_PRE  # type: ignore[attr-defined]
    assert rule.sound and rule.threshold == Decimal("0.08")  # type: ignore[attr-defined]
    editor2 = AlertEditor("AAPL.US", state)
    qtbot.addWidget(editor2)
    editor2.set_kind(AlertKind.CHANGE_PCT)
    assert not editor2._form.isRowVisible(editor2.field)  # only price rules watch the book
    editor2.sound.setChecked(False)
    assert editor2.rule().field is PriceField.LAST and editor2.rule().sound is False
