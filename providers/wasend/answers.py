"""What WaSend answers, in its documented shapes and the SDK's: read leniently, so that a
field one of them lacks or names differently never breaks a read."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, Field

from providers.http.adapter import Lenient
from providers.models import Container, ContainerKind

#: WAHA's names for a session's state, in words
SESSION_STATES = {
    "WORKING": "working",
    "SCAN_QR_CODE": "unlinked",
    "STARTING": "starting",
    "STOPPED": "disconnected",
    "FAILED": "failed",
}
WORKING = "working"


class SessionInfo(Lenient):
    id: str
    name: str = Field("", validation_alias=AliasChoices("sessionName", "name"))
    phone: str = Field("", validation_alias=AliasChoices("phoneNumber", "phone"))
    status: str = ""


class Downstream(Lenient):
    status: str = ""


class SessionEntry(Lenient):
    session: SessionInfo
    downstream: Downstream | None = None

    @property
    def state(self) -> str:
        """In words; the SDK's shape has it downstream, the documented one on the session."""
        raw = (self.downstream.status if self.downstream else "") or self.session.status
        return SESSION_STATES.get(raw.upper(), raw.lower().replace("_", " ")) if raw else WORKING


class Sessions(Lenient):
    sessions: list[SessionEntry]


class Participant(Lenient):
    jid: str = Field(validation_alias=AliasChoices("jid", "id"))
    phone: str | None = Field(None, validation_alias=AliasChoices("phoneNumber", "phone"))
    lid: str | None = None
    is_admin: bool = Field(False, validation_alias=AliasChoices("isAdmin", "admin"))
    is_owner: bool = Field(False, validation_alias=AliasChoices("isSuperAdmin", "superAdmin"))
    display_name: str | None = Field(None, validation_alias=AliasChoices("displayName", "name"))


class Group(Lenient):
    jid: str = Field(validation_alias=AliasChoices("jid", "id"))
    name: str = Field("", validation_alias=AliasChoices("name", "subject"))
    size: int | None = Field(None, validation_alias=AliasChoices("size", "participantsCount"))
    participants: list[Participant] | None = None
    #: a community: the parent of the groups linked to it
    is_parent: bool = Field(False, validation_alias=AliasChoices("isParent", "is_parent"))
    #: the community a group is linked to ("" when none)
    linked_parent: str = Field(
        "", validation_alias=AliasChoices("linkedParentJid", "linked_parent")
    )
    #: a community's announcement group, which every member of the community is in
    announcements: bool = Field(
        False, validation_alias=AliasChoices("isDefaultSubGroup", "announcements")
    )


class Pagination(Lenient):
    total: int | None = None
    has_more: bool | None = Field(None, validation_alias=AliasChoices("hasMore", "has_more"))


class GroupsPage(Lenient):
    """Either shape of the group list: the documented envelope, or the SDK's bare array."""

    groups: list[Group]
    pagination: Pagination = Field(default_factory=lambda: Pagination.model_validate({}))

    @classmethod
    def wrap(cls, body: Any) -> Any:
        return {"groups": body} if isinstance(body, list) else body


class Removed(Lenient):
    id: str


class RemoveAnswer(Lenient):
    removed: list[Removed] | None = None


class AddResult(Lenient):
    added: list[Removed] = []
    failed: list[dict[str, Any]] = []


class AddAnswer(Lenient):
    data: AddResult = AddResult()


def unreachable_session(session_id: str, where: str, state: str) -> Container:
    """A session that is not working lists no groups: one row says so, and takes no job."""
    return Container(
        id=f"{session_id}/",
        name="(groups not readable)",
        kind=ContainerKind.GROUP,
        read_only=True,
        read_only_reason=f"{where} is {state}: link its phone again in WaSend",
        parent=where,
        status=state,
    )
