"""The journal as a store: an older journal upgrades itself on open; its files are private;
it may be written from a worker thread; opening it loads no SQLAlchemy until asked; and a
journal that cannot be used says so in one sentence, before anything is sent."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sqlalchemy import Connection

from providers.accounts.journal_location import journal_target, masked
from providers.errors import JournalUnavailable
from providers.journal import Journal
from providers.journal import database as journal_database
from providers.journal.migrations import HEAD, create, revision, upgrade
from tests.helpers.journal import GROUP, PEOPLE, finished_job

DATA = Path(__file__).parent / "data"


def _reads(journal: Journal) -> dict[str, object]:
    jobs = journal.jobs()
    ids = [m.id for m in PEOPLE] + ["4", "5"]
    return {
        "jobs": [j.model_dump(mode="json") for j in jobs],
        "items": {
            j.id: [[i.member.as_dict(), i.state, i.code, i.message] for i in journal.items(j.id)]
            for j in jobs
        },
        "stories": {
            j.id: {
                m: [[s.at, s.state, s.code, s.message] for s in journal.story(j.id, m)] for m in ids
            }
            for j in jobs
        },
        "everywhere": [e.model_dump(mode="json") for e in journal.everywhere_jobs()],
    }


def test_a_journal_from_before_migrations_upgrades_itself_and_reads_the_same(
    tmp_path: Path,
) -> None:
    """Written by the journal as it was before Alembic, with what it read then."""
    path = tmp_path / "journal.sqlite3"
    shutil.copy(DATA / "journal-before-migrations.sqlite3", path)
    journal = Journal(path)
    assert _reads(journal) == json.loads((DATA / "journal-before-migrations.json").read_text())
    verdict = journal.verify()
    assert verdict.whole and verdict.jobs == 2, verdict.breaks
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]
        (old,) = db.execute("SELECT body FROM chain WHERE kind = 'upgraded'").fetchone()
        assert json.loads(old)["events"] > 0
        dumped = "\n".join(db.iterdump())
    assert "Person 1" not in "".join(r for r in dumped.splitlines() if "INSERT INTO chain" in r)
    journal.set_state(journal.jobs()[-1].id, journal.jobs()[-1].state, "still fine")
    assert Journal(path).verify().whole


def test_the_alembic_head_is_the_one_the_journal_opens_at() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option(
        "script_location", str(Path(journal_database.__file__).parent / "migrations")
    )
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def _schema(target: Path | str, build: Callable[[Connection], None]) -> dict[str, object]:
    """The tables, columns, keys and indexes a journal built by `build` has, as read back,
    and the rows it starts with (a secret by its length: it is random)."""
    from sqlalchemy import inspect, text

    from providers.journal.database import Database

    db = Database(target)
    with db.write() as conn:
        build(conn)
    with db.read() as conn:
        seen = inspect(conn)
        found = {
            table: {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], c["default"])
                    for c in seen.get_columns(table)
                ],
                "key": seen.get_pk_constraint(table)["constrained_columns"],
                "foreign": [
                    (f["constrained_columns"], f["referred_table"])
                    for f in seen.get_foreign_keys(table)
                ],
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in seen.get_indexes(table)
                ),
            }
            for table in seen.get_table_names()
        }
        found["revision"] = revision(conn)
        found["head"] = conn.execute(text("SELECT * FROM head")).all()
        found["secrets"] = [
            (name, len(value)) for name, value in conn.execute(text("SELECT * FROM secrets"))
        ]
    db.engine.dispose()
    return found


def test_a_new_journal_is_made_as_every_migration_would_make_it(
    journal_at: Path | str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A new journal is made at once from `tables.py`; replaying the migrations from the
    first must give the same schema, on SQLite and on PostgreSQL."""
    if isinstance(journal_at, Path):
        replayed: Path | str = tmp_path / "replayed.sqlite3"
    else:
        from tests.helpers.postgres import create_database, drop_database

        server = request.getfixturevalue("postgresql_server")
        replayed = create_database(server, "replayed_migrations")
        request.addfinalizer(lambda: drop_database(server, "replayed_migrations"))
    made = _schema(journal_at, create)
    assert made == _schema(replayed, upgrade)
    assert made["revision"] == HEAD and "alembic_version" in made


