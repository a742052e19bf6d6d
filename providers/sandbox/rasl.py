"""A fake of RASL's v2 API: contacts, groups and sources of one tenant."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.sandbox import people
from providers.sandbox.gate import ApiError, json_body, require_scope

ALL_SCOPES = frozenset(
    [
        "contacts:read",
        "contacts:write",
        "contacts:delete",
        "groups:read",
        "groups:write",
        "account:read",
        "sources:write",
    ]
)
READ_SCOPES = frozenset({"contacts:read", "groups:read", "account:read"})
GROUP_NAMES = (
    ("Spring Open Day", 120),
    ("Volunteers", 45),
    ("Newsletter (WhatsApp)", 310),
    ("Parents - Year 4", 64),
    ("Board", 9),
    ("Lapsed Members", 180),
)
SOURCE_NAMES = ("Website form", "CSV import May", "Front desk", "Event QR code")
STAMP = "2026-03-0{}T09:30:00Z"


def shape_error(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.details is not None:
        body["details"] = error.details
    return {"success": False, "error": body}


def rate_limited(retry_after: float) -> ApiError:
    return ApiError(429, "RATE_LIMIT_EXCEEDED", "Too many requests.")


@dataclass
class RaslState:
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)
    sources: dict[int, dict[str, Any]] = field(default_factory=dict)
    calls_per_minute: int = 60
    #: how a contact's names are spelled in answers: the API's own sort and search fields
    #: (`firstname`, `lastname`), or `first_name`, `last_name` as some answers have them
    name_fields: tuple[str, str] = ("firstname", "lastname")
    removals: list[tuple[int, int]] = field(default_factory=list)  # (group, contact), each real one

    @classmethod
    def seeded(cls, seed: int = 11, contacts: int = 600) -> RaslState:
        rng = random.Random(seed)
        state = cls()
        for number, name in enumerate(SOURCE_NAMES, start=1):
            state.sources[number] = {"id": number, "name": name, "type": "import"}
        state.sources[len(SOURCE_NAMES) + 1] = {"id": 5, "name": "Old CRM (unused)", "type": "api"}
        for number, (name, _) in enumerate(GROUP_NAMES, start=1):
            state.groups[number] = {
                "id": number,
                "name": name,
                "description": f"{name} contacts",
                "created_at": STAMP.format(number),
                "updated_at": STAMP.format(number),
            }
        for index in range(contacts):
            state.contacts[1001 + index] = _contact(index)
        ids = sorted(state.contacts)
        for number, (_, size) in enumerate(GROUP_NAMES, start=1):
            for contact_id in sorted(rng.sample(ids, min(size, len(ids)))):
                state.contacts[contact_id]["group_id"].append(number)
        return state

    def add_big_group(self, size: int, name: str = "Everyone (big)") -> int:
        """A group of `size` contacts (created as needed), for tests and benchmarks at scale."""
        number = max(self.groups) + 1
        self.groups[number] = {
            "id": number,
            "name": name,
            "description": f"{size:,} contacts",
            "created_at": STAMP.format(1),
            "updated_at": STAMP.format(1),
        }
        for index in range(len(self.contacts), size):
            self.contacts[1001 + index] = _contact(index)
        for contact_id in sorted(self.contacts)[:size]:
            self.contacts[contact_id]["group_id"].append(number)
        return number

    def members_of(self, group_id: int) -> list[dict[str, Any]]:
        return [c for c in self.contacts.values() if group_id in c["group_id"]]

    def group_view(self, group: dict[str, Any]) -> dict[str, Any]:
        return {**group, "contacts_count": len(self.members_of(group["id"]))}

    def contact_view(self, contact: dict[str, Any]) -> dict[str, Any]:
        """A contact as answered, its names under `name_fields`."""
        first, last = self.name_fields
        view = {k: v for k, v in contact.items() if k not in ("first_name", "last_name")}
        return {**view, first: contact["first_name"], last: contact["last_name"]}


def _contact(index: int) -> dict[str, Any]:
    first, last = people.name_of(index)
    return {
        "id": 1001 + index,
        "first_name": first,
        "last_name": last,
        "phone": people.us_phone_of(index),
        "email": people.email_of(index),
        "company": people.COMPANIES[index % len(people.COMPANIES)],
        "group_id": [],
        "source_id": 1 + index % len(SOURCE_NAMES),
        "created_at": STAMP.format(1 + index % 9),
    }


def _int(value: str | None, default: int, name: str, *, low: int = 1, high: int = 10**9) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ApiError(
            422, "VALIDATION_ERROR", "The given data was invalid.", {name: ["Must be an integer."]}
        ) from None
    if not low <= number <= high:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "The given data was invalid.",
            {name: [f"Must be between {low} and {high}."]},
        )
    return number


def _page(request: Request, items: list[dict[str, Any]]) -> JSONResponse:
    page = _int(request.query_params.get("page"), 1, "page")
    per_page = _int(request.query_params.get("per_page"), 15, "per_page", high=100)
    sort = request.query_params.get("sort", "")
    if sort:
        key = sort.lstrip("-")
        items = sorted(items, key=lambda item: str(item.get(key, "")), reverse=sort.startswith("-"))
    total = len(items)
    last_page = max(1, -(-total // per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    return JSONResponse(
        {
            "success": True,
            "data": chunk,
            "meta": {
                "current_page": page,
                "last_page": last_page,
                "per_page": per_page,
                "total": total,
            },
        }
    )


def _search(items: list[dict[str, Any]], text: str, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    needle = text.lower()
    return [i for i in items if any(needle in str(i.get(k, "")).lower() for k in keys)]


def _id_list(body: dict[str, Any], key: str) -> list[int]:
    ids = body.get(key)
    if (
        not isinstance(ids, list)
        or not ids
        or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            "The given data was invalid.",
            {key: [f"The {key} field must be a non-empty array of integers."]},
        )
    return ids


def build(state: RaslState) -> Starlette:
    def group_or_404(request: Request) -> dict[str, Any]:
        group = state.groups.get(_int(request.path_params["group_id"], 0, "id", low=0))
        if group is None:
            raise ApiError(404, "NOT_FOUND", "Group not found.")
        return group

    async def account(request: Request) -> JSONResponse:
        require_scope(request, "account:read")
        return JSONResponse(
            {
                "success": True,
                "data": {
                    "id": 42,
                    "name": "Harbour Community Trust",
                    "subdomain": "harbour",
                    "status": "active",
                    "created_at": "2025-01-12T10:00:00Z",
                },
            }
        )

    async def limits(request: Request) -> JSONResponse:
        require_scope(request, "account:read")
        limit = state.calls_per_minute
        return JSONResponse(
            {
                "success": True,
                "data": {
                    "limits": {
                        "api_calls_per_minute": {
                            "limit": limit,
                            "feature_name": "API calls per minute",
                            "is_unlimited": limit == -1,
                        }
                    }
                },
            }
        )

    async def groups(request: Request) -> JSONResponse:
        require_scope(request, "groups:read")
        items = [state.group_view(g) for g in state.groups.values()]
        if search := request.query_params.get("search"):
            items = _search(items, search, ("name", "description"))
        return _page(request, items)

    async def group(request: Request) -> JSONResponse:
        require_scope(request, "groups:read")
        return JSONResponse({"success": True, "data": state.group_view(group_or_404(request))})

    async def contacts(request: Request) -> JSONResponse:
        require_scope(request, "contacts:read")
        items = list(state.contacts.values())
        query = request.query_params
        if (group_id := query.get("filter[group_id]")) is not None:
            wanted = _int(group_id, 0, "filter.group_id", low=0)
            items = [c for c in items if wanted in c["group_id"]]
        if (source_id := query.get("filter[source_id]")) is not None:
            wanted = _int(source_id, 0, "filter.source_id", low=0)
            items = [c for c in items if c["source_id"] == wanted]
        items = [state.contact_view(c) for c in items]
        if search := query.get("search"):
            items = _search(items, search, (*state.name_fields, "email", "phone", "company"))
        return _page(request, items)

    async def group_contacts(request: Request) -> JSONResponse:
        """DELETE or POST a group's contacts: the answer counts only those removed (added);
        the rest are skipped silently, as documented. What POST does with an id that is no
        contact (deleted, or another tenant's) is not documented: skipped and not counted
        here, as DELETE does with them."""
        require_scope(request, "groups:write")
        group = group_or_404(request)
        ids = _id_list(await json_body(request), "contact_ids")
        changed = 0
        for contact_id in dict.fromkeys(ids):
            contact = state.contacts.get(contact_id)
            if contact is None:
                continue
            if request.method == "DELETE" and group["id"] in contact["group_id"]:
                contact["group_id"].remove(group["id"])
                state.removals.append((group["id"], contact_id))
                changed += 1
            elif request.method == "POST" and group["id"] not in contact["group_id"]:
                contact["group_id"].append(group["id"])
                changed += 1
        key = "contacts_removed" if request.method == "DELETE" else "contacts_added"
        return JSONResponse(
            {
                "success": True,
                "data": {"group_id": group["id"], key: changed},
                "meta": {"request_id": f"req_{sum(ids) % 99991}", "timestamp": STAMP.format(9)},
            }
        )

    async def delete_contacts(request: Request) -> JSONResponse:
        require_scope(request, "contacts:delete")
        ids = _id_list(await json_body(request), "ids")
        unique = list(dict.fromkeys(ids))
        deleted = [i for i in unique if state.contacts.pop(i, None) is not None]
        summary = {
            "total": len(unique),
            "deleted": len(deleted),
            "failed": len(unique) - len(deleted),
        }
        return JSONResponse({"success": True, "summary": summary})

    async def sources(request: Request) -> JSONResponse:
        require_scope(request, "contacts:read")
        items = [
            {
                **s,
                "contacts_count": sum(
                    1 for c in state.contacts.values() if c["source_id"] == s["id"]
                ),
            }
            for s in state.sources.values()
        ]
        return _page(request, items)

    async def delete_source(request: Request) -> JSONResponse:
        require_scope(request, "sources:write")
        source_id = _int(request.path_params["source_id"], 0, "id", low=0)
        if source_id not in state.sources:
            raise ApiError(404, "NOT_FOUND", "Source not found.")
        in_use = sum(1 for c in state.contacts.values() if c["source_id"] == source_id)
        if in_use:
            raise ApiError(
                409,
                "RESOURCE_CONFLICT",
                f"Cannot delete source: {in_use} contacts are still using it.",
                {"contacts_count": in_use},
            )
        del state.sources[source_id]
        return JSONResponse({"success": True, "data": None, "message": "Source deleted."})

    return Starlette(
        routes=[
            Route("/account", account),
            Route("/account/limits", limits),
            Route("/groups", groups),
            Route("/groups/{group_id}", group),
            Route("/groups/{group_id}/contacts", group_contacts, methods=["DELETE", "POST"]),
            Route("/contacts", contacts),
            Route("/contacts/batch", delete_contacts, methods=["DELETE"]),
            Route("/sources", sources),
            Route("/sources/{source_id}", delete_source, methods=["DELETE"]),
        ]
    )
