"""The sandbox's WaSend answers against the official SDK's published types (kept in
`wasend_sdk.py`), and the adapter against both the SDK's shapes and the documented ones."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter, ValidationError

from providers.models import Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from tests.contracts import wasend_sdk as sdk
from tests.helpers import OpenAdapter

SESSION = "sess_events"


async def get(sandbox: Sandbox, path: str) -> Any:
    base = sandbox.base_url(Provider.WASEND, "http://sandbox")
    headers = {"Authorization": f"Bearer {TOKENS[Provider.WASEND]}"}
    async with httpx.AsyncClient(transport=sandbox.transport(), headers=headers) as client:
        response = await client.get(f"{base}{path}")
    response.raise_for_status()
    return response.json()


async def a_group_jid(sandbox: Sandbox) -> str:
    return next(iter(sandbox.wasend.groups[SESSION]))


async def test_sessions_answer_as_the_sdk_types_them(sandbox: Sandbox) -> None:
    sdk.GetAllSessionsResponse.model_validate(await get(sandbox, "/sessions"))


async def test_groups_list_count_one_group_and_participants(sandbox: Sandbox) -> None:
    jid = await a_group_jid(sandbox)
    TypeAdapter(list[sdk.Group]).validate_python(await get(sandbox, f"/{SESSION}/groups"))
    sdk.CountResponse.model_validate(await get(sandbox, f"/{SESSION}/groups/count"))
    group = sdk.Group.model_validate(await get(sandbox, f"/{SESSION}/groups/{jid}"))
    assert group.addressingMode in ("lid", "pn") and group.participants
    listed = TypeAdapter(list[sdk.GroupParticipant]).validate_python(
        await get(sandbox, f"/{SESSION}/groups/{jid}/participants")
    )
    assert any(p.lid for p in listed) and all(p.phoneNumber.startswith("+") for p in listed)


async def test_a_community_and_a_member_with_no_phone_as_the_sdk_types_them(
    sandbox: Sandbox,
) -> None:
    """The community's parent and its groups carry the SDK's own fields for it; a member
    WhatsApp lists by privacy id alone has an empty `phoneNumber` (the SDK wants a string),
    and a group whose list comes back short is still a `Group`."""
    groups = TypeAdapter(list[sdk.Group]).validate_python(await get(sandbox, f"/{SESSION}/groups"))
    (parent,) = [g for g in groups if g.isParent]
    linked = [g for g in groups if g.linkedParentJid == parent.jid]
    assert [g.name for g in linked if g.isDefaultSubGroup] == ["Announcements"]
    assert len(linked) == 3
    plots = next(g for g in linked if g.name == "Plot Holders")
    listed = TypeAdapter(list[sdk.GroupParticipant]).validate_python(
        await get(sandbox, f"/{SESSION}/groups/{plots.jid}/participants")
    )
    assert len([p for p in listed if p.phoneNumber == "" and p.lid]) == 2


async def test_the_schema_catches_what_the_sdk_refuses(sandbox: Sandbox) -> None:
    """The checks can fail: the documented envelopes and a numeric count are refused."""
    sandbox.wasend.shapes.lists = "docs"
    with pytest.raises(ValidationError):
        TypeAdapter(list[sdk.Group]).validate_python(await get(sandbox, f"/{SESSION}/groups"))
    with pytest.raises(ValidationError):
        sdk.CountResponse.model_validate({"total": 2, "byStatus": {"active": 2}})
    with pytest.raises(ValidationError):
        sdk.Group.model_validate({"jid": "1@g.us", "name": "no addressingMode"})


@pytest.mark.parametrize("shape", ["sdk", "docs"])
async def test_the_adapter_reads_both_shapes(
    sandbox: Sandbox, connect: OpenAdapter, shape: str
) -> None:
    sandbox.wasend.shapes.lists = shape
    adapter = connect(Provider.WASEND)
    groups = await adapter.containers()
    working = [g for g in groups if g.status == "working"]
    assert len(working) == 10  # six groups, and a community with its three
    (unlinked,) = [g for g in groups if g.status != "working"]
    assert unlinked.parent == "Sales line" and unlinked.status == "unlinked"
    assert unlinked.read_only and "link its phone again" in unlinked.read_only_reason
    assert {g.name: g.member_count for g in groups}["Parents Network"] == 980
    choir = next(g for g in groups if g.name == "Choir")
    members = [m async for page in adapter.members(choir) for m in page.members]
    assert len(members) == 54
    identity = await adapter.check()
    assert "Events team (working)" in identity.detail
