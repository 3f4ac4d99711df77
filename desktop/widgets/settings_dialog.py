"""Settings: provider, plan, host, API token, "Test connection" and Save — a non-modal dialog.

The dialog does no I/O. It validates what was typed and emits intents (`testRequested`,
`saveRequested`, `forgetTokenRequested`, `sessionOnlyRequested`); the app package runs the keyring and
the probe off the GUI thread and feeds the outcome back through the `show_*` slots. It is shown
with `show()`, never `exec()`: a nested event loop would stall the asyncio tasks under qasync.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.protocol.alltick_wire import DEFAULT_HOSTS
from desktop.protocol.plans import PLANS, Plan
from desktop.protocol.provider_settings import (
    Provider,
    ProviderSettings,
    SettingsDraft,
    gateway_problem,
    normalize_host,
    token_problem,
)
from desktop.qt.palette import colors, follow_theme
from desktop.widgets.appearance_box import AppearanceBox
from desktop.widgets.dialog_parts import (
    DIALOG_STYLE,
    FormRows,
    hbox,
    named,
    plain_label,
    set_tone,
)

__all__ = ["SettingsDialog"]

_OK, _FAIL, _BUSY, _WARN = "✔", "✖", "…", "⚠"


_HINTS = {
    Provider.ALLTICK: "Real-time quotes from AllTick, with your API token.",
    Provider.GATEWAY: "Quotes from your desk's gateway, which shares one AllTick connection "
    "with every board on the desk (no API token needed here).",
    Provider.SIMULATOR: "Simulated prices from the built-in market: NOT real market data. "
    "The board shows a DEMO DATA badge.",
}


class SettingsDialog(QDialog):
    """Edits `ProviderSettings` and the API token; emits intents, owns no feed or keyring."""

    testRequested = Signal(object)
    """A `SettingsDraft` to probe (token None: use the token the app already has)."""
    saveRequested = Signal(object)
    """A `SettingsDraft` to apply: store the token (if typed) and the settings, restart the feed."""
    forgetTokenRequested = Signal()
    """Delete the token from the keyring."""
    sessionOnlyRequested = Signal(object)
    """A `SettingsDraft` whose token is to be kept in memory only (the keyring is unusable)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setModal(False)
        follow_theme(self, lambda: self.setStyleSheet(DIALOG_STYLE.format(c=colors())))
        self.setFixedWidth(620)
        self._token_available = False
        self._busy = False
        self._fit_timer = QTimer(self)  # a child: it dies with the dialog, never fires after it
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_now)

        self._banner = named(QFrame(), "settingsBanner")
        self._banner_text = plain_label()
        banner_layout = QHBoxLayout(self._banner)
        banner_layout.setContentsMargins(10, 8, 10, 8)
        banner_layout.addWidget(self._banner_text)
        self._banner.hide()

        self.provider_box = named(QComboBox(), "providerBox")
        for provider in (Provider.ALLTICK, Provider.GATEWAY, Provider.SIMULATOR):
            self.provider_box.addItem(provider.label, provider)
        self._provider_hint = plain_label(role="hint")
        source_group = named(QGroupBox("Data source"), "sourceGroup")
        source = FormRows(source_group)
        source.add("Provider", self.provider_box)
        source.add("", self._provider_hint)

        self._alltick = named(QGroupBox("AllTick connection"), "alltickGroup")
        form = FormRows(self._alltick)
        self.plan_box = named(QComboBox(), "planBox")
        for plan in Plan:
            self.plan_box.addItem(PLANS[plan].label, plan)
        self._plan_hint = plain_label(role="hint")
        form.add("Plan", hbox(self.plan_box, (self._plan_hint, 1)))

        self.host_box = named(QComboBox(), "hostBox")
        self.host_box.setEditable(True)
        self.host_box.addItems(list(DEFAULT_HOSTS))
        self.host_box.setToolTip(
            "An AllTick host (wss:// on port 443), or ws://host:port for a local simulator"
        )
        self._host_error = plain_label(role="error")
        self._host_error.hide()
        form.add("Host", self.host_box)
        form.add("", self._host_error)

        self.token_edit = named(QLineEdit(), "tokenEdit")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhNoAutoUppercase
        )
        self.token_edit.setClearButtonEnabled(True)
        self.show_token_button = named(QPushButton("Show"), "showTokenButton")
        self.show_token_button.setCheckable(True)
        self.show_token_button.setAutoDefault(False)
        self.show_token_button.setToolTip("Show or hide the token you are typing")
        self.show_token_button.toggled.connect(self._toggle_token_visible)
        form.add("API token", hbox((self.token_edit, 1), self.show_token_button))
        self._token_error = plain_label(role="error")
        self._token_error.hide()
        form.add("", self._token_error)
        self._token_state = plain_label(role="hint")
        self.forget_button = named(QPushButton("Forget token"), "forgetTokenButton")
        self.forget_button.setToolTip("Delete the token from the OS keyring")
        self.forget_button.setAutoDefault(False)
        self.forget_button.clicked.connect(self.forgetTokenRequested.emit)
        form.add("", hbox((self._token_state, 1), self.forget_button))

        self.test_button = named(QPushButton("Test connection"), "testButton")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self._request_test)
        self._test_result = plain_label()
        self._test_result.setObjectName("testResult")
        self._test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.add("", hbox(self.test_button, (self._test_result, 1)))

        self._gateway = named(QGroupBox("Desk gateway"), "gatewayGroup")
        gateway_form = FormRows(self._gateway)
        self.gateway_edit = named(QLineEdit(), "gatewayEdit")
        self.gateway_edit.setToolTip(
            "redis://host:6379, rediss://host:6380 (TLS) or redis+sentinel://host:26379/master"
        )
        gateway_form.add("Address", self.gateway_edit)
        self._gateway_error = plain_label(role="error")
        self._gateway_error.hide()
        gateway_form.add("", self._gateway_error)
        self.redis_password_edit = named(QLineEdit(), "redisPasswordEdit")
        self.redis_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.redis_password_edit.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhSensitiveData
        )
        self.redis_password_edit.setPlaceholderText("Leave empty to keep the stored password")
        gateway_form.add("Password", self.redis_password_edit)
        gateway_form.add(
            "",
            plain_label(
                "The gateway holds the AllTick token; this board needs only its Redis user. "
                "The password is kept in the OS keyring.",
                role="hint",
            ),
        )

        self._session_panel = named(QFrame(), "sessionOnlyPanel")
        self._session_text = plain_label()
        self.session_button = named(QPushButton("Use for this session only"), "sessionOnlyButton")
        self.session_button.setAutoDefault(False)
        self.session_button.clicked.connect(self._request_session_only)
        session_layout = QVBoxLayout(self._session_panel)
        session_layout.setContentsMargins(10, 8, 10, 8)
        session_layout.addWidget(self._session_text)
        session_layout.addWidget(self.session_button, 0, Qt.AlignmentFlag.AlignRight)
        self._session_panel.hide()

        self._message = plain_label()
        self._message.setObjectName("settingsMessage")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = named(
            self.buttons.button(QDialogButtonBox.StandardButton.Save), "saveButton"
        )
        self.save_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.buttons.accepted.connect(self._request_save)
        self.buttons.rejected.connect(self.reject)

        self._streaming = named(plain_label(), "streamingNow")
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self._banner)
        layout.addWidget(self._streaming)
        layout.addWidget(source_group)
        layout.addWidget(self._alltick)
        layout.addWidget(self._gateway)
        layout.addWidget(self._session_panel)
        self.appearance = AppearanceBox(self)  # applies live: not part of Save
        layout.addWidget(self.appearance)
        layout.addWidget(self._message)
        layout.addWidget(self.buttons)

        self.provider_box.currentIndexChanged.connect(self._provider_changed)
        self.plan_box.currentIndexChanged.connect(self._plan_changed)
        self.set_settings(ProviderSettings())
        self.set_token_state("No token stored.", available=False, stored=False)

    # -- what the app tells the dialog -------------------------------------------------------
    def set_settings(self, settings: ProviderSettings) -> None:
        """Show these settings in the fields."""
        self.provider_box.setCurrentIndex(self.provider_box.findData(settings.provider))
        self.plan_box.setCurrentIndex(self.plan_box.findData(settings.plan))
        self.host_box.setCurrentText(settings.host)
        self.gateway_edit.setText(settings.gateway_url)
        self._provider_changed()
        self._plan_changed()

    def set_token_state(self, text: str, *, available: bool, stored: bool) -> None:
        """Say where the current token comes from; `stored` enables "Forget token"."""
        self._token_available = available
        self._token_state.setText(text)
        self.forget_button.setEnabled(stored and not self._busy)
        self.forget_button.setVisible(stored)
        self.token_edit.setPlaceholderText(
            "Leave empty to keep the current token" if available else "Paste your AllTick API token"
        )
        self._fit()

    def show_streaming(self, text: str) -> None:
        """What the board streams right now (which may differ from the choice below)."""
        self._streaming.setText(f"Streaming now: {text}")

    def streaming_text(self) -> str:
        """The "Streaming now" line."""
        return self._streaming.text()

    def show_reason(self, text: str | None) -> None:
        """Why the dialog opened by itself (a rejected token, an unreadable keyring); None hides it."""
        self._banner_text.setText(f"{_WARN} {text}" if text else "")
        self._banner.setVisible(bool(text))
        self._fit()

    def show_test_result(self, ok: bool, text: str) -> None:
        """The outcome of "Test connection", in words."""
        self._set_busy(False)
        set_tone(self._test_result, "ok" if ok else "fail", f"{_OK if ok else _FAIL} {text}")
        self._fit()

    def show_message(self, text: str, ok: bool = True) -> None:
        """A line above the buttons (e.g. "Token removed from the keyring.")."""
        self._set_busy(False)
        set_tone(self._message, "ok" if ok else "fail", f"{_OK if ok else _FAIL} {text}")
        self._fit()

    def offer_session_only(self, text: str) -> None:
        """The keyring cannot hold the token: explain, and offer to keep it in memory this session."""
        self._set_busy(False)
        self._session_text.setText(
            f"{_WARN} The keyring cannot hold your token. {text}\n\nQuote Board never stores "
            "your token in a plain file. You can use it for this session only: it stays in "
            "memory and is forgotten when you quit."
        )
        self._session_panel.show()
        self._fit()

    def finish_save(self) -> None:
        """The app applied the settings: clear the secret field and close."""
        self._set_busy(False)
        self._session_panel.hide()
        self.accept()

    # -- read-back for tests and the app -----------------------------------------------------
    def is_busy(self) -> bool:
        """True while a save or forget request is in flight."""
        return self._busy

    def reason_text(self) -> str | None:
        """The banner's text (after its ⚠), or None when no banner is shown."""
        if self._banner.isHidden():
            return None
        return self._banner_text.text().removeprefix(f"{_WARN} ")

    def test_result_text(self) -> str:
        """The "Test connection" outcome line ("" before a test)."""
        return self._test_result.text()

    def message_text(self) -> str:
        """The line above the buttons ("" when empty)."""
        return self._message.text()

    def token_state_text(self) -> str:
        """Where the current token comes from."""
        return self._token_state.text()

    def plan_hint_text(self) -> str:
        """The limits of the selected plan."""
        return self._plan_hint.text()

    def field_errors(self) -> list[str]:
        """The validation messages currently shown under the fields."""
        return [
            label.text()
            for label in (self._host_error, self._token_error, self._gateway_error)
            if not label.isHidden()
        ]

    def session_only_text(self) -> str | None:
        """The no-keyring explanation, or None when the session-only choice is not offered."""
        return self._session_text.text() if not self._session_panel.isHidden() else None

    # -- intents -----------------------------------------------------------------------------
    def _draft(self, *, need_token: bool) -> SettingsDraft | None:
        """The fields as a draft, or None after showing what is wrong."""
        self._host_error.hide()
        self._token_error.hide()
        self._gateway_error.hide()
        provider = self.provider_box.currentData()
        if provider is Provider.GATEWAY:
            return self._gateway_draft()
        try:
            host = normalize_host(self.host_box.currentText())
        except ValueError as exc:
            if provider is Provider.ALLTICK:
                self._field_error(self._host_error, str(exc))
                return None
            host = DEFAULT_HOSTS[0]
        settings = ProviderSettings(provider=provider, plan=self.plan_box.currentData(), host=host)
        typed = self.token_edit.text().strip()
        if typed:
            problem = token_problem(typed)
            if problem and provider is Provider.ALLTICK:
                self._field_error(self._token_error, problem)
                return None
            return SettingsDraft(settings, None if problem else typed)
        if need_token and provider is Provider.ALLTICK and not self._token_available:
            self._field_error(
                self._token_error,
                "Enter your AllTick API token, or choose the built-in simulator.",
            )
            return None
        return SettingsDraft(settings, None)

    def _gateway_draft(self) -> SettingsDraft | None:
        """The desk gateway's address and, if typed, its Redis password."""
        address = self.gateway_edit.text().strip()
        problem = gateway_problem(address)
        if problem:
            self._field_error(self._gateway_error, problem)
            return None
        try:
            host = normalize_host(self.host_box.currentText())
        except ValueError:
            host = DEFAULT_HOSTS[0]
        settings = ProviderSettings(
            provider=Provider.GATEWAY,
            plan=self.plan_box.currentData(),
            host=host,
            gateway_url=address,
        )
        return SettingsDraft(settings, None, self.redis_password_edit.text() or None)

    def _field_error(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.show()
        self._fit()

    def _request_test(self) -> None:
        draft = self._draft(need_token=True)
        if draft is None:
            return
        self.test_button.setEnabled(False)
        set_tone(self._test_result, "busy", f"{_BUSY} Testing {draft.settings.host_label}…")
        self._fit()
        self.testRequested.emit(draft)

    def _request_save(self) -> None:
        draft = self._draft(need_token=True)
        if draft is None:
            return
        self._set_busy(True)
        set_tone(self._message, "busy", f"{_BUSY} Saving…")
        self.saveRequested.emit(draft)

    def _request_session_only(self) -> None:
        draft = self._draft(need_token=True)
        if draft is None:
            return
        if draft.token is None:
            self._field_error(self._token_error, "Enter the token to use for this session.")
            return
        self._set_busy(True)
        self.sessionOnlyRequested.emit(draft)

    # -- internals ---------------------------------------------------------------------------
    def _fit(self) -> None:
        """Take the height the content needs (banners, messages and panels come and go), once the
        pending layout requests have run: sizes read before then are stale."""
        self._message.setVisible(bool(self._message.text()))
        self._fit_timer.start()

    def _fit_now(self) -> None:
        height = self.heightForWidth(self.width())
        self.resize(self.width(), height if height > 0 else self.sizeHint().height())

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setEnabled(not busy)
        self.session_button.setEnabled(not busy)
        self.forget_button.setEnabled(not busy and self.forget_button.isVisible())
        if not busy:
            self.test_button.setEnabled(self.provider_box.currentData() is Provider.ALLTICK)

    def _provider_changed(self) -> None:
        provider = self.provider_box.currentData()
        live = provider is Provider.ALLTICK
        self._alltick.setEnabled(live)
        self._alltick.setVisible(provider is not Provider.GATEWAY)
        self._gateway.setVisible(provider is Provider.GATEWAY)
        self.test_button.setEnabled(live and not self._busy)
        self._provider_hint.setText(_HINTS.get(provider, ""))
        self._test_result.clear()  # an outcome of AllTick's test says nothing about the simulator
        self._fit()

    def _plan_changed(self) -> None:
        plan = self.plan_box.currentData()
        if plan is None:
            return
        profile = PLANS[plan]
        plural = "s" if profile.connections > 1 else ""
        self._plan_hint.setText(
            f"{profile.connections} connection{plural} · "
            f"{profile.symbols_per_connection:,} symbols per connection"
        )

    def _toggle_token_visible(self, visible: bool) -> None:
        self.token_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if visible else QLineEdit.EchoMode.Password
        )
        self.show_token_button.setText("Hide" if visible else "Show")

    def hideEvent(self, event: QHideEvent) -> None:
        """A hidden dialog keeps no secret and no stale outcome: fields and messages are reset."""
        self.token_edit.clear()
        self.redis_password_edit.clear()
        self.show_token_button.setChecked(False)
        for label in (self._host_error, self._token_error, self._gateway_error):
            label.hide()
        for label in (self._test_result, self._message):
            label.clear()
        self._session_panel.hide()
        self._fit()
        super().hideEvent(event)
