"""The demo's WhatsApp, as the fake WaSend serves it: three sessions (one waiting for its QR
code), six groups (in one the session's number is no admin), a community of three groups
(Plot Holders lists two members by a privacy id with no phone; Seed Swap's list comes back
short), and their fictional people, in the shapes the official SDK requires."""

from __future__ import annotations

import random
from typing import Any

from providers.sandbox import people
from providers.sandbox.wasend.state import WaSendState

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
#: a WhatsApp community of the Events team: its parent, then the groups linked to it (the
#: announcement group first, which every member of the community is in), with sizes
COMMUNITY = "Riverside Allotments"
LINKED = (("Announcements", 40), ("Plot Holders", 24), ("Seed Swap", 30))
#: members of Plot Holders listed by a privacy id whose phone WhatsApp does not give
PHONE_UNKNOWN = 2
#: Seed Swap's participant list comes back with only this many (as after WhatsApp's move
#: to privacy ids, when lists lagged for days)
SEED_SWAP_LISTS = 17


def seeded(number: int = 23) -> WaSendState:
    """A fake WhatsApp holding the demo's sessions, groups and community."""
    return seed(WaSendState(), number)


def seed(state: WaSendState, seed: int = 23) -> WaSendState:
    """The demo's WhatsApp, drawn from a seeded generator: the same on every run."""
    rng = random.Random(seed)
    for session_id, name, phone in (*SESSIONS, UNLINKED):
        state.sessions[session_id] = session_entry(session_id, name, phone)
        state.groups[session_id] = {}
    state.set_status(UNLINKED[0], "SCAN_QR_CODE")
    for session_id, name, size, we_are_admin in GROUPS:
        tag = rng.randrange(10**6)
        indices = sorted(rng.sample(range(10, 1000), size - 1))
        state.add_group(session_id, name, crowd(indices), tag, admin=we_are_admin)
    seed_community(state, rng)
    return state


def seed_community(state: WaSendState, rng: random.Random) -> None:
    """The community: every member in its announcement group, some in the other groups;
    its parent lists them all. Plot Holders lists two by privacy id with no phone, and
    Seed Swap's list comes back short."""
    everyone = sorted(rng.sample(range(10, 1000), LINKED[0][1] - 1))
    parent = state.add_group(
        "sess_events", COMMUNITY, crowd(everyone), rng.randrange(10**6), isParent=True
    )
    for name, size in LINKED:
        chosen = everyone[:1] + sorted(rng.sample(everyone[1:], size - 2))
        if name == LINKED[0][0]:
            chosen = everyone
        members = crowd(chosen)
        fields: dict[str, Any] = {"linkedParentJid": parent["jid"]}
        if name == LINKED[0][0]:
            fields["isDefaultSubGroup"] = True
        if name == "Plot Holders":
            for number in range(PHONE_UNKNOWN):
                pid = f"{81000000000 + number * 7919}@lid"
                members[pid] = privacy_only(pid)
        if name == "Seed Swap":
            fields["lists_at_most"] = SEED_SWAP_LISTS
        state.add_group("sess_events", name, members, rng.randrange(10**6), **fields)


def crowd(indices: list[int]) -> dict[str, dict[str, Any]]:
    """The participants of a group, from the sandbox's fictional people: the first is its
    owner, every 40th an admin, every 9th listed by a privacy id, every 6th with no name."""
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
            "isAdmin": position == 0 or position % 40 == 7,
            "isSuperAdmin": position == 0,
            "displayName": f"{first} {last}" if position % 6 else None,
        }
    return participants


def privacy_only(pid: str) -> dict[str, Any]:
    """A member WhatsApp lists by a privacy id only: its phone is not given (`pn: null`)."""
    return {
        "jid": pid,
        "phoneNumber": None,
        "lid": pid,
        "isAdmin": False,
        "isSuperAdmin": False,
        "displayName": None,
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
