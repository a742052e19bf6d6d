"""Planning a removal from a long `--from` file: tokenising, matching and the look-up plan.

For 10,000, 100,000 and 1,000,000 lines it writes a file of that many people (each in a
spelling a ticket uses: an upper-case email, a spaced international phone, a national phone
without its country code, a WhatsApp id; one line in a hundred names nobody) and a CSV
export of as many rows (`name,email,phone`, matched by either address), and times what
`rosterdeck remove --from FILE` does before its first line of output: read the entries,
then plan against a container of the same size (read whole from memory, matched, the plan
made). Beside it, in the same run, the baseline: reading the file alone. No network: the
container is served from memory, a page of 100 at a time, as an adapter streams it.

    python tests/benchmarks/paste_scale.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, cast

from providers.jobs.lookup import plan_for_entries
from providers.matching import Given, entries_from_file
from providers.models import Capabilities, Container, ContainerKind, Member, MemberPage, Provider
from providers.protocol import Adapter
from providers.sandbox import people

PAGE = 100


def phone_digits(index: int) -> str:
    return f"4477{index:08d}"


def member(index: int) -> Member:
    first, last = people.name_of(index)
    address = people.email_of(index) if index % 4 == 0 else "+" + phone_digits(index)
    return Member(id=f"{index:024x}", name=f"{first} {last}", address=address)


def line(index: int) -> str:
    """Person `index` as a ticket might write them; one in a hundred is nobody."""
    if index % 100 == 99:
        return f"nobody{index}@example.org"
    digits = phone_digits(index)
    return [
        people.email_of(index).upper(),
        f"+{digits[:2]} {digits[2:6]} {digits[6:]}",
        f"0{digits[2:5]} {digits[5:]}",
        f"{digits}@s.whatsapp.net",
    ][index % 4]


def csv_row(index: int) -> str:
    first, last = people.name_of(index)
    if index % 100 == 99:
        return f"{first} {last},nobody{index}@example.org,+1 202 555 {index % 10_000:04d}"
    digits = phone_digits(index)
    return f"{first} {last},{people.email_of(index)},+{digits[:2]} {digits[2:]}"


class InMemory:
    """A container held in memory, streamed a page at a time; its ids are never trusted, so
    every line is matched against its members."""

    provider = Provider.AUTOSEND
    capabilities = Capabilities(
        max_batch=PAGE, requests_per_second=2, reports_each_member=False, can_undo=True
    )

    def __init__(self, members: list[Member]) -> None:
        self.everyone = members
        self.box = Container(
            id="big", name="Big list", kind=ContainerKind.LIST, member_count=len(members)
        )

    async def container(self, container_id: str) -> Container:
        return self.box

    async def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]:
        for start in range(0, len(self.everyone), PAGE):
            yield MemberPage(tuple(self.everyone[start : start + PAGE]), len(self.everyone))

    def is_id(self, entry: str) -> bool:
        return False

    def searchable(self, entry: str) -> bool:
        return True


def timed(work: Callable[..., Any], *args: Any) -> tuple[Any, float, float]:
    """What the work gave, its wall-clock seconds and the CPU seconds it took."""
    started, cpu = time.perf_counter(), time.process_time()
    result = work(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu


async def plan(adapter: InMemory, entries: list[Given]) -> tuple[int, int]:
    """Planned and unmatched counts (the plan itself stays here: only numbers leave)."""
    made, unmatched = await plan_for_entries(cast(Adapter, adapter), "bench", adapter.box, entries)
    return len(made.members), len(unmatched)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    sizes = parser.parse_args().sizes
    header = ("file", "lines", "read file (baseline)", "entries", "plan", "total", "total cpu")
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            adapter = InMemory([member(i) for i in range(size)])
            lines = Path(folder) / f"{size}.txt"
            lines.write_text("\n".join(line(i) for i in range(size)) + "\n")
            sheet = Path(folder) / f"{size}.csv"
            sheet.write_text("name,email,phone\n" + "\n".join(csv_row(i) for i in range(size)))
            for kind, path in (("lines", lines), ("csv", sheet)):
                _, read, _ = timed(path.read_text, "utf-8")
                entries, tokenised, cpu = timed(entries_from_file, path)
                counted, planning, planning_cpu = timed(asyncio.run, plan(adapter, entries))
                planned, unmatched = counted
                assert unmatched == size // 100 and planned == size - unmatched, (kind, size)
                rows.append(
                    (kind, f"{size:,}", f"{read * 1000:.0f} ms", f"{tokenised:.2f} s",
                     f"{planning:.2f} s", f"{tokenised + planning:.2f} s",
                     f"{cpu + planning_cpu:.2f} s")
                )  # fmt: skip
                print(*rows[-1], flush=True)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print("entries: reading and tokenising the file; plan: reading the container from memory,")
    print("matching every line, making the plan; total: before `remove` says anything (wall")
    print("clock; total cpu: the processor time it took, apart from other work on the machine).")


if __name__ == "__main__":
    main()
