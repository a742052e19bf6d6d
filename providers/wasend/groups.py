"""WaSend's sessions, groups and communities, read at a pace of each session's own.

WhatsApp answers rate-overlimit to group and participant reads that come too fast, so each
session's reads keep a jittered gap, doubled for the rest of a day the number was told to
slow down. The group list also tells, at no extra call, each group's size, its community,
and whether this session's number is one of its admins (only admins may remove anyone).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from providers import errors
from providers.http.adapter import HttpAdapter
from providers.http.client import ProviderHttp, Sleep
from providers.http.pacing import WriteSpacing
from providers.models import Container, ContainerKind, Identity
from providers.protocol import Slowdowns
from providers.wasend.answers import (
    WORKING,
    Group,
    GroupsPage,
    Participant,
    SessionEntry,
    Sessions,
    unreachable_session,
)
from providers.wasend.pace import SAFE_READ_GAP, SAFE_READ_JITTER, SlowDays

GROUPS_PAGE = 50
OVERLIMIT = "rate-overlimit"
NOT_ADMIN = "this number is not an admin of the group, and WhatsApp lets only admins remove people"


def digits(jid: str) -> str:
    return jid.split("@", 1)[0]


class WaSendGroups(HttpAdapter):
    """What the WaSend adapter knows of sessions and groups (`rosters.WaSendRosters` adds
    their members, `adapter.WaSendAdapter` the writes)."""

    def __init__(
        self,
        http: ProviderHttp,
        *,
        read_gap: float = SAFE_READ_GAP,
        read_jitter: float = SAFE_READ_JITTER,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(http)
        self.read_gaps = (read_gap, read_jitter)
        self.sleep, self.clock = sleep, clock
        self.slow = SlowDays(today)
        self._sessions: dict[str, SessionEntry] = {}
        self._read_spacing: dict[str, WriteSpacing] = {}
        #: each group's size as WhatsApp last gave it (its metadata, or a list that grew),
        #: less what was removed since: what a list is checked against
        self._known: dict[str, int] = {}
        #: whether this session's number is an admin of each group, where it was listed
        self._admin: dict[str, bool] = {}
        self._listed: dict[str, Container] = {}

    def remember(self, slowdowns: Slowdowns) -> None:
        self.slow.memory = slowdowns

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
        return replace(
            container, read_only=True, read_only_reason=NOT_ADMIN, read_only_word="not removable"
        )

    def _learn_rights(
        self, container_id: str, session_id: str, participants: Sequence[Participant]
    ) -> None:
        own = self._own_digits(session_id)
        ours = next((p for p in participants if own and phone_digits(p) == own), None)
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


def phone_digits(participant: Participant) -> str:
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
