"""What stands in front of every fake API: tokens, rate limits and injected faults.

The knobs live in `Faults`, a plain object the tests, the demo and `sandbox serve` change at
run time. Faults are drawn from a seeded random generator, so a run is repeatable.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ConnectionDropped(Exception):
    """Raised after a fault has acted and started its answer: the connection is cut."""


class TooLate(Exception):
    """Raised instead of a hold at least as long as the in-process client waits: all it
    would see is its own timeout."""


#: How long the in-process client of this request waits for its answer; None over a socket,
#: where the server cannot know.
CLIENT_PATIENCE: ContextVar[float | None] = ContextVar("client_patience", default=None)


async def hold(seconds: float) -> None:
    """Wait before answering, as a slow server does. In process, a hold the client would not
    outlast ends at once in its timeout: the client cannot tell the difference, and no test
    waits for it, nor depends on a machine fast enough to answer the other calls in time."""
    patience = CLIENT_PATIENCE.get()
    if patience is not None and seconds >= patience:
        raise TooLate
    await asyncio.sleep(seconds)


class ApiError(Exception):
    """Raised by a handler; the provider's app renders it in that provider's envelope."""

    def __init__(
        self, status: int, code: str, message: str, details: Any = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.extra = extra


ErrorRenderer = Callable[[ApiError], JSONResponse]


@dataclass
class Faults:
    """Run-time knobs. Every knob, latency included, applies only to the requests whose
    method is in `methods` (all when empty) and whose path+query contains `match`."""

    latency: float = 0.0
    rate_limit: int = 0
    rate_window: float = 1.0
    error_rate: float = 0.0
    error_status: int = 503
    #: what such an error answer says, in the provider's envelope
    error_code: str = "INTERNAL_ERROR"
    error_message: str = "Upstream failure."
    timeout_rate: float = 0.0
    #: how long a late answer or an unanswered call is held (in process: see `hold`)
    hang_seconds: float = 30.0
    malformed_rate: float = 0.0
    #: act, then answer 500 (the client cannot tell whether anything happened)
    error_after_rate: float = 0.0
    #: act, then cut the connection in the middle of the answer
    drop_after_rate: float = 0.0
    #: accept the request and never answer (no action either)
    hang_rate: float = 0.0
    match: str = ""
    methods: frozenset[str] = frozenset()
    #: the wall clock rate-limit windows are counted on (a test's own, to move at will)
    clock: Callable[[], float] = time.time
    seed: int = 7
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def applies_to(self, method: str, target: str) -> bool:
        return (not self.methods or method in self.methods) and self.match in target


def require_scope(request: Request, scope: str) -> None:
    granted: frozenset[str] = request.scope["state"]["scopes"]
    if scope not in granted:
        raise ApiError(
            403,
            "INSUFFICIENT_SCOPE",
            f"This token is missing the required scope {scope}.",
            {"required_scope": scope},
        )


async def json_body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise ApiError(400, "VALIDATION_ERROR", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "VALIDATION_ERROR", "The body must be a JSON object.")
    return body


class Gate:
    """ASGI middleware: authentication, a fixed-window rate limit per token, then faults.

    `rate_headers` sends X-RateLimit-* on every answer (AutoSend documents them); otherwise
    only a 429 says anything, with Retry-After.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        tokens: Mapping[str, frozenset[str]],
        faults: Faults,
        render: ErrorRenderer,
        rate_limited: Callable[[float], ApiError],
        rate_headers: bool = False,
    ) -> None:
        self.app = app
        self.tokens = tokens
        self.faults = faults
        self.render = render
        self.rate_limited = rate_limited
        self.rate_headers = rate_headers
        self._windows: dict[str, tuple[float, int]] = {}
        self.calls = 0
        self.refused = 0
        self.faulted = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.calls += 1
        headers = Headers(scope=scope)
        token = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if token not in self.tokens:
            error = ApiError(401, "UNAUTHORIZED", "Invalid or missing API token.")
            await self.render(error)(scope, receive, send)
            return
        scope.setdefault("state", {})["scopes"] = self.tokens[token]
        faults = self.faults
        rate_headers, retry_after = self._count(token)
        if retry_after is not None:
            self.refused += 1
            response = self.render(self.rate_limited(retry_after))
            response.headers.update(rate_headers)
            response.headers["Retry-After"] = str(math.ceil(retry_after))
            await response(scope, receive, send)
            return
        target = scope["path"] + "?" + scope.get("query_string", b"").decode()
        if faults.applies_to(scope["method"], target):
            if faults.latency:
                await hold(faults.latency)
            roll = faults.rng.random()
            shares = (
                faults.error_rate,
                faults.malformed_rate,
                faults.timeout_rate,
                faults.error_after_rate,
                faults.drop_after_rate,
                faults.hang_rate,
            )
            if roll < sum(shares):
                self.faulted += 1
            if roll < faults.error_rate:
                error = ApiError(faults.error_status, faults.error_code, faults.error_message)
                await self.render(error)(scope, receive, send)
                return
            roll -= faults.error_rate
            if roll < faults.malformed_rate:
                broken = Response(b'{"success": true, "data": [{"id": ', 200)
                broken.headers["content-type"] = "application/json"
                await broken(scope, receive, send)
                return
            roll -= faults.malformed_rate
            if roll < faults.timeout_rate:
                await self._answer_late(scope, receive, send, rate_headers)
                return
            roll -= faults.timeout_rate
            if roll < faults.error_after_rate:
                await self.app(scope, receive, _discard)
                error = ApiError(500, "INTERNAL_ERROR", "Upstream failure after acting.")
                await self.render(error)(scope, receive, send)
                return
            roll -= faults.error_after_rate
            if roll < faults.drop_after_rate:
                await self.app(scope, receive, _discard)
                await send({"type": "http.response.start", "status": 200, "headers": []})
                raise ConnectionDropped("the sandbox cut the connection after acting")
            roll -= faults.drop_after_rate
            if roll < faults.hang_rate:
                await hold(faults.hang_seconds)
                raise ConnectionDropped("the sandbox gave up on a request it never answered")
        await self.app(scope, receive, self._with_headers(send, rate_headers))

    async def _answer_late(
        self, scope: Scope, receive: Receive, send: Send, rate_headers: dict[str, str]
    ) -> None:
        """Act, then sit on the answer: the case where a client cannot know what happened."""
        held: list[Message] = []

        async def keep(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, keep)
        await hold(self.faults.hang_seconds)
        forward = self._with_headers(send, rate_headers)
        for message in held:
            await forward(message)

    def _with_headers(self, send: Send, extra: dict[str, str]) -> Send:
        if not extra:
            return send

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.lower().encode(), v.encode()) for k, v in extra.items()),
                ]
            await send(message)

        return sending

    def _count(self, token: str) -> tuple[dict[str, str], float | None]:
        limit, window = self.faults.rate_limit, self.faults.rate_window
        if limit <= 0:
            return {}, None
        now = self.faults.clock()
        aligned = now - now % window  # windows on whole seconds (minutes), as reset says
        start, used = self._windows.get(token, (aligned, 0))
        if now - start >= window:
            start, used = aligned, 0
        used += 1
        self._windows[token] = (start, used)
        reset = start + window
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        }
        if used > limit:
            return headers, max(0.001, reset - now)
        return (headers if self.rate_headers else {}), None


async def _discard(message: Message) -> None:
    """Where the answer of a request that a fault swallows goes."""


def envelope_renderer(shape: Callable[[ApiError], dict[str, Any]]) -> ErrorRenderer:
    def render(error: ApiError) -> JSONResponse:
        return JSONResponse(shape(error), status_code=error.status)

    return render
