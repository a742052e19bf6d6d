"""When its terminal goes away, RosterDeck ends.

The app (`rosterdeck --demo`) and each shell command run as real processes, each on a
pseudo-terminal of its own, with a job under way. Then the terminal is closed (its SIGHUP;
or, for a process that has no controlling terminal, its reads just end) or the process is
sent SIGTERM or SIGINT. It must be gone within two seconds, with a non-zero status; the
job journaled interrupted, with no request marked `sending` after the stop was journaled;
its lock free; and a resume must finish the job, sending each member once.
"""

from __future__ import annotations

import codecs
import fcntl
import json
import os
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import tomli_w

from providers.accounts.credentials import env_var_for
from providers.journal import Journal
from providers.journal.records import PENDING, SENDING, JobState
from providers.models import Outcome, Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from providers.signals import TERMINAL_GONE
from tests.helpers import FAST

pytestmark = pytest.mark.e2e

GONE_WITHIN = 2.0
GIVE_UP = 6.0  # how long a test waits for a process that should have gone, before failing
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|.)")
DOWN, ENTER = "\x1b[B", "\r"


class Terminal:
    """A `rosterdeck` process on a pseudo-terminal of its own, 80x24, whose output is read
    as text (escape sequences dropped). With `controlling`, the terminal is its controlling
    one, so closing it sends SIGHUP; without, closing it only ends its reads."""

    def __init__(self, args: list[str], env: dict[str, str], *, controlling: bool = True):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        pid = os.fork()
        if pid == 0:  # the child: becomes rosterdeck, or dies trying
            try:
                os.setsid()
                if controlling:
                    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                # as a shell with job control starts it: ctrl+c's SIGINT and the hangup are
                # not ignored, even when this run was started in the background of a script
                # or under nohup (whose ignored SIGHUP every child would inherit)
                for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
                    signal.signal(number, signal.SIG_DFL)
                os.execve(sys.executable, [sys.executable, "-m", "tui", *args], env)
            finally:
                os._exit(127)
        os.close(slave)
        self.pid = pid
        self.master: int | None = master
        self.text = ""
        self.status: int | None = None
        self._decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode

    def _read(self, seconds: float) -> bool:
        """Read what it wrote within `seconds`; False once nothing more can come."""
        if self.master is None:
            return False
        if select.select([self.master], [], [], max(seconds, 0))[0]:
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # EIO: the process is gone and its side of the terminal closed
                return False
            self.text += ESCAPES.sub("", self._decode(data))
            return bool(data)
        return True

    def wait_for(self, pattern: str, seconds: float = 60, since: int = 0) -> None:
        """Read until `pattern` shows (in what came after `since`)."""
        deadline = time.monotonic() + seconds
        while not re.search(pattern, self.text[since:]):
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"no {pattern!r} within {seconds} s:\n{self.text[-1500:]}")

    def wait_until(self, condition: Callable[[], bool], seconds: float = 60) -> None:
        """Read what it draws until `condition` holds (something outside the process)."""
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"the condition did not hold within {seconds} s")
            self._read(0.02)

    def type(self, keys: str) -> None:
        assert self.master is not None
        os.write(self.master, keys.encode())

    def close(self) -> None:
        """Close the terminal, as a killed tmux pane or a dropped SSH link does."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def gone_within(self, limit: float = GIVE_UP) -> float:
        """Seconds from now until the process has ended and been reaped; past `limit` it
        is killed and the test fails."""
        start = time.monotonic()
        while True:
            reaped, status = os.waitpid(self.pid, os.WNOHANG)
            took = time.monotonic() - start
            if reaped:
                self.status = os.waitstatus_to_exitcode(status)
                return took
            if took > limit:
                self.kill()
                raise AssertionError(f"still running {limit} s after:\n{self.text[-1500:]}")
            if not self._read(0.01):
                select.select([], [], [], 0.01)  # its terminal is closed: poll the process

    def kill(self) -> None:
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


@contextmanager
def terminal(
    args: list[str], env: dict[str, str], *, controlling: bool = True
) -> Iterator[Terminal]:
    term = Terminal(args, env, controlling=controlling)
    try:
        yield term
    finally:
        term.kill()
        term.close()


def stop(term: Terminal, how: str) -> float:
    """Close its terminal or send it a signal; how long until it was gone."""
    if how.startswith("close"):
        term.close()
    else:
        os.kill(term.pid, getattr(signal, how))
    return term.gone_within()


def status_of(how: str) -> int:
    """Ended by the signal it caught (or the terminal it lost: a hangup): 128 + its number."""
    return 128 + (signal.SIGHUP if how.startswith("close") else getattr(signal, how))


# -- what the journal says ---------------------------------------------------------------


def _events(path: Path, job_id: str) -> list[tuple[str, dict[str, object]]]:
    """The job's events on the journal's chain, in the order they were written."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT kind, body FROM chain WHERE job_id = ? ORDER BY seq", (job_id,)
        ).fetchall()
    return [(kind, json.loads(body)) for kind, body in rows]


