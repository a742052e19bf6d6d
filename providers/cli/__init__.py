"""`rosterdeck`'s shell commands: a face for the core that needs no terminal UI.

The app itself (no command, or `serve`) is started by `tui.main`, which hands this module
the two ways to start it, so that nothing here imports Textual.

Errors a person can cause (a wrong name, a bad token, a provider refusing) end in one or two
plain sentences on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import asdict
from typing import Any, NoReturn, TextIO

from providers import signals
from providers.accounts.credentials import Credentials, env_var_for
from providers.accounts.store import AccountStore, make_account
from providers.accounts.workspace import LocalWorkspace, SandboxWorkspace, Workspace
from providers.cli import find as find_command
from providers.cli import jobs as job_commands
from providers.cli import journal as journal_commands
from providers.cli import pace as pace_commands
from providers.cli import sandbox as sandbox_commands
from providers.cli import staying as staying_commands
from providers.errors import ConfigurationError, ProviderError
from providers.protocol import Adapter
from providers.text import json_text, shown

Command = Callable[[argparse.Namespace, Workspace], Coroutine[Any, Any, int]]


class _Parser(argparse.ArgumentParser):
    """argparse, with the next step where a command lacks its account: the names are one
    command away, and that command is printed as it runs (with `--demo` in the demo)."""

    #: set by `main` before parsing: whether this run is the demo's
    demo = False

    def error(self, message: str) -> NoReturn:
        if "required: account" in message:
            listing = " ".join(("rosterdeck", *(["--demo"] if self.demo else []), "accounts list"))
            message += f" (`{listing}` names them)"
        super().error(message)


def _print_table(rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")


def _dump(document: Any) -> None:
    sys.stdout.write(json_text(document) + "\n")


async def _with_adapter(
    workspace: Workspace, name: str, use: Callable[[Adapter], Awaitable[int]]
) -> int:
    adapter = await workspace.open(name)
    try:
        return await use(adapter)
    finally:
        await adapter.aclose()


def _read_token(name: str) -> str:
    if sys.stdin.isatty():
        token = getpass.getpass(f"Token for {name} (input hidden): ")
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise ConfigurationError("No token was given.")
    return token


async def accounts_add(args: argparse.Namespace, workspace: Workspace) -> int:
    if not isinstance(workspace, LocalWorkspace):
        raise ConfigurationError("The sandbox's accounts are built in; nothing to add.")
    account = make_account(args.name, args.provider, args.base_url)
    if any(a.name == account.name for a in workspace.accounts()):
        raise ConfigurationError(f"An account named {account.name!r} exists already.")
    variable = env_var_for(account.name)
    from_env = workspace.credentials.environ.get(variable)
    identity = await workspace.add(
        account, from_env or _read_token(account.name), verify=not args.no_verify
    )
    if identity is not None:
        print(f"Token accepted: {shown(identity.name)} {shown(identity.detail)}".rstrip())
    if from_env:
        print(f"The token comes from {variable}; nothing is stored.")
    else:
        print("Token saved in the system keyring.")
    print(f"Account {account.name!r} added ({account.provider.label}, {account.base_url}).")
    return 0


async def accounts_list(args: argparse.Namespace, workspace: Workspace) -> int:
    accounts = workspace.accounts()
    sources = [await workspace.token_source(a.name) for a in accounts]
    if args.json:
        _dump(
            [
                {**asdict(a), "token": source.value}
                for a, source in zip(accounts, sources, strict=True)
            ]
        )
        return 0
    if not accounts:
        print("No accounts yet: `rosterdeck accounts add NAME --provider rasl|wasend|autosend`.")
        return 0
    rows = [("NAME", "PROVIDER", "TOKEN", "BASE URL")]
    rows += [
        (a.name, a.provider.label, s.value, a.base_url)
        for a, s in zip(accounts, sources, strict=True)
    ]
    _print_table(rows, sys.stdout)
    return 0


async def accounts_remove(args: argparse.Namespace, workspace: Workspace) -> int:
    if not isinstance(workspace, LocalWorkspace):
        raise ConfigurationError("The sandbox's accounts are built in; nothing to remove.")
    forgotten = await workspace.remove(args.name)
    print(f"Account {args.name!r} removed" + (" and its token deleted." if forgotten else "."))
    return 0


async def accounts_check(args: argparse.Namespace, workspace: Workspace) -> int:
    async def check(adapter: Adapter) -> int:
        identity = await adapter.check()
        said = f"{shown(identity.name)} {shown(identity.detail)}".rstrip()
        print(f"{args.name}: token accepted ({said})")
        return 0

    return await _with_adapter(workspace, args.name, check)


async def containers(args: argparse.Namespace, workspace: Workspace) -> int:
    async def show(adapter: Adapter) -> int:
        found = await adapter.containers()
        if args.json:
            _dump([asdict(c) for c in found])
            return 0
        rows = [("ID", "KIND", "MEMBERS", "NAME")]
        for c in found:
            where = f"{c.parent} ({c.status})" if c.status else c.parent
            name = f"{where} / {c.name}" if c.parent else c.name
            unread = c.status not in ("", "working")  # a WhatsApp session that is not linked
            said = "cannot be read" if unread else "read-only"
            note = f" ({said}: {c.read_only_reason})" if c.read_only else ""
            count = "?" if c.member_count is None else f"{c.member_count:,}"
            rows.append((shown(c.id), c.kind.value, count, shown(name + note)))
        _print_table(rows, sys.stdout)
        return 0

    return await _with_adapter(workspace, args.account, show)


async def members(args: argparse.Namespace, workspace: Workspace) -> int:
    """Each page is printed as it arrives: a list of 100,000 starts showing at once."""

    async def show(adapter: Adapter) -> int:
        container = await adapter.container(args.container)
        progress = sys.stderr.isatty()
        listed = 0
        total: int | None = None
        if args.json:
            sys.stdout.write('{"container": ' + json.dumps(asdict(container)) + ', "members": [')
        elif not args.jsonl:
            print("ID\tNAME\tADDRESS\tROLE\tLOCKED")
        async for page in adapter.members(container, search=args.search or ""):
            total = page.total
            for member in page.members:
                row = {**member.as_dict(), "locked": member.locked}
                if args.json:
                    sys.stdout.write(("," if listed else "") + "\n  " + json.dumps(row))
                elif args.jsonl:
                    sys.stdout.write(json_text(row, indent=None) + "\n")
                else:
                    cells = (shown(m) for m in (member.id, member.name, member.address))
                    print("\t".join((*cells, member.role.value, shown(member.locked_reason))))
                listed += 1
            sys.stdout.flush()
            if progress:
                of = f" of {total:,}" if total is not None else ""
                print(f"\r{listed:,}{of} members…", end="", file=sys.stderr, flush=True)
        if args.json:
            sys.stdout.write(f'\n], "total": {total if total is not None else listed}}}\n')
        if progress:
            print("\r", end="", file=sys.stderr)
        if not args.json and not args.jsonl:
            noun = "member" if listed == 1 else "members"
            what = f" matching {args.search!r}" if args.search else ""
            print(f"{listed:,} {noun}{what} in {shown(container.name)}.", file=sys.stderr)
        return 0

    return await _with_adapter(workspace, args.account, show)


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="rosterdeck",
        description="Take members off WhatsApp groups and email contact lists, safely.",
    )
    parser.add_argument("--demo", action="store_true", help="use the built-in sandbox accounts")
    parser.add_argument(
        "--real-pace",
        action="store_true",
        help="with --demo: keep the providers' documented rate limits (the demo lifts them)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    accounts = commands.add_parser(
        "accounts", help="add, list, remove or check accounts, or set a WaSend account's pace"
    )
    acts = accounts.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = acts.add_parser("add", help="add an account (the token is read hidden, or from stdin)")
    add.add_argument("name")
    add.add_argument("--provider", required=True, choices=["rasl", "wasend", "autosend"])
    add.add_argument("--base-url", help="the API's base URL (defaults to the provider's)")
    add.add_argument("--no-verify", action="store_true", help="save without checking the token")
    add.set_defaults(run=accounts_add)
    listing = acts.add_parser("list", help="list accounts and where their tokens live")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=accounts_list)
    remove = acts.add_parser("remove", help="remove an account and its stored token")
    remove.add_argument("name")
    remove.set_defaults(run=accounts_remove)
    check = acts.add_parser("check", help="check that the account's token is accepted")
    check.add_argument("name")
    check.set_defaults(run=accounts_check)
    pace_commands.add_parser(acts)

    conts = commands.add_parser("containers", help="list an account's groups, sources and lists")
    conts.add_argument("account")
    conts.add_argument("--json", action="store_true")
    conts.set_defaults(run=containers)

    mems = commands.add_parser("members", help="list the members of a group or list")
    mems.add_argument("account")
    mems.add_argument("container", help="an id as `containers` prints it, the bare id, or the name")
    shape = mems.add_mutually_exclusive_group()
    shape.add_argument(
        "--json", action="store_true", help="one JSON document (still written page by page)"
    )
    shape.add_argument("--jsonl", action="store_true", help="JSON Lines: one member a line")
    mems.add_argument("--search", help="only members whose name, address or id contains this")
    mems.set_defaults(run=members)

    job_commands.add_parsers(commands)
    find_command.add_parser(commands)
    journal_commands.add_parser(commands)
    staying_commands.add_parsers(commands)

    web = commands.add_parser("serve", help="serve the app in a web browser (textual-serve)")
    web.add_argument("--host", default="localhost", help="where to listen (default: this machine)")
    web.add_argument("--port", type=int, default=8000)
    web.add_argument(
        "--require-token",
        action="store_true",
        help="open only with a random token in the URL (printed); without it there is no login",
    )

    sandbox_commands.add_parser(commands)
    return parser


def _workspace(args: argparse.Namespace) -> Workspace:
    if args.demo:
        return SandboxWorkspace.demo(args.real_pace)
    return LocalWorkspace(AccountStore(), Credentials())


def main(
    argv: Sequence[str] | None = None,
    *,
    run_app: Callable[[bool, bool], int],
    serve: Callable[[argparse.Namespace], int],
) -> int:
    """Run one shell command; with none, `run_app(demo, real_pace)`; for `serve`,
    `serve(args)`."""
    words = list(sys.argv[1:] if argv is None else argv)
    _Parser.demo = "--demo" in words[: next((i for i, w in enumerate(words) if w[:1] != "-"), None)]
    args = _parser().parse_args(words)
    if args.command == "serve":
        return serve(args)
    run: Command | None = getattr(args, "run", None)
    if run is None:
        return run_app(args.demo, args.real_pace)
    status = _run_command(run, args)
    stopped_by = signals.heard()
    if stopped_by is not None:
        signals.end_now(signals.exit_status(stopped_by))
    return status


def _run_command(run: Command, args: argparse.Namespace) -> int:
    try:
        return asyncio.run(run(args, _workspace(args)))
    except ProviderError as error:
        print(f"rosterdeck: {shown(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader (`| head`) has gone: stop quietly, and let nothing flush into the pipe
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as error:
        print(f"rosterdeck: {error.strerror or error}.", file=sys.stderr)
        return 1
