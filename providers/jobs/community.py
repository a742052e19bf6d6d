"""Off a WhatsApp community: out of each of its groups they are in (the announcement group
and every group linked to it), as one everywhere-style job of one part a group, each paced
as any WhatsApp write.

WhatsApp shows a community as a parent with groups beneath; taking someone out of it means
out of every one of those groups, so they are looked for in each (a read a group, kept a few
minutes and shared with browsing), and the plan names every group where they were found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from providers.accounts.store import Account
from providers.errors import Refused
from providers.jobs.everywhere import EverywherePlan, plan_everywhere
from providers.jobs.find import Found
from providers.jobs.staying_off import addresses_of
from providers.jobs.words import place
from providers.matching import key_of
from providers.models import Container, Member
from providers.protocol import Adapter


async def plan_community(
    adapter: Adapter, account: Account, container: Container, members: Sequence[Member]
) -> EverywherePlan:
    """The members off every group of the community `container` is (or is linked to): found
    by the ids and phones they are listed by, one part a group they are in."""
    community = await adapter.community(container)
    if not community:
        raise Refused(f"{place(container.where)} is in no community: d removes from it alone.")
    parent, *groups = community
    entries = sorted({a for m in members for a in (m.id, m.address) if _an_address(a)})
    where = await adapter.look_in(groups, entries)
    found = Found(account, where.places, where.unsearched, where.unsure)
    named = [m.address if _an_address(m.address) else m.id for m in members]
    # several people are each their own on the do-not-re-add register
    people = tuple(addresses_of(m) for m in members) if len(members) > 1 else ()
    return replace(plan_everywhere([found], named), community=parent.where, people=people)


def _an_address(text: str) -> bool:
    """A phone or an id a group lists someone by (not the words of an unknown phone)."""
    return "@" in text or key_of(text).isdigit()
