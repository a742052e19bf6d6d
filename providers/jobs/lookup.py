"""Find the members a list of phones, emails, ids and names names, at a cost that follows
the list.

Ids the provider issues are trusted as given (the removal's answer tells whether they were
members); every other address the provider can search is looked up with its own search, one
call an address, unless reading the whole container is cheaper by the numbers. A spreadsheet
row is one person: it is found when any of its addresses is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from providers import errors
from providers.accounts.store import reason_required
from providers.jobs.plans import Plan, make_plan
from providers.jobs.proposal import WHY_REQUIRED, Proposal
from providers.jobs.words import nothing_to_send
from providers.matching import Given, PasteResult, addresses_of, is_name, match_rows, rows_of
from providers.models import Container, Member, Operation
from providers.protocol import Adapter, read_whole
from providers.text import shown

if TYPE_CHECKING:
    from providers.jobs.desk import Desk


async def find_members(
    adapter: Adapter, container: Container, given: Iterable[Given]
) -> PasteResult:
    """Who of the container the entries and rows name; `unmatched` are in it nowhere."""
    if container.read_only:
        raise errors.ConfigurationError(
            f"{container.name} is read-only: {container.read_only_reason}. Nothing was sent."
        )
    rows = rows_of(given)
    trusted: list[tuple[Given, list[str]]] = []
    searched: list[Given] = []
    lookups = 0
    is_id, searchable = adapter.is_id, adapter.searchable
    for row in rows:
        if isinstance(row, str):  # most rows: one address
            if is_id(row):
                trusted.append((row, [row]))
            else:
                searched.append(row)
                lookups += searchable(row)
        elif ids := [a for a in row.addresses if is_id(a)]:
            trusted.append((row, ids))
        else:
            searched.append(row)
            lookups += sum(map(searchable, row.addresses))
    if lookups and read_whole(lookups, container.member_count, adapter.capabilities.page_size):
        everyone = [m async for page in adapter.members(container) for m in page.members]
        return match_rows(rows, everyone)
    result = PasteResult()
    for row, ids in trusted:
        result.settle(row, [Member(id=i) for i in ids], [])
    for row in searched:
        found: list[Member] = []
        namesakes: list[Member] = []
        for address in addresses_of(row):
            if not searchable(address):
                continue
            named = await adapter.candidates(container, address)
            if is_name(address) and len({m.id for m in named}) > 1:
                namesakes = namesakes or named
            else:
                found += named
        result.settle(row, found, namesakes)
    return result.finish()


async def plan_for_entries(
    adapter: Adapter,
    account: str,
    container: Container,
    given: Iterable[Given],
    operation: Operation = Operation.REMOVE_FROM_CONTAINER,
) -> tuple[Plan, list[Given]]:
    """The plan for the members the rows name, and the rows that named nobody. A name that
    several members share is refused: a job never guesses between namesakes."""
    found = await find_members(adapter, container, given)
    if found.ambiguous:
        row, namesakes = next(iter(found.ambiguous.items()))
        who = ", ".join(m.address or m.id for m in namesakes[:5])
        raise errors.ConfigurationError(
            f"{len(namesakes)} members of {container.name} are called {row} ({who}): give "
            "the phone, email or id of the one meant. Nothing was sent."
        )
    chosen = found.matched_members()
    plan = make_plan(account, adapter.provider, container, chosen, operation)
    return plan, found.unmatched


async def propose_entries(
    desk: Desk,
    account: str,
    container_id: str,
    entries: Sequence[Given],
    operation: Operation = Operation.REMOVE_FROM_CONTAINER,
    *,
    ignore_absent: bool = False,
    reason: str = "",
) -> Proposal:
    """A job on the members that phones, emails or ids name, looked up at a cost that
    follows the entries, never the container's size. A reason the account requires is
    asked for before anything is looked up."""
    if reason_required(desk.workspace.account(account)) and not reason.strip():
        raise errors.Refused(WHY_REQUIRED.format(account=account))
    adapter = await desk.adapter(account)
    container = await adapter.container(container_id)
    refuse_unsendable(adapter, container)
    plan, matched_nobody = await plan_for_entries(adapter, account, container, entries, operation)
    unmatched = [str(given) for given in matched_nobody]  # a spreadsheet row, whole
    if unmatched and not ignore_absent:
        # one named by its id may be gone because someone's job took them off
        named = unmatched[:10]
        gone = desk.journal.removals(adapter.provider, [(container.id, g) for g in named])
        listed = ", ".join(
            shown(given, 60) + _removed_by(gone.get((container.id, given))) for given in named
        )
        raise errors.Refused(
            f"{len(unmatched):,} of the given members matched nobody in "
            f"{plan.container.name}: {listed}. Nothing was sent (--ignore-absent removes "
            "the others and reports these as already absent)."
        )
    return await desk.propose(plan, unmatched=unmatched)


def refuse_unsendable(adapter: Adapter, container: Container) -> None:
    """Nothing is proposed where nothing may be sent (a read-only list; a WhatsApp group whose
    number is no admin, as far as the adapter knows without a call): one sentence, the same
    for both faces, before anything is looked up or sent."""
    if why := adapter.refusal(container):
        raise errors.Refused(nothing_to_send(container, why))


def _removed_by(job: str | None) -> str:
    return f" ({job})" if job else ""
