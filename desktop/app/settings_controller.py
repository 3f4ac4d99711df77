"""The settings flow: picks the feed at start-up, runs the dialog's intents, switches the feed live.

Start-up: a token (QUOTEBOARD_TOKEN, else the keyring) and the AllTick provider → live data; no
token → the built-in simulator with the DEMO DATA badge; a token the server rejects (401) or a
keyring that cannot be read → the settings dialog opens and says why. Keyring calls and the
connection probe run off the GUI thread with deadlines; the dialog only emits intents.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from desktop.aio.task_set import TaskSet
from desktop.app.appearance import AppAppearance
from desktop.app.feed_source import FeedControl, FeedSource
from desktop.domain.feed_status import FeedState, FeedStatus
from desktop.domain.subscription_report import SubscriptionReport
from desktop.domain.truth_terms import TruthVerdict
from desktop.feed.probe import ProbeResult, probe_connection
from desktop.feed.redact import remember_secret
from desktop.persistence import credentials
from desktop.persistence.credentials import CredentialError
from desktop.protocol.plans import PLANS, Plan, advise
from desktop.protocol.provider_settings import Provider, ProviderSettings, SettingsDraft
from desktop.widgets.settings_dialog import SettingsDialog

__all__ = ["SETTINGS_KEY", "SettingsController", "StateStore"]

log = logging.getLogger(__name__)

SETTINGS_KEY = "provider_settings"
"""`app_state` key of the non-secret settings (JSON of `ProviderSettings`)."""

Probe = Callable[[str, str], Awaitable[ProbeResult]]


class StateStore(Protocol):
    """Where non-secret settings live (the app database's `app_state` table)."""

    def get_state(self, key: str, default: str | None = None) -> str | None: ...

    def set_state(self, key: str, value: str) -> None: ...


class SettingsController:
    """Owns the settings dialog and the token in memory; turns the dialog's intents into I/O."""

    def __init__(
        self,
        parent: QWidget | None,
        feed: FeedControl,
        store: StateStore,
        *,
        environ: Mapping[str, str] | None = None,
        plan_override: Plan | None = None,
        feed_url_override: str | None = None,
        probe: Probe = probe_connection,
        keyring_timeout_s: float = credentials.KEYRING_TIMEOUT_S,
        appearance: AppAppearance | None = None,
    ) -> None:
        self._parent = parent
        self._appearance = appearance
        self.feed = feed
        self._store = store
        self._environ = os.environ if environ is None else environ
        self._plan_override = plan_override
        self._feed_url_override = feed_url_override
        self._probe = probe
        self._keyring_timeout_s = keyring_timeout_s
        self.settings = ProviderSettings.from_json(store.get_state(SETTINGS_KEY))
        self.token: str | None = None
        self.token_source = ""
        self.keyring_problem: str | None = None
        self._backend_name = "the OS keyring"
        self._in_keyring = False
        """Whether the keyring holds a token, as far as this session has seen."""
        self._dialog: SettingsDialog | None = None
        self._tasks = TaskSet("settings")
        self._test_task: asyncio.Task[None] | None = None
        self._rejection_shown = False
        self._redis_password = ""
        """The desk gateway's Redis password, from the keyring (or typed this session)."""
        self._report_of: Callable[[], SubscriptionReport | None] = lambda: None
        self.plan_advice: str | None = None
        """The plan that would fit, when the server drops symbols silently (None: all tick)."""
        feed.on_resume_requested(self._on_resume)

    # -- start-up -----------------------------------------------------------------------------
    async def start(self, *, switch: bool = True) -> FeedSource:
        """Find the token, start the matching feed, and open Settings if something needs the user.

        `switch=False` only finds the token (the board starts on a replay; Stop Replay comes back
        to `desired_source()`).
        """
        lookup = await credentials.load_token_async(self._environ, self._keyring_timeout_s)
        if lookup.source != "environment":
            info = await credentials.backend_info_async(self._keyring_timeout_s)
            self._backend_name = info.name if info.usable else self._backend_name
        self.keyring_problem = lookup.problem
        if lookup.token:
            self._adopt(lookup.token, lookup.source or "keyring")
            self._in_keyring = lookup.source == "keyring"
        if self._feed_url_override and not self.token:
            raise SystemExit(
                "--feed-url needs an API token: run `quoteboard token set` or set "
                f"{credentials.ENV_VAR}." + (f" {lookup.problem}" if lookup.problem else "")
            )
        if self.settings.provider is Provider.GATEWAY:
            await self._load_redis_password(self.settings.gateway_url)
        source = self.desired_source()
        if switch:
            await self.feed.use_source(source)
        saved_live = self._store.get_state(SETTINGS_KEY) is not None and self.settings.live
        if self.keyring_problem and saved_live and not self.token:
            dialog = self.open_dialog(
                "Your API token could not be read, so the board shows demo data. "
                + self.keyring_problem
            )
            dialog.offer_session_only(self.keyring_problem)
        return source

    def desired_source(self) -> FeedSource:
        """The feed the current settings and token ask for (no I/O: the token is in memory)."""
        plan = self._plan_override or self.settings.plan
        if self._feed_url_override and self.token:
            return FeedSource.provider(self._feed_url_override, self.token, plan, self.token_source)
        if self.settings.provider is Provider.GATEWAY:
            return FeedSource.gateway(self.settings.gateway_url, self._redis_password)
        if self.settings.live and self.token:
            return FeedSource.provider(self.settings.ws_url(), self.token, plan, self.token_source)
        return FeedSource.simulator(self._plan_override or Plan.PROFESSIONAL)

    def _adopt(self, token: str, source: str) -> None:
        remember_secret(token)  # from now on no log line can carry it
        self.token = token
        self.token_source = source

    async def _restart_if_changed(self) -> None:
        source = self.desired_source()
        if source != self.feed.current_source():
            await self.feed.use_source(source)

    # -- the dialog ---------------------------------------------------------------------------
    def open_dialog(self, reason: str | None = None) -> SettingsDialog:
        """Show Settings (non-modal; raised if already open), with `reason` in a banner if given."""
        dialog = self._dialog
        if dialog is None:
            dialog = self._dialog = SettingsDialog(self._parent)
            dialog.testRequested.connect(self._on_test)
            dialog.saveRequested.connect(self._on_save)
            dialog.forgetTokenRequested.connect(self._on_forget)
            dialog.sessionOnlyRequested.connect(self._on_session_only)
            dialog.rejected.connect(self._cancel_test)
            if self._appearance is not None:
                self._appearance.attach(dialog.appearance)
        if not dialog.isVisible():
            dialog.set_settings(self.settings)
        dialog.show_reason(reason)
        dialog.show_streaming(self._streaming_now())
        self._show_token_state()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _streaming_now(self) -> str:
        """What the board streams right now, in words (not what the dialog has selected)."""
        source = self.feed.current_source()
        if source is None:
            return "nothing live (paused, or replaying a recording)"
        if source.demo:
            return "the built-in simulator (demo data, not market data)"
        text = f"AllTick (live data), {PLANS[source.plan].label} plan"
        return text if self.plan_advice is None else f"{text}\n{self.plan_advice}"

    def set_subscriptions(self, report_of: Callable[[], SubscriptionReport | None]) -> None:
        """Where the running feed's subscription report comes from (for the plan advice)."""
        self._report_of = report_of

    def on_verdicts(self, verdicts: Mapping[str, TruthVerdict]) -> None:
        """After each judgement: symbols the server drops silently make Settings suggest the
        plan that would fit (only for a provider feed: demo and the gateway have no plan)."""
        source = self.feed.current_source()
        advice = None
        if source is not None and not source.demo and not source.gateway_url:
            advice = advise(source.plan, verdicts, self._report_of)
        if advice != self.plan_advice:
            self.plan_advice = advice
            if self._dialog is not None and self._dialog.isVisible():
                self._dialog.show_streaming(self._streaming_now())

    @property
    def dialog(self) -> SettingsDialog | None:
        """The settings dialog, once it was opened."""
        return self._dialog

    def on_status(self, status: FeedStatus) -> None:
        """Feed status changes: a rejected token opens Settings with the reason, once each time
        the feed turns to "Token rejected" (a new feed starts as Connecting)."""
        if status.state is not FeedState.TOKEN_REJECTED or status.demo:
            self._rejection_shown = False
            return
        if self._rejection_shown:
            return
        self._rejection_shown = True
        where = f" (from {credentials.ENV_VAR})" if self.token_source == "environment" else ""
        code = "HTTP 401" if "HTTP 401" in status.reason else "401"
        self.open_dialog(
            f"The server rejected your API token{where} ({code}). Paste a valid token and "
            "Save, or switch to the built-in simulator."
        )

    def _show_token_state(self) -> None:
        dialog = self._dialog
        if dialog is None:
            return
        if self.token_source == "environment":
            text = (
                f"Using {credentials.ENV_VAR} from the environment; it overrides the keyring "
                "for this run."
            )
        elif self.token_source == "keyring":
            text = f"A token is stored in {self._backend_name}."
        elif self.token_source == "session":
            text = "Using a token kept in memory for this session only; it is forgotten at quit."
            if self._in_keyring:
                text += f" {self._backend_name} still holds an older one."
        elif self.keyring_problem:
            text = f"No token available. {self.keyring_problem}"
        else:
            text = "No token stored. Without one the board shows demo data."
        forgettable = self._in_keyring or self.token_source == "session"
        dialog.set_token_state(text, available=self.token is not None, stored=forgettable)

    # -- intents ------------------------------------------------------------------------------
    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = self._tasks.spawn(coro)
        return task

    def _on_resume(self) -> None:
        """A replay stopped: back to the feed these settings ask for."""
        self._spawn(self.feed.use_source(self.desired_source()))

    def _on_test(self, draft: SettingsDraft) -> None:
        self._cancel_test()
        self._test_task = self._spawn(self._test(draft))

    def _cancel_test(self) -> None:
        if self._test_task is not None and not self._test_task.done():
            self._test_task.cancel()
        self._test_task = None

    async def _test(self, draft: SettingsDraft) -> None:
        dialog = self._dialog
        token = draft.token or self.token
        if dialog is None:
            return
        if not token:
            dialog.show_test_result(False, "Enter a token to test the connection.")
            return
        remember_secret(token)
        # AllTick counts connections per token (reference §1.7): on a one-connection plan a probe
        # next to the board's own socket is refused, or evicts it. Pause the board meanwhile.
        running = self.feed.current_source()
        paused = running is not None and not running.demo and running.token == token
        if paused:
            await self.feed.pause_feed()
        try:
            result = await self._probe(draft.settings.ws_url(), token)
        finally:
            if paused and running is not None:
                await self.feed.use_source(running)
        log.info("connection test: %s", result.message)
        note = " (the board paused its own connection for the test)" if paused else ""
        dialog.show_test_result(result.ok, result.message + note)

    def _on_save(self, draft: SettingsDraft) -> None:
        self._spawn(self._save(draft))

    async def _load_redis_password(self, url: str) -> None:
        self._redis_password = (
            await credentials.load_redis_password_async(url, self._keyring_timeout_s) or ""
        )

    async def _save(self, draft: SettingsDraft) -> None:
        dialog = self._dialog
        assert dialog is not None
        if draft.settings.provider is Provider.GATEWAY:
            url = draft.settings.gateway_url
            if draft.redis_password is not None:
                problem = await credentials.store_redis_password_async(
                    url, draft.redis_password, self._keyring_timeout_s
                )
                if problem:  # still used for this session: only storing it failed
                    log.warning("%s", problem)
                    dialog.show_message(problem, ok=False)
                self._redis_password = draft.redis_password
            elif url != self.settings.gateway_url or not self._redis_password:
                await self._load_redis_password(url)
        if draft.token is not None:
            try:
                await credentials.save_token_async(draft.token, self._keyring_timeout_s)
            except CredentialError as exc:
                log.warning("API token not stored: %s", exc.message)
                self.keyring_problem = exc.message
                dialog.show_message("Not saved: the keyring cannot hold your token.", ok=False)
                dialog.offer_session_only(exc.message)
                return
            self.keyring_problem = None
            self._in_keyring = True
            self._adopt(draft.token, "keyring")
        await self._apply(draft.settings)

    def _on_session_only(self, draft: SettingsDraft) -> None:
        if draft.token is not None:
            self._adopt(draft.token, "session")
            self._spawn(self._apply(draft.settings))

    async def _apply(self, settings: ProviderSettings) -> None:
        """Store the non-secret settings, close the dialog and switch the feed if needed."""
        self.settings = settings
        self._store.set_state(SETTINGS_KEY, settings.to_json())
        self._feed_url_override = None  # the dialog's host now decides
        if self._dialog is not None:
            self._dialog.finish_save()
        await self._restart_if_changed()

    def _on_forget(self) -> None:
        self._spawn(self._forget())

    async def _forget(self) -> None:
        dialog = self._dialog
        assert dialog is not None
        dropped = self.token_source == "session"
        if dropped:  # "Forget" means the app has no token left, except QUOTEBOARD_TOKEN
            self.token, self.token_source = None, ""
        removed = False
        if self._in_keyring or not dropped:
            try:
                removed = await credentials.delete_token_async(self._keyring_timeout_s)
            except CredentialError as exc:
                self._show_token_state()
                dialog.show_message(f"The token could not be removed: {exc.message}", ok=False)
                await self._restart_if_changed()
                return
            self._in_keyring = False
            if self.token_source == "keyring":
                self.token, self.token_source = None, ""
        self._show_token_state()
        if removed:
            message = "Token removed from the keyring" + (" and from memory." if dropped else ".")
        else:
            message = "Token forgotten." if dropped else "No token was stored in the keyring."
        dialog.show_message(message)
        await self._restart_if_changed()

    async def close(self) -> None:
        """Cancel whatever is still running (at quit)."""
        await self._tasks.close()
        if self._dialog is not None:
            self._dialog.close()
