"""The sandbox: the three fake provider APIs as one ASGI app, with their data and their knobs.

In process, `Sandbox.transport()` hands httpx an ASGI transport (that honours read timeouts
as a socket would); on a port, `serve()` runs the same app under uvicorn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount

from providers.models import Provider
from providers.sandbox import (
    IN_PROCESS_ORIGIN,
    PREFIXES,
    RASL_READ_ONLY_TOKEN,
    TOKENS,
    autosend,
    base_url,
    endpoints,
    rasl,
)
from providers.sandbox.gate import (
    CLIENT_PATIENCE,
    ApiError,
    ConnectionDropped,
    Faults,
    Gate,
    TooLate,
    envelope_renderer,
)
from providers.sandbox.kept import Keepable, Keeper
from providers.sandbox.wasend import demo as wasend_demo
from providers.sandbox.wasend import routes as wasend_routes
from providers.sandbox.wasend.state import WaSendState


@dataclass
class Sandbox:
    """The three fake APIs with their data and their knobs, all changeable at run time."""

    rasl: rasl.RaslState = field(default_factory=rasl.RaslState.seeded)
    wasend: WaSendState = field(default_factory=wasend_demo.seeded)
    autosend: autosend.AutoSendState = field(default_factory=autosend.AutoSendState.seeded)
    faults: dict[Provider, Faults] = field(default_factory=lambda: documented_limits())
    gates: dict[Provider, Gate] = field(init=False, repr=False)
    app: Starlette = field(init=False, repr=False)
    keeper: Keeper | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.everywhere = self._link_everywhere()
        self.gates = {
            Provider.RASL: self._gate(
                rasl.build(self.rasl),
                rasl.shape_error,
                rasl.rate_limited,
                {TOKENS[Provider.RASL]: rasl.ALL_SCOPES, RASL_READ_ONLY_TOKEN: rasl.READ_SCOPES},
                Provider.RASL,
            ),
            Provider.WASEND: self._gate(
                wasend_routes.build(self.wasend),
                wasend_routes.shape_error,
                wasend_routes.rate_limited,
                {TOKENS[Provider.WASEND]: frozenset()},
                Provider.WASEND,
            ),
            Provider.AUTOSEND: self._gate(
                autosend.build(self.autosend),
                autosend.shape_error,
                autosend.rate_limited,
                {TOKENS[Provider.AUTOSEND]: frozenset()},
                Provider.AUTOSEND,
                rate_headers=True,
            ),
        }
        self.app = Starlette(routes=[Mount(PREFIXES[p], app=self.gates[p]) for p in Provider])

    def _gate(
        self,
        app: Starlette,
        shape: Callable[[ApiError], dict[str, Any]],
        rate_limited: Callable[[float], ApiError],
        tokens: dict[str, frozenset[str]],
        provider: Provider,
        *,
        rate_headers: bool = False,
    ) -> Gate:
        render = envelope_renderer(shape)

        async def handle(request: Request, error: Exception) -> Response:
            assert isinstance(error, ApiError)
            return render(error)

        app.add_exception_handler(ApiError, handle)
        return Gate(
            app,
            tokens=tokens,
            faults=self.faults[provider],
            render=render,
            rate_limited=rate_limited,
            rate_headers=rate_headers,
        )

    def base_url(self, provider: Provider, origin: str = IN_PROCESS_ORIGIN) -> str:
        return base_url(provider, origin)

    def endpoints(self, origin: str = IN_PROCESS_ORIGIN) -> list[tuple[Provider, str, str]]:
        return endpoints(origin)

    def states(self) -> dict[Provider, Keepable]:
        """Each provider's data, as the demo keeps it."""
        return {
            Provider.RASL: self.rasl,
            Provider.WASEND: self.wasend,
            Provider.AUTOSEND: self.autosend,
        }

    def keep(self, path: Path) -> Sandbox:
        """Keep the data in `path`: loaded now, saved after each change, and shared with
        every other process that keeps its sandbox there (the demo's)."""
        self.keeper = Keeper(path, self.states())
        for provider, gate in self.gates.items():
            gate.app = self.keeper.guard(provider, gate.app)
        return self

    def reset(self) -> None:
        """The seeded data again, here and, when kept, in every process that keeps it."""
        fresh = Sandbox().states()
        for provider, state in self.states().items():
            state.restore(fresh[provider].saved())
        if self.keeper is not None:
            self.keeper.save_all()

    def unlimited(self) -> Sandbox:
        """Lift the documented rate limits (for tests and benchmarks that measure other things)."""
        for faults in self.faults.values():
            faults.rate_limit = 0
        return self

    def _link_everywhere(self) -> list[dict[str, Any]]:
        """People the demo has in every account: RASL contacts in two groups or more (whose
        emails the AutoSend lists hold too) put in WhatsApp groups by the same phone, one of
        them listed by a privacy id. What "find someone everywhere" is shown with."""
        placed = (("Harbour Runners", False), ("Choir", True)), (("Parents Network", False),)
        chosen = [c for c in self.rasl.contacts.values() if len(c["group_id"]) >= 2][:2]
        linked = []
        for contact, groups in zip(chosen, placed, strict=False):
            name = f"{contact['first_name']} {contact['last_name']}"
            digits = contact["phone"].lstrip("+")
            for group, private in groups:
                self.wasend.adopt(group, digits, name, private=private)
            linked.append({"name": name, "phone": contact["phone"], "email": contact["email"]})
        return linked

    def transport(self) -> httpx.AsyncBaseTransport:
        return InProcessTransport(self.app)

    def calls(self, provider: Provider) -> int:
        """How many requests reached this provider's fake (including refused ones)."""
        return self.gates[provider].calls


def documented_limits() -> dict[Provider, Faults]:
    """The limits each provider documents: RASL 60 calls a minute, AutoSend 2 a second."""
    return {
        Provider.RASL: Faults(rate_limit=60, rate_window=60.0),
        Provider.WASEND: Faults(),
        Provider.AUTOSEND: Faults(rate_limit=2, rate_window=1.0),
    }


class InProcessTransport(httpx.AsyncBaseTransport):
    """httpx's ASGI transport, plus the read timeout a real socket would enforce; the fakes
    learn it (`CLIENT_PATIENCE`), so that a hold longer than it is a timeout at once."""

    def __init__(self, app: Starlette) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        read = request.extensions.get("timeout", {}).get("read")
        patience = CLIENT_PATIENCE.set(read)
        try:
            async with asyncio.timeout(read):
                return await self._inner.handle_async_request(request)
        except (TimeoutError, TooLate):
            raise httpx.ReadTimeout("the sandbox did not answer in time", request=request) from None
        except ConnectionDropped as dropped:
            raise httpx.RemoteProtocolError(str(dropped), request=request) from None
        finally:
            CLIENT_PATIENCE.reset(patience)
