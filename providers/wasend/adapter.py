"""WaSend: WhatsApp sessions (phone numbers) and the real WhatsApp groups under each; this
is the writing half, on `rosters.WaSendRosters`.

The documentation and the SDK disagree on the removal path and on the list shapes; this
adapter tries the documented path, falls back to the SDK's on 404/405 (and keeps to
whichever worked), and reads both shapes.

WhatsApp bans numbers that remove people fast or in a rhythm, so removals go one person a
call, a jittered few seconds apart (twice that for the rest of a day the number was told to
slow down), within a daily budget per session (smaller for a new number), and the job pauses
(never retries) when WhatsApp or WaSend says slow down or the session drops.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from providers import errors
from providers.http.client import ProviderHttp
from providers.models import (
    Capabilities,
    Container,
    Estimate,
    Member,
    MemberOutcome,
    Operation,
    Outcome,
    Provider,
    Role,
)
from providers.protocol import failed, outcomes
from providers.wasend.answers import AddAnswer, RemoveAnswer
from providers.wasend.groups import OVERLIMIT, digits, now_said, path_of
from providers.wasend.outcomes import added_back, read_back, unread
from providers.wasend.pace import (
    DEFAULT_BATCH,
    DEFAULT_DAILY_BUDGET,
    PAUSE_AFTER_FAILURES,
    pace_risk,
    slow_note,
    warm_up,
)
from providers.wasend.rosters import OWNER_REASON, WaSendRosters

MAX_GROUP_SIZE = 1024  # one read of the participants returns a whole WhatsApp group
NOT_WORKING_HINT = re.compile(
    r"session status|session is not (connected|ready|working)|not logged in", re.I
)
#: WaSend saying a member must be addressed in the other id form (privacy id or phone)
LID_HINT = re.compile(r"listed by (its )?(LID|privacy id|phone)|addressing mode", re.I)
ADMIN_RULE = (
    "WhatsApp lets an admin remove another admin (this number is an admin here), never the "
    "group's owner"
)


class WaSendAdapter(WaSendRosters):
    provider = Provider.WASEND

    def __init__(
        self,
        http: ProviderHttp,
        *,
        batch_size: int = DEFAULT_BATCH,
        daily_budget: int = DEFAULT_DAILY_BUDGET,
        pause_after_failures: int = PAUSE_AFTER_FAILURES,
        time_scale: float = 1.0,
        new_number_since: date | None = None,
        **reading: Any,
    ) -> None:
        """`time_scale` is how many times faster than real time the sandbox demo runs: its
        pace is judged as the real one it stands for. `new_number_since` marks the account's
        numbers new to WhatsApp: their budget starts small (`pace.warm_up`). `reading` sets
        the read pace and how long a read is kept (`rosters.WaSendRosters`)."""
        super().__init__(http, **reading)
        settings = http.settings
        self.mean_write_gap = settings.seconds_between_writes + settings.write_jitter / 2
        self.usual_budget = daily_budget
        self.new_number_since = new_number_since
        self._usual = Capabilities(
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
            admin_rule=ADMIN_RULE,
        )
        self._day: date | None = None
        self.capabilities = self._usual
        self._today()
        self._sdk_remove = False
        #: WhatsApp said "rate-overlimit": the next write pauses the job instead of leaving
        self._pause_next = ""

    def _today(self) -> Capabilities:
        """Today's capabilities: a new number's budget grows by the week."""
        day = self.slow.today()
        if day != self._day:
            self._day = day
            budget, why = warm_up(self.new_number_since, day, self.usual_budget)
            self.capabilities = replace(
                self._usual, daily_budget=budget, pace_notes=(why,) if why else ()
            )
        return self.capabilities

    def capabilities_at(self, container: Container) -> Capabilities:
        """Today's, with the gaps doubled where the session's number was told to slow down."""
        today = self._today()
        why = self.slow.why(self.scope(container.id.split("/", 1)[0]))
        if not why:
            return today
        low, high = today.write_gaps
        return replace(
            today,
            write_gaps=(2 * low, 2 * high),
            requests_per_second=today.requests_per_second / 2,
            pace_notes=(slow_note(why, (2 * low, 2 * high)), *today.pace_notes),
        )

    def budget_scope(self, container: Container) -> str:
        """The daily budget is the session's (one phone number), over all its groups."""
        return container.id.split("/", 1)[0] + "/"

    def estimate(
        self,
        container: Container,
        count: int,
        operation: Operation = Operation.REMOVE_FROM_CONTAINER,
    ) -> Estimate:
        """Each call removes one person and is read back once; an add-back reads the group
        once, then adds each who is not back already. Writes keep a jittered gap."""
        abilities = self.capabilities_at(container)
        calls = -(-count // max(1, abilities.max_batch))
        low, high = abilities.write_gaps
        if operation is Operation.ADD_BACK:
            return Estimate(
                calls=calls + 1,
                seconds=calls * (low + high) / 2,
                calls_are="one to see who is in the group already, then one to add each person",
            )
        return Estimate(
            calls=2 * calls,
            seconds=calls * (low + high) / 2,
            calls_are="two for each person: one to remove, one to check they left",
        )

    def _stretch_writes(self, container: Container) -> None:
        """The next write keeps the gap of its session's number: doubled on a slow day."""
        if self.http.write_spacing is not None:
            slowed = self.slow.why(self.scope(container.id.split("/", 1)[0]))
            self.http.write_spacing.stretch = 2.0 if slowed else 1.0

    async def remove(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]:
        """Send, then learn each member's outcome from WaSend's answer and one read-back of
        the group, never from a read taken before the call (it goes stale while the write
        waits its turn). Today's pace holds (a new number's budget grows by the week)."""
        self._today()
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
            if pause := self._pause_for(container, error):
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
        self.resized(container, -len([m for m in members if named is None or m.id in named]))
        try:
            present = await self.still_present(container, members)
        except errors.ProviderError as error:
            if errors.stops_run(error):
                raise
            return [unread(m, named, error) for m in members]
        return [read_back(m, present, named) for m in members]

    def _pause_for(self, container: Container, error: errors.ProviderError) -> errors.Paused | None:
        """What must pause the session's removals rather than fail one member: WaSend's 429,
        WhatsApp's "rate-overlimit" (after settling this call by reading), a session that is
        not working. Retrying any of them is what gets a number banned; after the first two
        the session's gaps are doubled for the rest of the day, too."""
        scope = self.scope(container.id.split("/", 1)[0])
        if isinstance(error, errors.RateLimited):
            self.slow.note(scope, f"WaSend said slow down (HTTP 429) at {now_said()}")
            return errors.Paused(
                f"{self.label} said slow down (HTTP 429): the session's removals are paused "
                "so that WhatsApp does not ban the number. Resume later.",
                resume_after=error.retry_after,
            )
        if isinstance(error, errors.AnswerLost) and OVERLIMIT in (
            f"{error.provider_message} {error.message}"
        ):
            self.slow.note(scope, f"WhatsApp answered rate-overlimit at {now_said()}")
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
        phone = digits(member.address.lstrip("+")) or digits(member.id)
        listed = next(
            (
                p
                for p in (await self.roster(container, fresh=True)).participants
                if p.jid != member.id
                and phone
                in (digits((p.phone or "").lstrip("+")), digits(p.jid), digits(p.lid or ""))
            ),
            None,
        )
        if listed is None:
            return failed([member], error)
        retry = Member(id=listed.jid, name=member.name, address=member.address, role=member.role)
        return [
            replace(
                o,
                member_id=member.id,
                message=f"Sent as {listed.jid}, the id the group lists. {o.message}".strip(),
            )
            for o in await self._send_removal(container, [retry], retried=True)
        ]

    async def _remove_call(self, container: Container, body: dict[str, Any]) -> Any:
        """The documented DELETE first; the SDK's POST only once a 404/405 is shown to be the
        route that is missing (the group itself still reads), and then for good."""
        path = f"{path_of(container)}/participants"
        self._stretch_writes(container)
        if not self._sdk_remove:
            try:
                return await self.http.call("DELETE", path, json=body)
            except errors.ProviderError as error:
                if error.status not in (404, 405):
                    raise
                if error.status == 404:  # a missing group raises NotFound here
                    await self.roster(container, fresh=True)
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
        self._stretch_writes(container)
        answer = await self.http.call("POST", f"{path_of(container)}/participants/add", json=body)
        parsed = self.parse_answer(AddAnswer, answer or {}, "the add").data
        if not parsed.added and not parsed.failed:
            raise errors.AnswerLost(f"{self.label} did not say whom it added.", code="NO_LIST")
        self.resized(container, len(parsed.added))
        return [added_back(m, parsed) for m in members]

    has_invite_links = True

    async def revoke_invite(self, container: Container) -> None:
        """The SDK's `revokeGroupInviteCode`, paced as a write (at the session's gap of the
        day): any success means the old link is dead. Its answer, the new code (a bare
        string; WAHA: `{"inviteCode": ...}`), is not kept: nobody is to be invited by it."""
        self._stretch_writes(container)
        await self.http.send("POST", f"{path_of(container)}/invite-code/revoke")
