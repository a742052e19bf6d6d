"""The shapes the official WaSend SDK (`wasend` 1.3.3, `@wasend/core`) requires of the API's
answers, written from its published TypeScript types (`lib/sessions.d.ts`,
`lib/groups.d.ts`). The SDK checks every answer against these types at run time and fails
on a missing required field or a wrong type, so the sandbox must satisfy them.

Strict models: a number where the SDK wants a string fails here as it fails there. Extra
fields are allowed, as they are by the SDK.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class SessionMetadata(Strict):
    userId: str
    userEmail: str


class NowebStoreConfig(Strict):
    enabled: bool
    fullSync: bool


class NowebConfig(Strict):
    markOnline: bool
    store: NowebStoreConfig


class SessionConfig(Strict):
    metadata: SessionMetadata
    proxy: Any
    debug: bool
    noweb: NowebConfig
    webhooks: list[Any]


class GrpcStatus(Strict):
    client: str
    stream: str


class GowsStatus(Strict):
    found: bool
    connected: bool


class EngineStatus(Strict):
    grpc: GrpcStatus
    gows: GowsStatus


class SessionDetails(Strict):
    id: str
    uniqueSessionId: str
    userId: str
    sessionName: str
    phoneNumber: str
    enableAccountProtection: bool
    enableMessageLogging: bool
    enableWebhook: bool
    webhookUrl: str | None = None
    createdAt: str
    updatedAt: str


class DownstreamInfo(Strict):
    name: str
    status: str
    config: SessionConfig
    engine: EngineStatus


class SessionListItem(Strict):
    session: SessionDetails
    downstream: DownstreamInfo


class GetAllSessionsResponse(Strict):
    sessions: list[SessionListItem]


class GroupParticipant(Strict):
    jid: str
    phoneNumber: str
    lid: str | None = None
    isAdmin: bool
    isSuperAdmin: bool
    displayName: str | None = None
    error: int | None = None
    addRequest: Any = None


class Group(Strict):
    jid: str
    ownerJid: str
    ownerPn: str
    name: str
    nameSetAt: str
    nameSetBy: str
    nameSetByPn: str
    topic: str
    topicId: str
    topicSetAt: str
    topicSetBy: str
    topicSetByPn: str
    topicDeleted: bool
    isLocked: bool
    isAnnounce: bool
    announceVersionId: str
    isEphemeral: bool
    disappearingTimer: int
    isIncognito: bool
    isParent: bool
    defaultMembershipApprovalMode: str
    linkedParentJid: str
    isDefaultSubGroup: bool
    isJoinApprovalRequired: bool
    addressingMode: str
    groupCreated: str
    creatorCountryCode: str
    participantVersionId: str
    participants: list[GroupParticipant]
    memberAddMode: str


class CountResponse(Strict):
    total: int
    byStatus: dict[str, str] | None = None
