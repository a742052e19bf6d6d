"""WaSend: WhatsApp sessions (phone numbers) and the real WhatsApp groups under each.

The documentation and the SDK disagree on the removal path and on the list shapes; this
adapter tries the documented path, falls back to the SDK's on 404/405 (and keeps to
whichever worked), and reads both shapes.

WhatsApp bans numbers that remove people fast or in a rhythm, so removals go one person a
call, a jittered few seconds apart, within a daily budget per session, and the job pauses
(never retries) when WhatsApp or WaSend says slow down or the session drops.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from providers import errors
from providers.http.client import ProviderHttp
from providers.matching import match
from providers.models import (
    Capabilities,
    Container,
    ContainerKind,
    Estimate,
    Identity,
    Member,
    MemberOutcome,
    MemberPage,
    Outcome,
    Place,
    Provider,
    Role,
    Whereabouts,
)
from providers.protocol import HttpAdapter, failed, not_searched, outcomes, unique
from providers.wasend.answers import (
    WORKING,
    AddAnswer,
    GroupsPage,
    Participant,
    RemoveAnswer,
    SessionEntry,
    Sessions,
    unreachable_session,
)
from providers.wasend.outcomes import added_back, read_back, unread
from providers.wasend.pace import (
    DEFAULT_BATCH,
    DEFAULT_DAILY_BUDGET,
    PAUSE_AFTER_FAILURES,
    pace_risk,
)

GROUPS_PAGE = 50
MAX_GROUP_SIZE = 1024  # one read of the participants returns a whole WhatsApp group
NOT_WORKING_HINT = re.compile(
    r"session status|session is not (connected|ready|working)|not logged in", re.I
)
OVERLIMIT = "rate-overlimit"
#: WaSend saying a member must be addressed in the other id form (privacy id or phone)
LID_HINT = re.compile(r"listed by (its )?(LID|privacy id|phone)|addressing mode", re.I)
OWNER_REASON = "group owner: WhatsApp never lets the owner be removed"
SELF_REASON = "this session's own number: removing it would leave the group"


def _digits(jid: str) -> str:
    return jid.split("@", 1)[0]


class WaSendAdapter(HttpAdapter):
    provider = Provider.WASEND

    def __init__(
        self,
        http: ProviderHttp,
        *,
        batch_size: int = DEFAULT_BATCH,
        daily_budget: int = DEFAULT_DAILY_BUDGET,
        pause_after_failures: int = PAUSE_AFTER_FAILURES,
        time_scale: float = 1.0,
    ) -> None:
        """`time_scale` is how many times faster than real time the sandbox demo runs: its
        pace is judged as the real one it stands for."""
        super().__init__(http)
        settings = http.settings
        self.mean_write_gap = settings.seconds_between_writes + settings.write_jitter / 2
        self.capabilities = Capabilities(
            max_batch=batch_size,
            requests_per_second=(
                1 / self.mean_write_gap if self.mean_write_gap else settings.requests_per_second
            ),
            reports_each_member=True,
            can_undo=True,
            page_size=MAX_GROUP_SIZE,
            parallel_calls=1,
            daily_budget=daily_budget,
            pause_after_failures=pause_after_failures,
            write_gaps=(
                settings.seconds_between_writes,
                settings.seconds_between_writes + settings.write_jitter,
            ),
            pace_risk=pace_risk(
                batch_size, settings.seconds_between_writes * time_scale, daily_budget
            ),
        )
        self._sessions: dict[str, SessionEntry] = {}
        self._sdk_remove = False
        #: WhatsApp said "rate-overlimit": the next write pauses the job instead of leaving
        self._pause_next = ""

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

    async def containers(self) -> list[Container]:
        """Every group of every working session. A session that is not working cannot list
        its groups: it shows as one read-only row that says why."""
        found = []
        for entry in (await self._load_sessions()).values():
            session, state = entry.session, entry.state
            where = session.name or session.id
            if state != WORKING:
                found.append(unreachable_session(session.id, where, state))
                continue
            offset = 0
            while True:
                body = await self.http.get(
                    f"/{session.id}/groups", {"limit": GROUPS_PAGE, "offset": offset}
                )
                page = self.parse(GroupsPage, GroupsPage.wrap(body), "the group list")
                for group in page.groups:
                    count = group.size
                    if count is None and group.participants is not None:
                        count = len(group.participants)
                    found.append(
                        Container(
                            id=f"{session.id}/{group.jid}",
                            name=group.name or group.jid,
                            kind=ContainerKind.GROUP,
                            member_count=count,
                            parent=where,
                            status=state,
                        )
                    )
                offset += len(page.groups)
                more = page.pagination.has_more
                if (
                    not page.groups
                    or (more is False)
                    or (more is None and len(page.groups) < GROUPS_PAGE)
                ):
                    break
        return found

    async def whereabouts(self, entries: Sequence[str]) -> Whereabouts:
        """One read of each working group's participants, matched by phone (any spelling),
        phone JID or privacy id; a group of 1,024 is one call, so this is the cheapest way.
        A session that is not working cannot be looked in, and a group whose read fails (left
        or deleted meanwhile) is not searched: both are said so, and the rest still are."""
        found: list[Place] = []
        unsearched: list[Container] = []
        for group in await self.containers():
            if group.status != WORKING:
                unsearched.append(group)
                continue
            try:
                listed = [m async for page in self.members(group) for m in page.members]
            except errors.ProviderError as error:
                if errors.stops_run(error):
                    raise
                unsearched.append(not_searched(group, error))
                continue
            found += [Place(group, m) for m in match(entries, listed).matched_members()]
        return Whereabouts(unique(found), unsearched)

    def budget_scope(self, container: Container) -> str:
        """The daily budget is the session's (one phone number), over all its groups."""
        return container.id.split("/", 1)[0] + "/"

    def estimate(self, container: Container, count: int) -> Estimate:
        """Each call removes one person and is read back once; writes keep a jittered gap."""
        calls = -(-count // max(1, self.capabilities.max_batch))
        return Estimate(
            calls=2 * calls,
            seconds=calls * self.mean_write_gap,
            calls_are="one to remove each person, one to check they left",
        )

    async def _participants(self, container: Container) -> list[Participant]:
        body = await self.http.get(f"{_path(container)}/participants")
        if isinstance(body, dict) and isinstance(body.get("participants"), list):
            body = body["participants"]
        if not isinstance(body, list):
            raise errors.BadResponse(
                f"{self.label} answered the participant list in neither known shape."
            )
        return [self.parse(Participant, item, "a participant") for item in body]

    async def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]:
        if not self._sessions:
            await self._load_sessions()
        entry = self._sessions.get(container.id.split("/", 1)[0])
        own = _digits(entry.session.phone.lstrip("+")) if entry else ""
        participants = await self._participants(container)
        members = tuple(self._member(p, own) for p in participants)
        if search:
            needle = search.lower()
            members = tuple(m for m in members if needle in f"{m.name} {m.address} {m.id}".lower())
        yield MemberPage(members=members, total=len(members))

    def _member(self, participant: Participant, own_digits: str) -> Member:
        role = (
            Role.OWNER
            if participant.is_owner
            else Role.ADMIN
            if participant.is_admin
            else Role.MEMBER
        )
        phone = participant.phone or (
            "+" + _digits(participant.jid) if "@lid" not in participant.jid else ""
        )
        locked = OWNER_REASON if participant.is_owner else ""
        if own_digits and _digits(phone.lstrip("+")) == own_digits:
            locked = SELF_REASON
        return Member(
            id=participant.jid,
            name=participant.display_name or "",
            address=phone or participant.jid,
            role=role,
            locked_reason=locked,
        )

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]:
        listed = {p.jid for p in await self._participants(container)}
        return {m.id for m in members if m.id in listed}

    async def remove(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]:
        """Send, then learn each member's outcome from WaSend's answer and one read-back of
        the group, never from a read taken before the call (it goes stale while the write
        waits its turn)."""
        protected = [m for m in members if m.role is Role.OWNER]
        result = outcomes(protected, Outcome.PROTECTED, message=OWNER_REASON)
        due = [m for m in members if m.role is not Role.OWNER]
        if due:
            result += await self.guarded(container, due, lambda: self._send_removal(container, due))
        return result

    async def _send_removal(
        self, container: Container, members: Sequence[Member], *, retried: bool = False
    ) -> list[MemberOutcome]:
        if self._pause_next:
            reason, self._pause_next = self._pause_next, ""
            raise errors.Paused(reason)
        body = {"participants": [m.id for m in members], "notify": False}
        try:
            answer = await self._remove_call(container, body)
        except errors.ProviderError as error:
            if pause := self._pause_for(error):
                raise pause from None
            if not isinstance(error, errors.InvalidRequest):
                raise
            if len(members) > 1:  # one member spoiled the batch: find out which, alone
                return [o for m in members for o in await self._send_removal(container, [m])]
            if not retried and LID_HINT.search(error.message):
                return await self._send_in_listed_form(container, members[0], error)
            if "not a participant" in error.message or "not a member" in error.message.lower():
                said = error.provider_message
                return outcomes(members, Outcome.ALREADY_ABSENT, message=said, said=said)
            return failed(members, error)
        try:
            listed = self.parse(RemoveAnswer, answer or {}, "the removal").removed
        except errors.BadResponse as error:
            raise errors.AnswerLost(error.message, code="BAD_BODY") from None
        named = {r.id for r in listed} if listed is not None else None
        try:
            present = await self.still_present(container, members)
        except errors.ProviderError as error:
            if errors.stops_run(error):
                raise
            return [unread(m, named, error) for m in members]
        return [read_back(m, present, named) for m in members]

    def _pause_for(self, error: errors.ProviderError) -> errors.Paused | None:
        """What must pause the session's removals rather than fail one member: WaSend's 429,
        WhatsApp's "rate-overlimit" (after settling this call by reading), a session that is
        not working. Retrying any of them is what gets a number banned."""
        if isinstance(error, errors.RateLimited):
            return errors.Paused(
                f"{self.label} said slow down (HTTP 429): the session's removals are paused "
                "so that WhatsApp does not ban the number. Resume later.",
                resume_after=error.retry_after,
            )
        if isinstance(error, errors.AnswerLost) and OVERLIMIT in (
            f"{error.provider_message} {error.message}"
        ):
            self._pause_next = (
                "WhatsApp answered rate-overlimit: the session's removals are paused so that "
                "it does not ban the number. Resume later (an hour or more)."
            )
            return None  # the lost answer is settled by reading; the next write pauses
        if NOT_WORKING_HINT.search(error.message):
            return errors.Paused(
                f"The WhatsApp session is not working ({error.provider_message or error}). "
                "Reconnect its phone in WaSend, then resume."
            )
        return None

    async def _send_in_listed_form(
        self, container: Container, member: Member, error: errors.ProviderError
    ) -> list[MemberOutcome]:
        """WaSend said the id form is wrong (a member listed by its privacy id, asked for by
        phone, or the reverse): find the id the group lists for this phone, and send once
        more with it. Without such a listing the refusal stands."""
        phone = _digits(member.address.lstrip("+")) or _digits(member.id)
        listed = next(
            (
                p
                for p in await self._participants(container)
                if p.jid != member.id
                and phone
                in (_digits((p.phone or "").lstrip("+")), _digits(p.jid), _digits(p.lid or ""))
            ),
            None,
        )
        if listed is None:
            return failed([member], error)
        retry = Member(id=listed.jid, name=member.name, address=member.address, role=member.role)
        return [
            o.model_copy(
                update={
                    "member_id": member.id,
                    "message": f"Sent as {listed.jid}, the id the group lists. {o.message}".strip(),
                }
            )
            for o in await self._send_removal(container, [retry], retried=True)
        ]

    async def _remove_call(self, container: Container, body: dict[str, Any]) -> Any:
        """The documented DELETE first; the SDK's POST only once a 404/405 is shown to be the
        route that is missing (the group itself still reads), and then for good."""
        path = f"{_path(container)}/participants"
        if not self._sdk_remove:
            try:
                return await self.http.call("DELETE", path, json=body)
            except errors.ProviderError as error:
                if error.status not in (404, 405):
                    raise
                if error.status == 404:
                    await self._participants(container)  # a missing group raises NotFound here
                self._sdk_remove = True
        return await self.http.call("POST", f"{path}/remove", json=body)

    async def add(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]:
        """Those the group lists already are said so and not sent; each of the rest ends as
        WaSend's answer says, and a lost answer is settled by reading the group."""
        try:
            present = await self.still_present(container, members)
        except errors.ProviderError as error:
            if errors.stops_run(error):
                raise
            return failed(members, error)
        result = outcomes(
            [m for m in members if m.id in present],
            Outcome.ALREADY_PRESENT,
            message="Already in the group.",
        )
        due = [m for m in members if m.id not in present]
        if due:
            result += await self.guarded(
                container, due, lambda: self._send_add(container, due), adding=True
            )
        return result

    async def _send_add(
        self, container: Container, members: Sequence[Member]
    ) -> list[MemberOutcome]:
        body = {"participants": [m.id for m in members], "notify": False}
        answer = await self.http.call("POST", f"{_path(container)}/participants/add", json=body)
        parsed = self.parse_answer(AddAnswer, answer or {}, "the add").data
        if not parsed.added and not parsed.failed:
            raise errors.AnswerLost(f"{self.label} did not say whom it added.", code="NO_LIST")
        return [added_back(m, parsed) for m in members]

    has_invite_links = True

    async def revoke_invite(self, container: Container) -> None:
        """The SDK's `revokeGroupInviteCode`, paced as a write: any success means the old
        link is dead. Its answer, the new code (a bare string; WAHA: `{"inviteCode": ...}`),
        is not kept: nobody is to be invited by it."""
        await self.http.send("POST", f"{_path(container)}/invite-code/revoke")


def _path(container: Container) -> str:
    session, _, group = container.id.partition("/")
    if not group.endswith("@g.us"):
        raise errors.NotFound(f"{container.id!r} is not a WaSend session/group id.")
    return f"/{session}/groups/{group}"
