"""What the fake WhatsApp holds: sessions, groups and their participants, the shapes it
answers in and the ways it misbehaves, as the tests and the demo set them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from providers.sandbox.gate import ApiError

#: what a removal answers when WhatsApp thinks the number goes too fast
OVERLIMIT = "rate-overlimit"

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
