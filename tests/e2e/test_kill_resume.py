"""A slow removal killed midway (SIGKILL, then SIGHUP) and resumed: every member is removed
exactly once, as the sandbox itself counts, and the journal is complete."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import tomli_w

from providers.journal import Journal
from providers.journal.records import JobState
from providers.models import Outcome, Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST

TARGETS = 60


def _home(tmp_path: Path, sandbox: Sandbox, origin: str) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    account = {
        "provider": "wasend",
        "base_url": sandbox.base_url(Provider.WASEND, origin),
        "options": {**FAST, "seconds_between_writes": 0.1, "batch_size": 5},
    }
    (home / "accounts.toml").write_text(tomli_w.dumps({"accounts": {"wa": account}}))
    return {
        **os.environ,
        "ROSTERDECK_HOME": str(home),
        "ROSTERDECK_TOKEN_WA": TOKENS[Provider.WASEND],
    }


def _targets(sandbox: Sandbox) -> tuple[str, list[str]]:
    session = "sess_front_desk"
    jid, group = next(
        (j, g)
        for j, g in sandbox.wasend.groups[session].items()
        if g["subject"] == "Harbour Runners"
    )
    plain = [
        p
        for p, v in group["participants"].items()
        if not v["isSuperAdmin"] and "Us" not in str(v["displayName"])
    ]
    return f"{session}/{jid}", plain[:TARGETS]


def _cli(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGHUP], ids=["SIGKILL", "SIGHUP"])
def test_killed_midway_then_resumed_removes_each_member_exactly_once(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str, stop: signal.Signals
) -> None:
    sandbox.faults[Provider.WASEND].latency = 0.03
    env = _home(tmp_path, sandbox, wire_origin)
    container, targets = _targets(sandbox)
    wanted = tmp_path / "ticket.txt"
    wanted.write_text("\n".join(targets))

    first = _cli("remove", "wa", container, "--from", str(wanted), "--yes", env=env)
    assert first.stdout is not None
    settled = 0
    for line in first.stdout:
        settled += line.startswith("✓ removed")
        if settled >= 12:
            first.send_signal(stop)
            break
    first.wait(timeout=30)
    journal = Journal(Path(env["ROSTERDECK_HOME"]) / "journal.sqlite3")
    (job,) = journal.unfinished()
    assert 0 < job.counts.get(Outcome.REMOVED.value, 0) < TARGETS
    if stop is signal.SIGHUP:
        assert first.returncode == 128 + stop and job.state is JobState.INTERRUPTED  # cleanly
    else:
        assert first.returncode == -signal.SIGKILL

    second = _cli("resume", job.id, "--yes", env=env)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, (out, err)

    job = journal.job(job.id)
    assert job.state is JobState.FINISHED and job.counts == {Outcome.REMOVED.value: TARGETS}
    counted = Counter(p for _, p in sandbox.wasend.removals)
    assert counted == Counter(dict.fromkeys(targets, 1))
    session, jid = container.split("/")
    assert not set(targets) & set(sandbox.wasend.groups[session][jid]["participants"])


def _first_removal_running(
    tmp_path: Path, sandbox: Sandbox, origin: str
) -> tuple[subprocess.Popen[str], Journal, list[str], dict[str, str]]:
    """A `rosterdeck remove` of the targets, returned once its first member is removed."""
    env = _home(tmp_path, sandbox, origin)
    container, targets = _targets(sandbox)
    wanted = tmp_path / "ticket.txt"
    wanted.write_text("\n".join(targets))
    first = _cli("remove", "wa", container, "--from", str(wanted), "--yes", env=env)
    assert first.stdout is not None
    for line in first.stdout:
        if line.startswith("✓ removed"):
            break
    return first, Journal(Path(env["ROSTERDECK_HOME"]) / "journal.sqlite3"), targets, env


def test_a_second_runner_is_refused_while_the_first_lives(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str
) -> None:
    """Two processes on one job: the second is turned away at once, naming the first."""
    held = sandbox.wasend.misbehaviour
    held.hold_after = 5  # the first runs until the second has been turned away
    first, journal, targets, env = _first_removal_running(tmp_path, sandbox, wire_origin)
    (job,) = journal.unfinished()
    assert job.state is JobState.RUNNING

    second = _cli("resume", job.id, "--yes", env=env)
    out, err = second.communicate(timeout=30)
    assert second.returncode == 1, (out, err)
    assert f"is being run by process {first.pid}" in err

    held.let_go()
    first.communicate(timeout=60)
    assert first.returncode == 0
    job = journal.job(job.id)
    assert job.state is JobState.FINISHED and job.counts == {Outcome.REMOVED.value: TARGETS}
    assert Counter(p for _, p in sandbox.wasend.removals) == Counter(dict.fromkeys(targets, 1))


def test_a_job_whose_runner_died_shows_interrupted(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str
) -> None:
    first, journal, _, _ = _first_removal_running(tmp_path, sandbox, wire_origin)
    first.kill()
    first.communicate(timeout=30)
    (job,) = journal.unfinished()
    assert job.state is JobState.INTERRUPTED
