"""RASL: WhatsApp Business contacts grouped by the tenant (groups, sources, the contact book)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any

from providers import errors
from providers.http.adapter import HttpAdapter
from providers.http.client import ProviderHttp
from providers.matching import ascii_digits, is_name, match
from providers.models import (
    Capabilities,
    Container,
    ContainerKind,
    Identity,
    Member,
    MemberOutcome,
    MemberPage,
    Outcome,
    Place,
    Provider,
    SourceDeletion,
    Whereabouts,
)
from providers.protocol import (
    failed,
    no_such_container,
    outcomes,
    read_whole,
    unique,
)
from providers.rasl.answers import (
    BatchSummary,
    ContactPage,
    CountedPage,
    Limits,
    PageMeta,
    RaslAccount,
    RaslContact,
    RaslCounted,
)

PER_PAGE = 100
#: The digits a phone search uses: the national number's tail, the same in +44 7700 900123,
#: 447700900123 and 07700 900123.
PHONE_SEARCH_DIGITS = 9
CONTACT_BOOK_ID = "contacts"
CONTACT_BOOK = Container(id=CONTACT_BOOK_ID, name="All contacts", kind=ContainerKind.CONTACT_BOOK)


class RaslAdapter(HttpAdapter):
    provider = Provider.RASL

    def __init__(self, http: ProviderHttp, *, learn_rate: bool = True) -> None:
        super().__init__(http)
        self._learn_rate = learn_rate
        self.capabilities = Capabilities(
            max_batch=PER_PAGE,
            requests_per_second=http.settings.requests_per_second or 1.0,
            reports_each_member=False,
            can_undo=True,
            can_delete_contacts=True,
            can_delete_sources=True,
        )

    async def check(self) -> Identity:
        body = await self.http.get("/account")
        account = self.parse(RaslAccount, _data(body), "the account check")
        await self._adopt_limits()
        return Identity(account_id=str(account.id), name=account.name, detail=account.subdomain)

    async def _adopt_limits(self) -> None:
        """Pace to the tenant's own per-minute limit rather than a guess."""
        if not self._learn_rate:
            return
        try:
            body = await self.http.get("/account/limits")
        except errors.PermissionDenied:
            return
        limits = _data(body).get("limits", {}) if isinstance(_data(body), dict) else {}
        if "api_calls_per_minute" not in limits:
            return
        calls = self.parse(Limits, limits["api_calls_per_minute"], "the account limits")
        if calls.is_unlimited or calls.limit < 0:
            return
        rate = calls.limit / 60
        self.http.set_rate(rate)
        self.capabilities = replace(self.capabilities, requests_per_second=rate)

    async def containers(self) -> list[Container]:
        found = [
            Container(
                id=f"group:{g.id}",
                name=g.name,
                kind=ContainerKind.GROUP,
                member_count=g.count,
                description=g.description or "",
            )
            async for g in self._counted("/groups")
        ]
        found += [
            Container(
                id=f"source:{s.id}", name=s.name, kind=ContainerKind.SOURCE, member_count=s.count
            )
            async for s in self._counted("/sources")
        ]
        first = self.parse(
            ContactPage, await self.http.get("/contacts", {"per_page": 1}), "contacts"
        )
        found.append(
            Container(
                id=CONTACT_BOOK_ID,
                name="All contacts",
                kind=ContainerKind.CONTACT_BOOK,
                member_count=first.meta.total,
                description="Every contact of the account; removal here deletes contacts.",
            )
        )
        return found

    async def _counted(self, path: str) -> AsyncIterator[RaslCounted]:
        page = 1
        while True:
            body = await self.http.get(path, {"page": page, "per_page": PER_PAGE})
            parsed = self.parse(CountedPage, body, path)
            for item in parsed.data:
                yield item
            if _last(parsed.meta, page, len(parsed.data)):
                return
            page += 1

    async def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]:
        params: dict[str, Any] = {"per_page": PER_PAGE}
        params.update(_filter(container))
        if search:
            params["search"] = search
        page = 1
        while True:
            body = await self.http.get("/contacts", {**params, "page": page})
            parsed = self.parse(ContactPage, body, "the contact list")
            yield MemberPage(
                members=tuple(c.as_member() for c in parsed.data), total=parsed.meta.total
            )
            if _last(parsed.meta, page, len(parsed.data)):
                break
            page += 1

    async def container(self, container_id: str) -> Container:
        """A group by its id costs one call; anything else is looked for among them all."""
        number = container_id.removeprefix("group:")
        if number.isdigit():
            try:
                body = await self.http.get(f"/groups/{number}")
            except errors.NotFound:
                raise no_such_container(container_id) from None
            group = self.parse(RaslCounted, _data(body), "the group")
            return Container(
                id=f"group:{group.id}",
                name=group.name,
                kind=ContainerKind.GROUP,
                member_count=group.count,
                description=group.description or "",
            )
        return await super().container(container_id)

    def is_id(self, entry: str) -> bool:
        """RASL's contact ids are small integers; phone numbers are longer."""
        return entry.isdigit() and len(entry) < PHONE_SEARCH_DIGITS

    def searchable(self, entry: str) -> bool:
        """Its search takes a name, an email or a phone."""
        return "@" in entry or _is_phone(entry) or is_name(entry)

    async def candidates(self, container: Container, entry: str) -> list[Member]:
        """The container's contacts with this email, phone or whole name: one search (a
        page more when it has more), then exact."""
        return [c.as_member() for c in await self._contacts_matching(container, entry)]

    async def _contacts_matching(self, container: Container, entry: str) -> list[RaslContact]:
        entry = entry.strip()
        phone = _is_phone(entry)
        name = not phone and is_name(entry)
        wanted = " ".join(entry.casefold().split())
        if phone:
            search = re.sub(r"\D", "", ascii_digits(entry))[-PHONE_SEARCH_DIGITS:]
        elif name:  # its rarest-looking word: a search may look in one name field at a time
            search = max(entry.split(), key=len)
        else:
            search = entry
        params: dict[str, Any] = {"per_page": PER_PAGE, **_filter(container), "search": search}
        found: list[RaslContact] = []
        page = 1
        while True:
            body = await self.http.get("/contacts", {**params, "page": page})
            parsed = self.parse(ContactPage, body, "the contact search")
            found += [
                c
                for c in parsed.data
                if (c.email or "").casefold() == wanted
                or (phone and c.phone and match([entry], [c.as_member()]).matched)
                or (name and " ".join(c.full_name.casefold().split()) == wanted)
            ]
            if _last(parsed.meta, page, len(parsed.data)):
                return found
            page += 1

    async def whereabouts(self, entries: Sequence[str]) -> Whereabouts:
        """One search of the whole contact book per phone or email; each contact found names
        its groups (`group_id`), so no group is read. Ids are looked for the same way."""
        groups = {c.id: c for c in await self.containers() if c.kind is ContainerKind.GROUP}
        found: list[Place] = []
        for entry in entries:
            book = Container(id="contacts", name="contact book", kind=ContainerKind.CONTACT_BOOK)
            for contact in await self._contacts_matching(book, entry):
                member = contact.as_member()
                found += [
                    Place(groups[f"group:{number}"], member)
                    for number in contact.group_id
                    if f"group:{number}" in groups
                ]
        return Whereabouts(unique(found))

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]:
        """Which of these are still in the container: a search per member, or one read of the
        container when that is cheaper (or when a member has no phone or email to search)."""
        wanted = {m.id for m in members}
        if read_whole(len(members), container.member_count, PER_PAGE) or any(
            not m.address for m in members
        ):
            return {m.id async for page in self.members(container) for m in page.members} & wanted
        present: set[str] = set()
        for member in members:
            found = await self.candidates(container, member.address)
            present.update(m.id for m in found if m.id == member.id)
        return present

    async def remove(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]:
        """RASL answers a count only, skipping contacts not in the group: all or none tell
        each outcome; a short count is settled by reading just these contacts. The group is
        never read whole first."""
        if container.kind is not ContainerKind.GROUP:
            raise errors.InvalidRequest(
                f"{self.label}: contacts leave a group, not a {container.kind.value}; "
                "deleting the contacts is a separate operation."
            )

        async def write() -> list[MemberOutcome]:
            removed = await self._change(container, members, "DELETE", "contacts_removed")
            return await self.settle_counted(container, members, removed, uncounted_absent=True)

        return await self.guarded(container, members, write)

    async def add(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]:
        """RASL answers how many it added, skipping those in the group already (and, though
        undocumented, contacts that no longer exist): a full count is exact, a short one is
        settled by reading just these contacts."""

        async def write() -> list[MemberOutcome]:
            added = await self._change(container, members, "POST", "contacts_added")
            return await self.settle_added(container, members, added)

        return await self.guarded(container, members, write, adding=True)

    async def _change(
        self, container: Container, members: Sequence[Member], method: str, counted: str
    ) -> int:
        """Send a group's membership change; the count RASL answers (`counted`)."""
        path = f"/groups/{_number(container)}/contacts"
        body = await self.http.call(method, path, json={"contact_ids": _ids(members)})
        data = _data(body)
        count = data.get(counted) if isinstance(data, dict) else None
        if not isinstance(count, int):
            raise errors.AnswerLost(
                f"{self.label} did not say how many contacts it "
                f"{counted.removeprefix('contacts_')}.",
                code="BAD_BODY",
            )
        return count

    async def not_added(self, members: Sequence[Member]) -> list[MemberOutcome]:
        """Not in the group after the add: a contact deleted meanwhile is said so (one search
        of the contact book each, or one read of it when cheaper)."""
        existing = await self.still_present(CONTACT_BOOK, members)
        deleted = outcomes(
            [m for m in members if m.id not in existing],
            Outcome.FAILED,
            code="NOT_FOUND",
            message="No such contact any more: it was deleted, so it cannot be added back.",
        )
        return deleted + await super().not_added([m for m in members if m.id in existing])

    async def delete_contacts(self, members: Sequence[Member]) -> list[MemberOutcome]:
        """Delete contacts outright. Which exist is read first (searches, or the contact book
        when cheaper): a deletion cannot be undone, so its report must say exactly who was
        deleted and who did not exist. One transaction: a 500 means none were deleted."""
        existing = await self.still_present(CONTACT_BOOK, members)
        result = outcomes(
            [m for m in members if m.id not in existing],
            Outcome.ALREADY_ABSENT,
            message="No such contact.",
        )
        due = [m for m in members if m.id in existing]
        if not due:
            return result

        async def write() -> list[MemberOutcome]:
            try:
                body = await self.http.call("DELETE", "/contacts/batch", json={"ids": _ids(due)})
            except errors.AnswerLost as error:
                if error.status == 500:
                    return failed(due, error)
                raise
            summary = self.parse(BatchSummary, (body or {}).get("summary"), "the batch delete")
            deleted = summary.deleted  # the uncounted failed: unknown, or another tenant's
            return await self.settle_counted(CONTACT_BOOK, due, deleted, uncounted_absent=False)

        return result + await self.guarded(CONTACT_BOOK, due, write)

    async def delete_source(self, container: Container) -> SourceDeletion:
        try:
            body = await self.http.call("DELETE", f"/sources/{_number(container)}")
        except errors.Conflict as error:
            return SourceDeletion(
                deleted=False, contacts_in_use=error.in_use, message=error.message
            )
        message = (body or {}).get("message", "") if isinstance(body, dict) else ""
        return SourceDeletion(deleted=True, message=str(message) or "Source deleted.")


def _is_phone(entry: str) -> bool:
    return "@" not in entry and sum(c.isdigit() for c in entry) >= 6


def _data(body: Any) -> Any:
    """RASL wraps answers in `data`; accept a bare object too."""
    return body.get("data", body) if isinstance(body, dict) else body


def _last(meta: PageMeta, page: int, count: int) -> bool:
    if meta.last_page is not None:
        return page >= meta.last_page
    return count < PER_PAGE


def _filter(container: Container) -> dict[str, str]:
    if container.kind is ContainerKind.GROUP:
        return {"filter[group_id]": str(_number(container))}
    if container.kind is ContainerKind.SOURCE:
        return {"filter[source_id]": str(_number(container))}
    return {}


def _number(container: Container) -> int:
    try:
        return int(container.id.split(":", 1)[-1])
    except ValueError:
        raise errors.NotFound(f"{container.id!r} is not a RASL group or source id.") from None


def _ids(members: Sequence[Member]) -> list[int]:
    try:
        return [int(m.id) for m in members]
    except ValueError:
        raise errors.InvalidRequest("RASL contact ids are numbers.") from None
