"""What the team's tests and benchmark share: the sandbox on a loopback port, its every write
recorded as it arrives (when, where, whom it names), and people each with a home of their own
(accounts, head file) on one journal, running `rosterdeck` as separate processes."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from providers.models import Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from providers.sandbox.serve import in_background

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the body fields that name members in each provider's writes
NAMING = ("participants", "contact_ids", "contactIds", "emails", "ids")


@dataclass(frozen=True)
class Write:
    at: float
    path: str
    names: tuple[str, ...]


@dataclass
class Recorder:
    """In front of the sandbox: each write request, at the moment it reaches the server."""

    app: ASGIApp
    writes: list[Write] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        at = time.monotonic()
        messages: list[Message] = []
        while not messages or messages[-1].get("more_body", False):
            messages.append(await receive())
        body = b"".join(m.get("body", b"") for m in messages)
        said: Any = json.loads(body) if body.strip() else {}
        names = [str(n) for key in NAMING for n in (said.get(key) or [])]
        self.writes.append(Write(at, scope["path"], tuple(names)))

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def sent(self, path_part: str) -> Counter[str]:
        """How many times each member was named in writes whose path has `path_part`."""
        return Counter(n for w in self.writes if path_part in w.path for n in w.names)

    def gaps(self, path_part: str) -> list[float]:
        times = sorted(w.at for w in self.writes if path_part in w.path)
        return [b - a for a, b in itertools.pairwise(times)]


@contextmanager
def recorded(sandbox: Sandbox) -> Iterator[tuple[str, Recorder]]:
    """The sandbox served on loopback behind a `Recorder`; yields its origin and the record."""
    recorder = Recorder(sandbox.app)
    sandbox.app = recorder  # type: ignore[assignment]
    with in_background(sandbox) as origin:
        yield origin, recorder


@dataclass
class Person:
    """Someone with a home of their own, on the team's journal."""

    home: Path
    env: dict[str, str]

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "tui", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def run(self, *args: str, timeout: float = 120) -> tuple[int, str, str]:
        done = self.start(*args)
        out, err = done.communicate(timeout=timeout)
        return done.returncode, out, err


def person(
    root: Path, name: str, journal: str, sandbox: Sandbox, origin: str, **options: object
) -> Person:
    """`name` at 10.0.0.N (as SSH says), with the sandbox's WaSend account as `wa` (its reads
    unpaced: the pace under test is the writes')."""
    home = root / name
    home.mkdir()
    account = {
        "provider": "wasend",
        "base_url": sandbox.base_url(Provider.WASEND, origin),
        "options": {
            "requests_per_second": 0,
            "seconds_between_reads": 0,
            "read_jitter": 0,
            "batch_size": 1,
            **options,
        },
    }
    (home / "accounts.toml").write_text(tomli_w.dumps({"accounts": {"wa": account}}))
    number = sum(ord(c) for c in name) % 250 + 1
    env = {
        **os.environ,
        "ROSTERDECK_HOME": str(home),
        "ROSTERDECK_TOKEN_WA": TOKENS[Provider.WASEND],
        "ROSTERDECK_JOURNAL": journal,
        "SSH_CLIENT": f"10.0.0.{number} 50000 22",
    }
    return Person(home, env)


def plain_members(
    sandbox: Sandbox, session: str, subject: str, count: int
) -> tuple[str, list[str]]:
    """A WhatsApp group's container id and `count` of its members that can be removed."""
    jid, group = next(
        (j, g) for j, g in sandbox.wasend.groups[session].items() if g["subject"] == subject
    )
    plain = [
        p
        for p, v in group["participants"].items()
        if not v["isSuperAdmin"] and "Us" not in str(v["displayName"])
    ]
    return f"{session}/{jid}", plain[:count]
