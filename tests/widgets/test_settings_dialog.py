"""SettingsDialog: non-modal, masked token, validation before any intent, outcomes shown as plain text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from desktop.protocol.plans import Plan
from desktop.protocol.provider_settings import Provider, ProviderSettings, SettingsDraft
from desktop.widgets.settings_dialog import SettingsDialog
from tests.conftest import TIMEOUT_S

WAIT_MS = int(TIMEOUT_S * 1000)
SECRET = "f00dfeed-0000-4c1d-9e11-cafe00c0ffee"


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    dlg = SettingsDialog()
    qtbot.addWidget(dlg)
    dlg.set_settings(ProviderSettings())
    dlg.show()  # returns at once: the dialog is not modal and runs no event loop of its own
    qtbot.waitExposed(dlg)
    return dlg


def test_the_dialog_is_non_modal_and_shows_the_alltick_defaults(dialog: SettingsDialog) -> None:
    assert not dialog.isModal()
    assert dialog.provider_box.currentData() is Provider.ALLTICK
    assert dialog.plan_box.currentData() is Plan.BASIC
    assert dialog.host_box.currentText() == "quote.alltick.co"
    hosts = [dialog.host_box.itemText(i) for i in range(dialog.host_box.count())]
    assert hosts == ["quote.alltick.co", "quote.alltick.io", "quote.tradeswitcher.com"]
    assert dialog.host_box.isEditable()


def test_the_token_is_masked_until_shown_and_forgotten_when_the_dialog_closes(
    dialog: SettingsDialog, qtbot: QtBot
) -> None:
    assert dialog.token_edit.echoMode() is QLineEdit.EchoMode.Password
    dialog.token_edit.setText(SECRET)
    dialog.show_token_button.click()
    assert dialog.token_edit.echoMode() is QLineEdit.EchoMode.Normal
    assert dialog.show_token_button.text() == "Hide"
    dialog.show_token_button.click()
    assert dialog.token_edit.echoMode() is QLineEdit.EchoMode.Password
    dialog.show_token_button.click()
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert dialog.token_edit.text() == ""
    assert dialog.token_edit.echoMode() is QLineEdit.EchoMode.Password


def test_the_simulator_greys_out_the_alltick_fields(dialog: SettingsDialog) -> None:
    dialog.provider_box.setCurrentIndex(dialog.provider_box.findData(Provider.SIMULATOR))
    group = dialog.findChild(QGroupBox, "alltickGroup")
    assert group is not None and not group.isEnabled()
    assert not dialog.test_button.isEnabled()
    dialog.set_settings(ProviderSettings(provider=Provider.ALLTICK))
    assert dialog.test_button.isEnabled()


def test_the_plan_shows_its_limits(dialog: SettingsDialog) -> None:
    dialog.plan_box.setCurrentIndex(dialog.plan_box.findData(Plan.PREMIUM))
    assert dialog.plan_hint_text() == "3 connections · 200 symbols per connection"
    dialog.plan_box.setCurrentIndex(dialog.plan_box.findData(Plan.FREE))
    assert dialog.plan_hint_text() == "1 connection · 5 symbols per connection"


def test_save_with_a_new_token_emits_a_normalised_draft(
    dialog: SettingsDialog, qtbot: QtBot
) -> None:
    dialog.host_box.setCurrentText(" WSS://Quote.AllTick.IO:443/whatever ")
    dialog.plan_box.setCurrentIndex(dialog.plan_box.findData(Plan.PROFESSIONAL))
    dialog.token_edit.setText(f"  {SECRET} ")
    with qtbot.waitSignal(dialog.saveRequested, timeout=WAIT_MS) as saved:
        dialog.save_button.click()
    draft = saved.args[0]
    assert isinstance(draft, SettingsDraft)
    assert draft.settings == ProviderSettings(plan=Plan.PROFESSIONAL, host="quote.alltick.io")
    assert draft.token == SECRET
    assert dialog.is_busy() and not dialog.save_button.isEnabled()
    dialog.finish_save()
    assert not dialog.isVisible() and not dialog.is_busy()


def test_bad_input_is_explained_and_emits_nothing(dialog: SettingsDialog, qtbot: QtBot) -> None:
    emitted: list[object] = []
    dialog.saveRequested.connect(emitted.append)
    dialog.testRequested.connect(emitted.append)
    dialog.host_box.setCurrentText("not a host")
    dialog.token_edit.setText(SECRET)
    dialog.save_button.click()
    assert dialog.field_errors() == ["A host name has no spaces."]
    dialog.host_box.setCurrentText("quote.alltick.co")
    dialog.token_edit.setText("two words")
    dialog.test_button.click()
    assert dialog.field_errors() == [
        "An API token has no spaces or line breaks: paste only the token."
    ]
    dialog.token_edit.clear()
    dialog.save_button.click()  # AllTick and no token anywhere
    assert dialog.field_errors() == [
        "Enter your AllTick API token, or choose the built-in simulator."
    ]
    assert emitted == []
    assert dialog.save_button.isEnabled()


def test_an_empty_token_field_keeps_the_token_the_app_already_has(
    dialog: SettingsDialog, qtbot: QtBot
) -> None:
    dialog.set_token_state("A token is stored in Secret Service.", available=True, stored=True)
    assert "keep the current token" in dialog.token_edit.placeholderText()
    with qtbot.waitSignal(dialog.testRequested, timeout=WAIT_MS) as tested:
        dialog.test_button.click()
    assert tested.args[0].token is None
    assert not dialog.test_button.isEnabled()  # until the result comes back
    assert dialog.test_result_text().startswith("… Testing quote.alltick.co")
    dialog.show_test_result(
        True, "Connected to quote.alltick.co in 182 ms; heartbeat answered in 35 ms"
    )
    assert dialog.test_button.isEnabled()
    assert dialog.test_result_text() == (
        "✔ Connected to quote.alltick.co in 182 ms; heartbeat answered in 35 ms"
    )


def test_outcomes_from_the_network_are_shown_as_plain_text(dialog: SettingsDialog) -> None:
    dialog.show_test_result(False, "server said <b>no</b>")
    assert dialog.test_result_text() == "✖ server said <b>no</b>"
    dialog.show_reason("The server rejected your API token: <i>401</i>")
    assert dialog.reason_text() == "The server rejected your API token: <i>401</i>"
    showing_markup = [label for label in dialog.findChildren(QLabel) if "<" in label.text()]
    assert len(showing_markup) == 2
    assert all(label.textFormat() is Qt.TextFormat.PlainText for label in showing_markup)
    dialog.show_reason(None)
    assert dialog.reason_text() is None


def test_forget_is_offered_only_for_a_stored_token(dialog: SettingsDialog, qtbot: QtBot) -> None:
    assert not dialog.forget_button.isVisible()
    dialog.set_token_state("A token is stored in Secret Service.", available=True, stored=True)
    assert dialog.forget_button.isVisible() and dialog.forget_button.isEnabled()
    with qtbot.waitSignal(dialog.forgetTokenRequested, timeout=WAIT_MS):
        dialog.forget_button.click()


def test_with_no_keyring_the_token_can_be_used_for_this_session_only(
    dialog: SettingsDialog, qtbot: QtBot
) -> None:
    dialog.token_edit.setText(SECRET)
    assert dialog.session_only_text() is None
    dialog.offer_session_only("No secure keyring is available.")
    text = dialog.session_only_text()
    assert text is not None and "cannot hold your token. No secure keyring is available." in text
    assert "never stores your token in a plain file" in text
    with qtbot.waitSignal(dialog.sessionOnlyRequested, timeout=WAIT_MS) as chosen:
        dialog.session_button.click()
    assert chosen.args[0].token == SECRET


def test_choosing_the_simulator_clears_an_alltick_test_result(dialog: SettingsDialog) -> None:
    dialog.show_test_result(
        True, "Connected to quote.alltick.co in 182 ms; heartbeat answered in 35 ms"
    )
    dialog.provider_box.setCurrentIndex(dialog.provider_box.findData(Provider.SIMULATOR))
    assert dialog.test_result_text() == ""
