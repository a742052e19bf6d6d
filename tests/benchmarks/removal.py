"""10,000 removals through the engine and the app, against a plain sequential loop.

The sandbox answers every call 50 ms late and allows 20 calls a second (the account is paced
to that). The engine runs inside the app, on its progress screen, while a key is pressed
after each batch the engine settles, to measure how long the app takes to handle it. The
baseline, in the same run, is one request per member, one after another, over a sample. Run:

    python tests/benchmarks/removal.py [--members 10000] [--baseline 300]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx

from providers.accounts.workspace import SandboxWorkspace
from providers.jobs.events import Event
from providers.jobs.plans import make_plan
from providers.models import Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from tui.app import RosterDeckApp
from tui.widgets.outcome_table import OutcomeTable

LATENCY = 0.05
LIMIT = 20  # calls a second, for the sandbox and for the account's pace


def sandbox_for(members: int) -> Sandbox:
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=members))
    faults = sandbox.faults[Provider.AUTOSEND]
    faults.latency, faults.rate_limit, faults.rate_window = LATENCY, LIMIT, 1.0
    return sandbox


async def engine_in_app(members: int) -> tuple[float, int, list[float]]:
    sandbox = sandbox_for(members)
    app = RosterDeckApp(SandboxWorkspace(sandbox, options={"requests_per_second": LIMIT}))
    async with app.run_test(size=(120, 40)) as pilot:
        account = "sandbox-autosend"
        adapter = await app.desk.adapter(account)
        newsletter = next(c for c in await adapter.containers() if c.name == "Monthly newsletter")
        chosen = [m async for p in adapter.members(newsletter) for m in p.members]
        plan = make_plan(account, Provider.AUTOSEND, newsletter, chosen)
        proposal = await app.desk.propose(plan)
        calls_before = sandbox.calls(Provider.AUTOSEND)
        started = time.perf_counter()
        ticket = app.desk.confirm(proposal, typed=proposal.word)
        job_id = ticket.job_id
        app.start(ticket)
        # a key after each batch the engine settles, as a person would move while it runs
        progress = app.desk.runs.progress(job_id)
        settled = asyncio.Event()
        told = progress.apply

        def heard(event: Event) -> None:
            told(event)
            settled.set()

        progress.apply = heard  # type: ignore[method-assign]
        latencies = []
        while not app.screen.query(OutcomeTable):
            await pilot.pause()
        table = app.screen.query_one(OutcomeTable)
        moved = asyncio.Event()
        move_to = table.move_to

        def moving(row: int) -> None:  # the key handled: the cursor moves
            move_to(row)
            moved.set()

        table.move_to = moving  # type: ignore[method-assign]
        while app.desk.runs.running:
            pressed = time.perf_counter()
            app.simulate_key("down")  # as a terminal would deliver it
            await moved.wait()
            moved.clear()
            latencies.append(time.perf_counter() - pressed)
            await settled.wait()  # an event since the last key (the last one ends the run)
            settled.clear()
        elapsed = time.perf_counter() - started
        removed = app.desk.journal.job(job_id).counts.get("removed", 0)
        assert removed == len(chosen), app.desk.journal.job(job_id).counts
        calls = sandbox.calls(Provider.AUTOSEND) - calls_before
    return elapsed, calls, latencies


async def sequential(members: int, sample: int) -> float:
    """One request per member, one after another: what a hand-written loop does."""
    sandbox = sandbox_for(members)
    newsletter = next(c for c in sandbox.autosend.lists.values() if c.name == "Monthly newsletter")
    from providers.sandbox.autosend import contact_id

    headers = {"Authorization": f"Bearer {TOKENS[Provider.AUTOSEND]}"}
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url(Provider.AUTOSEND), headers=headers
    ) as client:
        started = time.perf_counter()
        for number in list(newsletter.numbers)[:sample]:
            path = f"/contact-lists/{newsletter.id}/contacts/remove"
            answer = await client.post(path, json={"contactIds": [contact_id(number)]})
            answer.raise_for_status()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument(
        "--baseline", type=int, default=300, help="members in the sequential sample"
    )
    args = parser.parse_args()
    base_seconds = asyncio.run(sequential(args.members, args.baseline))
    seconds, calls, latencies = asyncio.run(engine_in_app(args.members))
    base_rate = args.baseline / base_seconds
    rate = args.members / seconds
    share = calls / seconds / LIMIT
    print(f"{args.members:,} removals, AutoSend sandbox, {LATENCY * 1000:.0f} ms latency,", end=" ")
    print(f"{LIMIT} calls/s allowed")
    print(f"{'run':36} {'members':>8} {'seconds':>8} {'members/s':>10} {'calls/s':>8}")
    rows = [
        ("sequential, one call per member", args.baseline, base_seconds, base_rate, base_rate),
        ("engine in the app (batches of 100)", args.members, seconds, rate, calls / seconds),
    ]
    for label, count, took, per_second, calls_per_second in rows:
        print(f"{label:36} {count:>8} {took:>8.1f} {per_second:>10.1f} {calls_per_second:>8.1f}")
    print(f"\nspeed-up: {rate / base_rate:.0f}x; share of the rate limit used: {share:.0%}")
    if latencies:
        ordered = sorted(latencies)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"key latency during the run ({len(latencies)} presses): median "
            f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
