"""The provider-neutral vocabulary that the engine, the journal and the app share.

Plain frozen dataclasses: our own code builds them from answers that each adapter's answers
module has already validated, where strangers' data comes in. So nothing here loads a
validator, and the first screen does not wait for one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Provider(StrEnum):
    RASL = "rasl"
    WASEND = "wasend"
    AUTOSEND = "autosend"

    @property
    def label(self) -> str:
        return {"rasl": "RASL", "wasend": "WaSend", "autosend": "AutoSend"}[self.value]


class ContainerKind(StrEnum):
    GROUP = "group"
    SOURCE = "source"
    CONTACT_BOOK = "contact-book"
    LIST = "list"
    SEGMENT = "segment"
    #: a WhatsApp community: the parent of the groups linked to it
    COMMUNITY = "community"


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"


class Operation(StrEnum):
    """What a removal does to the members it names."""

    REMOVE_FROM_CONTAINER = "remove"
    DELETE_CONTACTS = "delete-contacts"
    DELETE_SOURCE = "delete-source"
    ADD_BACK = "add-back"


class Outcome(StrEnum):
    REMOVED = "removed"
    ALREADY_ABSENT = "absent"
    PROTECTED = "protected"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    RESTORED = "restored"
    #: an undo found them in the container already: nothing was added for them
    ALREADY_PRESENT = "present"
    WOULD_REMOVE = "would-remove"
    #: out of the container, but the provider answered with a count that a concurrent change
    #: makes ambiguous: whether this job or someone else took them out is not known
    GONE = "gone"
    #: GONE's twin for an undo: in the container again, but whether this job or someone else
    #: put them back, the provider's count does not tell
    BACK = "back"


#: The one table of what each state of a member in a job is called, glyph first, so that a
#: state reads the same in the app, the shell and a report, with or without colour.
STATE_WORDS = {
    "pending": "… pending",
    "sending": "→ sending",
    Outcome.REMOVED.value: "✓ removed",
    Outcome.ALREADY_ABSENT.value: "∅ already absent",
    Outcome.GONE.value: "◌ gone (by whom unknown)",
    Outcome.PROTECTED.value: "⊘ protected",
    Outcome.FAILED.value: "✗ failed",
    Outcome.CANCELLED.value: "– cancelled",
    Outcome.UNKNOWN.value: "? unknown",
    Outcome.RESTORED.value: "↺ restored",
    Outcome.ALREADY_PRESENT.value: "● already there",
    Outcome.BACK.value: "◍ back (by whom unknown)",
    Outcome.WOULD_REMOVE.value: "○ would remove",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    """Who a token belongs to: the answer of the cheap token check."""

    account_id: str
    name: str
    detail: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Capabilities:
    """What an adapter can do, so the engine and the app never special-case a provider."""

    max_batch: int
    requests_per_second: float
    reports_each_member: bool
    can_undo: bool
    can_delete_contacts: bool = False
    can_delete_sources: bool = False
    #: members one read returns: what reading a whole container costs, in calls
    page_size: int = 100
    #: calls a job may have in flight at once (WhatsApp: one, a person's pace)
    parallel_calls: int = 4
    #: members a day one scope (a WhatsApp session) may have sent; 0 is no budget
    daily_budget: int = 0
    #: failed removals in a row after which a job pauses (a pattern WhatsApp flags); 0 never
    pause_after_failures: int = 0
    #: the shortest and longest gap between writes, in seconds ((0, 0) when unpaced)
    write_gaps: tuple[float, float] = (0.0, 0.0)
    #: in plain words, the risk of a pace this account was set to, faster than the safe one
    pace_risk: str = ""
    #: why the pace in force is not the account's usual one, a sentence each (WhatsApp: the
    #: gap doubled for the day after "slow down", a new number's smaller budget)
    pace_notes: tuple[str, ...] = ()
    #: what removing an admin takes, in words, where the provider has rules for it
    admin_rule: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Container:
    """A group, source, contact list, segment or whole contact book."""

    id: str
    name: str
    kind: ContainerKind
    member_count: int | None = None
    read_only: bool = False
    read_only_reason: str = ""
    #: `read_only_reason` in a word or two, for a table's cell ("" reads "read-only")
    read_only_word: str = ""
    #: WaSend: the session the group lives under
    parent: str = ""
    description: str = ""
    #: the state of what it lives under, in words, where the provider has one (a WhatsApp
    #: session: working, unlinked, disconnected); jobs start only when it is "working"
    status: str = ""
    #: the id of the WhatsApp community a group is linked to ("" when none; a community's own
    #: id on the community itself)
    community: str = ""

    @property
    def where(self) -> str:
        """Its name as a person finds it: under its session where it has one."""
        return f"{self.parent} / {self.name}" if self.parent else self.name

    @property
    def read_only_said(self) -> str:
        """Why nothing here can be removed, led by its word where it has one."""
        if self.read_only_word:
            return f"{self.read_only_word}: {self.read_only_reason}"
        return self.read_only_reason


@dataclass(frozen=True, slots=True)
class Member:
    """One person in a container, keyed by the exact id the provider listed.

    Slotted and positional: a list of 1,000,000 is held in memory, and this costs a third of
    what a validated model does. `address` is the phone, email or WhatsApp id as shown.
    """

    id: str
    name: str = ""
    address: str = ""
    role: Role = Role.MEMBER
    locked_reason: str = ""

    @property
    def locked(self) -> bool:
        return bool(self.locked_reason)

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "name": self.name,
            "address": self.address,
            "role": self.role.value,
            "locked_reason": self.locked_reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Member:
        return cls(
            id=data["id"],
            name=data.get("name", ""),
            address=data.get("address", ""),
            role=Role(data.get("role", Role.MEMBER.value)),
            locked_reason=data.get("locked_reason", ""),
        )


@dataclass(frozen=True, slots=True)
class MemberPage:
    """One page of a streamed member list; total is the provider's count when it gives one."""

    members: tuple[Member, ...]
    total: int | None = None
    #: how old the read is, in seconds, when it was kept and given again (None: read now)
    age: float | None = None
    #: why the list looks incomplete ("" when it looks whole): members not in it are unknown
    incomplete: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a person was found: a container of an account, and the member they are there."""

    container: Container
    member: Member


@dataclass(frozen=True, slots=True)
class Whereabouts:
    """Where a person was found in one account, and the places that could not be looked in
    (each says why in its `read_only_reason`), so that "nowhere" is never said blindly."""

    places: list[Place]
    unsearched: list[Container] = field(default_factory=list)
    #: places looked in that could not tell whether the person is there (a list that looks
    #: incomplete, members whose phone is unknown), each with why and a word for a cell
    unsure: list[Container] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberOutcome:
    member_id: str
    outcome: Outcome
    code: str = ""
    #: what happened, in our words and the provider's
    message: str = ""
    #: the provider's own words about this member, as it gave them ('' when it said none)
    said: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Estimate:
    """What a job will cost before it starts: calls at the account's pace, and time.

    `today` is how many members can be sent before a daily budget stops the job (None when
    there is no budget); the rest waits for a later day.
    """

    calls: int
    seconds: float
    today: int | None = None
    #: what the calls are, when it is not one a batch (e.g. one to remove, one to check)
    calls_are: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceDeletion:
    deleted: bool
    contacts_in_use: int = 0
    message: str = ""
