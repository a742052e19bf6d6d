"""WhatsApp invite links: the sandbox answers the SDK's `getGroupInviteCode` and
`revokeGroupInviteCode` (the link as a bare JSON string), revoking makes the old link stop
working, and the adapter revokes with one paced write; a session that is not the group's
admin is refused."""

from __future__ import annotations

import httpx
import pytest

from providers import errors
from providers.models import Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from providers.wasend.adapter import WaSendAdapter
from tests.helpers import OpenAdapter

SESSION = "sess_front_desk"


async def link(sandbox: Sandbox, group: str, revoke: bool = False) -> str:
    base = sandbox.base_url(Provider.WASEND, "http://sandbox")
    path = f"{base}/{SESSION}/groups/{group}/invite-code" + ("/revoke" if revoke else "")
    headers = {"Authorization": f"Bearer {TOKENS[Provider.WASEND]}"}
    async with httpx.AsyncClient(transport=sandbox.transport(), headers=headers) as client:
        response = await client.request("POST" if revoke else "GET", path)
    response.raise_for_status()
    said = response.json()
    assert isinstance(said, str), "the SDK's Promise<string>: a bare JSON string"
    return said


async def test_revoking_a_groups_link_makes_a_new_one(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.WASEND)
    assert isinstance(adapter, WaSendAdapter) and adapter.has_invite_links
    group = next(c for c in await adapter.containers() if c.name == "Harbour Runners")
    jid = group.id.split("/", 1)[1]
    old = await link(sandbox, jid)
    assert old.startswith("https://chat.whatsapp.com/") and await link(sandbox, jid) == old
    calls = sandbox.calls(Provider.WASEND)
    await adapter.revoke_invite(group)
    assert sandbox.calls(Provider.WASEND) - calls == 1
    assert await link(sandbox, jid) != old


async def test_a_session_that_is_not_the_groups_admin_cannot_revoke_its_link(
    connect: OpenAdapter,
) -> None:
    adapter = connect(Provider.WASEND)
    rota = next(c for c in await adapter.containers() if c.name == "Staff Rota")
    with pytest.raises(errors.ProviderError, match="not an admin"):
        await adapter.revoke_invite(rota)
