"""`rosterdeck serve`'s pages: links from the address used, nothing fetched from outside,
and a token when one is asked for."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tui.web import DeckServer


@pytest.fixture
async def client_for() -> AsyncIterator[object]:
    clients: list[TestClient[object, object]] = []

    async def make(token: str = "") -> TestClient[object, object]:
        server = DeckServer("true", host="0.0.0.0", port=8000, token=token)
        client: TestClient[object, object] = TestClient(TestServer(await server.make_app()))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def test_links_follow_the_address_used_and_nothing_comes_from_outside(
    client_for: object,
) -> None:
    client = await client_for()  # type: ignore[operator]
    page = await client.get("/", headers={"Host": "support-box.lan:8000"})
    body = await page.text()
    assert page.status == 200
    assert "ws://support-box.lan:8000/ws" in body
    assert "http://support-box.lan:8000/static/" in body
    assert "0.0.0.0" not in body
    assert "fonts.googleapis.com" not in body and "https://" not in body


async def test_a_token_is_needed_when_asked_for_and_then_kept_for_the_connection(
    client_for: object,
) -> None:
    client = await client_for("s3cret")  # type: ignore[operator]
    refused = await client.get("/")
    assert refused.status == 403 and "token" in await refused.text()
    assert (await client.get("/?token=wrong")).status == 403
    page = await client.get("/?token=s3cret")
    assert page.status == 200
    # the page's own requests carry the cookie the page set, not the token in its URL
    assert (await client.get("/download/nothing")).status == 404  # let through: not found
    client.session.cookie_jar.clear()
    assert (await client.get("/download/nothing")).status == 403
    assert (await client.get("/ws")).status == 403
