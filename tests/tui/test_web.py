"""`rosterdeck serve`'s pages and guards: links from the address used, nothing fetched from
outside, the token on every path and in no log, the page's own origin and this machine's names
only, and no app process left behind by a tab, a huge message or a signal."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import ClientSession, ClientWebSocketResponse, WSMsgType, WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from tests.helpers.serving import Served, alive
from tui.web import MESSAGE_LIMIT, DeckServer, DeckSession

# An app that never reads its input: asked to quit, it does not.
DEAF_APP = [sys.executable, "-c", "import time; time.sleep(600)"]

Client = TestClient[object, object]
MakeClient = Callable[..., Awaitable[tuple[Client, DeckServer]]]


@pytest.fixture
async def client_for() -> AsyncIterator[MakeClient]:
    clients: list[tuple[Client, DeckServer]] = []

    async def make(token: str = "", host: str = "0.0.0.0") -> tuple[Client, DeckServer]:
        server = DeckServer(DEAF_APP, host=host, port=8000, token=token)
        server.sessions = Watched()
        client: Client = TestClient(TestServer(await server.make_app()))
        await client.start_server()
        clients.append((client, server))
        return client, server

    yield make
    for client, server in clients:
        await client.close()  # ends every session's app
        await until(server.sessions, lambda: not server.sessions)  # noqa: B023


class Watched(set[DeckSession]):
    """A server's sessions that wake whoever waits on them when one comes, starts its app or
    ends: the test waits on that, not on a clock."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    def add(self, session: DeckSession) -> None:
        super().add(session)
        start = session.start

        async def started(width: int, height: int) -> None:
            await start(width, height)
            self.changed.set()

        session.start = started  # type: ignore[method-assign]
        self.changed.set()

    def discard(self, session: DeckSession) -> None:
        super().discard(session)
        self.changed.set()


async def until(sessions: Watched, condition: Callable[[], bool], seconds: float = 120) -> None:
    """Until `condition` holds, looked at each time the sessions change; a TimeoutError after
    `seconds` only ends a test that would otherwise hang."""
    async with asyncio.timeout(seconds):
        while not condition():
            sessions.changed.clear()
            await sessions.changed.wait()


async def ended(*pids: int, seconds: float = 120) -> float:
    """Seconds until every one of these processes has ended (a zombie has), told by the
    kernel through a pidfd: another process's end, without looking again and again."""
    started = time.monotonic()
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(seconds):
        for pid in pids:
            try:
                fd = os.pidfd_open(pid)
            except ProcessLookupError:
                continue
            gone = loop.create_future()
            loop.add_reader(fd, gone.set_result, None)
            try:
                await gone
            finally:
                loop.remove_reader(fd)
                os.close(fd)
    return time.monotonic() - started


def origin_of(client: Client) -> str:
    return f"http://{client.host}:{client.port}"


async def test_links_follow_the_address_used_and_nothing_comes_from_outside(
    client_for: MakeClient,
) -> None:
    client, _ = await client_for()
    page = await client.get("/", headers={"Host": "support-box.lan:8000"})
    body = await page.text()
    assert page.status == 200
    assert "ws://support-box.lan:8000/ws" in body
    assert "http://support-box.lan:8000/static/" in body
    assert "0.0.0.0" not in body
    assert "fonts.googleapis.com" not in body and "https://" not in body


async def test_the_page_has_a_title_an_icon_and_gives_the_terminal_focus(
    client_for: MakeClient,
) -> None:
    client, _ = await client_for()
    body = await (await client.get("/")).text()
    assert "<title>RosterDeck</title>" in body
    assert 'rel="icon" href="/favicon.ico"' in body
    assert ".xterm-helper-textarea')?.focus()" in body
    icon = await client.get("/favicon.ico")
    assert icon.status == 200 and icon.content_type == "image/vnd.microsoft.icon"
    assert (await icon.read()).startswith(b"\x00\x00\x01\x00")  # an ICO file


async def test_a_token_is_needed_on_every_path_and_then_kept_for_the_connection(
    client_for: MakeClient,
) -> None:
    client, _ = await client_for("s3cret")
    refused = await client.get("/")
    assert refused.status == 403 and "token" in await refused.text()
    assert (await client.get("/?token=wrong")).status == 403
    for path in ("/static/", "/static/js/textual.js", "/favicon.ico", "/download/x", "/ws"):
        assert (await client.get(path)).status == 403, path
    page = await client.get("/?token=s3cret")
    assert page.status == 200
    # the page's own requests carry the cookie the page set, not the token in its URL
    assert (await client.get("/static/js/textual.js")).status == 200
    assert (await client.get("/favicon.ico")).status == 200
    assert (await client.get("/download/nothing")).status == 404  # let through: not found
    listing = await client.get("/static/")
    assert listing.status == 403 and "textual.js" not in await listing.text()  # no index
    client.session.cookie_jar.clear()
    assert (await client.get("/static/js/textual.js")).status == 403


async def test_without_a_token_only_this_machines_names_are_answered(
    client_for: MakeClient,
) -> None:
    for bound in ("localhost", "127.0.0.1", "::1"):
        local, _ = await client_for(host=bound)
        for name in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST:8000"):
            page = await local.get("/", headers={"Host": name})
            assert page.status == 200, (bound, name)
        for name in ("rebound.example.com:8000", "localhost.example.com:8000", "10.0.0.5:8000"):
            for path in ("/", "/static/js/textual.js", "/ws"):
                refused = await local.get(path, headers={"Host": name})
                assert refused.status == 403, (bound, name, path)
        assert "localhost" in await refused.text()
    # --host naming another address, or a token, lets other names in
    lan, _ = await client_for(host="0.0.0.0")
    assert (await lan.get("/", headers={"Host": "support-box.lan:8000"})).status == 200
    tokened, _ = await client_for("s3cret", host="localhost")
    page = await tokened.get("/?token=s3cret", headers={"Host": "support-box.lan:8000"})
    assert page.status == 200


