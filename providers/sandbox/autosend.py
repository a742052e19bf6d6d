"""A fake of AutoSend's v1 contact lists, with a 100,000-contact list that costs little memory.

Contacts are numbered; a contact's fields are computed from its number, so only the list
memberships (arrays of numbers) are held.
"""

from __future__ import annotations

import base64
import hashlib
from array import array
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.sandbox import people
from providers.sandbox.gate import ApiError, json_body

GLOBAL = "GLOBAL_CONTACT_LIST"
LISTS = (
    ("Monthly newsletter", "Everyone who asked for the monthly letter", "list", 100_000),
    ("Webinar attendees", "Signed up for the spring webinar", "list", 420),
    ("Beta testers", "Early access programme", "list", 75),
    ("Inactive 90 days", "Opened nothing for 90 days", "segment", 1_300),
)


def shape_error(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"message": error.message, "code": error.code}
    if error.details is not None:
        body["details"] = error.details
    return {"success": False, "error": body, **error.extra}


def rate_limited(retry_after: float) -> ApiError:
    seconds = max(1, round(retry_after))
    return ApiError(429, "RATE_LIMIT_EXCEEDED", "Too many requests.", retryAfter=seconds)


def contact_id(number: int) -> str:
    return hashlib.blake2b(number.to_bytes(4, "big"), digest_size=12).hexdigest()


def contact(number: int) -> dict[str, Any]:
    first, last = people.name_of(number)
    return {
        "id": contact_id(number),
        "email": people.email_of(number),
        "firstName": first,
        "lastName": last,
        "createdAt": f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}T08:00:00Z",
    }


def _validation(field_name: str, message: str) -> ApiError:
    return ApiError(
        400, "VALIDATION_FAILED", "Validation failed.", [{"field": field_name, "message": message}]
    )


@dataclass
class ContactList:
    id: str
    name: str
    description: str
    type: str
    numbers: array[int]
    version: int = 0

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "type": self.type,
            "contactCount": len(self.numbers),
            "createdAt": "2025-02-01T12:00:00Z",
        }


@dataclass
class AutoSendState:
    people_count: int = 0
    lists: dict[str, ContactList] = field(default_factory=dict)
    lists_key: str = "lists"  # one version of the docs says "contacts"
    ignores_type_filter: bool = False  # a server that answers every list whatever `type` says
    #: a removal's `removed` as the list of whom it removed (as named in the request), not a
    #: count: the docs name the field, not its type
    removed_as_list: bool = False
    removals: list[tuple[str, int]] = field(default_factory=list)  # (list, contact number)
    #: fields of contacts that differ from the seeded ones (a name the person signed up with)
    changed: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: contacts deleted from the account: no call finds them any more
    deleted: set[int] = field(default_factory=set)
    _by_email: dict[str, int] = field(default_factory=dict, repr=False)
    _by_id: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def seeded(cls, big_list: int = 100_000) -> AutoSendState:
        state = cls()
        start = 0
        sizes = [big_list if size == 100_000 else size for *_, size in LISTS]
        state.people_count = sum(sizes)
        for number, ((name, description, kind, _), size) in enumerate(
            zip(LISTS, sizes, strict=True)
        ):
            list_id = f"65f0c0ffee{number:014x}"
            members = array("i", range(start, start + size))
            state.lists[list_id] = ContactList(list_id, name, description, kind, members)
            start += size // 2 if kind == "segment" else size
        everyone = array("i", range(state.people_count))
        state.lists[GLOBAL] = ContactList(GLOBAL, "All contacts", "Every contact", "list", everyone)
        return state

    def saved(self) -> dict[str, Any]:
        """The lists as JSON can hold them (the demo keeps them on disk): each list's contact
        numbers as the bytes of its array, so that 100,000 of them cost milliseconds."""
        return {
            "people": self.people_count,
            "changed": {str(number): fields for number, fields in self.changed.items()},
            "lists": [
                {
                    "id": c.id,
                    "name": c.name,
                    "description": c.description,
                    "type": c.type,
                    "numbers": base64.b64encode(c.numbers.tobytes()).decode(),
                }
                for c in self.lists.values()
            ],
        }

    def restore(self, saved: dict[str, Any]) -> None:
        """Take the data `saved` gave, in place: the routes hold this object."""
        if saved["people"] != self.people_count:
            self._by_email, self._by_id = {}, {}
        self.people_count = saved["people"]
        self.changed = {int(number): fields for number, fields in saved["changed"].items()}
        self.lists = {}
        for kept in saved["lists"]:
            numbers = array("i")
            numbers.frombytes(base64.b64decode(kept["numbers"]))
            self.lists[kept["id"]] = ContactList(
                kept["id"], kept["name"], kept["description"], kept["type"], numbers
            )

    def number_for(self, key: str, value: str) -> int | None:
        """Find a contact by email or by id; the indexes are built on the first removal."""
        if key == "emails":
            if not self._by_email:
                self._by_email = {people.email_of(n): n for n in range(self.people_count)}
            number = self._by_email.get(value.lower())
        else:
            if not self._by_id:
                self._by_id = {contact_id(n): n for n in range(self.people_count)}
            number = self._by_id.get(value)
        return None if number in self.deleted else number

    def delete_contact(self, number: int) -> None:
        """Delete a contact from the account, as AutoSend's dashboard does (the API calls
        RosterDeck uses have no such call): it leaves every list and is known no more."""
        self.deleted.add(number)
        for chosen in self.lists.values():
            chosen.numbers = array("i", (n for n in chosen.numbers if n != number))


