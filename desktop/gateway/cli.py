"""`quoteboard-gateway`: the headless desk gateway, or with `--history DSN` its history writer.

`quoteboard-gateway --redis-url URL [--feed-url URL] [--plan P]` holds the provider connection
(the built-in simulator without `--feed-url`; the token as the board finds it: QUOTEBOARD_TOKEN
or the keyring, never an argument) and publishes into Redis. The Redis password comes from the
URL, QUOTEBOARD_REDIS_PASSWORD or the keyring (`quoteboard` / `redis:<url>`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop.feed.redis_link import RedisLink, RedisUrlError
from desktop.protocol.plans import Plan

__all__ = ["REDIS_PASSWORD_ENV", "build_parser", "main"]

log = logging.getLogger("desktop.gateway")

REDIS_PASSWORD_ENV = "QUOTEBOARD_REDIS_PASSWORD"


def build_parser() -> argparse.ArgumentParser:
    """The command line of `quoteboard-gateway`."""
    parser = argparse.ArgumentParser(
        prog="quoteboard-gateway",
        description="Share one AllTick connection with every Quote Board on a desk through Redis "
        "(README: Desk gateway). The API token comes from QUOTEBOARD_TOKEN or the OS keyring.",
    )
    parser.add_argument(
        "--redis-url",
        required=True,
        metavar="URL",
        help="redis://host:port, rediss://… (TLS) or redis+sentinel://host:port[,host:port]/MASTER",
    )
    parser.add_argument(
        "--feed-url", metavar="URL", help="the AllTick WebSocket URL (default: built-in simulator)"
    )
    parser.add_argument(
        "--plan",
        choices=[p.value for p in Plan],
        default=None,
        help="the token's AllTick plan (default basic; the simulator: professional)",
    )
    parser.add_argument(
        "--max-boards", type=int, default=10, metavar="N", help="serve at most N boards"
    )
    parser.add_argument(
        "--audit-log",
        type=Path,
        metavar="FILE",
        help="append which board watched what to FILE (JSON lines; default: "
        "gateway-audit.jsonl in Quote Board's data folder)",
    )
    parser.add_argument(
        "--maxlen",
        type=int,
        default=10_000,
        metavar="N",
        help="entries kept per stream (one entry per ~5 ms flush)",
    )
    parser.add_argument(
        "--history",
        metavar="DSN",
        help="run the history writer instead: streams → PostgreSQL at DSN",
    )
    parser.add_argument("--seed", type=int, default=None, help="simulator seed")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO (default), WARNING")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `quoteboard-gateway` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=getattr(logging, str(args.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.max_boards < 1:
        parser.error("--max-boards must be at least 1")
    if args.maxlen < 100:
        parser.error("--maxlen must be at least 100")
    try:
        link = RedisLink.parse(args.redis_url, os.environ.get(REDIS_PASSWORD_ENV) or None)
    except RedisUrlError as exc:
        parser.error(f"--redis-url: {exc}")
    if link.password is None:
        from desktop.persistence.credentials import load_redis_password

        link = link.with_password(load_redis_password(link.redacted))
    try:
        if args.history:
            from desktop.gateway.history_writer import run_history_writer

            return asyncio.run(run_history_writer(link, args.history))
        return asyncio.run(_run_gateway(link, args))
    except KeyboardInterrupt:
        return 0


async def _run_gateway(link: RedisLink, args: argparse.Namespace) -> int:
    from desktop.gateway.service import GatewayConfig, GatewayService
    from desktop.simulator.config import SimulatorConfig
    from desktop.simulator.embedded import EmbeddedSimulator

    simulator = None
    if args.feed_url:
        from desktop.persistence.credentials import load_token

        found = load_token()
        if not found.token:
            print(
                "quoteboard-gateway: no API token (set QUOTEBOARD_TOKEN or run "
                f"`quoteboard token set`){': ' + found.problem if found.problem else ''}",
                file=sys.stderr,
            )
            return 2
        url, token, demo = args.feed_url, found.token, False
        plan = Plan(args.plan or "basic")
    else:
        seed = args.seed if args.seed is not None else 0
        simulator = EmbeddedSimulator(SimulatorConfig(seed=seed, synthesise_unknown=True))
        endpoints = await asyncio.to_thread(simulator.start)
        url, token, demo = endpoints.ws_url, endpoints.token, True
        plan = Plan(args.plan or "professional")
    redis = link.connect(name="quoteboard-gateway")
    audit = args.audit_log
    if audit is None:
        from desktop.persistence.paths import resolve_data_dir

        audit = resolve_data_dir() / "gateway-audit.jsonl"
    log.info("audit log: %s", audit)
    config = GatewayConfig(
        plan=plan,
        demo=demo,
        max_boards=args.max_boards,
        audit_path=audit,
        maxlen=args.maxlen,
    )
    service = GatewayService(redis, url, token, config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("gateway publishing to %s (%s)", link.redacted, "simulator" if demo else "AllTick")
    await service.start()
    try:
        await stop.wait()
    finally:
        await service.stop()
        await redis.aclose()
        if simulator is not None:
            await asyncio.to_thread(simulator.stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
