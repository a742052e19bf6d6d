"""`rosterdeck serve`: the app in a web browser, for a demo to people without a terminal.

textual-serve, with what a support tool needs on top: links built from the address the browser
used (so `--host 0.0.0.0` works from another machine), no request to an outside font host (the
page works offline), a titled page whose terminal takes the keys at once, and guards. With a
token, every path needs it (in the URL, then in the cookie the page sets) and no log line shows
it; without one, a server on this machine answers only to this machine's names (a DNS
rebinding page cannot reach it). The websocket must come from the page's own origin, a message
is capped, and each tab's app is a process group of its own that ends with its tab or with the
server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import logging
import os
import re
import shlex
import signal
from asyncio.subprocess import PIPE, Process
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

OUTSIDE_FONTS = re.compile(rb"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.S)
COOKIE = "rosterdeck_token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})  # as a Host header says them
LOOPBACK_BINDS = frozenset({"localhost", "127.0.0.1", "::1"})  # as --host says them
# A paste of a few thousand numbers from a ticket fits (the page brackets a paste: one event
# for the app, 60 KB in well under a second). A megabyte of bare keys, about half a
# millisecond each for the app, would keep it busy for minutes: it ends the session instead.
MESSAGE_LIMIT = 64 * 1024
QUIT_GRACE = 1.0  # seconds an app has to leave when asked, before it is killed
# The terminal takes the keys as soon as its connection is open, without a click first.
# textual.js opens the terminal in its own window.onload, registered before this one, and
# marks the body `-loaded` once its websocket is open: focusing before that has textual.js
# send "focus" on a socket still connecting (an error in the console on every load).
FOCUS_TERMINAL = """<script>window.addEventListener('load', () => {
  const focus = () => document.querySelector('.xterm-helper-textarea')?.focus();
  const connected = () => document.body.classList.contains('-loaded');
  if (connected()) return focus();
  const opened = new MutationObserver(() => {
    if (connected()) { opened.disconnect(); focus(); }
  });
  opened.observe(document.body, {attributes: true, attributeFilter: ['class']});
});</script>"""


def hostname(host: str) -> str:
    """`localhost:8000` -> `localhost`, `[::1]:8000` -> `[::1]`."""
    name, colon, port = host.rpartition(":")
    return (name if colon and port.isdigit() else host).lower()


class PathOnlyAccessLogger(AbstractAccessLogger):
    """One line a request, without its query (which may hold the token) or its Referer."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %s %.3fs", request.remote, request.method, request.path, response.status, time
        )


class DeckSession(AppService):
    """One browser tab's app, started without a shell in a process group of its own, so that
    ending the session ends the app and what it started, even an app too busy to read "quit"."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv
        self._stopping: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment["TEXTUAL_DRIVER"] = "tui.page_driver:PageDriver"
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Once, however many callers (the tab's handler, the server's shutdown) ask."""
        if self._stopping is None:
            self._stopping = asyncio.create_task(self._end())
        await asyncio.shield(self._stopping)

    async def _end(self) -> None:
        process = self._process
        if process is None or self._task is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(QUIT_GRACE):
                await self.send_meta({"type": "quit"})  # may wait on an app that reads nothing
                await process.wait()
        if process.returncode is None:
            # SIGTERM would only ask again (the app takes it as a polite stop); a job's
            # journal is made to survive SIGKILL, and resume sends nothing twice.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # not reaped yet: the group is still ours
            await process.wait()
        await self._task


