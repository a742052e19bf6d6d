"""What a removal of a few people costs on lists of real size, at the providers' own limits.

Four jobs run as `rosterdeck remove` runs them, against a sandbox that keeps the documented
limits (AutoSend 2 calls a second, RASL 60 a minute) and holds a 100,000-contact AutoSend list
and a 20,000-contact RASL group, in real time. Beside each, the previous strategy (read the
whole container, then match): its calls are counted on the same data with the limits lifted,
and its time is those calls at the documented rate (running it for real takes many minutes).

    python tests/benchmarks/scale.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from providers.accounts.connect import open_adapter
from providers.accounts.workspace import sandbox_accounts
from providers.jobs.engine import Engine
from providers.jobs.lookup import plan_for_entries
from providers.jobs.plans import record_plan
from providers.journal import Journal
from providers.matching import match
from providers.models import Provider
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState, contact_id
from providers.sandbox.people import email_of

NEWSLETTER = "65f0c0ffee00000000000000"
RATES = {Provider.AUTOSEND: 2.0, Provider.RASL: 1.0}  # documented: 2/s, 60/min


@dataclass(frozen=True)
class Job:
    name: str
    provider: Provider
    container: Callable[[Sandbox], str]
    entries: Callable[[Sandbox], list[str]]
    goal: str


def big_group(sandbox: Sandbox) -> str:
    return str(max(sandbox.rasl.groups))


JOBS = [
    Job(
        "3 emails, AutoSend list of 100,000",
        Provider.AUTOSEND,
        lambda _: NEWSLETTER,
        lambda _: [email_of(n) for n in (10, 50_000, 99_999)],
        "<= 6 calls, < 5 s",
    ),
    Job(
        "300 ids, RASL group of 20,000",
        Provider.RASL,
        big_group,
        lambda _: [str(1001 + n) for n in range(0, 20_000, 66)][:300],
        "<= 10 calls",
    ),
    Job(
        "2,000 ids, AutoSend list of 100,000",
        Provider.AUTOSEND,
        lambda _: NEWSLETTER,
        lambda _: [contact_id(n) for n in range(0, 100_000, 50)],
        "within 10 % of 10.0 s",
    ),
    Job(
        "3 emails, RASL group of 20,000",
        Provider.RASL,
        big_group,
        lambda _: [email_of(n) for n in (7, 7_000, 19_999)],
        "<= 8 calls",
    ),
]


def sandbox(limits: bool) -> Sandbox:
    made = Sandbox(autosend=AutoSendState.seeded(big_list=100_000))
    made.rasl.add_big_group(20_000)
    return made if limits else made.unlimited()


def adapter_for(made: Sandbox, provider: Provider, paced: bool) -> Adapter:
    account, token = next((a, t) for a, t in sandbox_accounts() if a.provider is provider)
    rate = RATES[provider] if paced else 0.0
    options = {**account.options, "requests_per_second": rate}
    return open_adapter(replace(account, options=options), token, transport=made.transport())


async def now_strategy(job: Job, journal: Journal) -> tuple[int, float, str]:
    made = sandbox(limits=True)
    adapter = adapter_for(made, job.provider, paced=True)
    started = time.perf_counter()
    container = await adapter.container(job.container(made))
    plan, unmatched = await plan_for_entries(adapter, "bench", container, job.entries(made))
    assert not unmatched, unmatched
    done = await Engine(adapter, journal).run(record_plan(journal, plan))
    seconds = time.perf_counter() - started
    await adapter.aclose()
    return made.calls(job.provider), seconds, ", ".join(f"{s} {n}" for s, n in done.counts.items())


async def whole_read_strategy(job: Job) -> int:
    """The previous way: read every member of the container, match, then send in batches."""
    made = sandbox(limits=False)
    adapter = adapter_for(made, job.provider, paced=False)
    container = await adapter.container(job.container(made))
    everyone = [m async for page in adapter.members(container) for m in page.members]
    found = match(job.entries(made), everyone)
    chosen: Sequence[object] = [m for ms in found.matched.values() for m in ms]
    batches = -(-len(chosen) // adapter.capabilities.max_batch)
    await adapter.aclose()
    return made.calls(job.provider) + batches


async def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as home:
        journal = Journal(Path(home) / "journal.sqlite3")
        for job in JOBS:
            calls, seconds, states = await now_strategy(job, journal)
            before = await whole_read_strategy(job)
            rate = RATES[job.provider]
            rows.append(
                (job.name, f"{calls}", f"{seconds:.1f} s", f"{before}", f"{before / rate:.0f} s",
                 job.goal, states)
            )  # fmt: skip
    header = ("job", "calls", "time", "full-read calls", "full-read time*", "goal", "states")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print("* the full read's calls at the documented rate (AutoSend 2/s, RASL 60/min)")


if __name__ == "__main__":
    asyncio.run(main())
