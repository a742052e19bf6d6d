"""A fake of WaSend: sessions (phone numbers) and the real WhatsApp groups under each.

It answers both the documented paths and the SDK's. Lists come in the SDK's shapes by
default (bare arrays, every field of its published types, which is what the real API sends
the SDK), or in the documented envelopes when told, because the two disagree (PROVIDERS.md).
It can also misbehave the way WhatsApp does: a session that disconnects, a participant list
that lags behind a change, a "rate-overlimit" refusal.
"""

from __future__ import annotations

import asyncio
import random
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from providers.sandbox import people, wasend_invites
from providers.sandbox.gate import ApiError, json_body

JID = re.compile(r"^\d{5,20}@(s\.whatsapp\.net|c\.us|lid)$")
SESSIONS = (
    ("sess_front_desk", "Front desk", "447700900001"),
    ("sess_events", "Events team", "447700900002"),
)
#: a session whose phone was unlinked: it lists no groups until its QR code is scanned again
UNLINKED = ("sess_sales", "Sales line", "447700900003")
GROUPS = (
    ("sess_front_desk", "Harbour Runners", 248, True),
    ("sess_front_desk", "Book Club Thursdays", 37, True),
    ("sess_front_desk", "Parents Network", 980, True),
    ("sess_front_desk", "Staff Rota", 12, False),
    ("sess_events", "Summer Fair Helpers", 86, True),
    ("sess_events", "Choir", 54, True),
)


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


@dataclass
class WaSendState:
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    shapes: Shapes = field(default_factory=Shapes)
    misbehaviour: Misbehaviour = field(default_factory=Misbehaviour)
    removals: list[tuple[str, str]] = field(default_factory=list)  # (group, participant)
    #: people whose WhatsApp account was deleted: an add names them as failed
    off_whatsapp: set[str] = field(default_factory=set)
    _stale: dict[str, tuple[int, list[dict[str, Any]]]] = field(default_factory=dict)

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
        left, before = self._stale.pop(group["jid"], (0, []))
        if left:
            if left > 1:
                self._stale[group["jid"]] = (left - 1, before)
            return before
        return list(group["participants"].values())

    @classmethod
    def seeded(cls, seed: int = 23) -> WaSendState:
        rng = random.Random(seed)
        state = cls()
        for session_id, name, phone in (*SESSIONS, UNLINKED):
            state.sessions[session_id] = session_entry(session_id, name, phone)
            state.groups[session_id] = {}
        state.set_status(UNLINKED[0], "SCAN_QR_CODE")
        for number, (session_id, name, size, we_are_admin) in enumerate(GROUPS, start=1):
            jid = f"1203634{number:05d}{rng.randrange(10**6):06d}@g.us"
            our_phone = next(p for s, _, p in SESSIONS if s == session_id)
            indices = sorted(rng.sample(range(10, 1000), size - 1))
            owner_index = indices[0]
            participants: dict[str, dict[str, Any]] = {}
            for position, index in enumerate(indices):
                first, last = people.name_of(index + 5000)
                digits = people.uk_phone_digits_of(index)
                private = position % 9 == 4
                pid = f"{80000000000 + index * 37}@lid" if private else f"{digits}@s.whatsapp.net"
                participants[pid] = {
                    "jid": pid,
                    "phoneNumber": f"+{digits}",
                    "lid": pid if private else None,
                    "isAdmin": index == owner_index or position % 40 == 7,
                    "isSuperAdmin": index == owner_index,
                    "displayName": f"{first} {last}" if position % 6 else None,
                }
            ours = f"{our_phone}@s.whatsapp.net"
            participants[ours] = {
                "jid": ours,
                "phoneNumber": f"+{our_phone}",
                "lid": None,
                "isAdmin": we_are_admin,
                "isSuperAdmin": False,
                "displayName": "Us (this session)",
            }
            owner = next(p for p in participants.values() if p["isSuperAdmin"])
            created = f"2024-06-{number:02d}T10:00:00.000Z"
            state.groups[session_id][jid] = {
                **SDK_GROUP_DEFAULTS,
                "jid": jid,
                "id": jid,
                "subject": name,
                "name": name,
                "owner": owner["jid"],
                "ownerJid": owner["jid"],
                "ownerPn": owner["phoneNumber"].lstrip("+") + "@s.whatsapp.net",
                "nameSetAt": created,
                "nameSetBy": owner["jid"],
                "nameSetByPn": owner["phoneNumber"],
                "groupCreated": created,
                "addressingMode": "lid" if number % 2 else "pn",
                "participantVersionId": f"{number}000",
                "status": "active",
                "creation": 1717000000 + number * 86400,
                "participants": participants,
                "admin": we_are_admin,
                "our_jid": ours,
            }
        return state


