"""A fake of WaSend: sessions (phone numbers) and the real WhatsApp groups under each.

It answers both the documented paths and the SDK's. Lists come in the SDK's shapes by
default (bare arrays, every field of its published types, which is what the real API sends
the SDK), or in the documented envelopes when told, because the two disagree (PROVIDERS.md).
It plays what WhatsApp's groups really do (the demo's are in `wasend_demo`): a group whose
number is not an admin, a community, members listed by a privacy id whose phone is unknown, a
group whose participant list comes back short. It can also misbehave the way WhatsApp does:
a session that disconnects, a participant list that lags behind a change, "rate-overlimit"
on removals, and on reads that come faster than a pace.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.sandbox import wasend_demo as demo
from providers.sandbox import wasend_invites
from providers.sandbox.gate import ApiError, json_body
from providers.sandbox.wasend_demo import SDK_GROUP_DEFAULTS

JID = re.compile(r"^\d{5,20}@(s\.whatsapp\.net|c\.us|lid)$")
#: what a group holds for the fake alone, never shown
INTERNAL = ("participants", "admin", "our_jid", "lists_at_most")


def shape_error(error: ApiError) -> dict[str, Any]:
    return {
        "success": False,
        "statusCode": error.status,
        "error": error.code,
        "message": error.message,
    }


def rate_limited(retry_after: float) -> ApiError:
    return ApiError(429, "Too Many Requests", "Rate limit exceeded.")


NOT_WORKING = "Session status is not as expected: {status}. Reconnect the phone, then retry."
OVERLIMIT = "rate-overlimit"


@dataclass
class Shapes:
    """Which of the disagreeing forms the fake speaks right now."""

    #: "sdk": groups and participants as bare arrays; "docs": {"groups", "pagination"} and
    #: {"success", "participants"}
    lists: str = "sdk"
    remove_paths: frozenset[str] = frozenset({"docs", "sdk"})


@dataclass
class Misbehaviour:
    """WhatsApp's ways of saying no, switched on by tests and `sandbox serve`."""

    #: participant reads after a change that still show the list from before it
    stale_reads: int = 0
    #: removals after which the session drops (its phone went offline): later calls get 422
    disconnect_after: int | None = None
    #: removals after which WhatsApp answers "rate-overlimit" (as a 500, as WAHA passes it)
    overlimit_after: int | None = None
    #: removals after which the next one is held unanswered until `release` is set: a run
    #: caught mid-flight, for pictures and tests
    hold_after: int | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    #: set once a removal is being held: it has reached WhatsApp and waits for `release`
    holding: asyncio.Event = field(default_factory=asyncio.Event)
    #: the event loop the held removal waits in (see `let_go`)
    held_in: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    #: group and participant reads of one session closer than this many seconds (by the
    #: state's clock) get "rate-overlimit", as WhatsApp answers reads that come too fast
    read_gap: float | None = None

    def let_go(self) -> None:
        """Answer the held removal, from any thread: a sandbox served on a loopback port
        runs in a thread and an event loop of its own."""
        loop = self.held_in
        if loop is None:
            self.release.set()
        else:
            loop.call_soon_threadsafe(self.release.set)


