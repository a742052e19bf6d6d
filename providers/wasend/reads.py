"""WaSend's reads: sessions, groups and communities, and participant lists kept for a few
minutes and read at a pace of their own.

WhatsApp answers rate-overlimit to group and participant reads that come too fast, so each
session's reads keep a jittered gap (doubled for the day after a "slow down"), and a list read
is given again for a few minutes: finding someone and browsing share it. A write never trusts
a kept list: what a removal did is read anew.

Lists lie at times (after WhatsApp's move to privacy ids a group of 763 listed 406 for days;
a timeout has been answered as an empty list): a list shorter than the group is known to be is
said to look incomplete, and who is not in it is unknown, never "not there". So are members
listed by a privacy id whose phone WhatsApp does not give, for a search by phone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from providers import errors
from providers.http.client import ProviderHttp, Sleep
from providers.http.pacing import WriteSpacing
from providers.matching import key_of, match
from providers.models import (
    Container,
    ContainerKind,
    Identity,
    Member,
    MemberPage,
    Place,
    Role,
    Whereabouts,
)
from providers.protocol import HttpAdapter, Slowdowns, not_searched, unique
from providers.wasend.answers import (
    WORKING,
    Group,
    GroupsPage,
    Participant,
    SessionEntry,
    Sessions,
    unreachable_session,
)
from providers.wasend.pace import (
    KEEP_READS_MINUTES,
    SAFE_READ_GAP,
    SAFE_READ_JITTER,
    SlowDays,
)

GROUPS_PAGE = 50
#: people who may leave a group between its count and a read of its list (1 in 100 of a
#: big group): a list shorter by more looks incomplete
LEFT_MEANWHILE = 2
OVERLIMIT = "rate-overlimit"
OWNER_REASON = "group owner: WhatsApp never lets the owner be removed"
SELF_REASON = "this session's own number: removing it would leave the group"
NOT_ADMIN = "this number is not an admin of the group, and WhatsApp lets only admins remove people"
#: how a member listed by a privacy id whose phone WhatsApp does not give is shown
PHONE_UNKNOWN = "privacy id, phone unknown"


def digits(jid: str) -> str:
    return jid.split("@", 1)[0]


@dataclass(frozen=True)
class Roster:
    """One read of a group's participants: when (the adapter's clock), and why it looks
    incomplete ("" when it looks whole)."""

    participants: tuple[Participant, ...]
    at: float
    incomplete: str = ""


class WaSendReads(HttpAdapter):
    """The reading half of the WaSend adapter (`adapter.WaSendAdapter` adds the writes)."""

    def __init__(
        self,
        http: ProviderHttp,
        *,
        read_gap: float = SAFE_READ_GAP,
        read_jitter: float = SAFE_READ_JITTER,
        keep_reads_minutes: float = KEEP_READS_MINUTES,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(http)
        self.read_gaps = (read_gap, read_jitter)
        self.keep_reads = keep_reads_minutes * 60
        self.sleep, self.clock = sleep, clock
        self.slow = SlowDays(today)
        self._sessions: dict[str, SessionEntry] = {}
        self._read_spacing: dict[str, WriteSpacing] = {}
        self._rosters: dict[str, Roster] = {}
        #: each group's size as WhatsApp last gave it (its metadata, or a list that grew),
        #: less what was removed since: what a list is checked against
        self._known: dict[str, int] = {}
        #: whether this session's number is an admin of each group, where it was listed
        self._admin: dict[str, bool] = {}
        self._listed: dict[str, Container] = {}
        #: participant lists read from WaSend, and those given again from a recent read
        self.reads = 0
        self.hits = 0

    def remember(self, slowdowns: Slowdowns) -> None:
        self.slow.memory = slowdowns

    # -- sessions and groups ---------------------------------------------------------------

    async def check(self) -> Identity:
        sessions = await self._load_sessions()
        names = ", ".join(
            f"{e.session.name or e.session.id} ({e.state})" for e in sessions.values()
        )
        return Identity(account_id="wasend", name=f"{len(sessions)} sessions", detail=names)

    async def _load_sessions(self) -> dict[str, SessionEntry]:
        parsed = self.parse(Sessions, await self.http.get("/sessions"), "the session list")
        self._sessions = {e.session.id: e for e in parsed.sessions}
        return self._sessions

    async def _session(self, session_id: str) -> SessionEntry | None:
        if not self._sessions:
            await self._load_sessions()
        return self._sessions.get(session_id)

    def scope(self, session_id: str) -> str:
        """What WhatsApp limits: the session's phone number (its id when it has none)."""
        entry = self._sessions.get(session_id)
        return (
            digits(entry.session.phone.lstrip("+")) if entry and entry.session.phone else session_id
        )

    async def containers(self) -> list[Container]:
        """Every group of every working session, each community followed by its groups (its
        announcement group first). A session that is not working cannot list its groups: it
        shows as one read-only row that says why."""
        found = []
        for entry in (await self._load_sessions()).values():
            session, state = entry.session, entry.state
            where = session.name or session.id
            if state != WORKING:
                found.append(unreachable_session(session.id, where, state))
                continue
            groups: list[Group] = []
            while True:
                body = await self._read(
                    session.id,
                    f"/{session.id}/groups",
                    {"limit": GROUPS_PAGE, "offset": len(groups)},
                )
                page = self.parse(GroupsPage, GroupsPage.wrap(body), "the group list")
                groups += page.groups
                more = page.pagination.has_more
                if (
                    not page.groups
                    or (more is False)
                    or (more is None and len(page.groups) < GROUPS_PAGE)
                ):
                    break
            found += [self._container(session.id, where, group) for group in _by_community(groups)]
        self._listed = {c.id: c for c in found}
        return found

    def _container(self, session_id: str, where: str, group: Group) -> Container:
        """A listed group, with what the listing tells: its size, its community, and (from
        its participants, at no extra call) whether this number is one of its admins."""
        container_id = f"{session_id}/{group.jid}"
        count = group.size
        if count is None and group.participants is not None:
            count = len(group.participants)
        if group.size is not None:
            self._known[container_id] = group.size
        self._learn_rights(container_id, session_id, group.participants or ())
        community = group.jid if group.is_parent else group.linked_parent
        return self.with_rights(
            Container(
                id=container_id,
                name=group.name or group.jid,
                kind=ContainerKind.COMMUNITY if group.is_parent else ContainerKind.GROUP,
                member_count=count,
                parent=where,
                status=WORKING,
                community=f"{session_id}/{community}" if community else "",
            )
        )

    def with_rights(self, container: Container) -> Container:
        """The container marked not removable when this number is known to be no admin."""
        if container.read_only or self._admin.get(container.id) is not False:
            return container
        return container.model_copy(
            update={
                "read_only": True,
                "read_only_reason": NOT_ADMIN,
                "read_only_word": "not removable",
            }
        )

    def _learn_rights(
        self, container_id: str, session_id: str, participants: Sequence[Participant]
    ) -> None:
        own = self._own_digits(session_id)
        ours = next((p for p in participants if own and _phone_digits(p) == own), None)
        if ours is not None:
            self._admin[container_id] = ours.is_admin or ours.is_owner

    def _own_digits(self, session_id: str) -> str:
        entry = self._sessions.get(session_id)
        return digits(entry.session.phone.lstrip("+")) if entry else ""

    def refusal(self, container: Container) -> str:
        marked = self.with_rights(container)
        return marked.read_only_reason if marked.read_only else ""

    async def community(self, container: Container) -> list[Container]:
        if not container.community:
            return []
        listed = self._listed or {c.id: c for c in await self.containers()}
        parent = listed.get(container.community)
        groups = [
            c
            for c in listed.values()
            if c.community == container.community and c.kind is ContainerKind.GROUP
        ]
        return [parent, *groups] if parent is not None else []

    # -- participant lists -----------------------------------------------------------------

    async def _read(self, session_id: str, path: str, params: dict[str, Any] | None = None) -> Any:
        """One read of the session's groups, at the session's read pace; rate-overlimit or a
        429 slows the session for the day and is said plainly."""
        spacing = self._read_spacing.get(session_id)
        if spacing is None:
            low, jitter = self.read_gaps
            spacing = WriteSpacing(low, jitter, sleep=self.sleep, clock=self.clock)
            self._read_spacing[session_id] = spacing
        scope = self.scope(session_id)
        spacing.stretch = 2.0 if self.slow.why(scope) else 1.0
        await spacing.wait()
        try:
            return await self.http.get(path, params)
        except (errors.ServerError, errors.RateLimited) as error:
            said = "rate-overlimit" if OVERLIMIT in f"{error.provider_message} {error}" else ""
            if not said and not isinstance(error, errors.RateLimited):
                raise
            said = said or "slow down (HTTP 429)"
            self.slow.note(scope, f"WhatsApp answered {said} to a read at {now_said()}")
            raise type(error)(
                f"WhatsApp answered {said} to reading the groups of this number: its reads "
                "and removals go at half speed until tomorrow. Try again in a few minutes.",
                code=OVERLIMIT,
                status=error.status,
                provider_message=error.provider_message,
            ) from None

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
        phone = _phone_digits(participant)
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
                        "list incomplete",
                        f"the list looks incomplete ({roster.incomplete}): they may be in it",
                    )
                )
            elif by_phone and no_phone:
                unsure.append(
                    _unsure(
                        group,
                        "phone unknown",
                        f"{no_phone} participant{'s' * (no_phone != 1)} listed by privacy id, "
                        "phone unknown: not matched by phone",
                    )
                )
        return Whereabouts(unique(found), unsearched, unsure)


