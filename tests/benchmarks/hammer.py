"""One removal job at a time, hammered with faults, killed and resumed, round after round.

Each round removes a few members through real `rosterdeck remove` processes talking to the
sandbox over loopback, while the sandbox cuts connections after acting, answers 500 after
acting and sometimes answers late. Half the rounds kill the process (SIGKILL) midway; then
`rosterdeck resume` runs until the job is finished. After each round the sandbox's own log of
removals is compared with the journal. Prints, over all rounds:

- removals sent per member (goal: exactly 1.00),
- members in a wrong state (goal: 0),
- whether the journal equals the server (goal: yes).

Loopback only, bounded by --rounds. Run:

    python tests/benchmarks/hammer.py [--rounds 200] [--members 8] [--seed 1]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import tomli_w

from providers.journal import Journal
from providers.models import Outcome, Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import contact_id
from providers.sandbox.serve import in_background

TARGETS = {Provider.RASL: "group:3", Provider.AUTOSEND: "65f0c0ffee00000000000001"}
WRITE_PATHS = {Provider.RASL: "/contacts", Provider.AUTOSEND: "/remove"}
RESUMES_AT_MOST = 20


def settle_faults(sandbox: Sandbox, rng: random.Random) -> None:
    for provider, path in WRITE_PATHS.items():
        faults = sandbox.faults[provider]
        faults.match, faults.methods = path, frozenset({"DELETE", "POST"})
        faults.drop_after_rate = rng.choice((0.0, 0.3, 0.6))
        faults.error_after_rate = rng.choice((0.0, 0.3, 0.6))
        faults.timeout_rate, faults.hang_seconds = rng.choice((0.0, 0.1)), 1.5


def faults_off(sandbox: Sandbox) -> None:
    for faults in sandbox.faults.values():
        faults.drop_after_rate = faults.error_after_rate = faults.timeout_rate = 0.0


def present(sandbox: Sandbox, provider: Provider) -> set[str]:
    if provider is Provider.RASL:
        return {str(c["id"]) for c in sandbox.rasl.members_of(3)}
    return {contact_id(n) for n in sandbox.autosend.lists[TARGETS[provider]].numbers}


def put_back(sandbox: Sandbox, provider: Provider, removed: list[str]) -> None:
    """Return a round's members to the container, so that 200 rounds never run dry."""
    if provider is Provider.RASL:
        for contact in removed:
            sandbox.rasl.contacts[int(contact)]["group_id"].append(3)
        return
    chosen = sandbox.autosend.lists[TARGETS[provider]]
    chosen.numbers.extend(sandbox.autosend.number_for("contactIds", c) or 0 for c in removed)


def removal_log(sandbox: Sandbox, provider: Provider) -> list[str]:
    if provider is Provider.RASL:
        return [str(contact) for _, contact in sandbox.rasl.removals]
    return [contact_id(n) for _, n in sandbox.autosend.removals]


def rosterdeck(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def environment(home: Path, sandbox: Sandbox, origin: str) -> dict[str, str]:
    accounts = {
        provider.value: {
            "provider": provider.value,
            "base_url": sandbox.base_url(provider, origin),
            "options": {"requests_per_second": 0, "timeout": 0.5},
        }
        for provider in TARGETS
    }
    (home / "accounts.toml").write_text(tomli_w.dumps({"accounts": accounts}))
    env = {**os.environ, "ROSTERDECK_HOME": str(home)}
    for provider in TARGETS:
        env[f"ROSTERDECK_TOKEN_{provider.value.upper()}"] = TOKENS[provider]
    return env


def one_round(
    sandbox: Sandbox, env: dict[str, str], journal: Journal, rng: random.Random, size: int
) -> tuple[Provider, list[str], bool]:
    """One job to its end; returns the provider, the job (none when killed before the plan
    was journaled) and whether the first process was killed."""
    provider = rng.choice(list(TARGETS))
    chosen = rng.sample(sorted(present(sandbox, provider)), size)
    ticket = Path(env["ROSTERDECK_HOME"]) / "ticket.txt"
    ticket.write_text("\n".join(chosen))
    faults_off(sandbox)  # the plan is read cleanly; the removals meet the faults
    before = {job.id for job in journal.jobs()}
    settle_faults(sandbox, rng)
    first = rosterdeck(
        "remove", provider.value, TARGETS[provider], "--from", str(ticket), "--yes", env=env
    )
    killed = rng.random() < 0.5
    if killed:
        assert first.stdout is not None
        for _ in range(rng.randint(0, size // 2)):
            if not first.stdout.readline():
                break
        first.kill()
    first.communicate(timeout=120)
    created = {job.id for job in journal.jobs()} - before
    if not created:  # killed before the plan was journaled: nothing may have been sent
        return provider, [], killed
    (job_id,) = created
    for _ in range(RESUMES_AT_MOST):
        job = journal.job(job_id)
        if not job.unsettled and not job.counts.get(Outcome.FAILED.value):
            break
        if job.counts.get(Outcome.FAILED.value):
            failed = [i.member.id for i in journal.items(job_id, [Outcome.FAILED.value])]
            journal.reset(job_id, failed, "to be sent again (retry of the failed)")
        rosterdeck("resume", job_id, "--yes", env=env).communicate(timeout=120)
    return provider, [job_id], killed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sandbox = Sandbox().unlimited()
    started = time.perf_counter()
    sent: Counter[str] = Counter()
    wrong: list[str] = []
    members = kills = 0
    with tempfile.TemporaryDirectory() as home, in_background(sandbox) as origin:
        logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # the cut connections
        env = environment(Path(home), sandbox, origin)
        journal = Journal(Path(home) / "journal.sqlite3")
        for number in range(args.rounds):
            logged = {p: len(removal_log(sandbox, p)) for p in TARGETS}
            provider, jobs, killed = one_round(sandbox, env, journal, rng, args.members)
            kills += killed
            this_round = Counter(removal_log(sandbox, provider)[logged[provider] :])
            if not jobs and this_round:
                wrong.append(f"round {number}: sent {sum(this_round.values())} with no job")
            still = present(sandbox, provider)
            for item in (item for job_id in jobs for item in journal.items(job_id)):
                members += 1
                sent[item.member.id] += this_round[item.member.id]
                true = (
                    item.state == Outcome.REMOVED.value
                    and item.member.id not in still
                    and this_round[item.member.id] == 1
                )
                if not true:
                    wrong.append(f"round {number}: {item.member.id} {item.state}")
            put_back(sandbox, provider, list(this_round))
            print(f"\rround {number + 1}/{args.rounds}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    per_member = sum(sent.values()) / members if members else 0.0
    rows = [
        ("rounds (killed midway)", f"{args.rounds} ({kills})", ""),
        ("members", f"{members}", ""),
        ("removals sent per member", f"{per_member:.2f}", "goal 1.00"),
        ("members in a wrong state", f"{len(wrong)}", "goal 0"),
        ("journal == server", "yes" if not wrong else "no", "goal yes"),
        ("faults met", f"{sum(g.faulted for g in sandbox.gates.values())}", ""),
        ("time", f"{time.perf_counter() - started:.0f} s", ""),
    ]
    width = max(len(name) for name, _, _ in rows)
    for name, value, goal in rows:
        print(f"{name:<{width}}  {value:>12}  {goal}")
    for line in wrong[:20]:
        print(line)
    sys.exit(1 if wrong or per_member != 1.0 else 0)


if __name__ == "__main__":
    main()
