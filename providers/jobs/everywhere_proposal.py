"""Proposals of one person (or a few) off many places at once: every place `find` found, or
every group of a WhatsApp community. Each is worded with its cost at each account's pace and
refused, as any job is, while another runs or holds one of its places."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from providers.errors import Refused
from providers.jobs.community import plan_community
from providers.jobs.everywhere import EverywherePlan, asking_why, estimate_everywhere, slowest
from providers.jobs.proposal import Kind, Proposal
from providers.jobs.staying_off import SUPPRESSING
from providers.jobs.words import everywhere_words, pace
from providers.models import Container, Member

if TYPE_CHECKING:
    from providers.jobs.desk import Desk


async def propose_everywhere(desk: Desk, plan: EverywherePlan) -> Proposal:
    """One person off every place found, one part a place."""
    desk.refuse_while_busy()
    if not plan.acting:
        raise Refused("Found nowhere they can be removed from: nothing to send.")
    desk.refuse_busy_places([(part.provider, part.container) for part in plan.acting])
    adapters = {name: await desk.adapter(name) for name in plan.accounts}
    guess = estimate_everywhere(adapters, desk.journal, plan)
    paces = {
        part.account: pace(slowest(adapters[part.account], plan.acting, part.account))
        for part in plan.acting
    }
    strict = bool(asking_why(plan, desk.workspace.accounts()))
    return Proposal(
        kind=Kind.EVERYWHERE,
        lines=(*everywhere_words(plan, guess, paces), SUPPRESSING),
        word=plan.confirmation_word,
        label="Remove",
        reason_required=strict,
        everywhere=plan,
        invites=tuple(
            part.container for part in plan.acting if adapters[part.account].has_invite_links
        ),
    )


async def propose_community(
    desk: Desk, account: str, container: Container, members: Sequence[Member]
) -> Proposal:
    """These members off every group of the container's WhatsApp community they are in,
    as one job of one part a group."""
    desk.refuse_while_busy()
    adapter = await desk.adapter(account)
    plan = await plan_community(adapter, desk.workspace.account(account), container, members)
    return await propose_everywhere(desk, plan)
