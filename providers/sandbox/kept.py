"""The demo's sandbox data on disk, beside the demo's journal: every process of the demo (the
app, each shell command, each browser tab) sees the same people, and whoever was removed stays
removed until the demo is reset.

One small SQLite file holds each provider's data as it stands, with a version. Before each
request a process loads what another one saved since it last looked. A request that changes
something runs under the file's write lock, after loading the newest data, and saves before
the lock is let go: a process that held an older state can never write it over a newer one.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from providers.models import Provider

#: requests that change nothing though they are not GETs (AutoSend searches by POST)
READS_BY_POST = ("/contact-lists/contacts/search",)
#: how long a process waits for another one's change to be saved (a change takes ms)
LOCK_SECONDS = 10.0


class Keepable(Protocol):
    def saved(self) -> dict[str, Any]: ...

    def restore(self, saved: dict[str, Any]) -> None: ...


def changes(scope: Scope) -> bool:
    return scope["method"] != "GET" and not scope["path"].endswith(READS_BY_POST)


class Keeper:
    """Each provider's sandbox state, kept in `path` and shared with every process that
    keeps its sandbox there."""

    def __init__(self, path: Path, states: Mapping[Provider, Keepable]) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.touch(mode=0o600)
        self.path = path
        self.states = states
        self.versions = dict.fromkeys(states, 0)
        self._db = sqlite3.connect(path, timeout=LOCK_SECONDS, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS kept "
            "(provider TEXT PRIMARY KEY, version INTEGER NOT NULL, body BLOB NOT NULL)"
        )
        self._writing = asyncio.Lock()  # one change at a time in this process
        self.catch_up()

    def catch_up(self) -> None:
        """Load what another process saved since this one last looked."""
        stored = dict(self._db.execute("SELECT provider, version FROM kept").fetchall())
        for provider, state in self.states.items():
            version = stored.get(provider.value, self.versions[provider])
            if version != self.versions[provider]:
                (body,) = self._db.execute(
                    "SELECT body FROM kept WHERE provider = ?", (provider.value,)
                ).fetchone()
                state.restore(json.loads(body))
                self.versions[provider] = version

    def _save(self, provider: Provider) -> None:
        self.versions[provider] += 1
        body = json.dumps(self.states[provider].saved()).encode()
        self._db.execute(
            "INSERT OR REPLACE INTO kept (provider, version, body) VALUES (?, ?, ?)",
            (provider.value, self.versions[provider], body),
        )

    def save_all(self) -> None:
        """Save every provider's state as this process holds it, over whatever is stored
        (a reset: the seeded data again, for every process)."""
        self._db.execute("BEGIN IMMEDIATE")
        stored = dict(self._db.execute("SELECT provider, version FROM kept").fetchall())
        for provider in self.states:
            self.versions[provider] = max(self.versions[provider], stored.get(provider.value, 0))
            self._save(provider)
        self._db.execute("COMMIT")

    def guard(self, provider: Provider, app: ASGIApp) -> ASGIApp:
        """`app` (one provider's fake) on the newest data; what a request changes is saved
        before anyone else can change it."""

        async def kept(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or not changes(scope):
                self.catch_up()
                await app(scope, receive, send)
                return
            status = 0

            async def watched(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            async with self._writing:
                self._db.execute("BEGIN IMMEDIATE")  # waits for another process's change
                try:
                    self.catch_up()
                    await app(scope, receive, watched)
                    if 200 <= status < 300:
                        self._save(provider)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")

        return kept

    def close(self) -> None:
        self._db.close()
