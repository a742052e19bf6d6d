"""The shared HTTP layer against the sandbox: retries only where safe, pacing, typed errors."""

from __future__ import annotations

import math
import time

import httpx
import pytest

from providers import errors
from providers.http.answers import retry_after_seconds
from providers.models import Provider
from providers.sandbox import RASL_READ_ONLY_TOKEN, Sandbox
from tests.helpers import OpenAdapter, Sleeps


async def test_429_with_retry_after_is_waited_out(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    faults = sandbox.faults[Provider.RASL]
    faults.rate_limit, faults.rate_window, faults.clock = 2, 0.5, sleeps.clock(start=0.0)
    adapter = connect(Provider.RASL)
    for _ in range(3):
        await adapter.containers()
    assert sandbox.gates[Provider.RASL].refused >= 1
    assert any(wait >= 0.5 for wait in sleeps.waits), sleeps.waits


async def test_a_spent_window_holds_the_next_call_until_it_resets(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    # The client reads the reset (epoch seconds) on its own clock: the sandbox's stands a
    # minute ahead, so the reset is a minute away, and the wait moves the sandbox past it.
    faults = sandbox.faults[Provider.AUTOSEND]
    faults.rate_limit, faults.rate_window = 2, 1.0
    faults.clock = sleeps.clock(start=math.ceil(time.time()) + 60.0)
    adapter = connect(Provider.AUTOSEND)
    for _ in range(3):
        await adapter.check()
    assert sandbox.gates[Provider.AUTOSEND].refused == 0
    assert sleeps.waits and sleeps.waits[0] > 0


async def test_a_400_is_never_retried(sandbox: Sandbox, connect: OpenAdapter) -> None:
    adapter = connect(Provider.AUTOSEND)
    with pytest.raises(errors.InvalidRequest) as caught:
        await adapter.http.call(  # type: ignore[attr-defined]
            "POST",
            "/contact-lists/contacts/search",
            json={"contactListId": "GLOBAL_CONTACT_LIST", "limit": 500},
        )
    assert sandbox.calls(Provider.AUTOSEND) == 1
    assert caught.value.fields == {"limit": "limit must be between 1 and 100"}
    assert "limit must be between 1 and 100" in str(caught.value)


async def test_a_401_stops_at_once_and_never_shows_the_token(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    adapter = connect(Provider.RASL, token="wrong-token-123")
    with pytest.raises(errors.AuthError) as caught:
        await adapter.check()
    assert sandbox.calls(Provider.RASL) == 1
    assert "wrong-token-123" not in str(caught.value)
    assert "wrong, expired or revoked" in str(caught.value)
    assert errors.stops_run(caught.value)


async def test_503_is_retried_with_growing_capped_backoff(
    sandbox: Sandbox, connect: OpenAdapter, sleeps: Sleeps
) -> None:
    sandbox.faults[Provider.WASEND].error_rate = 1.0
    adapter = connect(Provider.WASEND)
    with pytest.raises(errors.ServerError) as caught:
        await adapter.check()
    assert caught.value.status == 503
    assert sandbox.calls(Provider.WASEND) == 5
    assert len(sleeps.waits) == 4
    assert all(0 < wait <= 31 for wait in sleeps.waits)
    assert sleeps.waits[-1] > sleeps.waits[0]


async def test_flaky_503_recovers(sandbox: Sandbox, connect: OpenAdapter) -> None:
    sandbox.faults[Provider.WASEND].error_rate = 0.5
    adapter = connect(Provider.WASEND)
    found = await adapter.containers()
    assert len(found) == 11  # ten groups (a community among them), the unlinked session
    assert sandbox.calls(Provider.WASEND) > 3


async def test_a_500_is_not_retried(sandbox: Sandbox, connect: OpenAdapter) -> None:
    faults = sandbox.faults[Provider.RASL]
    faults.error_rate, faults.error_status = 1.0, 500
    adapter = connect(Provider.RASL)
    with pytest.raises(errors.ServerError, match="failed on its side"):
        await adapter.check()
    assert sandbox.calls(Provider.RASL) == 1


async def test_a_read_that_times_out_is_tried_twice_then_gives_up_saying_how_long(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    """A server that never answers costs two timeouts, not five: the wait is bounded."""
    faults = sandbox.faults[Provider.WASEND]
    faults.timeout_rate, faults.hang_seconds = 1.0, 30.0
    adapter = connect(Provider.WASEND, timeout=20)
    with pytest.raises(errors.TimedOut, match=r"did not answer GET /sessions within 20 s"):
        await adapter.check()
    assert sandbox.calls(Provider.WASEND) == 2


async def test_a_slow_answer_within_the_timeout_is_fine(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    sandbox.faults[Provider.WASEND].latency = 0.05
    adapter = connect(Provider.WASEND, timeout=20)
    assert len(await adapter.containers()) == 11


async def test_malformed_json_is_a_clear_error(sandbox: Sandbox, connect: OpenAdapter) -> None:
    sandbox.faults[Provider.AUTOSEND].malformed_rate = 1.0
    adapter = connect(Provider.AUTOSEND)
    with pytest.raises(errors.BadResponse, match="not JSON"):
        await adapter.containers()


async def test_the_pace_is_kept(connect: OpenAdapter) -> None:
    adapter = connect(Provider.WASEND, requests_per_second=20)
    started = time.monotonic()
    for _ in range(6):
        await adapter.check()
    assert time.monotonic() - started >= 0.24


async def test_a_missing_scope_is_named(connect: OpenAdapter) -> None:
    adapter = connect(Provider.RASL, token=RASL_READ_ONLY_TOKEN)
    group = next(c for c in await adapter.containers() if c.kind.value == "group")
    member = (await anext(adapter.members(group))).members[0]
    with pytest.raises(errors.PermissionDenied) as caught:
        await adapter.remove(group, [member])
    assert caught.value.missing_scope == "groups:write"
    assert "lacks the scope groups:write" in str(caught.value)


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "7"}, None, 7.0),
        ({"Retry-After": "Thu, 01 Jan 2026 00:00:10 GMT"}, None, 10.0),
        ({}, {"success": False, "retryAfter": 3}, 3.0),
        ({"X-RateLimit-Reset": "1767225604"}, None, 4.0),
        ({}, None, None),
    ],
)
def test_retry_after_is_read_from_header_body_or_reset(
    headers: dict[str, str], body: object, expected: float | None
) -> None:
    response = httpx.Response(429, headers=headers, json=body)
    assert retry_after_seconds(response, now=1767225600.0) == expected
