"""A sweep of 50 people on the do-not-re-add register over the demo's three accounts, at the
providers' documented limits, in real time: 20 RASL contacts (phone and email), 20 WhatsApp
participants (phone) and 10 AutoSend contacts (email), all still in the demo's groups and
lists, so every one is found back.

Beside each account: what reading every member of every container would cost instead (the
calls counted from the containers' sizes and page sizes, and their time at the documented
rate), which is the other way to know who is where. Run:

    python tests/benchmarks/sweep.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from providers.accounts.workspace import OpenedOnce, SandboxWorkspace
from providers.jobs.sweep import sweep
from providers.journal import Journal
from providers.models import Provider
from providers.sandbox import people
from providers.sandbox.apis import Sandbox

#: the documented read rates, calls a second (WaSend: its reads' own pace, one every 1 to 2 s)
RATES = {Provider.RASL: 1.0, Provider.AUTOSEND: 2.0, Provider.WASEND: 1 / 1.5}
PEOPLE = {"rasl": 20, "wasend": 20, "autosend": 10}


def the_register(sandbox: Sandbox) -> list[list[str]]:
    """50 people the demo holds, each by the addresses a ticket would give."""
    rasl = [
        [c["phone"], c["email"]] for c in list(sandbox.rasl.contacts.values())[: PEOPLE["rasl"]]
    ]
    choir = next(
        g for g in sandbox.wasend.groups["sess_events"].values() if g["subject"] == "Choir"
    )
    whatsapp = [
        [p["phoneNumber"]]
        for p in list(choir["participants"].values())
        if not p["isSuperAdmin"] and p["displayName"] != "Us (this session)"
    ][: PEOPLE["wasend"]]
    beta = next(c for c in sandbox.autosend.lists.values() if c.name == "Beta testers")
    autosend = [[people.email_of(n)] for n in list(beta.numbers)[: PEOPLE["autosend"]]]
    return rasl + whatsapp + autosend


async def main() -> None:
    sandbox = Sandbox()  # the documented limits, kept
    workspace = SandboxWorkspace(sandbox)
    with tempfile.TemporaryDirectory() as home:
        journal = Journal(Path(home) / "journal.sqlite3")
        for person in the_register(sandbox):
            journal.register.add(person, "benchmark")
        people = len(journal.register.entries())
        opened = OpenedOnce(workspace)
        started = time.perf_counter()
        swept = await sweep(workspace, journal, opened)
        total = time.perf_counter() - started
        print(f"sweep {people} people on the register over every demo account")
        print(f"{'account':18} {'calls':>6} {'time':>7}   {'read every member instead':>26}")
        for result in swept.found:
            provider = result.account.provider
            adapter = await opened(result.account.name)
            page = adapter.capabilities.page_size
            reads = sum(-(-(c.member_count or 0) // page) or 1 for c in await adapter.containers())
            reads += 1  # the containers' list
            print(
                f"{result.account.name:18} {result.calls:>6} {result.seconds:>6.1f}s   "
                f"{reads:>9,} calls, {reads / RATES[provider]:>6,.0f} s"
            )
        await opened.aclose()
        back = sum(len(places) for places in swept.sweep.back.values())
        print(
            f"all accounts at once: {total:.1f} s, {swept.calls} calls; "
            f"{len(swept.sweep.back)} of {people} found back, in {back} places"
        )


if __name__ == "__main__":
    asyncio.run(main())
