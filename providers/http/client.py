"""One httpx client per account: auth, timeouts, pacing, safe retries and typed errors.

Retries (tenacity) happen only where nothing can have changed on the provider's side twice:
a connection that never opened, a 429 and a 503 (the provider did nothing); for reads also a
502/504, a dropped connection and one timeout. A write whose request may have reached the
provider and whose answer is lost or untrustworthy (a timeout or dropped connection after
sending, a 500/502/504, a body that is not JSON) raises `AnswerLost`, so that the caller finds
out what happened by reading, and never sends it again blindly. Pacing (aiolimiter) keeps to
the account's rate and honours `X-RateLimit-Remaining: 0`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from providers import errors
from providers.http.answers import error_for, retry_after_seconds
from providers.http.pacing import Turns, WriteSpacing

USER_AGENT = "RosterDeck/0.1 (+support tooling)"
JSON = Any
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class HttpSettings:
    base_url: str
    token: str
    label: str
    requests_per_second: float = 0.0
    seconds_between_writes: float = 0.0
    #: up to this many seconds more, drawn afresh for each write (never a fixed rhythm)
    write_jitter: float = 0.0
    #: False where a 429 on a write must stop the job rather than be waited out (WhatsApp)
    retry_rate_limited_writes: bool = True
    timeout: float = 20.0
    connect_timeout: float = 5.0
    max_attempts: int = 5
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    longest_wait: float = 120.0
    read_timeouts: int = 2

    def __repr__(self) -> str:  # never show the token, even in a debugger or a log
        return f"HttpSettings(base_url={self.base_url!r}, label={self.label!r}, token=<hidden>)"


#: Server errors after which a write may or may not have happened (503 means it did not).
AMBIGUOUS_AFTER_WRITE = frozenset({500, 502, 504})


class ProviderHttp:
    """The one way adapters talk to a provider.

    After `halt_writes()` no write leaves (`errors.Held`) until `allow_writes()`: one waiting
    for its turn (the pace, WhatsApp's gap) gives up at once rather than when its wait ends, so
    a stopped job sends nothing new and says so without delay.
    """

    def __init__(
        self,
        settings: HttpSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            base_url=settings.base_url.rstrip("/"),
            headers={
                "Authorization": f"Bearer {settings.token}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            transport=transport,
        )
        rate = settings.requests_per_second
        self._limiter = AsyncLimiter(1, 1 / rate) if rate > 0 else None
        gap, jitter = settings.seconds_between_writes, settings.write_jitter
        self.write_spacing = (
            WriteSpacing(gap, jitter, sleep=self._sleep_unless_halted)
            if gap > 0 or jitter > 0
            else None
        )
        self._not_before = 0.0
        self._halted = False
        self._wake = asyncio.Event()
        #: requests that left for the provider, retries included: what a job really cost
        self.sent = 0
        self._in_flight: dict[object, float] = {}

    def waiting(self) -> float:
        """How long the oldest call in flight has waited for its answer (0 when none)."""
        started = min(self._in_flight.values(), default=None)
        return 0.0 if started is None else time.monotonic() - started

    async def aclose(self) -> None:
        await self._client.aclose()

    def halt_writes(self) -> None:
        """No write leaves from now on; those waiting for their turn give up at once."""
        self._halted = True
        self._wake.set()

    def allow_writes(self) -> None:
        self._halted = False
        self._wake = asyncio.Event()

    async def _sleep_unless_halted(self, seconds: float) -> None:
        await self._unless_halted(self._sleep(seconds))
        if self._halted:
            raise errors.Held(f"{self.settings.label}: not sent, the job was stopped.")

    def share_writes(self, turns: Turns) -> None:
        """Space writes with every other process writing on the same scopes (`pacing`)."""
        if self.write_spacing is not None:
            self.write_spacing.share(turns, self.settings.timeout + self.write_spacing.slowest_gap)

    async def _unless_halted(self, wait: Awaitable[object]) -> None:
        """Wait for a write's turn, but no longer than writes are allowed."""
        waiting = asyncio.ensure_future(wait)
        if self._halted:
            waiting.cancel()
            return
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({waiting, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
            woken.cancel()

    def set_rate(self, requests_per_second: float) -> None:
        """Adopt a pace learnt from the provider (e.g. RASL's per-minute limit)."""
        self._limiter = (
            AsyncLimiter(1, 1 / requests_per_second) if requests_per_second > 0 else None
        )

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> JSON:
        return await self.call("GET", path, params=params, idempotent=True)

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: JSON = None,
        idempotent: bool = False,
    ) -> JSON:
        """Send one request (retrying where safe) and return its decoded JSON body or None."""
        response = await self.send(method, path, params=params, json=json, idempotent=idempotent)
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            said = (
                f"{self.settings.label} answered {method} {path} with something that is not JSON."
            )
            if idempotent:
                raise errors.BadResponse(said, status=response.status_code) from None
            raise errors.AnswerLost(said, code="BAD_BODY", status=response.status_code) from None

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: JSON = None,
        idempotent: bool = False,
    ) -> httpx.Response:
        """Like `call`, but return the successful response itself."""

        timeouts = 0

        def should_retry(error: BaseException) -> bool:
            nonlocal timeouts
            if isinstance(error, errors.RateLimited):
                if not idempotent and not self.settings.retry_rate_limited_writes:
                    return False
                return (error.retry_after or 0) <= self.settings.longest_wait
            if isinstance(error, errors.TimedOut):
                timeouts += 1
                return timeouts < self.settings.read_timeouts
            return isinstance(error, errors.ProviderError) and bool(error.retryable)

        backoff = wait_exponential_jitter(
            multiplier=self.settings.backoff_initial, max=self.settings.backoff_max
        )

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, errors.RateLimited) and error.retry_after is not None:
                return error.retry_after
            return float(backoff(state))

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=wait,
            retry=retry_if_exception(should_retry),
            sleep=self._sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._send_once(
                    method, path, params=params, json=json, write=not idempotent
                )
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json: JSON,
        write: bool,
    ) -> httpx.Response:
        if write and self.write_spacing is not None:
            async with self.write_spacing.turn():
                await self._pace(write)
                return await self._request(method, path, params=params, json=json, write=write)
        await self._pace(write)
        return await self._request(method, path, params=params, json=json, write=write)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json: JSON,
        write: bool,
    ) -> httpx.Response:
        if write and self._halted:
            raise errors.Held(f"{self.settings.label}: not sent, the job was stopped.")
        label = self.settings.label
        self.sent += 1
        call = object()
        self._in_flight[call] = time.monotonic()
        try:
            response = await self._client.request(method, path, params=params, json=json)
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            raise errors.Unreachable(f"{label} could not be reached in time.") from None
        except httpx.ConnectError:
            raise errors.Unreachable(
                f"{label} could not be reached: check the base URL and the network."
            ) from None
        except httpx.TimeoutException:
            waited = f"{self.settings.timeout:.0f} s"
            if write:
                raise errors.AnswerLost(
                    f"{label} did not answer {method} {path} within {waited}; it may have acted.",
                    code="TIMEOUT",
                ) from None
            raise errors.TimedOut(
                f"{label} did not answer {method} {path} within {waited}.", code="TIMEOUT"
            ) from None
        except httpx.TransportError:
            if write:
                raise errors.AnswerLost(
                    f"{label} dropped the connection after {method} {path} was sent; "
                    "it may have acted.",
                    code="CONNECTION_LOST",
                ) from None
            raise errors.Unreachable(f"{label} closed the connection without answering.") from None
        finally:
            del self._in_flight[call]
        self._note_rate_headers(response)
        if response.is_success:
            return response
        error = error_for(response, label)
        if write and response.status_code in AMBIGUOUS_AFTER_WRITE:
            raise errors.AnswerLost(
                f"{error.message} It may have acted before failing.",
                code=error.code or "SERVER_ERROR",
                status=error.status,
                provider_message=error.provider_message,
            )
        raise error

    async def _pace(self, write: bool) -> None:
        delay = self._not_before - time.monotonic()
        if delay > 0:
            await (self._sleep_unless_halted if write else self._sleep)(delay)
        if self._limiter is not None:
            acquire = self._limiter.acquire()
            await (self._unless_halted(acquire) if write else acquire)

    def _note_rate_headers(self, response: httpx.Response) -> None:
        """When the provider says the window is spent, hold the next call until it resets."""
        if response.headers.get("x-ratelimit-remaining") != "0":
            return
        wait = retry_after_seconds(response)
        if wait is not None and response.status_code != 429:
            self._not_before = time.monotonic() + min(wait, self.settings.longest_wait)
