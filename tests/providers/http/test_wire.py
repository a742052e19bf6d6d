"""The same adapters over a real loopback socket, where timeouts and bodies are real bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from providers import errors
from providers.accounts.connect import open_adapter
from providers.models import Outcome, Provider, Role
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from tests.helpers import Sleeps, wire_account

pytestmark = pytest.mark.wire


@pytest.fixture
async def over_wire(
    sandbox: Sandbox, wire_origin: str, sleeps: Sleeps
) -> AsyncIterator[dict[Provider, Adapter]]:
    adapters = {}
    for provider in Provider:
        account, token = wire_account(sandbox, wire_origin, provider)
        adapters[provider] = open_adapter(account, token, sleep=sleeps)
    yield adapters
    for adapter in adapters.values():
        await adapter.aclose()


async def test_every_provider_lists_and_pages_over_the_wire(
    over_wire: dict[Provider, Adapter],
) -> None:
    for provider, adapter in over_wire.items():
        await adapter.check()
        containers = await adapter.containers()
        biggest = max(containers, key=lambda c: c.member_count or 0)
        count = sum([len(p.members) async for p in adapter.members(biggest)])
        assert count == biggest.member_count, provider


async def test_a_removal_over_the_wire(
    sandbox: Sandbox, over_wire: dict[Provider, Adapter]
) -> None:
    adapter = over_wire[Provider.WASEND]
    group = next(c for c in await adapter.containers() if c.name == "Choir")
    members = [m async for p in adapter.members(group) for m in p.members]
    plain = [m for m in members if m.role is Role.MEMBER][:2]
    assert {o.outcome for o in await adapter.remove(group, plain)} == {Outcome.REMOVED}


async def test_a_real_socket_timeout(sandbox: Sandbox, wire_origin: str, sleeps: Sleeps) -> None:
    """The deadline itself is what is tried here: half a second, for an answer held three."""
    faults = sandbox.faults[Provider.AUTOSEND]
    faults.timeout_rate, faults.hang_seconds = 1.0, 3.0
    account, token = wire_account(sandbox, wire_origin, Provider.AUTOSEND)
    quick = replace(account, options={**account.options, "timeout": 0.5})
    adapter = open_adapter(quick, token, sleep=sleeps)
    try:
        with pytest.raises(errors.TimedOut, match="within 0 s"):
            await adapter.check()
    finally:
        await adapter.aclose()


async def test_malformed_and_auth_errors_over_the_wire(
    sandbox: Sandbox, wire_origin: str, over_wire: dict[Provider, Adapter], sleeps: Sleeps
) -> None:
    sandbox.faults[Provider.RASL].malformed_rate = 1.0
    with pytest.raises(errors.BadResponse):
        await over_wire[Provider.RASL].containers()
    account, _ = wire_account(sandbox, wire_origin, Provider.AUTOSEND)
    wrong = open_adapter(account, "as_wrong", sleep=sleeps)
    try:
        with pytest.raises(errors.AuthError):
            await wrong.check()
    finally:
        await wrong.aclose()


async def test_nothing_listens(sandbox: Sandbox, sleeps: Sleeps) -> None:
    from providers.sandbox.serve import bind, origin_of

    sock = bind()
    origin = origin_of(sock)
    sock.close()
    account, token = wire_account(sandbox, origin, Provider.RASL)
    adapter = open_adapter(account, token, sleep=sleeps)
    try:
        with pytest.raises(errors.Unreachable, match="could not be reached"):
            await adapter.check()
    finally:
        await adapter.aclose()
