"""The journal at scale: a plan of 100,000 members written, then the journal verified.

Times `create()` (the confirm of a big list), a run's worth of batches marked and recorded,
and `verify()` over it all, on SQLite, or on PostgreSQL when a URL is given. Run:

    python tests/benchmarks/journal_plan.py [--members 100000] [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from providers.journal import Journal
from providers.models import (
    Container,
    ContainerKind,
    Member,
    MemberOutcome,
    Operation,
    Outcome,
    Provider,
)
from providers.sandbox import people

LIST = Container(id="list:news", name="Newsletter", kind=ContainerKind.LIST)


def members(count: int) -> list[Member]:
    return [
        Member(id=f"c{n}", name=" ".join(people.name_of(n)), address=people.email_of(n))
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    plan = members(args.members)
    with tempfile.TemporaryDirectory() as folder:
        journal = Journal(args.url or Path(folder) / "journal.sqlite3")  # type: ignore[arg-type]
        started, cpu = time.perf_counter(), time.process_time()
        job_id = journal.create(
            account="news",
            provider=Provider.AUTOSEND,
            container=LIST,
            operation=Operation.REMOVE_FROM_CONTAINER,
            members=plan,
        )
        planned, planned_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        for number in range(0, len(plan), args.batch):
            batch = [m.id for m in plan[number : number + args.batch]]
            journal.mark_sending(job_id, batch, number // args.batch)
            journal.record(
                job_id, [MemberOutcome(member_id=m, outcome=Outcome.REMOVED) for m in batch]
            )
        ran = time.perf_counter() - started
        started = time.perf_counter()
        verdict = journal.verify()
        checked = time.perf_counter() - started
        journal.close()
    print(f"create() of {args.members:,} members: {planned:.2f} s ({planned_cpu:.2f} s of CPU)")
    print(f"{args.members // args.batch:,} batches marked and recorded: {ran:.2f} s")
    print(f"verify() over {verdict.events:,} events: {checked:.2f} s, whole: {verdict.whole}")


if __name__ == "__main__":
    main()
