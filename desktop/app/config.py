"""What the command line asks for, typed and frozen: parsed once in `desktop.__main__`.

Nothing below `__main__` sees argparse: the board, its feed, recording and settings read these
fields, so mypy checks every use of the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.domain.list_text import ListFormat
from desktop.feed.redis_link import RedisLink, RedisUrlError
from desktop.feed.timing import MAX_INGEST_WORKERS, IngestMode
from desktop.protocol.plans import Plan

__all__ = [
    "INGEST_MODES",
    "LIST_FORMATS",
    "MAX_INGEST_WORKERS",
    "PLAN_NAMES",
    "AppConfig",
    "ConfigError",
    "ListCommand",
]

PLAN_NAMES: tuple[str, ...] = tuple(plan.value for plan in Plan)
"""The `--plan` choices."""
LIST_FORMATS: tuple[str, ...] = tuple(fmt.value for fmt in ListFormat)
"""The `--format` choices of `export` and `import`."""
INGEST_MODES: tuple[str, ...] = tuple(mode.value for mode in IngestMode)
"""The `--ingest` choices."""
MAX_SPEED = 10_000.0


class ConfigError(ValueError):
    """Options that parse but make no sense together; the message is for the user."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AppConfig:
    """One run of the board: where its data lives, what it streams, and whether it is a smoke run."""

    data_dir: Path | None = None
    smoke: float | None = None
    """Seconds of a headless run that prints a JSON summary (None: a normal run)."""
    dump: Path | None = None
    feed_url: str | None = None
    gateway: str | None = None
    """`--gateway URL`: stream from the desk gateway's Redis for this run (README "Desk gateway")."""
    plan: Plan | None = None
    seed: int | None = None
    log_level: str = "WARNING"
    record: bool = False
    replay: Path | None = None
    speed: float = 1.0
    ingest: IngestMode = IngestMode.LOOP
    """`--ingest`: the feed's sockets and decoding on the GUI's loop, or in worker processes."""
    ingest_workers: int = 1
    """`--ingest-workers`: how many worker processes share the connections (process mode)."""

    def __post_init__(self) -> None:
        if self.dump is not None and self.smoke is None:
            raise ConfigError("--dump only works with --smoke")
        if self.replay is not None and self.record:
            raise ConfigError("--record and --replay together would record the replay")
        if self.gateway is not None:
            try:
                RedisLink.parse(self.gateway)
            except RedisUrlError as exc:
                raise ConfigError(f"--gateway: {exc}") from None
        if self.gateway is not None and self.feed_url is not None:
            raise ConfigError("--gateway and --feed-url are two different feeds: give one")
        if self.gateway is not None and self.replay is not None:
            raise ConfigError("--gateway and --replay are two different feeds: give one")
        if not 1 <= self.ingest_workers <= MAX_INGEST_WORKERS:
            raise ConfigError(
                f"--ingest-workers must be between 1 and {MAX_INGEST_WORKERS} "
                "(AllTick plans allow up to ten connections)"
            )
        if not 0 < self.speed <= MAX_SPEED:
            raise ConfigError(f"--speed must be a number between 0 and {MAX_SPEED:g}")

    @staticmethod
    def plan_named(name: str | None) -> Plan | None:
        """The `--plan` value as a `Plan` (None when not given)."""
        return Plan(name) if name else None

    @staticmethod
    def ingest_named(name: str | None, workers: int | None = None) -> IngestMode:
        """The `--ingest` value as an `IngestMode`: loop unless given, or unless workers are."""
        if workers is not None and name == IngestMode.LOOP.value:
            raise ConfigError(
                "--ingest-workers runs the feed in worker processes; it cannot be combined with "
                "--ingest loop (leave --ingest out, or give --ingest process)"
            )
        if name is None:
            return IngestMode.LOOP if workers is None else IngestMode.PROCESS
        return IngestMode(name)

    @property
    def is_smoke(self) -> bool:
        """A headless smoke run (never reads saved settings, never opens dialogs)."""
        return self.smoke is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListCommand:
    """`quoteboard lists | export NAME | import FILE`: scripts edit the watchlists."""

    action: str
    """`lists`, `export` or `import`."""
    data_dir: Path | None = None
    name: str = ""
    """`export`: the list to print."""
    file: str = ""
    """`import`: a .csv or text file, or - for stdin."""
    into: str | None = None
    format: ListFormat | None = None

    @staticmethod
    def format_named(name: str | None) -> ListFormat | None:
        """The `--format` value as a `ListFormat` (None when not given)."""
        return ListFormat(name) if name else None
