"""The `rosterdeck` command: the app with no arguments, the shell commands otherwise."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from providers import cli
from providers.workspace import LocalWorkspace, Workspace


def run_app(demo: bool, real_pace: bool = False) -> int:
    from tui.app import RosterDeckApp, demo_workspace

    workspace: Workspace = demo_workspace(real_pace) if demo else LocalWorkspace()
    RosterDeckApp(workspace).run()
    return 0


def serve(args: argparse.Namespace) -> int:
    """Each browser tab runs its own copy of the app; nothing listens beyond localhost unless
    --host says so."""
    from textual_serve.server import Server

    command = f"{shlex.quote(sys.executable)} -m tui" + (" --demo" if args.demo else "")
    command += " --real-pace" if args.real_pace else ""
    print(f"RosterDeck in a browser: http://{args.host}:{args.port}  (Ctrl+C stops)", flush=True)
    Server(command, host=args.host, port=args.port, title="RosterDeck").serve()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, run_app=run_app, serve=serve)