def assert_stopped_cleanly(path: Path, job_id: str) -> None:
    """Each stop was journaled, no batch was marked `sending` between a stop and the next
    resume, and no process holds the job's lock."""
    stopped, stops = False, 0
    for kind, body in _events(path, job_id):
        if kind == "state" and str(body["note"]).startswith("Stopping:"):
            stopped, stops = True, stops + 1
        elif kind == "state" and body == {"state": JobState.RUNNING.value, "note": ""}:
            stopped = False  # resumed
        elif kind == "sending":
            assert not stopped, f"a batch was sent after the stop: {body}"
    assert stops, "the stop was not journaled"
    with sqlite3.connect(path) as db:
        assert not db.execute("SELECT pid FROM runners WHERE job_id = ?", (job_id,)).fetchall()


def sends(journal: Journal, job_id: str) -> Counter[str]:
    """How many requests left for each member: its `sending` steps, less those held back
    before they left (the stop came while they waited their turn)."""
    counted: Counter[str] = Counter()
    for item in journal.items(job_id):
        story = journal.story(job_id, item.member.id)
        for step, after in zip(story, [*story[1:], None], strict=True):
            held = after is not None and after.state == PENDING and "not sent" in after.message
            counted[item.member.id] += step.state == SENDING and not held
    return counted


# -- the app, on the demo ----------------------------------------------------------------


def demo_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    home = tmp_path / "home"
    env = {**os.environ, "ROSTERDECK_HOME": str(home), "TERM": "xterm-256color"}
    return env, home / "demo" / "journal.sqlite3"


MEMBERS = 12


def start_a_whatsapp_removal(app: Terminal) -> None:
    """On the demo's Choir group: mark twelve members, confirm, and wait until two are done
    (the demo's WhatsApp pace keeps the rest going for seconds)."""
    app.wait_for("accepted: 3 sessions")
    app.type(DOWN + ENTER)
    app.wait_for("Choir")
    app.type("choir" + ENTER + ENTER)
    app.wait_for("54 total")
    app.type(DOWN + " " * MEMBERS)
    app.wait_for(f"{MEMBERS} marked")
    app.type("d")
    app.wait_for("Dry run")
    app.type("y")
    app.wait_for(rf"[2-9]/{MEMBERS} done")


