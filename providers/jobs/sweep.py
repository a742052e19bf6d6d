"""Sweeps: is everyone on the do-not-re-add register still off everything?

Every account is searched once for all of them at once, at `find`'s cost (RASL: a contact
search an address; AutoSend: a list search an email; WaSend: one read a group, whoever is
sought), each at its own pace; each place found is told to the person it is. The result is
journaled (by entry: the chain never holds an address), and one everywhere job over the
re-adds takes them off again, through the desk like any job.

Someone forgotten cannot be searched for (their addresses are gone): they are counted, and
checked only when someone tries to add them back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from providers.accounts.workspace import Workspace
from providers.jobs.everywhere import EverywherePlan, plan_everywhere
from providers.jobs.find import Found, find_everywhere
from providers.jobs.receipts import FORMATS, VERIFY, export
from providers.jobs.staying_off import addresses_of
from providers.journal import Journal
from providers.journal.register import Entry
from providers.journal.sweeps import Sweep
from providers.matching import MemberIndex
from providers.models import Place
from providers.protocol import Adapter

#: exit statuses of an unattended sweep
CLEAN, INCOMPLETE, BACK = 0, 1, 3


@dataclass
class Swept:
    """A sweep's result: the journal's record of it, and what it found, person by person."""

    sweep: Sweep
    found: list[Found]
    people: dict[str, Entry]
    #: each person found back, and the places they are in
    back: dict[str, list[Found]] = field(default_factory=dict)
    #: people who were forgotten: nothing to search with
    unsearchable: list[Entry] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def calls(self) -> int:
        return sum(f.calls for f in self.found)

    @property
    def incomplete(self) -> bool:
        return bool(self.sweep.unsearched)

    @property
    def status(self) -> int:
        """3 when someone is back, else 1 when something could not be searched, else 0."""
        if self.back:
            return BACK
        return INCOMPLETE if self.incomplete else CLEAN


async def sweep(
    workspace: Workspace,
    journal: Journal,
    opened: Callable[[str], Awaitable[Adapter]],
    on_found: Callable[[Found], None] | None = None,
) -> Swept:
    """Search every account for everyone on the register, and journal what was found."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    entries = journal.register.entries()
    sought = [e for e in entries if e.addresses]
    addresses = list(dict.fromkeys(a for e in sought for a in e.addresses))
    found = await find_everywhere(workspace, addresses, on_found, opened=opened) if sought else []
    back: dict[str, list[Found]] = {}
    for answer in found:
        for entry_id, places in _whose(sought, answer.places).items():
            back.setdefault(entry_id, []).append(
                Found(answer.account, places, calls=answer.calls, seconds=answer.seconds)
            )
    record = journal.sweeps.record(
        {
            e.id: [
                (f.account.name, p.container.id, p.container.where)
                for f in back.get(e.id, [])
                for p in f.places
            ]
            for e in sought
        },
        _unsearched(found),
        sum(f.calls for f in found),
    )
    return Swept(
        sweep=record,
        found=found,
        people={e.id: e for e in entries},
        back=back,
        unsearchable=[e for e in entries if not e.addresses],
        seconds=loop.time() - started,
    )


def _whose(sought: list[Entry], places: list[Place]) -> dict[str, list[Place]]:
    """Each place they could be removed from, given to the person it is: a member whose id
    or address matches one of theirs, in any spelling. A read-only list (AutoSend's list of
    all contacts) or a locked member (a group's owner) is no re-add: no job could act on it."""
    places = [p for p in places if not (p.container.read_only or p.member.locked)]
    index = MemberIndex(place.member for place in places)
    by_member: dict[str, list[Place]] = {}
    for place in places:
        by_member.setdefault(place.member.id, []).append(place)
    owned: dict[str, list[Place]] = {}
    for entry in sought:
        mine = {m.id for a in entry.addresses for m in index.find(a)[0]}
        if mine:
            owned[entry.id] = [place for member in sorted(mine) for place in by_member[member]]
    return owned


def _unsearched(found: list[Found]) -> list[dict[str, str]]:
    said = [{"account": f.account.name, "where": "every place", "why": f.error} for f in found]
    said = [s for s in said if s["why"]]
    return said + [
        {"account": f.account.name, "where": c.parent or c.where, "why": c.read_only_reason}
        for f in found
        for c in f.unsearched
    ]


def plan_again(swept: Swept) -> EverywherePlan:
    """One everywhere job over every place someone was found back in, each person with their
    own addresses (the job names them by their register entries, not their addresses)."""
    found = [f for answers in swept.back.values() for f in answers]
    entries = [swept.people[entry_id] for entry_id in swept.back]
    plan = plan_everywhere(found, [f"register {e.id}" for e in entries])

    def theirs(entry: Entry) -> tuple[str, ...]:
        met = (a for f in swept.back[entry.id] for p in f.places for a in addresses_of(p.member))
        return tuple(dict.fromkeys([*entry.addresses, *met]))

    people = tuple(theirs(e) for e in entries)
    return EverywherePlan(plan.addresses, plan.parts, plan.unsearched, people=people)


def refresh_receipts(
    journal: Journal, exports: Path, swept: Swept, verify: str = VERIFY
) -> list[Path]:
    """The receipts already written of the jobs that put the swept people on the register,
    written again: they now say whether they are still off, as of this sweep."""
    jobs = {swept.people[e].job_id for e in swept.sweep.found if swept.people[e].job_id}
    rewritten = []
    for job_id in sorted(jobs):
        if any((exports / f"rosterdeck-job-{job_id}.{form}").exists() for form in FORMATS):
            rewritten.append(export(journal, job_id, exports, verify))
    return rewritten
