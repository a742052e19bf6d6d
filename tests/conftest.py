"""Shared fixtures: an in-memory keyring, a private ROSTERDECK_HOME, and the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from providers.accounts.connect import open_adapter
from providers.accounts.store import Account
from providers.accounts.workspace import sandbox_accounts
from providers.journal import Journal
from providers.models import Provider
from providers.protocol import Adapter
from providers.sandbox import Sandbox
from providers.sandbox.autosend import AutoSendState
from providers.sandbox.serve import in_background
from tests.serving import Served


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise keyring.errors.PasswordDeleteError("no such password")
        del self.secrets[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MemoryKeyring]:
    """No test ever touches a real keychain or the user's real config."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("ROSTERDECK_HOME", str(tmp_path_factory.mktemp("home")))
    import os

    for name in list(os.environ):
        if name.startswith("ROSTERDECK_TOKEN_"):
            monkeypatch.delenv(name)
    yield backend
    keyring.set_keyring(previous)


class Sleeps:
    """A stand-in for asyncio.sleep that records each wait and really waits at most `cap`."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.cap = 0.0

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(min(seconds, self.cap))


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def sandbox() -> Sandbox:
    """The sandbox with rate limits lifted and a 1,000-member big list, for speed."""
    return Sandbox(autosend=AutoSendState.seeded(big_list=1_000)).unlimited()


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3")


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[str]:
    from tests.postgres import server

    with server() as url:
        yield url


@pytest.fixture
def postgresql_url(postgresql_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test; dropped after it."""
    from tests.postgres import create_database, drop_database

    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[-55:].lower()
    yield create_database(postgresql_server, name)
    drop_database(postgresql_server, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def journal_at(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a journal test's journal lives: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "journal.sqlite3"
    url: str = request.getfixturevalue("postgresql_url")
    return url


FAST = {"requests_per_second": 0, "seconds_between_writes": 0, "write_jitter": 0}

OpenAdapter = Callable[..., Adapter]


@pytest.fixture
async def connect(sandbox: Sandbox, sleeps: Sleeps) -> AsyncIterator[OpenAdapter]:
    """Open an adapter on the in-process sandbox; closed when the test ends."""
    opened: list[Adapter] = []

    def open_one(provider: Provider, token: str | None = None, **options: float) -> Adapter:
        account, default_token = next(
            (a, t)
            for a, t in sandbox_accounts(sandbox, options={**FAST, **options})
            if a.provider is provider
        )
        adapter = open_adapter(
            account, token or default_token, transport=sandbox.transport(), sleep=sleeps
        )
        opened.append(adapter)
        return adapter

    yield open_one
    for adapter in opened:
        await adapter.aclose()


@pytest.fixture
def wire_origin(sandbox: Sandbox) -> Iterator[str]:
    """The same sandbox served on a loopback port."""
    with in_background(sandbox) as origin:
        yield origin


def wire_account(sandbox: Sandbox, origin: str, provider: Provider) -> tuple[Account, str]:
    return next(
        (a, t)
        for a, t in sandbox_accounts(sandbox, origin=origin, options=FAST)
        if a.provider is provider
    )


def text_of(pilot: Pilot[Any], selector: str) -> str:
    """What a Static on the current screen shows."""
    return str(pilot.app.screen.query_one(selector, Static).render())


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    """Start `rosterdeck --demo serve ARGS` on a free port; ended, with its apps, after the
    test."""
    started: list[Served] = []

    def start(*args: str) -> Served:
        started.append(Served(*args))
        return started[-1]

    yield start
    for served in started:
        served.stop()
