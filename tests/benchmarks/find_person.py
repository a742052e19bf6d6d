"""Find one person in every demo account, at the providers' documented limits, in real time,
then take them off every place found as one job.

Beside each account: what reading every member of every container would cost instead (the
calls counted from the containers' sizes and page sizes, and their time at the documented
rate); then WhatsApp's reads a minute (the sandbox answers rate-overlimit to a session's reads
closer than half a second, as WhatsApp does to reads too close), and a second find right
after, which the lists kept by the first answer; beside the job: each account's own time,
whose sum is what one account after another would take. Run:

    python tests/benchmarks/find_person.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from providers.accounts.workspace import OpenedOnce, SandboxWorkspace
from providers.jobs.events import Ended, Event
from providers.jobs.everywhere import EverywhereRun, plan_everywhere, record_everywhere
from providers.jobs.find import Found, find_everywhere
from providers.journal import Journal
from providers.models import Provider
from providers.sandbox.apis import Sandbox
from providers.wasend.adapter import WaSendAdapter

#: the documented read rates, calls a second (WaSend: its reads' own pace, one every 1 to 2 s)
#: reads of one session closer than this are answered rate-overlimit by the sandbox
READ_GAP = 0.5
RATES = {Provider.RASL: 1.0, Provider.AUTOSEND: 2.0, Provider.WASEND: 1 / 1.5}


async def main() -> None:
    sandbox = Sandbox()  # the documented limits, kept
    sandbox.wasend.misbehaviour.read_gap = READ_GAP  # and WhatsApp's, as it refuses reads
    workspace = SandboxWorkspace(sandbox)
    person = sandbox.everywhere[0]
    adapters = OpenedOnce(workspace)  # kept between the two finds, as the app keeps them
    started = time.perf_counter()
    found = await find_everywhere(workspace, [person["phone"], person["email"]], opened=adapters)
    total = time.perf_counter() - started
    whatsapp_read = sum(sandbox.wasend.reads.values())
    print(f"find {person['name']} ({person['phone']}, {person['email']}) in every demo account")
    print(f"{'account':18} {'places':>6} {'calls':>6} {'time':>7}   {'read everything':>16}")
    for result in found:
        provider = result.account.provider
        adapter = await adapters(result.account.name)
        page = adapter.capabilities.page_size
        containers = await adapter.containers()
        reads = sum(-(-(c.member_count or 0) // page) or 1 for c in containers) + 1
        print(
            f"{result.account.name:18} {len(result.places):>6} {result.calls:>6} "
            f"{result.seconds:>6.1f}s   {reads:>6} calls, {reads / RATES[provider]:>5.0f} s"
        )
    print(f"all accounts at once: {total:.1f} s")
    addresses = [person["phone"], person["email"]]
    await whatsapp_reads(sandbox, adapters, found, addresses, whatsapp_read)
    await adapters.aclose()
    await remove_everywhere(sandbox, workspace, found, [person["phone"], person["email"]])


async def whatsapp_reads(
    sandbox: Sandbox,
    adapters: OpenedOnce,
    found: list[Found],
    addresses: list[str],
    reads: int,
) -> None:
    """WhatsApp's `reads` a minute in the find, and what a second find a moment later reads."""
    whatsapp = next(f for f in found if f.account.provider is Provider.WASEND)
    adapter = await adapters(whatsapp.account.name)
    assert isinstance(adapter, WaSendAdapter)
    refused = sum("rate-overlimit" in c.read_only_reason for c in whatsapp.unsearched)
    print(
        f"\nWhatsApp reads: {reads} (group and participant lists, two numbers) in "
        f"{whatsapp.seconds:.1f} s, {60 * reads / whatsapp.seconds:.0f} a minute; refused as "
        f"rate-overlimit (closer than {READ_GAP:g} s): {refused}"
    )
    calls, hits = sandbox.calls(Provider.WASEND), adapter.hits
    again = await find_everywhere(adapters.workspace, addresses, opened=adapters)
    took = next(f.seconds for f in again if f.account.provider is Provider.WASEND)
    print(
        f"a second find right after: WaSend {sandbox.calls(Provider.WASEND) - calls} calls "
        f"(sessions, group lists) in {took:.1f} s; {adapter.hits - hits} participant lists "
        f"given again from the first (each kept {adapter.keep_reads / 60:g} min)"
    )


async def remove_everywhere(
    sandbox: Sandbox, workspace: SandboxWorkspace, found: list[Found], addresses: list[str]
) -> None:
    """The job over every place, at the documented limits and WhatsApp's safe pace."""
    with tempfile.TemporaryDirectory() as home:
        journal = Journal(Path(home) / "journal.sqlite3")
        plan = plan_everywhere(found, addresses, reason="benchmark")
        job_id = record_everywhere(journal, plan)
        accounts = {part.id: part.account for part in journal.everywhere(job_id).parts}
        started = time.perf_counter()
        ended: dict[str, float] = {}

        def heard(part_id: str, event: Event) -> None:
            if isinstance(event, Ended):
                ended[accounts[part_id]] = time.perf_counter() - started

        before = {p: sandbox.calls(p) for p in Provider}
        job = await EverywhereRun(journal, workspace.open, heard).run(job_id)
        total = time.perf_counter() - started
    print(f"\nremove them from the {len(plan.acting)} places that allow it, as one job")
    print(f"{'account':18} {'places':>6} {'calls':>6} {'time':>7}")
    for name in plan.accounts:
        provider = workspace.account(name).provider
        places = sum(1 for part in plan.acting if part.account == name)
        calls = sandbox.calls(provider) - before[provider]
        print(f"{name:18} {places:>6} {calls:>6} {ended.get(name, 0.0):>6.1f}s")
    print(
        f"all accounts at once: {total:.1f} s ({job.state.value}); one account after another: "
        f"{sum(ended.values()):.1f} s"
    )


if __name__ == "__main__":
    asyncio.run(main())