class DeckServer(Server):
    """textual-serve's server with RosterDeck's page, guards and sessions."""

    def __init__(
        self,
        argv: list[str],
        *,
        host: str,
        port: int,
        token: str = "",
        title: str = "RosterDeck",
    ) -> None:
        super().__init__(shlex.join(argv), host=host, port=port, title=title)
        self.argv = argv
        self.token = token
        self.sessions: set[DeckSession] = set()

    def page_url(self, port: int) -> str:
        """The one URL to open; with a token, the only one that opens the page."""
        shown = "localhost" if self.host in ("0.0.0.0", "::", "") else self.host
        shown = f"[{shown}]" if ":" in shown else shown
        return f"http://{shown}:{port}/" + (f"?token={self.token}" if self.token else "")

    def allowed(self, request: web.Request) -> bool:
        if not self.token:
            return True
        given = request.query.get("token") or request.cookies.get(COOKIE, "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    def host_allowed(self, request: web.Request) -> bool:
        """Without a token, a server on a loopback name answers to loopback names only: a page
        on another site that re-points its own name at 127.0.0.1 is refused. `--host` naming
        another address means the network was meant to reach it."""
        if self.token or self.host.strip("[]").lower() not in LOOPBACK_BINDS:
            return True
        return hostname(request.host) in LOOPBACK_NAMES

    @staticmethod
    def same_origin(request: web.Request) -> bool:
        """A browser says which page opened a websocket; only the page this server served may.
        (Cookies go with a websocket from any site, so the token alone would not stop one.)"""
        origin = request.headers.get("Origin", "")
        return bool(origin) and urlsplit(origin).netloc.lower() == request.host.lower()

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every path, the static files too, behind the Host check and the token."""
        if not self.host_allowed(request):
            return web.Response(
                status=403, text="RosterDeck answers on localhost only: open it as localhost."
            )
        if not self.allowed(request):
            return web.Response(
                status=403,
                text="RosterDeck: this address needs its token: add ?token=... as the command "
                "printed.",
            )
        return await handler(request)

    async def _make_app(self) -> web.Application:
        """textual-serve's routes, with no directory index on /static, and a favicon."""
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.get("/favicon.ico", self.handle_favicon, name="favicon"),
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def make_app(self) -> web.Application:
        """The aiohttp application, for `serve` and for tests."""
        return await self._make_app()

    async def handle_favicon(self, request: web.Request) -> web.Response:
        icon = files("tui").joinpath("favicon.ico").read_bytes()
        return web.Response(
            body=icon,
            content_type="image/vnd.microsoft.icon",
            headers={"Cache-Control": "max-age=86400"},
        )

    async def handle_index(self, request: web.Request) -> Any:
        self.public_url = f"{request.scheme}://{request.host}"  # the address the browser used
        response = await super().handle_index(request)
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            response.body = self.dressed(response.body)
        if self.token:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    def dressed(self, page: bytes) -> bytes:
        """textual-serve's page without outside fonts, with a title, an icon and focus."""
        head = (
            f"<title>{html.escape(self.title)}</title>\n"
            '<link rel="icon" href="/favicon.ico" />\n'
            f"{FOCUS_TERMINAL}\n"
        )
        return OUTSIDE_FONTS.sub(b"", page).replace(b"</head>", head.encode() + b"</head>", 1)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's, with the origin checked, messages capped, and the session's app
        ended however the tab leaves."""
        if not self.same_origin(request):
            raise web.HTTPForbidden(text="RosterDeck: not from this page's origin.")
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MESSAGE_LIMIT)
        await websocket.prepare(request)
        session = DeckSession(
            self.argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        self.sessions.add(session)
        try:
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            await session.start(width, height)
            await self._process_messages(websocket, session)
        finally:
            await asyncio.shield(self._end(session))  # ends even if this handler is cancelled
            await websocket.close()
        return websocket

    async def _end(self, session: DeckSession) -> None:
        await session.stop()
        self.sessions.discard(session)

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """textual-serve's loop, save that a message that is not what the page sends ends the
        session instead of raising a traceback into the log."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue  # an over-long message arrives as an error, then the close
            try:
                envelope = message.json()
                if not isinstance(envelope, list):
                    return
                kind, *rest = envelope
                if kind == "stdin":
                    await app_service.send_bytes(str(rest[0]).encode("utf-8"))
                elif kind == "resize":
                    size = rest[0]
                    await app_service.set_terminal_size(int(size["width"]), int(size["height"]))
                elif kind == "ping":
                    await websocket.send_json(["pong", rest[0]])
                elif kind == "blur":
                    await app_service.blur()
                elif kind == "focus":
                    await app_service.focus()
                else:
                    return
            except (ValueError, TypeError, KeyError, IndexError):
                return

    async def on_shutdown(self, app: web.Application) -> None:
        """Every tab's app ends with the server, at the same time."""
        await asyncio.gather(*(session.stop() for session in list(self.sessions)))

    def initialize_logging(self) -> None:
        """Plain lines on stderr (the access log without queries), no tracebacks with locals."""
        logging.basicConfig(
            level=logging.DEBUG if self.debug else logging.INFO, format="%(message)s"
        )

    def serve(self, debug: bool = False) -> None:
        """As textual-serve's, save that its banner (a URL without the token) is not printed,
        and that "Listening on …" is said once the socket accepts connections: a script (or a
        test) waits for that line instead of retrying."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self._listen())

    async def _listen(self) -> None:
        runner = web.AppRunner(
            await self._make_app(),
            handle_signals=False,
            access_log_class=PathOnlyAccessLogger,
            shutdown_timeout=0.25,  # the sessions have ended by then (on_shutdown)
        )
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        port = runner.addresses[0][1] if runner.addresses else self.port
        print(f"RosterDeck in a browser: {self.page_url(port)}  (Ctrl+C stops)", flush=True)
        print(f"Listening on {self.host}:{port}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            with contextlib.suppress(NotImplementedError, AttributeError):  # Windows
                loop.add_signal_handler(getattr(signal, name), stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
