"""AlertEditor: a non-modal form whose defaults follow the condition; only valid rules leave it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from desktop.domain.alerts import AlertKind, AlertRule, ChangeDirection
from desktop.domain.market_data import ReferenceData
from desktop.domain.quote_book import QuoteBook
from desktop.widgets.alert_editor import AlertEditor
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)


@pytest.fixture
def editor(qtbot: QtBot) -> Iterator[AlertEditor]:
    book = QuoteBook()
    book.track("AAPL.US")
    book.apply_reference(
        ReferenceData(
            "AAPL.US", name="<b>Apple</b>", prev_close=Decimal("100"), last=Decimal("200.00")
        ),
        0.0,
    )
    made = AlertEditor("AAPL.US", book.get("AAPL.US"))  # deletes itself on close
    made.show()
    yield made
    if shiboken6.isValid(made):
        made.close()


def test_the_editor_is_not_modal_and_shows_the_name_as_plain_text(editor: AlertEditor) -> None:
    assert not editor.isModal()
    assert editor.windowTitle() == "New Alert — AAPL.US"
    heading = editor.findChildren(type(editor.error))[0]
    assert "<b>Apple</b>" in heading.text()


def test_each_condition_has_a_sensible_default_and_only_its_own_fields(
    editor: AlertEditor,
) -> None:
    assert editor.current_kind() is AlertKind.PRICE_ABOVE
    assert editor.threshold.value() == pytest.approx(202.0)
    assert editor.threshold.decimals() == 2
    editor.set_kind(AlertKind.PRICE_BELOW)
    assert editor.threshold.value() == pytest.approx(198.0)
    editor.set_kind(AlertKind.CHANGE_PCT)
    assert editor.threshold.value() == 3.0 and editor.threshold.suffix() == " %"
    assert editor.direction.isVisibleTo(editor) and not editor.window_min.isVisibleTo(editor)
    editor.set_kind(AlertKind.VOLUME_ANOMALY)
    assert editor.window_min.isVisibleTo(editor) and not editor.direction.isVisibleTo(editor)


def test_a_valid_rule_is_submitted_and_the_editor_closes(editor: AlertEditor, qtbot: QtBot) -> None:
    editor.set_kind(AlertKind.CHANGE_PCT)
    editor.threshold.setValue(2.5)
    editor.direction.setCurrentIndex(editor.direction.findData("down"))
    editor.cooldown_min.setValue(15)
    with qtbot.waitSignal(editor.submitted, timeout=WAIT_MS) as submitted:
        editor.create_button.click()
    assert submitted.args == [
        AlertRule(
            "AAPL.US",
            AlertKind.CHANGE_PCT,
            Decimal("2.50"),
            direction=ChangeDirection.DOWN,
            cooldown_s=900.0,
        )
    ]
    assert not editor.isVisible()


def test_an_invalid_rule_says_why_and_the_editor_stays_open(
    editor: AlertEditor, qtbot: QtBot
) -> None:
    editor.set_kind(AlertKind.VOLUME_ANOMALY)
    editor.threshold.setValue(1.0)
    with qtbot.assertNotEmitted(editor.submitted):
        editor.create_button.click()
    assert editor.isVisible()
    assert "above 1" in editor.error.text() and editor.error.isVisible()
