"""WaSend's participant lists: kept for a few minutes, and never taken at their word.

A list read is given again for a few minutes: finding someone and browsing share it (the
desk keeps one adapter an account), and its age is said. A write never trusts a kept list:
what a removal did is read anew.

Lists lie at times (after WhatsApp's move to privacy ids a group of 763 listed 406 for days;
a timeout has been answered as an empty list): a list shorter than the group is known to be is
said to look incomplete, and who is not in it is unknown, never "not there". So are members
listed by a privacy id whose phone WhatsApp does not give, for a search by phone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from providers import errors
from providers.matching import key_of, match
from providers.models import (
    Container,
    ContainerKind,
    Member,
    MemberPage,
    Place,
    Role,
    Whereabouts,
)
from providers.protocol import not_searched, unique
from providers.wasend.answers import WORKING, Participant
from providers.wasend.groups import WaSendGroups, path_of, phone_digits
from providers.wasend.pace import KEEP_READS_MINUTES

#: people who may leave a group between its count and a read of its list (1 in 100 of a
#: big group): a list shorter by more looks incomplete
LEFT_MEANWHILE = 2
OWNER_REASON = "group owner: WhatsApp never lets the owner be removed"
SELF_REASON = "this session's own number: removing it would leave the group"
#: how a member listed by a privacy id whose phone WhatsApp does not give is shown
PHONE_UNKNOWN = "privacy id, phone unknown"


@dataclass(frozen=True)
class Roster:
    """One read of a group's participants: when (the adapter's clock), and why it looks
    incomplete ("" when it looks whole)."""

    participants: tuple[Participant, ...]
    at: float
    incomplete: str = ""


class WaSendRosters(WaSendGroups):
    """The WaSend adapter's reads of who is in a group (`adapter.WaSendAdapter` adds the
    writes)."""

    def __init__(
        self, *args: Any, keep_reads_minutes: float = KEEP_READS_MINUTES, **groups: Any
    ) -> None:
        """`groups` sets the read pace (`groups.WaSendGroups`)."""
        super().__init__(*args, **groups)
        self.keep_reads = keep_reads_minutes * 60
        self._rosters: dict[str, Roster] = {}
        #: participant lists read from WaSend, and those given again from a recent read
        self.reads = 0
        self.hits = 0

    async def roster(self, container: Container, *, fresh: bool = False) -> Roster:
        """The group's participants: a read of the last few minutes when there is one (not
        when `fresh`), else a read now, kept for the next."""
        kept = self._rosters.get(container.id)
        if not fresh and kept is not None and self.clock() - kept.at < self.keep_reads:
            self.hits += 1
            return kept
        session_id = container.id.split("/", 1)[0]
        await self._session(session_id)
        body = await self._read(session_id, f"{path_of(container)}/participants")
        if isinstance(body, dict) and isinstance(body.get("participants"), list):
            body = body["participants"]
        if not isinstance(body, list):
            raise errors.BadResponse(
                f"{self.label} answered the participant list in neither known shape."
            )
        self.reads += 1
        listed = tuple(self.parse(Participant, item, "a participant") for item in body)
        self._learn_rights(container.id, session_id, listed)
        roster = Roster(listed, self.clock(), self._incomplete(container, len(listed)))
        if not roster.incomplete:
            self._known[container.id] = len(listed)
        self._rosters[container.id] = roster
        return roster

    def _incomplete(self, container: Container, listed: int, gone: int = 0) -> str:
        """Why a list of `listed` looks incomplete: empty (the session's own number is in
        every group it reads), or shorter than the group is known to be by more than the
        few who may have left since it was counted (and the `gone` a read-back looks for)."""
        known = self._known.get(container.id, container.member_count)
        if not listed:
            return "WhatsApp listed nobody, not even this number"
        if known is not None and listed + gone < known - max(LEFT_MEANWHILE, known // 100):
            return f"{listed:,} listed of the {known:,} WhatsApp counts"
        return ""

    def resized(self, container: Container, change: int) -> None:
        """Members this number removed (negative) or added: the known size follows, and the
        kept read no longer holds."""
        if container.id in self._known:
            self._known[container.id] = max(0, self._known[container.id] + change)
        self.forget(container)

    def forget(self, container: Container) -> None:
        self._rosters.pop(container.id, None)

    async def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]:
        roster = await self.roster(container)
        own = self._own_digits(container.id.split("/", 1)[0])
        members = tuple(self.member(p, own) for p in roster.participants)
        if search:
            needle = search.lower()
            members = tuple(m for m in members if needle in f"{m.name} {m.address} {m.id}".lower())
        yield MemberPage(
            members=members,
            total=len(members),
            age=self.clock() - roster.at,
            incomplete=roster.incomplete,
        )

    def member(self, participant: Participant, own_digits: str) -> Member:
        role = (
            Role.OWNER
            if participant.is_owner
            else Role.ADMIN
            if participant.is_admin
            else Role.MEMBER
        )
        phone = phone_digits(participant)
        locked = OWNER_REASON if participant.is_owner else ""
        if own_digits and phone == own_digits:
            locked = SELF_REASON
        return Member(
            id=participant.jid,
            name=participant.display_name or "",
            address=f"+{phone}" if phone else PHONE_UNKNOWN,
            role=role,
            locked_reason=locked,
        )

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]:
        """Who of these the group lists now, read anew (never a kept read). A list shorter
        than the group is known to be, by more than these having left would explain, cannot
        say that they are gone: that is an error, and they stay unknown."""
        roster = await self.roster(container, fresh=True)
        listed = {p.jid for p in roster.participants}
        present = {m.id for m in members if m.id in listed}
        gone = len(members) - len(present)
        if not gone:
            return present
        if why := self._incomplete(container, len(listed), gone):
            raise errors.ProviderError(
                f"the list may be incomplete ({why}) and does not show them; resume reads "
                "it again.",
                code="LIST_INCOMPLETE",
            )
        if roster.incomplete:  # their leaving is what made it short: it holds after all
            self._known[container.id] = len(listed)
            self._rosters[container.id] = replace(roster, incomplete="")
        return present

    # -- finding someone -------------------------------------------------------------------

    async def whereabouts(self, entries: Sequence[str]) -> Whereabouts:
        """One read of each working group's participants (a community's own list is that of
        its groups, which are read instead); a session that is not working cannot be looked
        in, and says so."""
        groups = await self.containers()
        found = await self.look_in(
            [g for g in groups if g.status == WORKING and g.kind is ContainerKind.GROUP], entries
        )
        found.unsearched[:0] = [g for g in groups if g.status != WORKING]
        return found

    async def look_in(self, containers: Sequence[Container], entries: Sequence[str]) -> Whereabouts:
        """Each group's participants (a read of the last few minutes, or one now, at the read
        pace), matched by phone (any spelling), phone JID or privacy id. A group whose read
        fails is not searched; one where they are not found but whose list looks incomplete,
        or lists members with no phone when a phone is given, cannot say they are not there:
        both are said, the rest still searched."""
        found: list[Place] = []
        unsearched: list[Container] = []
        unsure: list[Container] = []
        by_phone = any(key_of(entry).isdigit() for entry in entries)
        for group in containers:
            try:
                roster = await self.roster(group)
            except errors.ProviderError as error:
                if errors.stops_run(error):
                    raise
                unsearched.append(not_searched(group, error))
                continue
            own = self._own_digits(group.id.split("/", 1)[0])
            listed = [self.member(p, own) for p in roster.participants]
            group = self.with_rights(group)
            named = match(entries, listed).matched_members()
            found += [Place(group, m) for m in named]
            no_phone = sum(1 for m in listed if m.address == PHONE_UNKNOWN)
            if named:
                continue
            if roster.incomplete:
                unsure.append(
                    _unsure(
                        group,
                        "incomplete",
                        f"the list looks incomplete ({roster.incomplete}): they may be in it",
                    )
                )
            elif by_phone and no_phone:
                unsure.append(
                    _unsure(
                        group,
                        f"{no_phone} no phone",
                        f"{no_phone} participant{'s' * (no_phone != 1)} listed by privacy id, "
                        "phone unknown: not matched by phone",
                    )
                )
        return Whereabouts(unique(found), unsearched, unsure)


def _unsure(group: Container, word: str, why: str) -> Container:
    return replace(group, read_only_word=word, read_only_reason=f"{group.where}: {why}")
