"""What a job's receipt says of staying off: the people it put on the do-not-re-add register
and whether the last sweep still found them off everywhere, an override it was confirmed
with, and the invite links it revoked. Read from the journal each time a receipt is written,
so a receipt written again after a sweep is up to date."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from providers.jobs.invites import invite_words
from providers.journal import Journal
from providers.journal.records import Job
from providers.journal.register import MERGED, Entry
from providers.text import many, shown


def when(stamp: str) -> str:
    return f"{stamp[:10]} {stamp[11:16]} UTC"


def lines(journal: Journal, job_id: str, parts: Sequence[Job]) -> list[str]:
    told = [status(journal, entry) for entry in _current(journal, job_id)]
    said = [sentence for _, sentence in told]
    if len(told) > 1:  # a removal of many, kept off: how many are in each state
        counts = Counter(state for state, _ in told)
        said = [f"{len(told)} people put on the do-not-re-add register by this job:"]
        said += [f"  {count} {state}" for state, count in counts.items()]
    if override := journal.register.overridden(job_id):
        said.append(
            "Added back although on the do-not-re-add register: overridden by "
            f"{shown(override['operator'])}: {shown(override['reason'])}."
        )
    where = {part.container.id: part.container.where for part in parts}
    invites = journal.invites.of([job_id])
    return said + [invite_words(i, where.get(i.container, i.container)) for i in invites]


def status(journal: Journal, entry: Entry) -> tuple[str, str]:
    """One person's place on the register and what the last sweep of them found: in a few
    words (to count), and in a sentence."""
    if not entry.active:
        return "taken off the register", (
            f"Taken off the do-not-re-add register on {entry.lifted_at[:10]} by "
            f"{shown(entry.lifted_by)}: {shown(entry.lifted_reason)}."
        )
    line = f"On the do-not-re-add register since {entry.since} ({entry.id})."
    if not entry.addresses:
        return "erased (checked on add-back only)", (
            f"{line} Their addresses were erased: sweeps cannot search for them; adding them "
            "back is still refused."
        )
    sweep = journal.sweeps.latest(entry.id, since=entry.created_at)
    if sweep is None:
        return "not swept yet", f"{line} Not swept yet: a sweep checks it."
    at = when(sweep.created_at)
    if back := sweep.found.get(entry.id, []):
        places = "; ".join(
            f"{shown(b.where)} ({b.account}), first seen back {when(b.first_seen)}" for b in back
        )
        return (
            f"back as of {at}",
            f"{line} Back in {many(len(back), 'place')} as of {at}: {places}.",
        )
    if sweep.unsearched:
        blind = "; ".join(f"{u['account']}: {shown(u['where'])}" for u in sweep.unsearched)
        return f"off everywhere searched as of {at}", (
            f"{line} Still off everywhere that could be searched as of {at}; not searched: {blind}."
        )
    return f"still off everywhere as of {at}", (
        f"{line} Still off everywhere as of {at} ({sweep.id})."
    )


def _current(journal: Journal, job_id: str) -> list[Entry]:
    """The entries a job made, each followed to the entry it was merged into since."""
    current = []
    for entry in journal.register.for_job(job_id):
        while entry.lifted_reason.startswith(MERGED):
            entry = journal.register.entry(entry.lifted_reason.removeprefix(MERGED))
        current.append(entry)
    return list({e.id: e for e in current}.values())
