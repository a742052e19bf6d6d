"""`rosterdeck serve`: the app in a web browser, for a demo to people without a terminal.

textual-serve, with three things a support tool needs: links built from the address the
browser used (so `--host 0.0.0.0` works from another machine), no request to an outside font
host (the page works offline), and an optional token in the URL, kept in a cookie for the
page's own connections. Without a token there is no login, and the command says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import re
import signal
from typing import Any

from aiohttp import web
from textual_serve.server import Server

OUTSIDE_FONTS = re.compile(rb"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.S)
COOKIE = "rosterdeck_token"


class DeckServer(Server):
    def __init__(self, command: str, *, host: str, port: int, token: str = "") -> None:
        super().__init__(command, host=host, port=port, title="RosterDeck")
        self.token = token

    def allowed(self, request: web.Request) -> bool:
        if not self.token:
            return True
        given = request.query.get("token") or request.cookies.get(COOKIE, "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    def refused(self) -> web.Response:
        return web.Response(
            status=403,
            text="RosterDeck: this address needs its token: add ?token=... as the command printed.",
        )

    async def handle_index(self, request: web.Request) -> Any:
        if not self.allowed(request):
            return self.refused()
        self.public_url = f"{request.scheme}://{request.host}"  # the address the browser used
        response = await super().handle_index(request)
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            response.body = OUTSIDE_FONTS.sub(b"", response.body)
        if self.token:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def handle_websocket(self, request: web.Request) -> Any:
        if not self.allowed(request):
            return self.refused()
        return await super().handle_websocket(request)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        if not self.allowed(request):
            return self.refused()
        return await super().handle_download(request)

    def serve(self, debug: bool = False) -> None:
        """As textual-serve's, save that it says "Listening on …" once the socket accepts
        connections: a script (or a test) waits for that line instead of retrying."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._listen())

    async def _listen(self) -> None:
        runner = web.AppRunner(await self._make_app(), handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        print(f"Listening on {self.host}:{self.port}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):  # Windows: ctrl+c still ends it
                loop.add_signal_handler(number, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    async def make_app(self) -> web.Application:
        """The aiohttp application, for `serve` and for tests."""
        return await self._make_app()
