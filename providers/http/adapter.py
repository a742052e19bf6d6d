"""What every adapter over HTTP shares: the HTTP layer, reading answers into their shapes
(`Lenient`, `HttpAdapter.parse`), and settling what a lost or ambiguous answer left unsure
by a targeted read, never by sending again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from providers import errors
from providers.http.client import ProviderHttp
from providers.http.pacing import Turns
from providers.matching import match
from providers.models import (
    Capabilities,
    Container,
    Estimate,
    Member,
    MemberOutcome,
    MemberPage,
    Operation,
    Outcome,
    Place,
    Provider,
    SourceDeletion,
    Whereabouts,
)
from providers.protocol import (
    Slowdowns,
    failed,
    no_such_container,
    not_searched,
    outcomes,
    read_whole,
    unique,
)

ModelT = TypeVar("ModelT", bound=BaseModel)


class Lenient(BaseModel):
    """An answer's shape: unknown fields are ignored, aliases and field names both accepted."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class HttpAdapter:
    """What every adapter shares: the HTTP layer, answer parsing and settling lost answers."""

    provider: Provider
    capabilities: Capabilities
    has_invite_links = False

    def __init__(self, http: ProviderHttp) -> None:
        self.http = http
        self.label = http.settings.label

    async def aclose(self) -> None:
        await self.http.aclose()

    def halt_writes(self) -> None:
        self.http.halt_writes()

    def allow_writes(self) -> None:
        self.http.allow_writes()

    def share_writes(self, turns: Turns) -> None:
        self.http.share_writes(turns)

    def waiting(self) -> float:
        return self.http.waiting()

    def parse(self, model: type[ModelT], data: Any, what: str) -> ModelT:
        """Validate an answer; a shape we cannot read is a clear error, never a crash."""
        try:
            return model.model_validate(data)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the body"
            raise errors.BadResponse(
                f"{self.label} answered {what} in an unexpected shape ({where}: {first['msg']})."
            ) from None

    async def containers(self) -> list[Container]:
        raise NotImplementedError

    def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]:
        raise NotImplementedError

    async def container(self, container_id: str) -> Container:
        wanted = container_id.strip()
        found = await self.containers()
        rules: list[Callable[[Container], bool]] = [
            lambda c: c.id == wanted,
            lambda c: c.id.rpartition(":")[2] == wanted or c.id.rpartition("/")[2] == wanted,
            lambda c: c.name == wanted,
            lambda c: c.name.casefold() == wanted.casefold(),
        ]
        for same in rules:
            matches = [c for c in found if same(c)]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                names = ", ".join(c.id for c in matches)
                raise errors.ConfigurationError(
                    f"{wanted!r} names {len(matches)} containers ({names}): give the id."
                )
        raise no_such_container(wanted)

    async def candidates(self, container: Container, entry: str) -> list[Member]:
        """Everyone the entry names, namesakes included (the caller says they are several)."""
        everyone = [m async for page in self.members(container) for m in page.members]
        found = match([entry], everyone)
        return found.matched_members() + [m for ms in found.ambiguous.values() for m in ms]

    def is_id(self, entry: str) -> bool:
        return False

    def searchable(self, entry: str) -> bool:
        return True

    def estimate(
        self,
        container: Container,
        count: int,
        operation: Operation = Operation.REMOVE_FROM_CONTAINER,
    ) -> Estimate:
        calls = -(-count // max(1, self.capabilities.max_batch))
        rate = self.capabilities.requests_per_second
        return Estimate(calls=calls, seconds=calls / rate if rate > 0 else 0.0)

    def budget_scope(self, container: Container) -> str:
        """The prefix of the container ids one daily budget covers ("" when none does)."""
        return ""

    def calls(self) -> int:
        return self.http.sent

    def refusal(self, container: Container) -> str:
        return container.read_only_reason if container.read_only else ""

    def capabilities_at(self, container: Container) -> Capabilities:
        return self.capabilities

    async def community(self, container: Container) -> list[Container]:
        return []

    def forget(self, container: Container) -> None:
        """Nothing is kept by default."""

    def remember(self, slowdowns: Slowdowns) -> None:
        """Nothing asks to slow down for the day by default."""

    async def whereabouts(self, entries: Sequence[str]) -> Whereabouts:
        return await self.look_in(await self.containers(), entries)

    async def look_in(self, containers: Sequence[Container], entries: Sequence[str]) -> Whereabouts:
        """By default, each container's own search for each entry. A place that answers an
        error (a list deleted meanwhile, a server failing) is said not searched, in the
        provider's words, and the others are still searched."""
        found: list[Place] = []
        unsearched: list[Container] = []
        for container in containers:
            try:
                for entry in entries:
                    named = await self.candidates(container, entry)
                    found += [Place(container, m) for m in named]
            except errors.ProviderError as error:
                if errors.stops_run(error):
                    raise
                unsearched.append(not_searched(container, error))
        return Whereabouts(unique(found), unsearched)

    async def delete_contacts(self, members: Sequence[Member]) -> list[MemberOutcome]:
        raise errors.ProviderError(f"{self.label} cannot delete contacts.")

    async def revoke_invite(self, container: Container) -> None:
        raise errors.ProviderError(f"{self.label} has no invite links.")

    async def delete_source(self, container: Container) -> SourceDeletion:
        raise errors.ProviderError(f"{self.label} has no sources to delete.")

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]:
        raise NotImplementedError

    async def settle_lost(
        self,
        container: Container,
        members: Sequence[Member],
        error: errors.ProviderError,
        *,
        adding: bool = False,
    ) -> list[MemberOutcome]:
        """A write's answer was lost or untrustworthy: read who is there, never guess.

        Still there after a removal (not there after an add) following a server's error
        answer means it did not act (failed, safe to try again); following silence, the
        request may yet land (unknown).
        """
        try:
            present = await self.still_present(container, members)
        except errors.ProviderError as unread:
            return outcomes(
                members,
                Outcome.UNKNOWN,
                code=error.code,
                message=f"{error.message} Whether it happened could not be checked: "
                f"{unread.message}",
                said=error.provider_message,
            )
        answered = error.status is not None
        undone = "Not in it" if adding else "Still a member"
        later = "added" if adding else "removed"
        return [
            MemberOutcome(
                member_id=m.id,
                outcome=Outcome.FAILED if answered else Outcome.UNKNOWN,
                code=error.code,
                message=f"{error.message} {undone} when checked"
                + ("." if answered else f"; it may yet be {later}."),
                said=error.provider_message,
            )
            if (m.id in present) != adding
            else MemberOutcome(
                member_id=m.id,
                outcome=Outcome.RESTORED if adding else Outcome.REMOVED,
                message=f"Confirmed {'back' if adding else 'gone'} after the answer was lost.",
            )
            for m in members
        ]

    def only_a_whole_read_finds(self, container: Container, members: Sequence[Member]) -> bool:
        """Some of these have no address the provider can look up (a plan of ids), and a
        read of the whole container costs more than a call each."""
        return any(not self.searchable(m.address) for m in members) and not read_whole(
            len(members), container.member_count, self.capabilities.page_size
        )

    async def settle_counted(
        self,
        container: Container,
        members: Sequence[Member],
        removed: int,
        *,
        uncounted_absent: bool,
    ) -> list[MemberOutcome]:
        """The provider said only how many it removed. All or none tell each member's
        outcome; a short count is settled by reading just these members: still there is a
        failure, and the rest are removed only when their number matches the count. Where
        the provider says those it did not count were not members (`uncounted_absent`), all
        are out, and when only a read of the whole container could tell which were removed,
        they are said to be out, and no such read is made."""
        if removed == len(members):
            return outcomes(members, Outcome.REMOVED)
        if removed == 0:
            return outcomes(members, Outcome.ALREADY_ABSENT, message="Was not a member.")
        if uncounted_absent and self.only_a_whole_read_finds(container, members):
            return outcomes(
                members,
                Outcome.GONE,
                message=f"{self.label} removed {removed:,} of these {len(members):,} and says "
                "the others were not members, without saying which.",
            )
        present = await self.still_present(container, members)
        out = [m for m in members if m.id not in present]
        exact = len(out) == removed
        ambiguous = (
            f"{self.label} removed {removed:,} of these {len(out):,} and does not say which; "
            "each is out now, but some had left before (or were never members)."
        )
        return [
            MemberOutcome(
                member_id=m.id,
                outcome=Outcome.FAILED,
                code="NOT_REMOVED",
                message="Still a member after the call.",
            )
            if m.id in present
            else MemberOutcome(member_id=m.id, outcome=Outcome.REMOVED)
            if exact
            else MemberOutcome(member_id=m.id, outcome=Outcome.GONE, message=ambiguous)
            for m in members
        ]

    async def settle_added(
        self,
        container: Container,
        members: Sequence[Member],
        added: int,
        already: int | None = None,
    ) -> list[MemberOutcome]:
        """The provider said only how many it added (and maybe how many were there already).
        A count that covers every member tells each outcome; otherwise just these members are
        read: one not there failed (`not_added` says why), and of those there, the count
        tells restored from already there only when it covers all or none of them."""
        if added == len(members):
            return outcomes(members, Outcome.RESTORED)
        if already == len(members):
            return outcomes(members, Outcome.ALREADY_PRESENT, message="Was in it already.")
        present = await self.still_present(container, members)
        inside = [m for m in members if m.id in present]
        missing = [m for m in members if m.id not in present]
        if added == len(inside):
            settled = outcomes(inside, Outcome.RESTORED)
        elif added == 0:
            settled = outcomes(inside, Outcome.ALREADY_PRESENT, message="Was in it already.")
        else:
            settled = outcomes(
                inside,
                Outcome.BACK,
                message=f"{self.label} added {added} of these {len(inside)} and does not say "
                "which; each is in it now, but some were back before.",
            )
        return settled + (await self.not_added(missing) if missing else [])

    async def not_added(self, members: Sequence[Member]) -> list[MemberOutcome]:
        """Members an add named that are not in the container after it (a provider that can
        tell why says so)."""
        return outcomes(
            members, Outcome.FAILED, code="NOT_ADDED", message="Not in it after the call."
        )

    def parse_answer(self, model: type[ModelT], data: Any, what: str) -> ModelT:
        """A write's answer in a shape we cannot read may follow an act: it is a lost answer,
        settled by reading, never a failure."""
        try:
            return self.parse(model, data, what)
        except errors.BadResponse as error:
            raise errors.AnswerLost(error.message, code="BAD_BODY") from None

    async def guarded(
        self,
        container: Container,
        members: Sequence[Member],
        write: Callable[[], Awaitable[list[MemberOutcome]]],
        *,
        adding: bool = False,
    ) -> list[MemberOutcome]:
        """The one place a provider's answer to a write becomes each member's outcome: a lost
        answer is settled by reading (`adding`: the write added them back), a refusal is
        failed with the provider's words, and what stops a whole run (401/403, a held or
        paused write) passes up."""
        try:
            return await write()
        except errors.AnswerLost as error:
            return await self.settle_lost(container, members, error, adding=adding)
        except errors.ProviderError as error:
            if errors.stops_run(error):
                raise
            return failed(members, error)
