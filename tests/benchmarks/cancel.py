"""Cancelling a WhatsApp removal with a call in flight: how long from the cancel until the job
has ended, and how many removals left after it (none may). WaSend's sandbox answers each call
after `--latency` seconds; the job is cancelled while the call after the first `--after`
is held at WhatsApp, then let go. Run:

    python tests/benchmarks/cancel.py [--before DIR]

`--before DIR` runs the same in that checkout, in a process of its own, side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from providers.accounts.workspace import SandboxWorkspace
from providers.jobs.desk import Desk
from providers.jobs.plans import make_plan
from providers.journal import Journal
from providers.models import Provider
from providers.sandbox.apis import Sandbox

#: no pace of our own: the provider's latency alone spaces the calls
UNPACED = {
    "requests_per_second": 0,
    "seconds_between_writes": 0,
    "write_jitter": 0,
    "seconds_between_reads": 0,
    "read_jitter": 0,
}


async def one_cancel(latency: float, after: int, folder: Path) -> dict[str, float]:
    sandbox = Sandbox()
    sandbox.faults[Provider.WASEND].latency = latency
    desk = Desk(SandboxWorkspace(sandbox, options=UNPACED), Journal(folder / "journal.sqlite3"))
    adapter = await desk.adapter("sandbox-wasend")
    group = next(c for c in await adapter.containers() if c.name == "Choir")
    members = [m async for page in adapter.members(group) for m in page.members if not m.locked]
    proposal = await desk.propose(make_plan("sandbox-wasend", Provider.WASEND, group, members))
    ticket = desk.confirm(proposal, typed=proposal.word)
    whatsapp = sandbox.wasend.misbehaviour
    whatsapp.hold_after = after  # the next removal reaches WhatsApp and waits there
    running = asyncio.ensure_future(desk.runs.run(ticket))
    await whatsapp.holding.wait()
    landed = len(sandbox.wasend.removals)
    in_flight = 1  # one person a call: the held one
    started = time.perf_counter()
    desk.runs.cancel(ticket.job_id)
    whatsapp.let_go()
    await running
    ended = time.perf_counter() - started
    # what was in flight may land; nothing more may leave (one person a call)
    sent_after = len(sandbox.wasend.removals) - landed - in_flight
    await desk.aclose()
    desk.close_journal()
    return {"ended": ended, "sent_after": sent_after}


def measure(runs: int, latency: float, after: int) -> list[dict[str, float]]:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            results.append(asyncio.run(one_cancel(latency, after, Path(folder))))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--after", type=int, default=3)
    parser.add_argument("--before", help="also measure the code in this checkout")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("ROSTERDECK_HOME", tempfile.mkdtemp(prefix="rosterdeck-bench-"))
    now = measure(args.runs, args.latency, args.after)
    if args.json:
        print(json.dumps(now))
        return
    rows = {"this checkout": now}
    if args.before:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--json",
                f"--runs={args.runs}",
                f"--latency={args.latency}",
                f"--after={args.after}",
            ],
            cwd=args.before,
            env={**os.environ, "PYTHONPATH": args.before},
            capture_output=True,
            text=True,
            check=True,
        )
        rows[args.before] = json.loads(done.stdout.splitlines()[-1])
    print(
        f"cancel with a call in flight, WaSend answering in {args.latency:g} s, median of "
        f"{args.runs}"
    )
    print(f"{'code':<30} {'cancel → ended':>15} {'slowest':>9} {'new removals':>15}")
    for label, results in rows.items():
        ended = [r["ended"] for r in results]
        after = max(int(r["sent_after"]) for r in results)
        print(
            f"{label:<30} {statistics.median(ended) * 1000:>12.0f} ms "
            f"{max(ended) * 1000:>6.0f} ms {after:>15}"
        )


if __name__ == "__main__":
    main()
