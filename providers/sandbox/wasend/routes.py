"""The fake WaSend's HTTP paths, documented and the SDK's, over a `WaSendState`."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.sandbox.gate import ApiError, json_body
from providers.sandbox.wasend import invites
from providers.sandbox.wasend.state import OVERLIMIT, WaSendState

JID = re.compile(r"^\d{5,20}@(s\.whatsapp\.net|c\.us|lid)$")
#: what a group holds for the fake alone, never shown
INTERNAL = ("participants", "admin", "our_jid", "lists_at_most")
NOT_WORKING = "Session status is not as expected: {status}. Reconnect the phone, then retry."


def shape_error(error: ApiError) -> dict[str, Any]:
    return {
        "success": False,
        "statusCode": error.status,
        "error": error.code,
        "message": error.message,
    }


def rate_limited(retry_after: float) -> ApiError:
    return ApiError(429, "Too Many Requests", "Rate limit exceeded.")


def other_form(members: dict[str, dict[str, Any]], wanted: str) -> str:
    """The id a member is listed by when asked for by the other form (phone JID vs LID)."""
    if wanted in members:
        return ""
    digits = wanted.split("@", 1)[0]
    return next(
        (pid for pid, p in members.items() if (p["phoneNumber"] or "").lstrip("+") == digits), ""
    )


def sdk_participant(participant: dict[str, Any]) -> dict[str, Any]:
    """The SDK's optional fields (`lid`, `displayName`) are left out when empty, not null; its
    `phoneNumber` is a string, empty when WhatsApp does not give the phone."""
    shaped = {k: v for k, v in participant.items() if v is not None}
    shaped.setdefault("phoneNumber", "")
    return shaped


def build(state: WaSendState) -> Starlette:
    def session_or_404(request: Request) -> dict[str, dict[str, Any]]:
        session_id = request.path_params["session"]
        groups = state.groups.get(session_id)
        if groups is None:
            raise ApiError(404, "Not Found", "Session not found.")
        if (status := state.status(session_id)) != "WORKING":
            raise ApiError(422, "Unprocessable Entity", NOT_WORKING.format(status=status))
        return groups

    def group_or_404(request: Request) -> dict[str, Any]:
        group = session_or_404(request).get(request.path_params["group"])
        if group is None:
            raise ApiError(404, "Not Found", "Group not found in this session.")
        return group

    def as_listed(participant: dict[str, Any]) -> dict[str, Any]:
        """A participant as the SDK types it, or as the documentation shows it (an unknown
        phone as null)."""
        return sdk_participant(participant) if state.shapes.lists == "sdk" else participant

    def group_view(group: dict[str, Any], with_participants: bool) -> dict[str, Any]:
        """Every field of the SDK's `Group` and the documented ones (`id`, `subject`,
        `owner`, `size`) beside them; participants as the SDK types them (`lid` absent, not
        null, when there is none)."""
        view = {k: v for k, v in group.items() if k not in INTERNAL}
        view["size"] = len(group["participants"])
        view["participants"] = (
            [as_listed(p) for p in state.listed(group)] if with_participants else []
        )
        return view

    async def sessions(request: Request) -> JSONResponse:
        return JSONResponse({"sessions": list(state.sessions.values())})

    async def groups(request: Request) -> JSONResponse:
        query = request.query_params
        try:
            limit = int(query.get("limit", "50"))
            offset = int(query.get("offset", "0"))
        except ValueError:
            raise ApiError(400, "Bad Request", "limit and offset must be integers.") from None
        items = list(session_or_404(request).values())
        state.read(request.path_params["session"])
        if search := query.get("search", "").lower():
            items = [g for g in items if search in g["subject"].lower()]
        with_participants = "participants" not in query.get("exclude", "")
        chunk = [group_view(g, with_participants) for g in items[offset : offset + limit]]
        if state.shapes.lists == "sdk":
            return JSONResponse(chunk)
        pagination = {
            "total": len(items),
            "limit": limit,
            "offset": offset,
            "hasMore": offset + limit < len(items),
        }
        return JSONResponse({"groups": chunk, "pagination": pagination})

    async def count(request: Request) -> JSONResponse:
        items = session_or_404(request)
        return JSONResponse({"total": len(items), "byStatus": {"active": str(len(items))}})

    async def group(request: Request) -> JSONResponse:
        found = group_or_404(request)
        state.read(request.path_params["session"])
        return JSONResponse(group_view(found, True))

    async def participants(request: Request) -> JSONResponse:
        found = group_or_404(request)
        state.read(request.path_params["session"])
        listed = [as_listed(p) for p in state.listed(found)]
        if state.shapes.lists == "sdk":
            return JSONResponse(listed)
        return JSONResponse({"success": True, "participants": listed})

    async def change(request: Request, removing: bool) -> tuple[dict[str, Any], list[str]]:
        group = group_or_404(request)
        body = await json_body(request)
        ids = body.get("participants")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise ApiError(400, "Bad Request", "participants must be a non-empty array of ids.")
        if bad := [i for i in ids if not JID.match(i)]:
            raise ApiError(400, "Bad Request", f"Invalid participant id: {bad[0]}")
        if not group["admin"]:
            raise ApiError(403, "Forbidden", "This session is not an admin of the group.")
        if removing:
            members = group["participants"]
            for wanted in ids:
                if listed := other_form(members, wanted):
                    form = "LID" if listed.endswith("@lid") else "phone"
                    raise ApiError(
                        400,
                        "Bad Request",
                        f"{wanted}: this member is listed by its {form} in this group "
                        f"({group['addressingMode']} addressing mode); use that id.",
                    )
            if missing := [i for i in ids if i not in members]:
                raise ApiError(422, "Unprocessable Entity", f"{missing[0]} is not a participant.")
            if owner := [i for i in ids if members[i]["isSuperAdmin"]]:
                raise ApiError(422, "Unprocessable Entity", f"{owner[0]} is the group owner.")
        return group, list(dict.fromkeys(ids))

    async def remove(request: Request) -> JSONResponse:
        """DELETE .../participants (the docs) answers who left; POST .../remove (the SDK)
        answers nothing more than success. Either can be switched off to test fallbacks."""
        documented = request.method == "DELETE"
        if documented and "docs" not in state.shapes.remove_paths:
            raise ApiError(405, "Method Not Allowed", "Cannot DELETE this path.")
        if not documented and "sdk" not in state.shapes.remove_paths:
            raise ApiError(404, "Not Found", "Cannot POST this path.")
        group, ids = await change(request, removing=True)
        session_id = request.path_params["session"]
        odd = state.misbehaviour
        if odd.hold_after is not None and len(state.removals) >= odd.hold_after:
            odd.held_in = asyncio.get_running_loop()
            odd.holding.set()
            await odd.release.wait()
        if odd.overlimit_after is not None and len(state.removals) >= odd.overlimit_after:
            raise ApiError(500, "Internal Server Error", OVERLIMIT)
        state.remember_before_change(group)
        for pid in ids:
            del group["participants"][pid]
            state.removals.append((group["jid"], pid))
        if odd.disconnect_after is not None and len(state.removals) >= odd.disconnect_after:
            state.set_status(session_id, "SCAN_QR_CODE")
        if not documented:
            return JSONResponse({"success": True})
        return JSONResponse(
            {"success": True, "removed": [{"id": i} for i in ids], "message": "Removed."}
        )

    async def add(request: Request) -> JSONResponse:
        """`data.added` and `data.failed`, each with a reason, as documented; the reasons'
        words are not documented, so these are the sandbox's own."""
        group, ids = await change(request, removing=False)
        state.remember_before_change(group)
        added, failed = [], []
        for pid in ids:
            if pid in group["participants"]:
                failed.append({"id": pid, "reason": "already a participant"})
                continue
            if pid in state.off_whatsapp:
                failed.append({"id": pid, "reason": "not on WhatsApp (the account was deleted)"})
                continue
            digits = pid.split("@")[0]
            group["participants"][pid] = {
                "jid": pid,
                "phoneNumber": f"+{digits}",
                "lid": pid if pid.endswith("@lid") else None,
                "isAdmin": False,
                "isSuperAdmin": False,
                "displayName": None,
            }
            added.append({"id": pid, "reason": "added"})
        return JSONResponse({"success": True, "data": {"added": added, "failed": failed}})

    return Starlette(
        routes=[
            Route("/sessions", sessions),
            Route("/{session}/groups", groups),
            Route("/{session}/groups/count", count),
            Route("/{session}/groups/{group}", group),
            Route("/{session}/groups/{group}/info", group),
            Route(
                "/{session}/groups/{group}/participants",
                participants,
                methods=["GET"],
            ),
            Route(
                "/{session}/groups/{group}/participants",
                remove,
                methods=["DELETE"],
            ),
            Route("/{session}/groups/{group}/participants/remove", remove, methods=["POST"]),
            Route("/{session}/groups/{group}/participants/add", add, methods=["POST"]),
            *invites.routes(group_or_404),
        ]
    )
