"""`rosterdeck sandbox serve`: the built-in fake APIs on a loopback port, with the faults and
the WhatsApp behaviours a test or a trial asks for."""

from __future__ import annotations

import argparse

from providers.accounts.workspace import Workspace

RASL_NAME_FIELDS = {
    "firstname": ("firstname", "lastname"),
    "first_name": ("first_name", "last_name"),
}


async def serve_sandbox(args: argparse.Namespace, workspace: Workspace) -> int:
    from providers.sandbox import TOKENS
    from providers.sandbox.apis import Sandbox
    from providers.sandbox.serve import bind, origin_of, server

    sandbox = Sandbox()
    if args.no_limits:
        sandbox.unlimited()
    for faults in sandbox.faults.values():
        faults.latency = args.latency
        faults.error_rate = args.error_rate
        faults.timeout_rate = args.timeout_rate
        faults.malformed_rate = args.malformed_rate
        faults.error_after_rate = args.error_after_rate
        faults.drop_after_rate = args.drop_after_rate
        faults.hang_rate = args.hang_rate
    sandbox.rasl.name_fields = RASL_NAME_FIELDS[args.rasl_names]
    whatsapp = sandbox.wasend
    whatsapp.shapes.lists = args.wasend_lists
    whatsapp.misbehaviour.stale_reads = args.wasend_stale_reads
    whatsapp.misbehaviour.disconnect_after = args.wasend_disconnect_after
    whatsapp.misbehaviour.overlimit_after = args.wasend_overlimit_after
    whatsapp.misbehaviour.read_gap = args.wasend_read_gap
    sock = bind(args.host, args.port)
    origin = origin_of(sock)
    for provider, token in TOKENS.items():
        print(f"{provider.value} {sandbox.base_url(provider, origin)} {token}", flush=True)
    await server(sandbox).serve(sockets=[sock])
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sandbox = commands.add_parser("sandbox", help="the built-in fake APIs")
    sandbox_acts = sandbox.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = sandbox_acts.add_parser("serve", help="serve the three fake APIs on a loopback port")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    serve.add_argument("--error-rate", type=float, default=0.0, help="share of 503 answers")
    serve.add_argument("--timeout-rate", type=float, default=0.0, help="share of late answers")
    serve.add_argument("--malformed-rate", type=float, default=0.0, help="share of broken bodies")
    serve.add_argument(
        "--error-after-rate", type=float, default=0.0, help="share of 500s after acting"
    )
    serve.add_argument(
        "--drop-after-rate", type=float, default=0.0, help="share of connections cut after acting"
    )
    serve.add_argument("--hang-rate", type=float, default=0.0, help="share never answered")
    serve.add_argument(
        "--no-limits", action="store_true", help="lift the providers' documented rate limits"
    )
    serve.add_argument(
        "--rasl-names",
        choices=list(RASL_NAME_FIELDS),
        default="firstname",
        help="RASL: contacts' names as the API sorts and searches them (firstname, lastname) "
        "or as first_name, last_name",
    )
    serve.add_argument(
        "--wasend-lists",
        choices=["sdk", "docs"],
        default="sdk",
        help="WaSend's group and participant lists as the SDK types them, or as documented",
    )
    serve.add_argument(
        "--wasend-stale-reads",
        type=int,
        default=0,
        help="WaSend: participant reads after a change that still show the list from before",
    )
    serve.add_argument(
        "--wasend-disconnect-after",
        type=int,
        help="WaSend: the session drops (scan QR) after this many removals",
    )
    serve.add_argument(
        "--wasend-overlimit-after",
        type=int,
        help='WaSend: WhatsApp answers "rate-overlimit" after this many removals',
    )
    serve.add_argument(
        "--wasend-read-gap",
        type=float,
        help="WaSend: group and participant reads of a session closer than this many seconds "
        'get "rate-overlimit"',
    )
    serve.set_defaults(run=serve_sandbox)