def build(state: AutoSendState) -> Starlette:
    def list_or_404(list_id: str) -> ContactList:
        found = state.lists.get(list_id)
        if found is None:
            raise ApiError(404, "NOT_FOUND", "Contact list not found.")
        return found

    async def lists(request: Request) -> JSONResponse:
        kind = request.query_params.get("type")
        if kind not in (None, "list", "segment"):
            raise _validation("type", "type must be list or segment")
        if state.ignores_type_filter:
            kind = None
        found = [c.view() for c in state.lists.values() if kind is None or c.type == kind]
        return JSONResponse({"success": True, "data": {state.lists_key: found}})

    async def one_list(request: Request) -> JSONResponse:
        return JSONResponse(
            {"success": True, "data": list_or_404(request.path_params["id"]).view()}
        )

    async def search(request: Request) -> JSONResponse:
        body = await json_body(request)
        chosen = list_or_404(str(body.get("contactListId", "")))
        page, limit = body.get("page", 1), body.get("limit", 20)
        if not isinstance(page, int) or page < 1:
            raise _validation("page", "page must be a positive integer")
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            raise _validation("limit", "limit must be between 1 and 100")
        numbers: Any = chosen.numbers
        if needle := str(body.get("email") or "").lower():
            numbers = [n for n in numbers if needle in people.email_of(n)]
        total = len(numbers)
        chunk = numbers[(page - 1) * limit : page * limit]
        return JSONResponse(
            {
                "success": True,
                "data": {
                    "contacts": [{**contact(n), **state.changed.get(n, {})} for n in chunk],
                    "pagination": {
                        "page": page,
                        "limit": limit,
                        "total": total,
                        "pages": -(-total // limit),
                    },
                },
            }
        )

    def targets(body: dict[str, Any]) -> tuple[str, list[str]]:
        emails, ids = body.get("emails"), body.get("contactIds")
        if (emails is None) == (ids is None):
            raise _validation("emails", "Provide either emails or contactIds, not both")
        key, values = ("emails", emails) if emails is not None else ("contactIds", ids)
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            raise _validation(key, f"{key} must be a non-empty array of strings")
        return key, list(dict.fromkeys(values))

    async def remove(request: Request) -> JSONResponse:
        chosen = list_or_404(request.path_params["id"])
        if chosen.id == GLOBAL or chosen.type == "segment":
            raise _validation("contactListId", f"Contacts cannot be removed from {chosen.name}")
        key, values = targets(await json_body(request))
        present = set(chosen.numbers)
        gone: set[int] = set()
        errors: list[dict[str, str]] = []
        named: list[dict[str, str]] = []
        for value in values:
            number = state.number_for(key, value)
            if number is None:
                errors.append({key[:-1]: value, "message": "No such contact"})
            elif number in present:
                gone.add(number)
                named.append({key[:-1]: value})
        chosen.numbers = array("i", (n for n in chosen.numbers if n not in gone))
        state.removals.extend((chosen.id, n) for n in gone)
        not_in_list = len(values) - len(gone) - len(errors)
        removed = named if state.removed_as_list else len(gone)
        return JSONResponse(
            {
                "success": True,
                "data": {"removed": removed, "notInList": not_in_list, "errors": errors},
            }
        )

    async def bulk_add(request: Request) -> JSONResponse:
        """`added` and `alreadyInList` are documented, as counts here. How a contact that
        does not exist is answered is not: here as a removal answers it, in `errors`, and
        counted in neither."""
        body = await json_body(request)
        chosen = list_or_404(str(body.get("contactListId", "")))
        if chosen.id == GLOBAL or chosen.type == "segment":
            raise _validation("contactListId", f"Contacts cannot be added to {chosen.name}")
        key, values = targets(body)
        present = set(chosen.numbers)
        added = 0
        errors: list[dict[str, str]] = []
        for value in values:
            number = state.number_for(key, value)
            if number is None:
                errors.append({key[:-1]: value, "message": "No such contact"})
            elif number not in present:
                chosen.numbers.append(number)
                present.add(number)
                added += 1
        return JSONResponse(
            {
                "success": True,
                "data": {
                    "added": added,
                    "alreadyInList": len(values) - added - len(errors),
                    "errors": errors,
                },
            }
        )

    return Starlette(
        routes=[
            Route("/contact-lists", lists),
            Route("/contact-lists/contacts/search", search, methods=["POST"]),
            Route("/contact-lists/contacts/bulk-add", bulk_add, methods=["POST"]),
            Route("/contact-lists/{id}", one_list),
            Route("/contact-lists/{id}/contacts/remove", remove, methods=["POST"]),
        ]
    )
