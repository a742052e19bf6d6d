"""`rosterdeck --demo serve` as a real process on a free port, for the tests that need the
whole server: its output, its signals, the app processes it starts, a real browser."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from providers.sandbox.serve import bind

SERVE = [sys.executable, "-m", "tui", "--demo", "serve"]


def app_processes(parent: int) -> set[int]:
    """The live processes whose parent is `parent`: the apps a server started, one a tab."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended while we looked
        if int(fields[1]) == parent and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


class Served:
    """A running `serve`, its output read as it comes (a pipe left unread would block it)."""

    def __init__(self, *args: str) -> None:
        sock = bind("127.0.0.1", 0)
        self.port: int = sock.getsockname()[1]
        sock.close()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [*SERVE, "--host", "127.0.0.1", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self.listening = threading.Event()
        #: set once it listens or one of its outputs has ended
        self.answered = threading.Event()
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        try:
            self.answered.wait(60)  # it listens, or its output ended with it
            assert self.listening.is_set(), f"serve did not listen: {self.said()}"
        except AssertionError:
            self.stop()
            raise

    def _read(self, stream: IO[str], into: list[str]) -> None:
        for line in stream:
            into.append(line)
            if line.startswith("Listening on"):
                self.listening.set()
                self.answered.set()
        self.answered.set()  # the process closed it: it has ended

    @property
    def url(self) -> str:
        """The URL it printed for a person to open."""
        line = next(line for line in self.out if line.startswith("RosterDeck in a browser:"))
        return line.split()[4]

    def said(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def apps(self) -> set[int]:
        return app_processes(self.process.pid)

    def stop(self) -> None:
        """Ends it however it stands, the apps it started too; then its output is complete."""
        apps = self.apps()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in apps:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        for reader in self._readers:
            reader.join(timeout=10)
