"""The one protocol every provider adapter speaks, and the parts they share.

The engine, the journal and the app only ever see `Adapter`: who am I, which containers,
who is in one (streamed a page at a time), remove or add a batch with one definite outcome
per member, and which of some members are still present (to settle what a lost answer left
unknown). What the adapters over HTTP share is `providers.http.adapter.HttpAdapter`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from typing import Protocol

from providers import errors
from providers.http.pacing import Turns
from providers.models import (
    Capabilities,
    Container,
    Estimate,
    Identity,
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


class Slowdowns(Protocol):
    """Where "slow down" said to a number is kept past this process (the journal's): the day
    as `YYYY-MM-DD`, and why in words."""

    def said(self, scope: str, day: str) -> str:
        """Why the scope was told to slow down that day ("" when it was not)."""
        ...

    def note(self, scope: str, day: str, why: str) -> None: ...


class Adapter(Protocol):
    provider: Provider
    capabilities: Capabilities
    #: whether its groups have invite links a job can revoke (WhatsApp)
    has_invite_links: bool

    async def check(self) -> Identity: ...

    async def containers(self) -> list[Container]: ...

    def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]: ...

    async def remove(
        self, container: Container, members: Sequence[Member]
    ) -> list[MemberOutcome]: ...

    async def add(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]: ...

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]: ...

    async def delete_contacts(self, members: Sequence[Member]) -> list[MemberOutcome]: ...

    async def delete_source(self, container: Container) -> SourceDeletion: ...

    async def aclose(self) -> None: ...

    def halt_writes(self) -> None:
        """Send no write from now on; one waiting for its turn gives up at once (`Held`)."""
        ...

    def allow_writes(self) -> None:
        """Writes may leave again (a job starts or resumes)."""
        ...

    def share_writes(self, turns: Turns) -> None:
        """Keep the gaps between writes with every other process writing on the same
        numbers, through `turns` (the journal's)."""
        ...

    async def container(self, container_id: str) -> Container:
        """One container by its id as listed, its bare id, or its exact name."""
        ...

    async def candidates(self, container: Container, entry: str) -> list[Member]:
        """The members of the container a phone, email or name names, found cheaply."""
        ...

    def is_id(self, entry: str) -> bool:
        """Whether an entry is an id this provider issues (trusted as given, not looked up)."""
        ...

    def searchable(self, entry: str) -> bool:
        """Whether the provider's search can find someone by this entry (AutoSend: emails
        only), so that a look-up is neither sent nor counted for one it cannot."""
        ...

    def waiting(self) -> float:
        """How long the oldest call in flight has waited for its answer (0 when none)."""
        ...

    def estimate(
        self,
        container: Container,
        count: int,
        operation: Operation = Operation.REMOVE_FROM_CONTAINER,
    ) -> Estimate:
        """What doing `operation` to `count` members will cost, in calls and time, at this
        pace."""
        ...

    def budget_scope(self, container: Container) -> str:
        """The prefix of the container ids one daily budget covers ("" when none does)."""
        ...

    async def whereabouts(self, entries: Sequence[str]) -> Whereabouts:
        """Every container of the account the person these entries name is in, found with
        the cheapest lookups the API has (never a read of every member of every list)."""
        ...

    def calls(self) -> int:
        """Requests sent to the provider so far, retries included."""
        ...

    def refusal(self, container: Container) -> str:
        """Why nothing may be sent to the container, from what is known without a call ("" when
        nothing stands in the way): read-only, or a WhatsApp group whose number is no admin."""
        ...

    def capabilities_at(self, container: Container) -> Capabilities:
        """What the account can do at this container today (WhatsApp: its number's pace, which
        a "slow down" or a new number's budget changes, with why in `pace_notes`)."""
        ...

    async def community(self, container: Container) -> list[Container]:
        """The community a container is (or is linked to), then its groups, its announcement
        group first; [] when it is in none."""
        ...

    async def look_in(self, containers: Sequence[Container], entries: Sequence[str]) -> Whereabouts:
        """`whereabouts`, in these containers only."""
        ...

    def forget(self, container: Container) -> None:
        """Drop what is kept of the container's members: the next read asks the provider."""
        ...

    def remember(self, slowdowns: Slowdowns) -> None:
        """Keep the "slow down"s the provider says in `slowdowns`, and heed those kept there."""
        ...

    async def revoke_invite(self, container: Container) -> None:
        """Make the group's invite link stop working (a new one is made), so nobody rejoins
        by the old one."""
        ...


def outcomes(
    members: Iterable[Member],
    outcome: Outcome,
    *,
    code: str = "",
    message: str = "",
    said: str = "",
) -> list[MemberOutcome]:
    return [
        MemberOutcome(member_id=m.id, outcome=outcome, code=code, message=message, said=said)
        for m in members
    ]


def failed(members: Iterable[Member], error: errors.ProviderError) -> list[MemberOutcome]:
    """Failed, in the provider's own words where it gave some (ours where it gave none)."""
    return outcomes(
        members,
        Outcome.FAILED,
        code=error.code or (str(error.status) if error.status else type(error).__name__),
        message=error.provider_message or error.message,
        said=error.provider_message,
    )


def unique(places: Iterable[Place]) -> list[Place]:
    """Each member of each container once, in the order found."""
    return list({(p.container.id, p.member.id): p for p in places}.values())


def not_searched(container: Container, error: errors.ProviderError) -> Container:
    """A place whose search failed, as an unsearched place: why, in the provider's words."""
    return replace(
        container, read_only=True, read_only_reason=f"{container.where}: {error.message}"
    )


def no_such_container(wanted: str) -> errors.ConfigurationError:
    return errors.ConfigurationError(
        f"No container {wanted!r} in this account: the `containers` command lists "
        "their ids and names."
    )


def read_whole(entries: int, container_size: int | None, page_size: int) -> bool:
    """Whether reading the whole container costs fewer calls than one lookup per entry.

    A job costs calls in proportion to the people it names: a container is read whole only
    when that is the cheaper way, by the numbers."""
    if container_size is None:
        return False
    return max(1, -(-container_size // page_size)) < entries