def _unsure(group: Container, word: str, why: str) -> Container:
    return group.model_copy(
        update={"read_only_word": word, "read_only_reason": f"{group.where}: {why}"}
    )


def _phone_digits(participant: Participant) -> str:
    """The participant's phone, as digits ("" when WhatsApp does not give it)."""
    phone = (participant.phone or "").lstrip("+")
    if phone and "@lid" not in phone:
        return digits(phone)
    return "" if "@lid" in participant.jid else digits(participant.jid)


def _by_community(groups: list[Group]) -> list[Group]:
    """Each community followed by its groups, its announcement group first; the other
    groups where they were listed."""
    linked: dict[str, list[Group]] = {}
    for group in groups:
        if group.linked_parent:
            linked.setdefault(group.linked_parent, []).append(group)
    parents = {g.jid for g in groups if g.is_parent}
    ordered: list[Group] = []
    for group in groups:
        if group.linked_parent in parents:
            continue
        ordered.append(group)
        ordered += sorted(linked.get(group.jid, []), key=lambda g: not g.announcements)
    return ordered


def path_of(container: Container) -> str:
    session, _, group = container.id.partition("/")
    if not group.endswith("@g.us"):
        raise errors.NotFound(f"{container.id!r} is not a WaSend session/group id.")
    return f"/{session}/groups/{group}"


def now_said() -> str:
    return time.strftime("%H:%M")
