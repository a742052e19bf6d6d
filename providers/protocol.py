"""The one protocol every provider adapter speaks, and the parts they share.

The engine, the journal and the app only ever see `Adapter`: who am I, which containers,
who is in one (streamed a page at a time), remove or add a batch with one definite outcome
per member, and which of some members are still present (to settle what a lost answer left
unknown).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from providers import errors
from providers.http import ProviderHttp
from providers.models import (
    Capabilities,
    Container,
    Identity,
    Member,
    MemberOutcome,
    MemberPage,
    Outcome,
    Provider,
    SourceDeletion,
)

ModelT = TypeVar("ModelT", bound=BaseModel)


class Lenient(BaseModel):
    """An answer's shape: unknown fields are ignored, aliases and field names both accepted."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Adapter(Protocol):
    provider: Provider
    capabilities: Capabilities

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

    def hold_writes(self, check: Callable[[], bool]) -> None:
        """Ask `check` right before each write leaves; when it says yes, send nothing."""
        ...


def outcomes(
    members: Iterable[Member], outcome: Outcome, *, code: str = "", message: str = ""
) -> list[MemberOutcome]:
    return [
        MemberOutcome(member_id=m.id, outcome=outcome, code=code, message=message) for m in members
    ]


def failed(members: Iterable[Member], error: errors.ProviderError) -> list[MemberOutcome]:
    return outcomes(
        members,
        Outcome.FAILED,
        code=error.code or (str(error.status) if error.status else type(error).__name__),
        message=error.message,
    )


class HttpAdapter:
    """What every adapter shares: the HTTP layer, answer parsing and settling lost answers."""

    provider: Provider
    capabilities: Capabilities

    def __init__(self, http: ProviderHttp) -> None:
        self.http = http
        self.label = http.settings.label
        self._snapshots: dict[str, set[str]] = {}

    async def aclose(self) -> None:
        await self.http.aclose()

    def hold_writes(self, check: Callable[[], bool]) -> None:
        self.http.hold_writes = check

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

    def remember(self, container: Container, members: Iterable[Member]) -> None:
        """Keep the ids last seen in a container, to tell 'removed' from 'already gone'."""
        self._snapshots.setdefault(container.id, set()).update(m.id for m in members)

    async def delete_contacts(self, members: Sequence[Member]) -> list[MemberOutcome]:
        raise errors.ProviderError(f"{self.label} cannot delete contacts.")

    async def delete_source(self, container: Container) -> SourceDeletion:
        raise errors.ProviderError(f"{self.label} has no sources to delete.")

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]:
        raise NotImplementedError

    async def settle_lost(
        self, container: Container, members: Sequence[Member], error: errors.ProviderError
    ) -> list[MemberOutcome]:
        """A write's answer was lost or untrustworthy: read who is still there, never guess.

        Still there after a server's error answer means it did not act (failed, safe to try
        again); still there after silence means the request may yet land (unknown).
        """
        try:
            present = await self.still_present(container, members)
        except errors.ProviderError:
            return outcomes(
                members,
                Outcome.UNKNOWN,
                code=error.code,
                message=f"{error.message} Whether it happened could not be checked.",
            )
        answered = error.status is not None
        return [
            MemberOutcome(
                member_id=m.id,
                outcome=Outcome.FAILED if answered else Outcome.UNKNOWN,
                code=error.code,
                message=f"{error.message} Still a member when checked"
                + ("." if answered else "; it may yet be removed."),
            )
            if m.id in present
            else MemberOutcome(
                member_id=m.id,
                outcome=Outcome.REMOVED,
                message="Confirmed gone after the answer was lost.",
            )
            for m in members
        ]

    async def settle_counted(
        self, container: Container, members: Sequence[Member], removed: int
    ) -> list[MemberOutcome]:
        """The provider said only how many it removed: find out which, rather than guess."""
        if removed == len(members):
            outcome = outcomes(members, Outcome.REMOVED)
        elif removed == 0:
            outcome = outcomes(members, Outcome.ALREADY_ABSENT, message="Was not in the list.")
        else:
            outcome = await self._attribute(container, members, removed)
        self._snapshots.get(container.id, set()).difference_update(m.id for m in members)
        return outcome

    async def _attribute(
        self, container: Container, members: Sequence[Member], removed: int
    ) -> list[MemberOutcome]:
        present = await self.still_present(container, members)
        gone = {m.id for m in members if m.id not in present}
        seen_before = gone & self._snapshots.get(container.id, set())
        removed_ids: set[str] | None = None
        if len(gone) == removed:
            removed_ids = gone
        elif len(seen_before) == removed:
            removed_ids = seen_before
        ambiguous = (
            f"{self.label} removed {removed} of these {len(gone)}; the others had already "
            "left, and the answer does not say which."
        )
        result = []
        for m in members:
            if m.id in present:
                item = MemberOutcome(
                    member_id=m.id,
                    outcome=Outcome.FAILED,
                    code="NOT_REMOVED",
                    message="Still a member after the call.",
                )
            elif removed_ids is None:
                item = MemberOutcome(member_id=m.id, outcome=Outcome.REMOVED, message=ambiguous)
            elif m.id in removed_ids:
                item = MemberOutcome(member_id=m.id, outcome=Outcome.REMOVED)
            else:
                item = MemberOutcome(
                    member_id=m.id, outcome=Outcome.ALREADY_ABSENT, message="Had already left."
                )
            result.append(item)
        return result
