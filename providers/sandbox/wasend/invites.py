"""WaSend's invite links, apart from the rest of the fake: each group has one, and revoking
it makes a new one. The SDK's `getGroupInviteCode` (GET `/{session}/groups/{group}/
invite-code`) and `revokeGroupInviteCode` (POST `.../invite-code/revoke`) both answer the
link as a bare JSON string, which is what their `Promise<string>` reads."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.sandbox.gate import ApiError

LINK = "https://chat.whatsapp.com/{code}"


def routes(group_of: Callable[[Request], dict[str, Any]]) -> list[Route]:
    """The two routes, over the groups `group_of` finds (404 for one that is not there)."""
    links: dict[str, str] = {}

    def link(group: dict[str, Any]) -> str:
        return links.setdefault(group["jid"], LINK.format(code=secrets.token_urlsafe(16)))

    async def current(request: Request) -> JSONResponse:
        return JSONResponse(link(group_of(request)))

    async def revoke(request: Request) -> JSONResponse:
        """The old link stops working: a new one is made and answered."""
        group = group_of(request)
        if not group["admin"]:
            raise ApiError(403, "Forbidden", "This session is not an admin of the group.")
        links[group["jid"]] = LINK.format(code=secrets.token_urlsafe(16))
        return JSONResponse(link(group))

    return [
        Route("/{session}/groups/{group}/invite-code", current, methods=["GET"]),
        Route("/{session}/groups/{group}/invite-code/revoke", revoke, methods=["POST"]),
    ]
