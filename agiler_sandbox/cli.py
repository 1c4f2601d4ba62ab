"""Command-line front end shared by ``python -m agiler_sandbox`` and ``manage.py runsandbox``."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TextIO

from .app import create_app
from .faults import FaultRule, faults_from_env, faults_from_file
from .scopes import parse_token_spec
from .server import serve

_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def parse_size(text: str) -> int:
    """Parse ``1G``, ``512M``, ``64KiB`` or a plain byte count."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMGT]?)(?:i?B)?\s*", text, re.I)
    if not match:
        raise argparse.ArgumentTypeError(f"invalid size {text!r} (try 1G, 512M, 65536)")
    return int(match.group(1)) * _UNITS[match.group(2).upper()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register every sandbox flag on ``parser``."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scale", choices=["demo", "large"], default="demo")
    parser.add_argument(
        "--faults",
        metavar="FILE.json",
        help="JSON list of fault rules active from the start; also enables "
        "the /_sandbox control endpoints",
    )
    parser.add_argument(
        "--enable-faults", action="store_true", help="mount /_sandbox/faults and /_sandbox/reset"
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="NAME=scope1,scope2",
        help="extra token (repeatable), owned by the demo account owner",
    )
    parser.add_argument("--rate-limit", type=float, default=None, metavar="RPS")
    parser.add_argument("--dump-size", type=parse_size, default=None, metavar="SIZE")
    parser.add_argument("--backup-seconds", type=float, default=3.0)
    parser.add_argument("--restore-seconds", type=float, default=5.0)
    parser.add_argument("--verbose", action="store_true", help="log every request")


def run(options: dict[str, object], out: TextIO = sys.stdout) -> None:
    """Build the sandbox from parsed options, print the tokens and serve until interrupted."""
    faults: list[FaultRule] = faults_from_env()
    if options.get("faults"):
        faults += faults_from_file(str(options["faults"]))
    tokens = dict(parse_token_spec(str(spec)) for spec in options.get("token") or [])
    app = create_app(
        seed=int(options.get("seed") or 1),  # type: ignore[call-overload]
        scale=str(options.get("scale") or "demo"),
        faults_enabled=bool(options.get("enable_faults") or faults),
        faults=faults,
        tokens=tokens,
        rate_limit=options.get("rate_limit"),  # type: ignore[arg-type]
        backup_seconds=float(options.get("backup_seconds") or 3.0),  # type: ignore[arg-type]
        restore_seconds=float(options.get("restore_seconds") or 5.0),  # type: ignore[arg-type]
        dump_size=options.get("dump_size"),  # type: ignore[arg-type]
    )
    host, port = str(options.get("host") or "127.0.0.1"), int(options.get("port") or 8765)  # type: ignore[call-overload]
    out.write(
        f"Agiler sandbox on http://{host}:{port}/v1  (seed {app.settings.seed}, "
        f"scale {app.settings.scale})\n"
    )
    for token, info in app.tokens.items():
        out.write(f"  {token:<24} user={info.user_key:<8} scopes={','.join(info.scopes)}\n")
    if app.faults_enabled:
        out.write(
            f"  fault control: http://{host}:{port}/_sandbox/faults "
            f"({len(app.faults.list())} active)\n"
        )
    out.flush()
    serve(app, host, port, verbose=bool(options.get("verbose")))


def main(argv: list[str] | None = None) -> None:
    """Entry point for ``python -m agiler_sandbox``."""
    parser = argparse.ArgumentParser(
        prog="python -m agiler_sandbox", description="Serve the Agiler API sandbox over HTTP."
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        run(vars(args))
    except ValueError as exc:
        parser.error(str(exc))
