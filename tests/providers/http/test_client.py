"""The shared HTTP layer against the sandbox: retries only where safe, pacing, typed errors."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from aiolimiter import AsyncLimiter

from providers import errors
from providers.http.answers import retry_after_seconds
from providers.http.client import HttpSettings, ProviderHttp
from providers.models import Provider
from providers.sandbox import RASL_READ_ONLY_TOKEN
from providers.sandbox.apis import Sandbox
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


# The client alone, on answers made up here: each rule of what is retried, what is waited
# and what a caller is told, without a provider behind it.

Handler = Callable[[httpx.Request], httpx.Response]


class Recorded:
    """The client under test, its requests and the waits it asked for (none really waited)."""

    def __init__(self, handler: Handler | list[httpx.Response | Exception], **settings: Any):
        self.requests: list[httpx.Request] = []
        self.waits: list[float] = []
        answers = handler if isinstance(handler, list) else None

        def answer(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            if answers is None:
                return handler(request)  # type: ignore[operator]
            said = answers.pop(0) if len(answers) > 1 else answers[0]
            if isinstance(said, Exception):
                raise said
            return said

        async def sleep(seconds: float) -> None:
            self.waits.append(seconds)

        self.http = ProviderHttp(
            HttpSettings("http://provider.test/", "secret-token", "Acme", **settings),
            transport=httpx.MockTransport(answer),
            sleep=sleep,
        )


def ok(
    body: object = None, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    if isinstance(body, str):
        return httpx.Response(status, text=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


async def test_an_empty_answer_is_none_and_any_other_is_its_json() -> None:
    client = Recorded([ok(""), ok("  \n"), ok({"id": 7}), ok([1, 2])])
    assert await client.http.call("GET", "/a") is None
    assert await client.http.call("GET", "/a") is None
    assert await client.http.call("GET", "/a") == {"id": 7}
    assert await client.http.get("/a", params={"page": 2}) == [1, 2]
    assert str(client.requests[-1].url) == "http://provider.test/a?page=2"
    assert client.requests[0].headers["Authorization"] == "Bearer secret-token"
    assert client.http.sent == 4 and client.waits == []


async def test_a_body_that_is_not_json_is_bad_on_a_read_and_lost_on_a_write() -> None:
    client = Recorded([ok("<html>oops", status=200)])
    with pytest.raises(errors.BadResponse) as read:
        await client.http.call("GET", "/lists", idempotent=True)
    assert str(read.value) == "Acme answered GET /lists with something that is not JSON."
    assert read.value.status == 200
    with pytest.raises(errors.AnswerLost) as write:
        await client.http.call("POST", "/lists/1/remove")
    assert str(write.value) == "Acme answered POST /lists/1/remove with something that is not JSON."
    assert (write.value.code, write.value.status) == ("BAD_BODY", 200)
    assert len(client.requests) == 2


async def test_a_429_is_waited_out_for_as_long_as_asked_then_sent_again() -> None:
    client = Recorded([ok({"retryAfter": 7}, status=429), ok({"done": True})])
    assert await client.http.call("POST", "/remove") == {"done": True}
    assert client.waits == [7.0]
    assert client.http.sent == 2


async def test_a_429_on_a_write_where_writes_must_stop_is_not_waited_out() -> None:
    client = Recorded([ok({"retryAfter": 1}, status=429), ok({})], retry_rate_limited_writes=False)
    with pytest.raises(errors.RateLimited) as caught:
        await client.http.call("POST", "/remove")
    assert caught.value.retry_after == 1.0
    assert len(client.requests) == 1 and client.waits == []
    # a read on the same terms is still waited out
    read = Recorded([ok({"retryAfter": 1}, status=429), ok({})], retry_rate_limited_writes=False)
    assert await read.http.get("/members") == {}
    assert read.waits == [1.0]


async def test_a_429_asking_longer_than_the_longest_wait_is_not_waited() -> None:
    client = Recorded([ok({"retryAfter": 121}, status=429), ok({})], longest_wait=120.0)
    with pytest.raises(errors.RateLimited):
        await client.http.get("/members")
    assert len(client.requests) == 1 and client.waits == []
    at_most = Recorded([ok({"retryAfter": 120}, status=429), ok({})], longest_wait=120.0)
    assert await at_most.http.get("/members") == {}
    assert at_most.waits == [120.0]


async def test_a_429_without_a_wait_backs_off_growing_and_capped() -> None:
    client = Recorded([ok({}, status=429)], max_attempts=4, backoff_initial=2.0, backoff_max=5.0)
    with pytest.raises(errors.RateLimited) as caught:
        await client.http.get("/members")
    assert caught.value.retry_after is None
    assert len(client.requests) == 4 and len(client.waits) == 3
    first, second, third = client.waits
    assert 2.0 <= first <= 3.0 and 4.0 <= second <= 5.0 and third == 5.0


async def test_a_read_that_times_out_is_tried_as_often_as_set_and_says_how_long() -> None:
    timeout = httpx.ReadTimeout("slow")
    client = Recorded([timeout], timeout=20.0)
    with pytest.raises(errors.TimedOut) as caught:
        await client.http.get("/members")
    assert str(caught.value) == "Acme did not answer GET /members within 20 s."
    assert caught.value.code == "TIMEOUT"
    assert len(client.requests) == 2
    three = Recorded([timeout], read_timeouts=3)
    with pytest.raises(errors.TimedOut):
        await three.http.get("/members")
    assert len(three.requests) == 3


async def test_a_write_that_times_out_is_lost_and_never_sent_again() -> None:
    client = Recorded([httpx.ReadTimeout("slow"), ok({})], timeout=15.0)
    with pytest.raises(errors.AnswerLost) as caught:
        await client.http.call("DELETE", "/groups/g/members/m")
    assert str(caught.value) == (
        "Acme did not answer DELETE /groups/g/members/m within 15 s; it may have acted."
    )
    assert caught.value.code == "TIMEOUT"
    assert len(client.requests) == 1


async def test_a_write_whose_connection_drops_is_lost_a_read_is_tried_again() -> None:
    client = Recorded([httpx.ReadError("reset"), ok({})])
    with pytest.raises(errors.AnswerLost) as caught:
        await client.http.call("POST", "/remove")
    assert str(caught.value) == (
        "Acme dropped the connection after POST /remove was sent; it may have acted."
    )
    assert caught.value.code == "CONNECTION_LOST"
    assert len(client.requests) == 1
    read = Recorded([httpx.ReadError("reset")], max_attempts=3)
    with pytest.raises(errors.Unreachable, match="closed the connection without answering"):
        await read.http.get("/members")
    assert len(read.requests) == 3


@pytest.mark.parametrize(
    ("failure", "said"),
    [
        (httpx.ConnectTimeout("late"), "Acme could not be reached in time."),
        (httpx.PoolTimeout("busy"), "Acme could not be reached in time."),
        (
            httpx.ConnectError("refused"),
            "Acme could not be reached: check the base URL and the network.",
        ),
    ],
)
async def test_a_connection_never_made_is_tried_again_even_for_a_write(
    failure: Exception, said: str
) -> None:
    client = Recorded([failure, failure, ok({"done": True})])
    assert await client.http.call("POST", "/remove") == {"done": True}
    assert client.http.sent == 3 and len(client.waits) == 2
    never = Recorded([failure], max_attempts=2)
    with pytest.raises(errors.Unreachable) as caught:
        await never.http.call("POST", "/remove")
    assert str(caught.value) == said
    assert len(never.requests) == 2


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_a_write_answered_by_a_server_error_may_have_acted(status: int) -> None:
    body = {"code": "UPSTREAM", "message": "db down"}
    client = Recorded([ok(body, status=status), ok({})])
    with pytest.raises(errors.AnswerLost) as caught:
        await client.http.call("POST", "/remove")
    assert str(caught.value) == (
        f"Acme failed on its side (HTTP {status}) (db down). It may have acted before failing."
    )
    assert (caught.value.code, caught.value.status) == ("UPSTREAM", status)
    assert caught.value.provider_message == "db down"
    assert len(client.requests) == 1
    bare = Recorded([ok("", status=status)])
    with pytest.raises(errors.AnswerLost) as lost:
        await bare.http.call("POST", "/remove")
    assert lost.value.code == "SERVER_ERROR"


async def test_a_503_on_a_write_did_nothing_and_is_sent_again() -> None:
    client = Recorded([ok({}, status=503), ok({"done": True})])
    assert await client.http.call("POST", "/remove") == {"done": True}
    assert len(client.requests) == 2


@pytest.mark.parametrize(("status", "tries"), [(500, 1), (502, 5), (503, 5), (504, 5)])
async def test_a_read_answered_by_a_server_error_is_tried_again_unless_a_500(
    status: int, tries: int
) -> None:
    client = Recorded([ok({}, status=status)])
    with pytest.raises(errors.ServerError) as caught:
        await client.http.get("/members")
    assert caught.value.status == status
    assert len(client.requests) == tries


async def test_a_refusal_is_raised_at_once_as_its_typed_error() -> None:
    client = Recorded([ok({"code": "NOPE", "message": "no"}, status=404)])
    with pytest.raises(errors.NotFound, match="not found"):
        await client.http.call("POST", "/remove")
    assert len(client.requests) == 1


async def test_halted_writes_are_held_and_reads_still_go() -> None:
    client = Recorded([ok({})])
    client.http.halt_writes()
    with pytest.raises(errors.Held, match=r"Acme: not sent, the job was stopped\."):
        await client.http.call("POST", "/remove")
    assert client.requests == [] and client.http.sent == 0
    assert await client.http.get("/members") == {}
    client.http.allow_writes()
    assert await client.http.call("POST", "/remove") == {}
    assert [r.method for r in client.requests] == ["GET", "POST"]


async def test_a_spent_window_holds_the_next_call_for_the_reset_capped() -> None:
    client = Recorded(
        [ok({}, headers={"X-RateLimit-Remaining": "0", "Retry-After": "30"}), ok({})],
        longest_wait=10.0,
    )
    await client.http.get("/members")
    assert client.waits == []
    await client.http.get("/members")
    assert len(client.waits) == 1 and 9.0 < client.waits[0] <= 10.0
    roomy = Recorded([ok({}, headers={"X-RateLimit-Remaining": "3", "Retry-After": "30"}), ok({})])
    await roomy.http.get("/members")
    await roomy.http.get("/members")
    assert roomy.waits == []
    unsaid = Recorded([ok({}, headers={"X-RateLimit-Remaining": "0"}), ok({})])
    await unsaid.http.get("/members")
    await unsaid.http.get("/members")
    assert unsaid.waits == []


async def test_a_spent_window_on_a_429_is_waited_by_the_retry_alone() -> None:
    client = Recorded(
        [ok({}, status=429, headers={"X-RateLimit-Remaining": "0", "Retry-After": "4"}), ok({})]
    )
    await client.http.get("/members")
    assert client.waits == [4.0]


async def test_a_write_held_for_a_spent_window_gives_up_when_the_job_stops() -> None:
    client = Recorded([ok({}, headers={"X-RateLimit-Remaining": "0", "Retry-After": "30"}), ok({})])
    await client.http.get("/members")
    client.http.halt_writes()
    with pytest.raises(errors.Held):
        await client.http.call("POST", "/remove")
    assert len(client.requests) == 1


async def test_writes_are_spaced_and_reads_are_not() -> None:
    client = Recorded([ok({})], seconds_between_writes=3.0)
    for _ in range(2):
        await client.http.get("/members")
    assert client.waits == []
    await client.http.call("POST", "/remove")
    await client.http.call("POST", "/remove")
    assert len(client.waits) == 1 and 2.5 < client.waits[0] <= 3.0


async def test_waiting_says_how_long_the_oldest_call_has_waited() -> None:
    seen: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(client.http.waiting())
        return ok({})

    client = Recorded(answer)
    assert client.http.waiting() == 0.0
    await client.http.get("/members")
    assert len(seen) == 1 and 0.0 < seen[0] < 5.0
    assert client.http.waiting() == 0.0


async def test_send_alone_is_a_write_unless_said_otherwise() -> None:
    client = Recorded([httpx.ReadTimeout("slow"), ok({})])
    with pytest.raises(errors.AnswerLost):
        await client.http.send("POST", "/invite-code/revoke")
    assert len(client.requests) == 1


async def test_a_short_spent_window_is_waited_too() -> None:
    headers = {"X-RateLimit-Remaining": "0", "Retry-After": "0.5"}
    client = Recorded([ok({}, headers=headers), ok({})])
    await client.http.get("/members")
    await client.http.get("/members")
    assert len(client.waits) == 1 and 0.4 < client.waits[0] <= 0.5


async def test_a_read_waits_out_a_spent_window_even_while_writes_are_halted() -> None:
    headers = {"X-RateLimit-Remaining": "0", "Retry-After": "5"}
    client = Recorded([ok({}, headers=headers), ok({"page": 2})])
    await client.http.get("/members")
    client.http.halt_writes()
    assert await client.http.get("/members") == {"page": 2}
    assert len(client.waits) == 1


class Forever:
    """A sleep that never ends by itself: only halting writes cuts it short."""

    def __init__(self) -> None:
        self.asleep = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.asleep.set()
        await asyncio.Event().wait()


@pytest.mark.parametrize("spaced", [0.0, 3.0])
async def test_a_write_waiting_out_a_spent_window_gives_up_when_the_job_stops(
    spaced: float,
) -> None:
    answers = [ok({}, headers={"X-RateLimit-Remaining": "0", "Retry-After": "60"}), ok({})]
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return answers.pop(0)

    sleep = Forever()
    http = ProviderHttp(
        HttpSettings("http://x.test", "t", "Acme", seconds_between_writes=spaced),
        transport=httpx.MockTransport(answer),
        sleep=sleep,
    )
    await http.get("/members")
    write = asyncio.create_task(http.call("POST", "/remove"))
    await asyncio.wait_for(sleep.asleep.wait(), 5)
    http.halt_writes()
    with pytest.raises(errors.Held):
        await asyncio.wait_for(write, 5)
    assert len(requests) == 1


async def test_a_write_waiting_for_the_accounts_pace_gives_up_when_the_job_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = Recorded([ok({})], requests_per_second=0.01)
    await client.http.call("POST", "/remove")  # the pace's one call in a hundred seconds
    queued = asyncio.Event()
    acquire = AsyncLimiter.acquire

    async def queue_then_acquire(limiter: AsyncLimiter, amount: float = 1) -> None:
        queued.set()
        await acquire(limiter, amount)

    monkeypatch.setattr(AsyncLimiter, "acquire", queue_then_acquire)
    write = asyncio.create_task(client.http.call("POST", "/remove"))
    await asyncio.wait_for(queued.wait(), 5)  # the write waits for its turn
    client.http.halt_writes()
    with pytest.raises(errors.Held):
        await asyncio.wait_for(write, 5)
    assert len(client.requests) == 1


async def test_reads_keep_the_accounts_pace_while_writes_are_halted() -> None:
    client = Recorded([ok({})], requests_per_second=5.0)
    client.http.halt_writes()
    started = time.monotonic()
    for _ in range(3):
        await client.http.get("/members")
    assert time.monotonic() - started >= 0.3
    assert len(client.requests) == 3


async def test_a_spaced_write_sends_its_body_and_query_and_is_still_a_write() -> None:
    client = Recorded([ok({}), httpx.ReadTimeout("slow")], seconds_between_writes=3.0)
    await client.http.call("POST", "/remove", params={"dry": "no"}, json={"ids": ["7"]})
    sent = client.requests[0]
    assert str(sent.url) == "http://provider.test/remove?dry=no"
    assert sent.content == b'{"ids":["7"]}'
    with pytest.raises(errors.AnswerLost):
        await client.http.call("POST", "/remove", json={"ids": ["8"]})
    assert len(client.requests) == 2


async def test_a_429_that_names_no_wait_is_tried_again_however_short_the_longest_wait() -> None:
    client = Recorded([ok({}, status=429), ok({"done": True})], longest_wait=0.5)
    assert await client.http.get("/members") == {"done": True}
    assert len(client.requests) == 2