@dataclass
class WaSendState:
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    shapes: Shapes = field(default_factory=Shapes)
    misbehaviour: Misbehaviour = field(default_factory=Misbehaviour)
    removals: list[tuple[str, str]] = field(default_factory=list)  # (group, participant)
    #: the participant lists and groups read, by session (counted whether refused or not)
    reads: dict[str, int] = field(default_factory=dict)
    #: what `Misbehaviour.read_gap` is measured by (tests give a clock of their own)
    clock: Callable[[], float] = time.monotonic
    #: people whose WhatsApp account was deleted: an add names them as failed
    off_whatsapp: set[str] = field(default_factory=set)
    _stale: dict[str, tuple[int, list[dict[str, Any]]]] = field(default_factory=dict)
    _last_read: dict[str, float] = field(default_factory=dict)

    def adopt(self, group_name: str, digits: str, name: str, *, private: bool = False) -> str:
        """Put a person (known to the other sandbox accounts) in a group in place of its last
        plain participant, so that the group's size stays; returns the id they are listed by."""
        group = next(
            g
            for groups in self.groups.values()
            for g in groups.values()
            if g["subject"] == group_name
        )
        participants = group["participants"]
        last = next(
            pid
            for pid, p in reversed(participants.items())
            if not p["isAdmin"] and pid != group["our_jid"]
        )
        pid = (
            f"{80000000000 + int(digits[-6:]) * 37}@lid" if private else f"{digits}@s.whatsapp.net"
        )
        person = {
            "jid": pid,
            "phoneNumber": f"+{digits}",
            "lid": pid if private else None,
            "isAdmin": False,
            "isSuperAdmin": False,
            "displayName": name,
        }
        group["participants"] = {
            (pid if key == last else key): (person if key == last else value)
            for key, value in participants.items()
        }
        return pid

    def saved(self) -> dict[str, Any]:
        """Sessions and groups as JSON can hold them (the demo keeps them on disk)."""
        return {"sessions": self.sessions, "groups": self.groups}

    def restore(self, saved: dict[str, Any]) -> None:
        """Take the data `saved` gave, in place: the routes hold this object."""
        self.sessions, self.groups = saved["sessions"], saved["groups"]

    def set_status(self, session_id: str, status: str) -> None:
        """WORKING, STOPPED, STARTING, SCAN_QR_CODE or FAILED, as WAHA names them."""
        self.sessions[session_id]["downstream"]["status"] = status
        self.sessions[session_id]["session"]["status"] = status

    def status(self, session_id: str) -> str:
        return str(self.sessions[session_id]["downstream"]["status"])

    def remember_before_change(self, group: dict[str, Any]) -> None:
        """Keep the list as it was, to be served by the next `stale_reads` reads."""
        if self.misbehaviour.stale_reads and group["jid"] not in self._stale:
            listed = [dict(p) for p in group["participants"].values()]
            self._stale[group["jid"]] = (self.misbehaviour.stale_reads, listed)

    def listed(self, group: dict[str, Any]) -> list[dict[str, Any]]:
        """The participants a read shows: lagging behind a change, or cut short where the
        group's list comes back short."""
        left, before = self._stale.pop(group["jid"], (0, []))
        if left:
            if left > 1:
                self._stale[group["jid"]] = (left - 1, before)
            return before
        return list(group["participants"].values())[: group.get("lists_at_most")]

    def read(self, session_id: str) -> None:
        """Count a read of the session's groups; past the read pace, WhatsApp says no."""
        self.reads[session_id] = self.reads.get(session_id, 0) + 1
        gap, now = self.misbehaviour.read_gap, self.clock()
        last = self._last_read.get(session_id)
        self._last_read[session_id] = now
        if gap is not None and last is not None and now - last < gap:
            raise ApiError(500, "Internal Server Error", OVERLIMIT)

    def add_group(
        self,
        session_id: str,
        name: str,
        participants: dict[str, dict[str, Any]],
        tag: int,
        *,
        admin: bool = True,
        **fields: Any,
    ) -> dict[str, Any]:
        """A group of the session, as the SDK's `Group` types it: the session's own number
        is in it (an admin or not), the owner is its first super admin; `tag` makes its id
        unique. Returns it."""
        groups = self.groups[session_id]
        number = sum(len(g) for g in self.groups.values()) + 1
        jid = f"1203634{number:05d}{tag:06d}@g.us"
        our_phone = self.sessions[session_id]["session"]["phoneNumber"].lstrip("+")
        ours = f"{our_phone}@s.whatsapp.net"
        participants[ours] = {
            "jid": ours,
            "phoneNumber": f"+{our_phone}",
            "lid": None,
            "isAdmin": admin,
            "isSuperAdmin": False,
            "displayName": "Us (this session)",
        }
        owner = next(p for p in participants.values() if p["isSuperAdmin"])
        created = f"2024-06-{number:02d}T10:00:00.000Z"
        groups[jid] = {
            **SDK_GROUP_DEFAULTS,
            "jid": jid,
            "id": jid,
            "subject": name,
            "name": name,
            "owner": owner["jid"],
            "ownerJid": owner["jid"],
            "ownerPn": (owner["phoneNumber"] or "").lstrip("+") + "@s.whatsapp.net",
            "nameSetAt": created,
            "nameSetBy": owner["jid"],
            "nameSetByPn": owner["phoneNumber"] or "",
            "groupCreated": created,
            "addressingMode": "lid" if number % 2 else "pn",
            "participantVersionId": f"{number}000",
            "status": "active",
            "creation": 1717000000 + number * 86400,
            "participants": participants,
            "admin": admin,
            "our_jid": ours,
            **fields,
        }
        return groups[jid]

    @classmethod
    def seeded(cls, seed: int = 23) -> WaSendState:
        """The demo's sessions, groups and community (`wasend_demo`)."""
        return demo.seed(cls(), seed)


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
            *wasend_invites.routes(group_or_404),
        ]
    )
