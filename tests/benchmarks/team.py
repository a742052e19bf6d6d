"""A team on one journal: N operators, each a `rosterdeck` process with a home of its own,
removing people from WhatsApp groups of one number at the safe pace, against the sandbox on
a loopback port that records every write as it arrives; then the same for one operator on
SQLite. Operators two by two share a group and half their members, and all start at once.
Prints a table:

- members sent per member (goal: 1.00): every name in every removal the sandbox received,
  over the members named;
- removals on the number against its daily budget (goal: never over);
- the smallest gap between two removals on the number, at the sandbox (goal: never under
  the floor, WhatsApp's safe 3 s unless --gap says otherwise);
- journal writes per second: N processes marking and recording batches on jobs of their
  own at once, as fast as the journal takes them.

An operator refused because a place has a job running waits until it has none, then
resumes its job (refused as it began to run) or plans again (refused up front). Loopback
only, bounded by the members given. Run:

    python tests/benchmarks/team.py [--operators 3] [--members 6] [--budget 12]
        [--gap 3] [--jitter 3] [--writes 200]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import threading
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

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
from providers.sandbox.apis import Sandbox
from tests.helpers.postgres import Server, create_database
from tests.helpers.team import Person, Recorder, person, plain_members, recorded

SESSION = "sess_front_desk"
GROUPS = ("Harbour Runners", "Parents Network")


def _journal(where: str) -> Journal:
    return Journal(where if where.startswith("postgresql://") else Path(where))


#: told each time an operator's command ends: a place someone held may be free now
ENDED = threading.Condition()


def _operate(who: Person, journal: Journal, container: str, wanted: list[str]) -> None:
    """Remove `wanted`, waiting for the place whenever someone else's job holds it: looked at
    again each time another operator's command ends, which is when a place comes free."""
    own: str | None = None
    while True:
        args = ("resume", own) if own else ("remove", "wa", container, *wanted, "--ignore-absent")
        process = who.start(*args, "--yes")
        _, err = process.communicate(timeout=3600)
        with ENDED:
            ENDED.notify_all()
        if process.returncode == 0 or "has a job running" not in err:
            return
        address = who.env["SSH_CLIENT"].split()[0]
        mine = [j for j in journal.unfinished() if j.operator.endswith(f" from {address}")]
        own = next((j.id for j in mine if j.container.id == container), None)
        with ENDED:
            ENDED.wait_for(lambda: journal.running_on(Provider.WASEND, container) is None)


def team_run(
    root: Path, url: str, operators: int, members: int, pace: dict[str, float]
) -> tuple[Recorder, float]:
    sandbox = Sandbox().unlimited()
    journal = _journal(url)
    with recorded(sandbox) as (origin, recorder):
        places = [plain_members(sandbox, SESSION, g, members * operators) for g in GROUPS]
        work: list[tuple[Person, str, list[str]]] = []
        for n in range(operators):
            container, people = places[n % 2]
            start = (n // 2) * (members // 2)
            who = person(root, f"op{n}", url, sandbox, origin, **pace)
            work.append((who, container, people[start : start + members]))
        started = time.perf_counter()
        threads = [threading.Thread(target=_operate, args=(w, journal, c, m)) for w, c, m in work]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return recorder, time.perf_counter() - started


def _writer(where: str, batches: int, batch: int, ready: Barrier) -> None:
    journal = _journal(where)
    people = [Member(id=f"m{n}") for n in range(batches * batch)]
    job = journal.create(
        account="bench",
        provider=Provider.AUTOSEND,
        container=Container(id=f"list:{time.monotonic_ns()}", name="L", kind=ContainerKind.LIST),
        operation=Operation.REMOVE_FROM_CONTAINER,
        members=people,
    )
    ready.wait()
    for number in range(batches):
        ids = [m.id for m in people[number * batch : (number + 1) * batch]]
        journal.mark_sending(job, ids, number)
        journal.record(job, [MemberOutcome(member_id=i, outcome=Outcome.REMOVED) for i in ids])


def writes_per_second(where: str, writers: int, batches: int) -> float:
    """Chain events a second, `writers` processes at once, each on its own job."""
    ready = multiprocessing.Barrier(writers + 1)
    processes = [
        multiprocessing.Process(target=_writer, args=(where, batches, 10, ready))
        for _ in range(writers)
    ]
    for process in processes:
        process.start()
    ready.wait()  # every writer has opened the journal and written its plan
    started = time.perf_counter()
    for process in processes:
        process.join()
    return writers * batches * 2 / (time.perf_counter() - started)


def row(
    name: str, operators: int, recorder: Recorder, budget: int, floor: float, rate: float
) -> str:
    sent = recorder.sent("participants")
    per_member = sum(sent.values()) / max(1, len(sent))
    gaps = recorder.gaps("participants")
    smallest = f"{min(gaps):.2f} s (floor {floor:g})" if gaps else "-"
    writes = sum(sent.values())
    return (
        f"| {name} | {operators} | {per_member:.2f} | {writes} of {budget} | {smallest} "
        f"| {rate:,.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operators", type=int, default=3)
    parser.add_argument("--members", type=int, default=6)
    parser.add_argument("--budget", type=int, default=12)
    parser.add_argument("--gap", type=float, default=3.0)
    parser.add_argument("--jitter", type=float, default=3.0)
    parser.add_argument("--writes", type=int, default=200, help="batches a writer journals")
    args = parser.parse_args()
    pace = {
        "seconds_between_writes": args.gap,
        "write_jitter": args.jitter,
        "daily_budget": args.budget,
    }
    lines = [
        "| journal | operators | members sent per member | removals on the number "
        "(budget) | smallest gap on the number | journal writes per second |",
        "|---|---|---|---|---|---|",
    ]
    server = Server()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            url = create_database(server.url, "team")
            (root / "pg").mkdir()
            recorder, _ = team_run(root / "pg", url, args.operators, args.members, pace)
            rate = writes_per_second(
                create_database(server.url, "writes"), args.operators, args.writes
            )
            lines.append(row("PostgreSQL", args.operators, recorder, args.budget, args.gap, rate))
            (root / "lite").mkdir()
            lite = str(root / "lite" / "journal.sqlite3")
            recorder, _ = team_run(root / "lite", lite, 1, args.members, pace)
            rate = writes_per_second(str(root / "writes.sqlite3"), 1, args.writes)
            lines.append(row("SQLite", 1, recorder, args.budget, args.gap, rate))
    finally:
        server.stop()
        server.remove()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
