"""AutoSend: email contact lists (removable) and segments (computed, so read-only)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

from providers.autosend.answers import (
    AddResult,
    Contact,
    ContactList,
    ContactPage,
    Lists,
    RemoveResult,
    data_of,
    how_many,
    mentions,
)
from providers.http.adapter import HttpAdapter
from providers.http.client import ProviderHttp
from providers.models import (
    Capabilities,
    Container,
    ContainerKind,
    Identity,
    Member,
    MemberOutcome,
    MemberPage,
    Outcome,
    Provider,
    Whereabouts,
)
from providers.protocol import outcomes, read_whole

GLOBAL_LIST = "GLOBAL_CONTACT_LIST"
PAGE_SIZE = 100
LOOKUP_LIMIT = 10
CONTACT_ID = re.compile(r"[0-9a-f]{24}")
GLOBAL_REASON = "AutoSend's list of all contacts accepts no removal"
SEGMENT_REASON = "a segment is computed from filters: its members cannot be removed one by one"


class AutoSendAdapter(HttpAdapter):
    provider = Provider.AUTOSEND

    def __init__(self, http: ProviderHttp) -> None:
        super().__init__(http)
        self.capabilities = Capabilities(
            max_batch=PAGE_SIZE,
            requests_per_second=http.settings.requests_per_second or 2.0,
            reports_each_member=False,
            can_undo=True,
        )

    async def check(self) -> Identity:
        lists = await self._lists("list")
        return Identity(account_id="autosend", name=f"{len(lists)} contact lists")

    async def _lists(self, kind: str | None) -> list[ContactList]:
        body = await self.http.get("/contact-lists", {"type": kind} if kind else None)
        return self.parse(Lists, data_of(body), "the contact lists").lists

    async def containers(self) -> list[Container]:
        """Every list and segment, each typed by its own `type` (not by the query's filter,
        which a server may ignore), read in one call."""
        found = []
        for item in {item.id: item for item in await self._lists(None)}.values():
            segment = item.type == "segment"
            reason = GLOBAL_REASON if item.id == GLOBAL_LIST else SEGMENT_REASON if segment else ""
            found.append(
                Container(
                    id=item.id,
                    name=item.name or item.id,
                    kind=ContainerKind.SEGMENT if segment else ContainerKind.LIST,
                    member_count=item.count,
                    read_only=bool(reason),
                    read_only_reason=reason,
                    description=item.description or "",
                )
            )
        return found

    async def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]:
        page = 1
        while True:
            parsed = await self._search(container.id, page, search)
            members = tuple(self._member(container, c) for c in parsed.contacts)
            yield MemberPage(members=members, total=parsed.pagination.total)
            pages = parsed.pagination.pages
            done = page >= pages if pages is not None else len(parsed.contacts) < PAGE_SIZE
            if done or not parsed.contacts:
                return
            page += 1

    @staticmethod
    def _member(container: Container, contact: Contact) -> Member:
        return Member(
            id=contact.id,
            name=" ".join(p for p in (contact.first_name, contact.last_name) if p),
            address=contact.email,
            locked_reason=container.read_only_reason,
        )

    async def _search(
        self, list_id: str, page: int, email: str = "", *, limit: int = PAGE_SIZE
    ) -> ContactPage:
        query: dict[str, Any] = {"contactListId": list_id, "page": page, "limit": limit}
        if email:
            query["email"] = email
        body = await self.http.call(
            "POST", "/contact-lists/contacts/search", json=query, idempotent=True
        )
        return self.parse(ContactPage, data_of(body), "the contact search")

    def is_id(self, entry: str) -> bool:
        return CONTACT_ID.fullmatch(entry) is not None

    def searchable(self, entry: str) -> bool:
        """AutoSend's search takes an email, nothing else."""
        return "@" in entry

    async def whereabouts(self, entries: Sequence[str]) -> Whereabouts:
        """AutoSend looks people up by email alone: with none given, no list can be searched,
        and the answer says so rather than "nowhere"."""
        if not any("@" in entry for entry in entries):
            every_list = Container(
                id="*",
                name="every list",
                kind=ContainerKind.LIST,
                read_only=True,
                read_only_reason="AutoSend looks people up by email only, and none was given",
            )
            return Whereabouts([], [every_list])
        return await super().whereabouts(entries)

    async def candidates(self, container: Container, entry: str) -> list[Member]:
        """An email is looked up with the list's own search; an id cannot be searched."""
        if "@" not in entry:
            return []
        found = await self._search(container.id, 1, entry.strip(), limit=LOOKUP_LIMIT)
        wanted = entry.strip().casefold()
        return [self._member(container, c) for c in found.contacts if c.email.casefold() == wanted]

    async def still_present(self, container: Container, members: Sequence[Member]) -> set[str]:
        """A search per member by email, or one read of the list when that is cheaper (or
        when one has no email)."""
        wanted = {m.id for m in members}
        if read_whole(len(members), container.member_count, PAGE_SIZE) or any(
            "@" not in m.address for m in members
        ):
            return {m.id async for page in self.members(container) for m in page.members} & wanted
        present = set()
        for member in members:
            found = await self._search(container.id, 1, member.address, limit=LOOKUP_LIMIT)
            if any(c.id == member.id for c in found.contacts):
                present.add(member.id)
        return present

    async def remove(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]:
        if container.read_only:
            return outcomes(members, Outcome.PROTECTED, message=container.read_only_reason)
        path = f"/contact-lists/{container.id}/contacts/remove"

        async def write() -> list[MemberOutcome]:
            body = await self.http.call("POST", path, json={"contactIds": [m.id for m in members]})
            answer = self.parse_answer(RemoveResult, data_of(body), "the removal")
            return await self._outcomes(container, members, answer)

        return await self.guarded(container, members, write)

    async def _outcomes(
        self, container: Container, members: Sequence[Member], answer: RemoveResult
    ) -> list[MemberOutcome]:
        result, rest = _refused(members, answer.errors)
        if isinstance(answer.removed, list):
            return result + [
                MemberOutcome(member_id=m.id, outcome=Outcome.REMOVED)
                if any(mentions(r, m) for r in answer.removed)
                else MemberOutcome(
                    member_id=m.id, outcome=Outcome.ALREADY_ABSENT, message="Was not in the list."
                )
                for m in rest
            ]
        counted = answer.removed + how_many(answer.not_in_list)
        return result + await self.settle_counted(
            container, rest, answer.removed, uncounted_absent=counted == len(rest)
        )

    async def add(self, container: Container, members: Sequence[Member]) -> list[MemberOutcome]:
        """Bulk-add names the contacts it refused (one that no longer exists), each failed in
        its words, and counts the rest as added or in the list already; counts that do not
        tell each member's outcome are settled by reading just these."""
        body = {"contactListId": container.id, "contactIds": [m.id for m in members]}

        async def write() -> list[MemberOutcome]:
            said = await self.http.call("POST", "/contact-lists/contacts/bulk-add", json=body)
            answer = self.parse_answer(AddResult, data_of(said), "the add")
            result, rest = _refused(members, answer.errors)
            return result + await self.settle_added(
                container, rest, how_many(answer.added), how_many(answer.already_in_list)
            )

        return await self.guarded(container, members, write, adding=True)


def _refused(
    members: Sequence[Member], said: list[dict[str, Any]]
) -> tuple[list[MemberOutcome], list[Member]]:
    """The members an answer's `errors` name, failed in AutoSend's words; and the rest."""
    refused = {
        m.id: str(e.get("message", "refused")) for m in members for e in said if mentions(e, m)
    }
    failed = [
        MemberOutcome(member_id=i, outcome=Outcome.FAILED, code="REFUSED", message=text, said=text)
        for i, text in refused.items()
    ]
    return failed, [m for m in members if m.id not in refused]
