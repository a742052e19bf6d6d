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


@contextmanager
def server() -> Iterator[str]:
    """Yields the URL of the server's `postgres` database."""
    bin_dir = binaries()
    if bin_dir is None:
        missing()
        raise AssertionError  # missing() never returns
    home = Path(tempfile.mkdtemp(prefix="rosterdeck-pg-"))
    data, port = home / "data", _free_port()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the server runs as the postgres user
        shutil.chown(home, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    options = (
        f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c full_page_writes=off -c synchronous_commit=off"
    )

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, text=True)

    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync")
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(home / "log"),
        "-o",
        options,
        "-w",
        "start",
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
