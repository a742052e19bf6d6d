"""Once off, they stay off: who a job puts on the do-not-re-add register, who an add-back would
put back although they asked to stay off, and text that must not name them.

The register itself (keyed digests, sealed addresses) is the journal's (`journal.register`);
this is what the desk asks of it, in its own words for both faces.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from providers.jobs.everywhere import EverywherePlan
from providers.jobs.plans import Plan
from providers.jobs.proposal import Proposal
from providers.jobs.receipt_parts import cell
from providers.journal import Journal
from providers.journal.chain import Writing
from providers.journal.register import Entry, normalised
from providers.journal.store import Also
from providers.matching import tokens
from providers.models import Member
from providers.text import json_text, shown

#: how many people on the register an add-back proposal names before "and N more"
NAMED = 3
OVERRIDE_HINT = (
    "Adding them back needs an override with its reason, which is journaled (the dialog's "
    'override field; in the shell --override "REASON").'
)


def addresses_of(member: Member) -> tuple[str, ...]:
    """What the register keeps of a member: their phone or email, and a WhatsApp id."""
    return tuple(a for a in dict.fromkeys((member.address, member.id)) if normalised(a))


def people_of(plan: Plan) -> list[tuple[str, ...]]:
    """Each member a removal chose (sent or protected) is one person."""
    chosen = [*plan.members, *(member for member, _ in plan.skipped)]
    return [person for member in chosen if (person := addresses_of(member))]


def people_of_everywhere(plan: EverywherePlan) -> list[tuple[str, ...]]:
    """An everywhere plan is for one person (every address given and found), or for the
    people a sweep found back, each with their own."""
    if plan.people:
        return [tuple(person) for person in plan.people]
    found = [a for part in plan.parts for m in people_of(part) for a in m]
    return [tuple(dict.fromkeys([*plan.addresses, *found]))]


def on_register(journal: Journal, members: Sequence[Member]) -> list[tuple[Member, Entry]]:
    """The members of an add-back who are on the register, each with their entry."""
    entries = journal.register.on_register([addresses_of(m) for m in members])
    return [(m, found[0]) for m, found in zip(members, entries, strict=True) if found]


def register_words(hits: Sequence[tuple[Member, Entry]]) -> list[str]:
    """An add-back that would put back people who asked to stay off, said before it is
    confirmed."""
    named = ", ".join(
        f"{shown(m.name or m.address or m.id, 30)} ({shown(e.said, 60)})" for m, e in hits[:NAMED]
    )
    more = f" and {len(hits) - NAMED:,} more" if len(hits) > NAMED else ""
    return [
        f"⛔ {len(hits):,} of them asked to stay off (on the do-not-re-add register): "
        f"{named}{more}.",
        OVERRIDE_HINT,
    ]


def refusal(hits: int) -> str:
    return (
        f"{hits:,} of them asked to stay off and are on the do-not-re-add register. "
        f"{OVERRIDE_HINT} Nothing was sent."
    )


def names_them(text: str, addresses: Iterable[str]) -> bool:
    """Whether text typed for the journal (a why, an override) names one of these people by
    an address: the chain keeps such text for good, so it would outlive forgetting them."""
    typed = {n for entry in tokens(text) if (n := normalised(entry))}
    return bool(typed) and any(normalised(a) in typed for a in addresses)


def naming_refusal(what: str) -> str:
    return (
        f"The {what} is kept on the journal's hash chain for good, so it must not name the "
        "person (an address): give the ticket instead. Nothing was done."
    )


SUPPRESSING = (
    "⛔ They go on the do-not-re-add register (not for a dry run): undo and add-back of them "
    "are refused unless overridden, and sweeps check that they stay off."
)
SUPPRESS_OFFER = (
    "Keep them off: the do-not-re-add register",
    "Undo and add-back are refused unless overridden; sweeps check.",
)


def addresses_in(proposal: Proposal) -> Iterator[str]:
    """Every address of the people a proposal is about (what text kept for good must not
    name), made only as far as it is read."""
    if proposal.forgetting is not None:
        yield from sorted(proposal.forgetting.traces.spellings)
    elif proposal.everywhere is not None:
        yield from (a for person in people_of_everywhere(proposal.everywhere) for a in person)
    elif proposal.plan is not None:
        chosen = (*proposal.plan.members, *(m for m, _ in proposal.plan.skipped))
        yield from (a for member in chosen for a in addresses_of(member))
        yield from proposal.registered


@dataclass(frozen=True)
class Extras:
    """What a confirmed job writes in its plan's transaction besides the plan: the people put
    on the register, an override of it and its reason, the invite links to revoke."""

    suppress: bool
    revoke_invites: bool
    override: str

    def with_plan(self, journal: Journal, proposal: Proposal, plan: Plan) -> Also:
        def write(writing: Writing, job_id: str) -> None:
            if self.suppress and proposal.offers_suppress:
                journal.register.suppress(writing, people_of(plan), plan.reason, job_id)
            if proposal.suppressed:
                journal.register.override(writing, job_id, proposal.suppressed, self.override)
            self._invites(journal, writing, job_id, proposal)

        return write

    def with_everywhere(self, journal: Journal, proposal: Proposal, plan: EverywherePlan) -> Also:
        def write(writing: Writing, everywhere_id: str) -> None:
            journal.register.suppress(
                writing, people_of_everywhere(plan), plan.reason, everywhere_id
            )
            self._invites(journal, writing, everywhere_id, proposal)

        return write

    def _invites(self, journal: Journal, writing: Writing, job_id: str, proposal: Proposal) -> None:
        for container in proposal.invites if self.revoke_invites else ():
            journal.invites.ask(writing, job_id, container)


def entry_document(entry: Entry) -> dict[str, Any]:
    """One person on the register, as `suppressed --json` and the export say it."""
    return {
        "id": entry.id,
        "since": entry.created_at,
        "by": entry.operator,
        "why": entry.reason,
        "job": entry.job_id,
        "active": entry.active,
        "lifted_at": entry.lifted_at,
        "lifted_by": entry.lifted_by,
        "lifted_why": entry.lifted_reason,
        "addresses": list(entry.addresses),
    }


def exported(entries: list[Entry], form: str) -> str:
    """The register as a file for another system's suppression list: a row an address (an
    erased person has none), or JSON."""
    if form == "json":
        return json_text([entry_document(e) for e in entries]) + "\n"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["entry", "since", "by", "why", "active", "address"])
    for entry in entries:
        base = [entry.id, entry.created_at, entry.operator, entry.reason, str(entry.active)]
        for address in entry.addresses or ("",):
            writer.writerow([cell(value) for value in (*base, address)])
    return out.getvalue()