#: The fields of the SDK's `Group` that say nothing this fake models, with plain values.
SDK_GROUP_DEFAULTS: dict[str, Any] = {
    "topic": "",
    "topicId": "",
    "topicSetAt": "",
    "topicSetBy": "",
    "topicSetByPn": "",
    "topicDeleted": False,
    "isLocked": False,
    "isAnnounce": False,
    "announceVersionId": "",
    "isEphemeral": False,
    "disappearingTimer": 0,
    "isIncognito": False,
    "isParent": False,
    "defaultMembershipApprovalMode": "",
    "linkedParentJid": "",
    "isDefaultSubGroup": False,
    "isJoinApprovalRequired": False,
    "creatorCountryCode": "44",
    "memberAddMode": "admin_add",
}


def session_entry(session_id: str, name: str, phone: str) -> dict[str, Any]:
    """A session as `GET /sessions` lists it: the SDK's `SessionListItem`, with the
    documented `status` beside it."""
    stamp = "2025-01-15T09:00:00.000Z"
    return {
        "session": {
            "id": session_id,
            "uniqueSessionId": f"u-{session_id}",
            "userId": "user_sandbox",
            "sessionName": name,
            "phoneNumber": f"+{phone}",
            "enableAccountProtection": True,
            "enableMessageLogging": False,
            "enableWebhook": False,
            "createdAt": stamp,
            "updatedAt": stamp,
            "status": "WORKING",
        },
        "downstream": {
            "name": session_id,
            "status": "WORKING",
            "config": {
                "metadata": {"userId": "user_sandbox", "userEmail": "support@example.com"},
                "proxy": None,
                "debug": False,
                "noweb": {"markOnline": False, "store": {"enabled": True, "fullSync": False}},
                "webhooks": [],
            },
            "engine": {
                "grpc": {"client": "READY", "stream": "READY"},
                "gows": {"found": True, "connected": True},
            },
        },
    }


def other_form(members: dict[str, dict[str, Any]], wanted: str) -> str:
    """The id a member is listed by when asked for by the other form (phone JID vs LID)."""
    if wanted in members:
        return ""
    digits = wanted.split("@", 1)[0]
    return next((pid for pid, p in members.items() if p["phoneNumber"].lstrip("+") == digits), "")


def sdk_participant(participant: dict[str, Any]) -> dict[str, Any]:
    """The SDK's optional fields (`lid`, `displayName`) are left out when empty, not null."""
    return {k: v for k, v in participant.items() if v is not None}


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

    def group_view(group: dict[str, Any], with_participants: bool) -> dict[str, Any]:
        """Every field of the SDK's `Group` and the documented ones (`id`, `subject`,
        `owner`, `size`) beside them; participants as the SDK types them (`lid` absent, not
        null, when there is none)."""
        view = {k: v for k, v in group.items() if k not in ("participants", "admin", "our_jid")}
        view["size"] = len(group["participants"])
        view["participants"] = (
            [sdk_participant(p) for p in state.listed(group)] if with_participants else []
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
        return JSONResponse(group_view(group_or_404(request), True))

    async def participants(request: Request) -> JSONResponse:
        listed = [sdk_participant(p) for p in state.listed(group_or_404(request))]
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