@pytest.mark.parametrize("how", ["close", "SIGTERM", "close, no controlling terminal"])
def test_the_app_ends_when_its_terminal_goes_and_the_job_resumes(tmp_path: Path, how: str) -> None:
    env, path = demo_env(tmp_path)
    with terminal(["--demo"], env, controlling="no controlling" not in how) as app:
        start_a_whatsapp_removal(app)
        took = stop(app, how)
    assert took < GONE_WITHIN, f"gone after {took:.2f} s"
    assert app.status == status_of(how)
    assert not Path(f"{path}-wal").exists(), "the journal was left open"

    journal = Journal(path)
    (job,) = journal.jobs()
    assert job.state is JobState.INTERRUPTED and job.total == MEMBERS
    if how == "SIGTERM":
        assert "(SIGTERM)" in job.note
    else:
        assert TERMINAL_GONE in job.note
        assert ("SIGHUP" in job.note) == (how == "close"), job.note
    assert_stopped_cleanly(path, job.id)
    assert job.unsettled > 0, "stopped after the last one: nothing left to show"

    if how == "close":  # the next start says what happened, and offers to resume it
        with terminal(["--demo"], env) as again:
            again.wait_for(r"terminal went away \(SIGHUP\)")
            again.wait_for("accepted: 3 sessions")
            again.type("nq")  # in one go: the q is for the screen the answer goes back to
            again.gone_within()
        assert again.status == 0

    resume = subprocess.run(
        [sys.executable, "-m", "tui", "--demo", "resume", job.id, "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resume.returncode in (0, 1), resume.stderr  # 1: the demo fails one call in 20
    job = journal.job(job.id)
    assert job.state is JobState.FINISHED and not job.unsettled, resume.stdout
    assert set(job.counts) <= {Outcome.REMOVED.value, Outcome.FAILED.value}
    sent = sends(journal, job.id)
    assert len(sent) == MEMBERS and set(sent.values()) == {1}, sent


def test_sigint_closes_a_question_and_otherwise_ends_the_app(tmp_path: Path) -> None:
    """Like ctrl+c at a prompt: with a dialog asking, SIGINT answers no and the app stays;
    asking nothing, SIGINT ends it, and nothing was journaled."""
    env, path = demo_env(tmp_path)
    with terminal(["--demo"], env) as app:
        app.wait_for("accepted: 3 sessions")
        app.type(DOWN + ENTER)
        app.wait_for("Choir")
        app.type("choir" + ENTER + ENTER)
        app.wait_for("54 total")
        app.type(DOWN + "  d")
        app.wait_for("Dry run")
        os.kill(app.pid, signal.SIGINT)
        app.wait_for("SIGINT closed the question")
        assert os.waitpid(app.pid, os.WNOHANG) == (0, 0), "it ended instead"
        took = stop(app, "SIGINT")
    assert took < GONE_WITHIN, f"gone after {took:.2f} s"
    assert app.status == 128 + signal.SIGINT
    assert not Journal(path).jobs()


# -- the shell commands, against the sandbox on a loopback port ---------------------------


def wire_env(tmp_path: Path, sandbox: Sandbox, origin: str) -> tuple[dict[str, str], Path]:
    """A home with one account a provider on the loopback sandbox; WhatsApp removals one
    person a call, 0.2 s apart, so a job of fifteen takes seconds."""
    home = tmp_path / "home"
    home.mkdir()
    names = {Provider.RASL: "rasl", Provider.WASEND: "wa", Provider.AUTOSEND: "mail"}
    accounts = {
        name: {
            "provider": provider.value,
            "base_url": sandbox.base_url(provider, origin),
            "options": {**FAST, "seconds_between_writes": 0.2, "batch_size": 1}
            if provider is Provider.WASEND
            else {k: v for k, v in FAST.items() if "read" not in k},  # WaSend's own
        }
        for provider, name in names.items()
    }
    (home / "accounts.toml").write_text(tomli_w.dumps({"accounts": accounts}))
    env = {**os.environ, "ROSTERDECK_HOME": str(home), "TERM": "xterm-256color"}
    env |= {env_var_for(name): TOKENS[provider] for provider, name in names.items()}
    sandbox.faults[Provider.WASEND].methods = frozenset({"DELETE"})  # faults hit removals
    return env, home / "journal.sqlite3"


def harbour_runners(sandbox: Sandbox, count: int, tmp_path: Path) -> tuple[str, list[str], Path]:
    """The container id, `count` plain participants of it, and a ticket file naming them."""
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
    ][:count]
    ticket = tmp_path / "ticket.txt"
    ticket.write_text("\n".join(plain))
    return f"{session}/{jid}", plain, ticket


def removed_lines(term: Terminal, at_least: int, since: int = 0) -> Callable[[], bool]:
    return lambda: term.text[since:].count("✓ removed") >= at_least


def hang_the_next_removal(sandbox: Sandbox) -> Callable[[], bool]:
    """From now on WhatsApp removals are accepted and never answered (nor acted on); true
    once one is hanging, its answer on its way for good."""
    gate, faults = sandbox.gates[Provider.WASEND], sandbox.faults[Provider.WASEND]
    before = gate.faulted
    faults.hang_rate, faults.hang_seconds = 1.0, 3.0
    return lambda: gate.faulted > before


def resume(job_id: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "resume", job_id, "--yes"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.wire
def test_remove_ends_when_its_terminal_goes_leaving_the_answer_on_its_way(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str
) -> None:
    """The answer on its way never comes: it is awaited a moment, then left; its member
    stays `sending`, and the resume reads the group before sending it again."""
    env, path = wire_env(tmp_path, sandbox, wire_origin)
    container, targets, ticket = harbour_runners(sandbox, 15, tmp_path)
    with terminal(["remove", "wa", container, "--from", str(ticket), "--yes"], env) as shell:
        shell.wait_until(removed_lines(shell, 3))
        shell.wait_until(hang_the_next_removal(sandbox))
        took = stop(shell, "close")
    assert took < GONE_WITHIN, f"gone after {took:.2f} s"
    assert shell.status == 128 + signal.SIGHUP
    assert not Path(f"{path}-wal").exists(), "the journal was left open"

    journal = Journal(path)
    (job,) = journal.jobs()
    assert job.state is JobState.INTERRUPTED and "(SIGHUP)" in job.note
    assert job.counts.get(SENDING) == 1, job.counts  # the one whose answer never came
    assert_stopped_cleanly(path, job.id)

    sandbox.faults[Provider.WASEND].hang_rate = 0
    done = resume(job.id, env)
    assert done.returncode == 0, done.stdout + done.stderr
    job = journal.job(job.id)
    assert job.state is JobState.FINISHED and job.counts == {Outcome.REMOVED.value: 15}
    assert Counter(p for _, p in sandbox.wasend.removals) == Counter(dict.fromkeys(targets, 1))


@pytest.mark.wire
def test_remove_on_sigterm_then_resume_on_sigint_then_resume_finishes(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str
) -> None:
    env, path = wire_env(tmp_path, sandbox, wire_origin)
    container, targets, ticket = harbour_runners(sandbox, 15, tmp_path)
    with terminal(["remove", "wa", container, "--from", str(ticket), "--yes"], env) as shell:
        shell.wait_until(removed_lines(shell, 3))
        took = stop(shell, "SIGTERM")
    assert took < GONE_WITHIN and shell.status == 128 + signal.SIGTERM
    journal = Journal(path)
    (job,) = journal.jobs()
    assert job.state is JobState.INTERRUPTED and "(SIGTERM)" in job.note
    assert "Resume with: rosterdeck resume" in shell.text  # the terminal was still there

    with terminal(["resume", job.id, "--yes"], env) as again:
        again.wait_for("To send: ")
        again.wait_until(removed_lines(again, 3))
        took = stop(again, "SIGINT")
    assert took < GONE_WITHIN and again.status == 128 + signal.SIGINT
    job = journal.job(job.id)
    assert job.state is JobState.INTERRUPTED and "(SIGINT)" in job.note
    assert 6 <= job.counts[Outcome.REMOVED.value] < 15
    assert_stopped_cleanly(path, job.id)

    done = resume(job.id, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert journal.job(job.id).counts == {Outcome.REMOVED.value: 15}
    assert Counter(p for _, p in sandbox.wasend.removals) == Counter(dict.fromkeys(targets, 1))


JADE = ["+12025550105", "jade.chen5@example.net"]


@pytest.mark.wire
def test_remove_everywhere_ends_when_its_terminal_goes(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str
) -> None:
    env, path = wire_env(tmp_path, sandbox, wire_origin)
    hanging = hang_the_next_removal(sandbox)  # her first WhatsApp place never answers
    with terminal(["remove", "--everywhere", *JADE, "--yes"], env) as shell:
        shell.wait_for("journaled; sending")
        shell.wait_until(hanging)
        took = stop(shell, "close")
    assert took < GONE_WITHIN and shell.status == 128 + signal.SIGHUP, shell.text

    journal = Journal(path)
    (everywhere,) = journal.everywhere_jobs()
    whatsapp = [part for part in everywhere.parts if part.provider is Provider.WASEND]
    assert len(whatsapp) == 2 and everywhere.unsettled
    (stopped,) = [part for part in whatsapp if part.state is JobState.INTERRUPTED]
    assert "(SIGHUP)" in stopped.note and stopped.counts == {SENDING: 1}
    assert_stopped_cleanly(path, stopped.id)

    sandbox.faults[Provider.WASEND].hang_rate = 0
    done = resume(everywhere.id, env)
    assert done.returncode in (0, 1), done.stderr  # 1: a session that could not be searched
    everywhere = journal.everywhere(everywhere.id)
    assert everywhere.state is JobState.FINISHED and not everywhere.unsettled, done.stdout
    assert all(n == 1 for n in Counter(sandbox.wasend.removals).values())
    assert len(sandbox.wasend.removals) == 2


@pytest.mark.wire
@pytest.mark.parametrize("how", ["close", "SIGTERM", "SIGINT"])
def test_find_ends_when_its_terminal_goes(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str, how: str
) -> None:
    """Find only reads: it ends at once, whatever account is still answering."""
    env, _ = wire_env(tmp_path, sandbox, wire_origin)
    slow = sandbox.faults[Provider.WASEND]
    slow.methods, slow.latency = frozenset(), 5.0  # WhatsApp reads take seconds
    with terminal(["find", *JADE], env) as shell:
        shell.wait_for(r"rasl \(RASL\)")
        took = stop(shell, how)
    assert took < GONE_WITHIN and shell.status not in (0, None)


@pytest.mark.wire
def test_sigint_at_the_confirmation_ends_remove_and_sends_nothing(
    tmp_path: Path, sandbox: Sandbox, wire_origin: str
) -> None:
    env, path = wire_env(tmp_path, sandbox, wire_origin)
    container, _, ticket = harbour_runners(sandbox, 3, tmp_path)
    with terminal(["remove", "wa", container, "--from", str(ticket)], env) as shell:
        shell.wait_for(r"Remove\? \[y/N\]")
        took = stop(shell, "SIGINT")
    assert took < GONE_WITHIN and shell.status == 128 + signal.SIGINT
    assert not Journal(path).jobs() and not sandbox.wasend.removals
