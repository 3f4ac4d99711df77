"""`quoteboard-sim`: the AllTick-compatible market simulator as a standalone server."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from desktop.domain.recording import parse_time_bound
from desktop.protocol.plans import PLAN_NAMES
from desktop.simulator.config import ExchangeHours, SimulatorConfig, always_open
from desktop.simulator.faults import FaultInjector, FaultKind, run_fault_schedule
from desktop.simulator.replay import RecordingError, ReplaySource
from desktop.simulator.server import SimulatorServer

__all__ = ["build_config", "build_replay", "main", "parse_args"]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line of `quoteboard-sim`."""
    parser = argparse.ArgumentParser(
        prog="quoteboard-sim",
        description="Serve a simulated US + HK market over the AllTick WebSocket and REST "
        "protocol, for Quote Board and its tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=9000, help="port (0 picks a free one)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the market")
    parser.add_argument("--rate", type=float, default=150.0, help="trades per second in total")
    parser.add_argument(
        "--plan",
        choices=[*PLAN_NAMES, "none"],
        default="professional",
        help="plan given to any token ('none': only tokens from --token are accepted)",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="TOKEN=PLAN",
        help="a token with its own plan (repeatable)",
    )
    parser.add_argument(
        "--heartbeat-timeout", type=float, default=30.0, help="seconds without 22000 before closing"
    )
    parser.add_argument(
        "--unknown-codes",
        choices=["drop", "reject", "synthesise"],
        default="drop",
        help="unknown codes: ignore them, reject the request (ret 600), or invent the instrument",
    )
    parser.add_argument("--us-depth-levels", type=int, default=1, help="depth levels for US")
    parser.add_argument(
        "--sessions",
        choices=["always", "exchange"],
        default="always",
        help="when markets trade: around the clock (demo), or real XNYS/XHKG hours "
        "(US pre- and post-market trade thinly)",
    )
    parser.add_argument(
        "--faults",
        default="",
        metavar="LIST",
        help="inject these faults at random, comma-separated, or 'all': "
        + ", ".join(kind.value for kind in FaultKind),
    )
    parser.add_argument(
        "--fault-interval", type=float, default=20.0, help="seconds between injected faults"
    )
    parser.add_argument(
        "--fault-duration", type=float, default=15.0, help="how long timed faults last (s)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="the strictest reading of the documented limits: an early request gets 606 and a "
        "close, heartbeats count as requests, fast reconnects and REST over the plan are refused",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log connections")
    # -- replay of a recording -----------------------------------------------------------
    replay = parser.add_argument_group("replay a recording instead of simulating")
    replay.add_argument(
        "--replay", type=Path, metavar="DATABASE", help="a tick database recorded by Quote Board"
    )
    replay.add_argument(
        "--from",
        dest="start",
        metavar="TIME",
        help="start at this local time (2024-05-02T09:30, or epoch seconds)",
    )
    replay.add_argument("--to", dest="end", metavar="TIME", help="stop at this local time")
    replay.add_argument(
        "--speed", type=float, default=1.0, help="replay this many times faster (default 1)"
    )
    return parser.parse_args(argv)


def build_replay(args: argparse.Namespace) -> ReplaySource | None:
    """The replay source asked for on the command line; ValueError/RecordingError if unusable."""
    if args.replay is None:
        if args.start or args.end or args.speed != 1.0:
            raise ValueError("--from, --to and --speed only work with --replay DATABASE")
        return None
    start = parse_time_bound(args.start) if args.start else None
    end = parse_time_bound(args.end) if args.end else None
    if start is not None and end is not None and end < start:
        raise ValueError("--to is before --from")
    return ReplaySource(args.replay, start_ms=start, end_ms=end, speed=args.speed)


def build_config(args: argparse.Namespace) -> SimulatorConfig:
    """A server configuration from parsed arguments; ValueError for a bad --token."""
    tokens: dict[str, str] = {}
    for item in args.token:
        token, sep, plan = item.partition("=")
        if not sep or not token or plan not in PLAN_NAMES:
            raise ValueError(
                f"--token {item!r}: expected TOKEN=PLAN with PLAN one of {list(PLAN_NAMES)}"
            )
        tokens[token] = plan
    hours = ExchangeHours() if args.sessions == "exchange" else None
    make = SimulatorConfig.strict if args.strict else SimulatorConfig
    return make(
        host=args.host,
        port=args.port,
        seed=args.seed,
        tokens=tokens,
        any_token_plan=None if args.plan == "none" else args.plan,
        heartbeat_timeout=args.heartbeat_timeout,
        unknown_codes="reject" if args.unknown_codes == "reject" else "drop",
        synthesise_unknown=args.unknown_codes == "synthesise",
        trades_per_second=args.rate,
        us_depth_levels=args.us_depth_levels,
        session=hours if hours is not None else always_open,
        extended_session=hours.extended if hours is not None else None,
    )


async def _serve(
    config: SimulatorConfig, args: argparse.Namespace, replay: ReplaySource | None = None
) -> None:
    kinds = FaultKind.parse_list(args.faults) if args.faults else []
    injector = FaultInjector()
    async with SimulatorServer(config, faults=injector, market=replay) as server:
        if replay is None:
            print(f"Quote Board simulator (seed {config.seed})", flush=True)
        else:
            symbols = ", ".join(str(s) for s in replay.symbols())
            print(f"Quote Board replay of {replay.path} at {replay.speed:g}×", flush=True)
            print(f"  Symbols:   {symbols}", flush=True)
            print("  The replay starts when the first client subscribes.", flush=True)
        print(f"  WebSocket: {server.ws_url}?token=<any token>", flush=True)
        print(f"  REST:      {server.rest_url}", flush=True)
        if args.strict:
            print("  Limits:    strict (606 and close on an early request)", flush=True)
        if kinds:
            names = ", ".join(kind.value for kind in kinds)
            print(f"  Faults:    every {args.fault_interval:g} s one of: {names}", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        if kinds:
            await run_fault_schedule(
                injector, kinds, args.fault_interval, duration=args.fault_duration, seed=config.seed
            )
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator until Ctrl+C; returns the process exit code."""
    args = parse_args(argv)
    try:
        config = build_config(args)
        if args.faults:
            FaultKind.parse_list(args.faults)
        replay = build_replay(args)
    except (ValueError, RecordingError) as exc:
        print(f"quoteboard-sim: {exc}", file=sys.stderr)
        return 2
    if replay is not None:  # recorded US books may be deeper than the simulator's default
        config = replace(config, us_depth_levels=10)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(_serve(config, args, replay))
    except KeyboardInterrupt:
        print("stopped", flush=True)
    except OSError as exc:
        print(f"quoteboard-sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
