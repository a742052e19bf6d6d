"""Find the members a list of phones, emails and ids names, at a cost that follows the list.

Ids the provider issues are trusted as given (the removal's answer tells whether they were
members); everything else is looked up with the provider's own search, one call an entry,
unless reading the whole container is cheaper by the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

from providers import errors
from providers.jobs.plans import Plan, make_plan
from providers.matching import PasteResult, match
from providers.models import Container, Member, Operation
from providers.protocol import Adapter, read_whole


async def find_members(
    adapter: Adapter, container: Container, entries: Sequence[str]
) -> PasteResult:
    """Who of the container the entries name; `unmatched` are in it nowhere."""
    if container.read_only:
        raise errors.ConfigurationError(
            f"{container.name} is read-only: {container.read_only_reason}. Nothing was sent."
        )
    entries = list(dict.fromkeys(e.strip() for e in entries if e.strip()))
    trusted = [e for e in entries if adapter.is_id(e)]
    searched = [e for e in entries if e not in trusted]
    page = adapter.capabilities.page_size
    if searched and read_whole(len(searched), container.member_count, page):
        everyone = [m async for p in adapter.members(container) for m in p.members]
        result = match(entries, everyone)
        return result
    result = PasteResult()
    for entry in searched:
        found = await adapter.candidates(container, entry)
        if not found:
            result.unmatched.append(entry)
            continue
        result.matched[entry] = found
        result.locked.extend(m for m in found if m.locked and m not in result.locked)
    for entry in trusted:
        result.matched[entry] = [Member(id=entry)]
    return result


async def plan_for_entries(
    adapter: Adapter,
    account: str,
    container_id: str,
    entries: Sequence[str],
    operation: Operation = Operation.REMOVE_FROM_CONTAINER,
    *,
    dry_run: bool = False,
) -> tuple[Plan, list[str]]:
    """The plan for the members the entries name, and the entries that named nobody."""
    container = await adapter.container(container_id)
    found = await find_members(adapter, container, entries)
    chosen = list({m.id: m for ms in found.matched.values() for m in ms}.values())
    plan = make_plan(account, adapter.provider, container, chosen, operation, dry_run=dry_run)
    return plan, found.unmatched
