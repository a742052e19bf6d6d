"""A group's invite link revoked once the removals a job made there are done, so nobody they
removed rejoins by the old link (everyone else holding it loses it too: that is said when it
is offered). Asked with the plan; revoked after the place's run finished, or at the end of
the resume that finishes it; each outcome journaled and in the receipt."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from providers.errors import ProviderError
from providers.jobs.words import place
from providers.journal import Journal
from providers.journal.invites import ASKED, FAILED, REVOKED, Invite
from providers.journal.records import Job, JobState
from providers.models import Outcome
from providers.protocol import Adapter
from providers.text import shown

REVOKE = "Revoke the invite link once they are removed"
REVOKE_COST = "Nobody rejoins by it; everyone else's link to {where} stops working."
NO_INVITES = "No WhatsApp group here: there is no invite link to revoke."


def offer(places: Sequence[str]) -> tuple[str, str]:
    """What revoking is, and what it costs everyone else: a box's label and its line."""
    where = place(places[0]) if len(places) == 1 else f"the {len(places)} groups"
    return REVOKE, REVOKE_COST.format(where=where)


async def revoke_asked(
    journal: Journal, parts: Sequence[Job], opened: Callable[[str], Awaitable[Adapter]]
) -> None:
    """Revoke each link still asked of a place whose run finished with someone removed."""
    by_container = {part.container.id: part for part in parts}
    owners = sorted({part.part_of or part.id for part in parts})
    for invite in journal.invites.of(owners):
        part = by_container.get(invite.container)
        if invite.state != ASKED or part is None:
            continue
        done = journal.job(part.id)
        if done.state is not JobState.FINISHED or not done.counts.get(Outcome.REMOVED.value):
            continue  # still asked: the resume that finishes the place revokes it
        try:
            await (await opened(part.account)).revoke_invite(part.container)
        except ProviderError as error:
            journal.invites.settle(invite.id, FAILED, error.message)
        else:
            journal.invites.settle(invite.id, REVOKED)


def invite_words(invite: Invite, where: str) -> str:
    """One link's fate, for the receipt and the shell."""
    at = shown(where, 60)
    if invite.state == REVOKED:
        return (
            f"Invite link of {at} revoked on {invite.done_at[:10]} "
            f"{invite.done_at[11:19]} UTC: the old link no longer works for anyone."
        )
    if invite.state == FAILED:
        return f"Invite link of {at} could not be revoked: {shown(invite.said)}"
    return f"Invite link of {at}: to be revoked once the removals there are done."
