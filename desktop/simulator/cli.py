"""`quoteboard-sim`: the AllTick-compatible market simulator as a standalone server."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from desktop.simulator.config import PLANS, ExchangeHours, SimulatorConfig, always_open
from desktop.simulator.faults import FaultInjector, FaultKind, run_fault_schedule
from desktop.simulator.server import SimulatorServer

__all__ = ["build_config", "main", "parse_args"]


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
        choices=[*PLANS, "none"],
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
        help="when markets trade: around the clock (demo), or real XNYS/XHKG hours",
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
    parser.add_argument("--verbose", "-v", action="store_true", help="log connections")
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> SimulatorConfig:
    """A server configuration from parsed arguments; ValueError for a bad --token."""
    tokens: dict[str, str] = {}
    for item in args.token:
        token, sep, plan = item.partition("=")
        if not sep or not token or plan not in PLANS:
            raise ValueError(
                f"--token {item!r}: expected TOKEN=PLAN with PLAN one of {list(PLANS)}"
            )
        tokens[token] = plan
    return SimulatorConfig(
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
        session=ExchangeHours() if args.sessions == "exchange" else always_open,
    )


async def _serve(config: SimulatorConfig, args: argparse.Namespace) -> None:
    kinds = FaultKind.parse_list(args.faults) if args.faults else []
    injector = FaultInjector()
    async with SimulatorServer(config, faults=injector) as server:
        print(f"Quote Board simulator (seed {config.seed})", flush=True)
        print(f"  WebSocket: {server.ws_url}?token=<any token>", flush=True)
        print(f"  REST:      {server.rest_url}", flush=True)
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
    except ValueError as exc:
        print(f"quoteboard-sim: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(_serve(config, args))
    except KeyboardInterrupt:
        print("stopped", flush=True)
    except OSError as exc:
        print(f"quoteboard-sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