def test_files_are_private_and_older_ones_tightened_once(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    journal = Journal(folder / "journal.sqlite3")
    finished_job(journal)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(folder) == 0o700
    files = [folder / n for n in ("journal.sqlite3", "journal.sqlite3-wal", "journal.sqlite3.head")]
    assert [mode(f) for f in files] == [0o600] * 3
    journal.close()
    folder.chmod(0o755)
    (folder / "journal.sqlite3").chmod(0o644)
    again = Journal(folder / "journal.sqlite3")
    assert len(again.notices) == 2 and "now 600" in again.notices[1]
    assert mode(folder) == 0o700 and mode(folder / "journal.sqlite3") == 0o600
    assert Journal(folder / "journal.sqlite3").notices == []  # said once


def test_the_folders_made_on_the_way_to_the_journal_are_private(tmp_path: Path) -> None:
    """The demo's journal is a folder below the data folder: both are made 0700; a folder
    that was there already is left as it is."""
    tmp_path.chmod(0o755)
    Journal(tmp_path / "home" / "demo" / "journal.sqlite3").close()
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert [mode(tmp_path / "home"), mode(tmp_path / "home" / "demo")] == [0o700, 0o700]
    assert mode(tmp_path) == 0o755


def test_a_big_plan_written_from_a_worker_thread(journal_at: Path | str) -> None:
    """The app writes a big plan off its event loop while it keeps reading."""
    from providers.models import Member, Operation, Provider

    journal = Journal(journal_at)
    first = finished_job(journal)
    made: list[str] = []
    worker = threading.Thread(
        target=lambda: made.append(
            journal.create(
                account="acme",
                provider=Provider.RASL,
                container=GROUP,
                operation=Operation.REMOVE_FROM_CONTAINER,
                members=[Member(id=f"m{n}", name=f"M {n}") for n in range(5_000)],
            )
        )
    )
    worker.start()
    while worker.is_alive():
        assert journal.job(first).counts  # reads go on meanwhile
    worker.join()
    assert journal.job(made[0]).counts == {"pending": 5_000}
    assert journal.verify().whole


def test_opening_the_app_loads_no_sqlalchemy() -> None:
    code = (
        "import sys, providers.journal, providers.jobs.engine, providers.jobs.receipts, tui.app; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_setting_names_a_postgresql_journal_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = tmp_path / "journal.sqlite3"
    assert journal_target(default) == default
    monkeypatch.setenv("ROSTERDECK_JOURNAL", "postgresql://desk@db.example/rd")
    assert journal_target(default) == "postgresql://desk@db.example/rd"
    monkeypatch.delenv("ROSTERDECK_JOURNAL")
    config = Path(journal_target.__globals__["config_dir"]()) / "config.toml"
    config.write_text('journal = "postgresql://desk:s3cret@db.example/rd"\n')
    with pytest.raises(Exception, match="password in it") as refused:
        journal_target(default)
    assert "s3cret" not in str(refused.value)
    assert masked("postgresql://desk:s3cret@db.example/rd") == "postgresql://desk:***@db.example/rd"


# -- a journal that cannot be used --------------------------------------------------------


@pytest.fixture
def quick_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_database, "LOCK_WAIT_SECONDS", 0.2)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A journal nobody may write: 0400, and immutable too where root ignores modes."""
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    path.chmod(0o400)
    immutable = False
    if hasattr(sys, "getwindowsversion") is False and __import__("os").geteuid() == 0:
        immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
        if not immutable:
            pytest.skip("root writes a 0400 file, and chattr +i is not available here")
    yield path
    if immutable:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_journal_says_so(read_only: Path) -> None:
    with pytest.raises(JournalUnavailable) as said:
        finished_job(Journal(read_only))
    assert str(read_only) in said.value.message and "read-only" in said.value.message


def test_a_journal_locked_by_another_writer_says_so(tmp_path: Path, quick_lock: None) -> None:
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(JournalUnavailable) as said:
            finished_job(journal)
    finally:
        other.execute("ROLLBACK")
    assert f"The journal {path} stayed locked" in said.value.message
    finished_job(journal)  # once the other lets go, it writes again


def test_a_full_journal_says_so(tmp_path: Path) -> None:
    from sqlalchemy import event

    from providers.models import Member, Operation, Provider

    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    pages = sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]
    event.listen(
        journal._db.engine,
        "connect",
        lambda conn, _: conn.execute(f"PRAGMA max_page_count = {pages + 2}"),
    )
    journal._db.engine.dispose()
    with pytest.raises(JournalUnavailable) as said:
        journal.create(
            account="acme",
            provider=Provider.RASL,
            container=GROUP,
            operation=Operation.REMOVE_FROM_CONTAINER,
            members=[Member(id=str(n), name=f"Person {n}") for n in range(2_000)],
        )
    assert f"The journal {path} is full" in said.value.message


def test_an_unreachable_postgresql_says_so_with_its_password_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ROSTERDECK_JOURNAL_PASSWORD", "s3cret")
    url = f"postgresql://desk@127.0.0.1:{port}/rd"
    with pytest.raises(JournalUnavailable) as said:
        Journal(url)
    assert said.value.message.startswith(f"The journal {url} cannot be reached")
    assert "s3cret" not in said.value.message


def test_a_journal_from_a_newer_rosterdeck_is_refused_in_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal(path).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(JournalUnavailable, match="written by a newer RosterDeck"):
        Journal(path)
