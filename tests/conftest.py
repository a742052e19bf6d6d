"""Fixtures: an in-memory keyring and a private ROSTERDECK_HOME for every test, the sandbox,
its adapters and a journal; tests under tests/e2e are marked `e2e`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest

from providers.accounts.connect import open_adapter
from providers.accounts.workspace import sandbox_accounts
from providers.journal import Journal
from providers.models import Provider
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from providers.sandbox.serve import in_background
from tests.helpers import FAST, MemoryKeyring, OpenAdapter, Sleeps
from tests.helpers.serving import Served


@pytest.fixture(autouse=True)
def memory_keyring(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MemoryKeyring]:
    """No test ever touches a real keychain or the user's real config."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("ROSTERDECK_HOME", str(tmp_path_factory.mktemp("home")))
    for name in list(os.environ):
        if name.startswith("ROSTERDECK_TOKEN_"):
            monkeypatch.delenv(name)
    yield backend
    keyring.set_keyring(previous)


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
    from tests.helpers.postgres import server

    with server() as url:
        yield url


@pytest.fixture
def postgresql_url(postgresql_server: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test; dropped after it."""
    from tests.helpers.postgres import create_database, drop_database

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


@pytest.fixture
async def connect(sandbox: Sandbox, sleeps: Sleeps) -> AsyncIterator[OpenAdapter]:
    """Open an adapter on the in-process sandbox; closed when the test ends."""
    opened: list[Adapter] = []

    def open_one(provider: Provider, token: str | None = None, **options: float) -> Adapter:
        account, default_token = next(
            (a, t)
            for a, t in sandbox_accounts(options={**FAST, **options})
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start processes, terminals or browsers are `e2e`: `-m "not e2e"` skips them.
    They and the `slow` ones go first, so that in parallel no long test starts last."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)
    items.sort(
        key=lambda item: not any(item.iter_markers("e2e")) and not any(item.iter_markers("slow"))
    )


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: three workers a core. A test here spends about half its time waiting (for
    the app to be idle, a pace's gap, a child process), and the others use the core. On two
    cores with a CPU hog beside it the suite took 4:46 with four workers, 4:12 with six and
    4:25 with eight."""
    return 3 * len(os.sched_getaffinity(0))