async def test_a_websocket_from_another_origin_is_refused(client_for: MakeClient) -> None:
    client, server = await client_for()
    for origin in ("http://evil.example.com", "http://127.0.0.1:1", "null", ""):
        with pytest.raises(WSServerHandshakeError) as refused:
            await client.ws_connect("/ws", headers={"Origin": origin} if origin else {})
        assert refused.value.status == 403, origin
    assert not server.sessions
    ws = await client.ws_connect("/ws", headers={"Origin": origin_of(client)})
    await until(server.sessions, lambda: len(server.sessions) == 1)
    await ws.close()


async def test_a_closed_tab_ends_its_app_even_one_that_does_not_listen(
    client_for: MakeClient,
) -> None:
    client, server = await client_for()
    ws = await client.ws_connect("/ws", headers={"Origin": origin_of(client)})
    await until(server.sessions, lambda: any(session.pid for session in server.sessions))
    pid = next(iter(server.sessions)).pid
    assert pid is not None and alive(pid)
    await ws.close()
    await until(server.sessions, lambda: not server.sessions)
    await ended(pid)


async def test_a_message_the_page_would_not_send_ends_the_session(client_for: MakeClient) -> None:
    client, server = await client_for()
    for message in ({"not": "a list"}, ["sudo", "x"], [], "stdin", ["resize", {"width": "x"}]):
        ws = await client.ws_connect("/ws", headers={"Origin": origin_of(client)})
        await ws.send_str(json.dumps(message))
        async with asyncio.timeout(120):
            assert (await ws.receive()).type == WSMsgType.CLOSE, message
    await until(server.sessions, lambda: not server.sessions)


async def app_draws(
    ws_url: str, origin: str, then: Callable[[ClientWebSocketResponse], Awaitable[None]]
) -> None:
    """Open a tab's websocket, wait for the app's first screen, then go on with `then(ws)`."""
    async with (
        ClientSession() as http,
        http.ws_connect(ws_url, headers={"Origin": origin}) as ws,
    ):
        drawn = b""
        async with asyncio.timeout(60):
            while b"Accounts" not in drawn:
                message = await ws.receive()
                assert message.type == WSMsgType.BINARY, message
                drawn += message.data
        await then(ws)


def test_a_huge_message_ends_the_session_and_the_token_is_in_no_log_line(
    serve: Callable[..., Served],
) -> None:
    served = serve("--require-token")
    token = served.url.partition("?token=")[2]
    assert len(token) >= 16
    apps: set[int] = set()

    async def send_a_megabyte(ws: ClientWebSocketResponse) -> None:
        apps.update(served.apps())
        assert len(apps) == 1
        await ws.send_str(json.dumps(["stdin", "j" * 1_000_000]))
        async with asyncio.timeout(120):
            closed = await ws.receive()
            while closed.type in (WSMsgType.BINARY, WSMsgType.TEXT):  # drawn before it came
                closed = await ws.receive()
        assert closed.type == WSMsgType.CLOSE and closed.data == 1009  # message too big
        took = await ended(*apps)
        print(f"the app ended {took:.2f} s after its session closed")

    ws_url = f"ws://127.0.0.1:{served.port}/ws?token={token}&width=80&height=24"
    asyncio.run(app_draws(ws_url, served.origin, send_a_megabyte))
    assert MESSAGE_LIMIT < 1_000_000
    served.stop()
    said = served.said()
    assert "GET /ws 101" in said and "GET /?token" not in said
    # the one line that carries the token is the one URL printed for a person to open
    assert [line for line in said.splitlines() if token in line] == [
        f"RosterDeck in a browser: {served.url}  (Ctrl+C stops)"
    ]
    assert "Serving" not in said and "http://localhost:8000" not in said


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_ends_serve_and_every_tabs_app_at_once(
    serve: Callable[..., Served], number: signal.Signals
) -> None:
    served = serve()
    apps: set[int] = set()
    took: list[float] = []

    async def signal_it(ws: ClientWebSocketResponse) -> None:
        apps.update(served.apps())
        assert len(apps) == 1
        served.process.send_signal(number)
        took.append(await ended(served.process.pid, *apps))

    asyncio.run(app_draws(f"ws://127.0.0.1:{served.port}/ws", served.origin, signal_it))
    # how soon is the server's to say (each app has QUIT_GRACE to leave, then is killed), not
    # a busy machine's clock's: the test holds that one signal ends them all
    print(f"{number.name}: serve and its app ended in {took[0]:.2f} s")
    assert served.process.poll() is not None and all(not alive(pid) for pid in apps)


def test_an_app_ends_even_when_serve_is_killed_outright(serve: Callable[..., Served]) -> None:
    served = serve()
    apps: set[int] = set()

    async def kill_it(ws: ClientWebSocketResponse) -> None:
        apps.update(served.apps())
        assert len(apps) == 1
        served.process.kill()  # SIGKILL: serve cannot end its sessions; the app sees its input end
        took = await ended(*apps)
        print(f"the app ended {took:.2f} s after serve was killed")

    asyncio.run(app_draws(f"ws://127.0.0.1:{served.port}/ws", served.origin, kill_it))
