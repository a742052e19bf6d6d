"""A PostgreSQL server of the tests' own, on loopback, with its own data directory: started
once a run when a test asks for a database, stopped at the end. Without PostgreSQL's
binaries the tests that need it are skipped, saying how to get them, except under CI=true,
where they fail."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

HOW = "apt-get install postgresql (its initdb and pg_ctl, in /usr/lib/postgresql/*/bin)"


def binaries() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def missing() -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is needed for the journal's tests under CI: {HOW}.")
    pytest.skip(f"PostgreSQL is not installed here: {HOW} to run these on it too.")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A server in a data directory of its own, which a test may stop and start again (the
    database going away mid-job); `url` names its `postgres` database."""

    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            missing()
            raise AssertionError  # missing() never returns
        self.bin = bin_dir
        self.home = Path(tempfile.mkdtemp(prefix="rosterdeck-pg-"))
        self.data, self.port = self.home / "data", _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root: the server runs as the postgres user
            shutil.chown(self.home, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.as_user, str(self.bin / tool), *args]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c synchronous_commit=off"
        )
        log = str(self.home / "log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every connection and keeps what was committed; `immediate` is a crash,
        and on this server (no fsync, no synchronous commit) loses the last commits."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)


@contextmanager
def server() -> Iterator[str]:
    """Yields the URL of a running server's `postgres` database; stopped and removed after."""
    running = Server()
    running.start()
    try:
        yield running.url
    finally:
        running.stop("immediate")
        running.remove()


def create_database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
