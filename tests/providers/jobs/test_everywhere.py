"""One person off everything: one plan over every place found, one journal job made of one
part a place, run across three accounts, stopped, resumed, and told in a receipt."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from providers.accounts.workspace import OpenedOnce, SandboxWorkspace
from providers.jobs.events import Ended, Event, Sending
from providers.jobs.everywhere import (
    EverywherePlan,
    EverywhereRun,
    asking_why,
    estimate_everywhere,
    plan_everywhere,
    record_everywhere,
)
from providers.jobs.find import find_everywhere
from providers.jobs.plans import Plan, make_plan
from providers.jobs.receipts import receipt
from providers.jobs.words import cost
from providers.journal import Journal
from providers.journal.records import JobState
from providers.journal.runners import JobBusy
from providers.models import (
    Capabilities,
    Container,
    ContainerKind,
    Estimate,
    Member,
    Outcome,
    Provider,
)
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, in_whatsapp_group, run


def jade(sandbox: Sandbox) -> list[str]:
    person = sandbox.everywhere[0]
    return [person["phone"], person["email"]]


async def journaled(workspace: SandboxWorkspace, journal: Journal, reason: str = "") -> str:
    """Jade Chen found everywhere and her everywhere job journaled; nothing sent yet."""
    addresses = jade(workspace.sandbox)
    found = await find_everywhere(workspace, addresses, opened=OpenedOnce(workspace))
    return record_everywhere(journal, plan_everywhere(found, addresses, reason=reason))


async def test_a_plan_over_every_place_with_protected_and_unsearched_ones(
    sandbox: Sandbox, journal: Journal
) -> None:
    workspace = SandboxWorkspace(sandbox, options=FAST)
    adapters = OpenedOnce(workspace)
    # The person owns Choir: a locked member (WhatsApp never removes an owner), protected.
    in_whatsapp_group(sandbox, "Choir", jade(sandbox)[0])["isSuperAdmin"] = True
    found = await find_everywhere(workspace, jade(sandbox), opened=adapters)
    plan = plan_everywhere(found, jade(sandbox), reason="T-9: erasure")

    where = {(p.account, p.container.name): p for p in plan.parts}
    assert len(where) == 6
    read_only = where[("sandbox-autosend", "All contacts")]
    assert not read_only.members and "no removal" in read_only.skipped[0][1]
    admin = where[("sandbox-wasend", "Choir")]
    assert not admin.members and "owner" in admin.skipped[0][1].lower()
    assert len(plan.acting) == 4 and plan.confirmation_word == "4"
    assert [u.where for u in plan.unsearched] == ["Sales line", "Events team", "Events team"]
    sales, plots, seeds = plan.unsearched
    assert "unlinked" in sales.why
    # Where she was not found, but could be: two listed with no phone; a list cut short.
    assert "Plot Holders: 2 participants listed by privacy id, phone unknown" in plots.why
    assert "Seed Swap: the list looks incomplete (17 listed of the 30" in seeds.why
    assert all(p.reason == "T-9: erasure" for p in plan.parts)

    cost = estimate_everywhere(adapters.adapters, journal, plan)
    # RASL and AutoSend: one call a place; WaSend: a removal and a read-back
    assert cost.calls == 2 + 1 + 2 and "3 accounts" in cost.calls_are

    strict = replace(workspace.account("sandbox-rasl"), options={"require_reason": True})
    unexplained = plan_everywhere(found, jade(sandbox))
    assert asking_why(unexplained, [strict]) == ["sandbox-rasl"]


async def test_one_job_over_three_accounts_with_a_failure_a_stop_and_a_resume(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    workspace = SandboxWorkspace(sandbox, options=FAST)
    adapters = OpenedOnce(workspace)
    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    found = await find_everywhere(workspace, jade(sandbox), opened=adapters)
    plan = plan_everywhere(found, jade(sandbox), reason="T-10")
    job_id = record_everywhere(journal, plan)
    parts = {(p.account, p.container.name): p.id for p in journal.everywhere(job_id).parts}
    harbour, choir = (
        parts[("sandbox-wasend", "Harbour Runners")],
        parts[("sandbox-wasend", "Choir")],
    )

    # Choir's admins made the person the group's owner after the search: WhatsApp refuses.
    in_whatsapp_group(sandbox, "Choir", jade(sandbox)[0])["isSuperAdmin"] = True
    # The first WhatsApp removal is held unanswered: the job is stopped while it is out.
    whatsapp = sandbox.wasend.misbehaviour
    whatsapp.hold_after = 0
    others = {v for (account, _), v in parts.items() if account != "sandbox-wasend"}
    ended: set[str] = set()
    others_ended = asyncio.Event()
    sent: list[str] = []

    def heard(part_id: str, event: Event) -> None:
        if isinstance(event, Sending):
            sent.append(part_id)
        if isinstance(event, Ended):
            ended.add(part_id)
            if others <= ended:
                others_ended.set()

    before = {p: sandbox.calls(p) for p in Provider}
    runner = EverywhereRun(journal, adapters, heard)
    running = asyncio.create_task(runner.run(job_id))
    await whatsapp.holding.wait()
    await others_ended.wait()
    runner.interrupt()
    whatsapp.release.set()
    stopped = await running

    assert stopped.state is JobState.INTERRUPTED
    by_id = {p.id: p for p in stopped.parts}
    assert by_id[harbour].counts == {Outcome.REMOVED.value: 1}  # the call out came back
    assert by_id[choir].counts == {"pending": 1}  # never started: no request left for it
    assert by_id[choir].note.startswith("Not started")
    harbour_jid = journal.job(harbour).container.id.split("/")[1]
    assert [group for group, _ in sandbox.wasend.removals] == [harbour_jid]
    # RASL: one call a place, AutoSend: one; nothing read whole
    assert sandbox.calls(Provider.RASL) - before[Provider.RASL] == 2
    assert sandbox.calls(Provider.AUTOSEND) - before[Provider.AUTOSEND] == 1

    # A new process resumes it: only Choir is sent, once, and fails with WhatsApp's words.
    again = Journal(path)
    calls = {p: sandbox.calls(p) for p in Provider}
    done = await EverywhereRun(again, OpenedOnce(workspace), heard).run(job_id)
    assert {p: sandbox.calls(p) - calls[p] for p in Provider} == {
        Provider.RASL: 0,
        Provider.AUTOSEND: 0,
        Provider.WASEND: 1,  # the removal, refused: nothing to read back
    }
    assert sent.count(harbour) == 1 and sent.count(choir) == 1
    assert done.state is JobState.FINISHED
    assert done.counts == {
        Outcome.REMOVED.value: 4,
        Outcome.FAILED.value: 1,
        Outcome.PROTECTED.value: 1,
    }
    failure = again.items(choir)[0]
    assert "group owner" in failure.message

    told = receipt(again, job_id)
    assert "one person everywhere" in told and "why**: T-10" in told
    assert "## Done (4)" in told and "## Not done (2)" in told
    assert "Choir (sandbox-wasend, WaSend): ✗ failed: 422" in told
    assert "All contacts (sandbox-autosend, AutoSend): ⊘ protected" in told
    assert "## Not searched (3)" in told and "Seed Swap" in told
    assert "- sandbox-wasend: Sales line is unlinked" in told, "the place named once"
    assert "contact stays in the contact book" in told
    document = json.loads(receipt(again, job_id, "json"))
    assert len(document["places"]) == 6 and document["not_searched"][0]["where"] == "Sales line"
    rows = receipt(again, job_id, "csv").splitlines()
    assert len(rows) == 1 + 6 + 3 and rows[0].startswith("job,part,account,provider,where")
    assert "not-searched" in rows[-3] and "Sales line" in rows[-3]
    assert again.verify().whole


async def test_an_account_that_cannot_be_opened_leaves_its_places_due(
    sandbox: Sandbox, journal: Journal
) -> None:
    workspace = SandboxWorkspace(sandbox, options=FAST)
    job_id = await journaled(workspace, journal)

    async def refuse_autosend(name: str) -> Adapter:
        if name == "sandbox-autosend":
            from providers.errors import AuthError

            raise AuthError("AutoSend refused the token (401).")
        return await workspace.open(name)

    job = await EverywhereRun(journal, refuse_autosend).run(job_id)
    autosend = [p for p in job.parts if p.account == "sandbox-autosend"]
    moved = [p for p in autosend if p.counts.get("pending")]
    assert moved and all(p.state is JobState.STOPPED and "401" in p.note for p in moved)
    assert job.state is JobState.STOPPED and job.unsettled == 1


async def test_a_changed_everywhere_job_breaks_the_chain(
    sandbox: Sandbox, journal: Journal, tmp_path: Path
) -> None:
    workspace = SandboxWorkspace(sandbox, options=FAST)
    job_id = await journaled(workspace, journal, reason="T-1")
    assert journal.verify().whole
    db = sqlite3.connect(journal.path)
    db.execute("UPDATE everywhere SET reason = 'nobody asked' WHERE id = ?", (job_id,))
    db.commit()
    breaks = journal.verify().breaks
    assert breaks == [f"job {job_id}: its reason reads 'nobody asked', its history says 'T-1'"]
    db.execute("DELETE FROM everywhere")
    db.commit()
    assert journal.verify().breaks == [f"job {job_id} is gone from the journal (deleted)"]
    db.execute("UPDATE jobs SET part_of = '' WHERE rowid = (SELECT MIN(rowid) FROM jobs)")
    db.commit()
    assert any("its part_of reads ''" in b for b in journal.verify().breaks)


def test_remove_everywhere_in_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    person = Sandbox().everywhere[1]
    address = [person["phone"], person["email"]]
    code, out, _ = run(capsys, "--demo", "remove", "--everywhere", *address, "--reason", "T-2")
    assert code == 1 and "no terminal to confirm on" in _
    code, out, _ = run(
        capsys, "--demo", "remove", "--everywhere", *address, "--reason", "T-2", "--yes"
    )
    assert "Parents Network" in out and "✓ removed" in out and "journaled" in out
    assert "at each account's pace" in out
    assert "Not searched, so not certain" in out and code == 1  # the Sales line session
    job_id = out.split("Receipt: rosterdeck --demo jobs receipt ")[1].split()[0]
    code, out, _ = run(capsys, "--demo", "jobs")
    assert f"{job_id}" in out and "everywhere: remove" in out and "  ↳ " in out
    code, out, _ = run(capsys, "--demo", "resume", job_id, "--yes")
    assert code == 0 and "Nothing left to do." in out
    code, out, _ = run(capsys, "--demo", "jobs", "receipt", job_id)
    assert "why**: T-2" in out and "Parents Network" in out
    story = out.split("## What happened\n\n")[1].split("\n\n")[0].splitlines()
    assert any("Parents Network" in line and line.endswith(": finished") for line in story)
    _, out, _ = run(capsys, "--demo", "jobs", "receipt", job_id, "--format", "json")
    places = json.loads(out)["places"]
    assert all(place["happened"][-1]["what"] == "finished" for place in places)


def test_a_dry_run_everywhere_names_each_place_and_journals_only_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = Sandbox().everywhere[1]
    _, out, _ = run(capsys, "--demo", "remove", "--everywhere", person["phone"], "--dry-run")
    would = [line for line in out.splitlines() if line.startswith("○ would remove")]
    assert len(would) >= 2 and all(" in " in line for line in would), "each with its place"
    job_id = out.split("Receipt: rosterdeck --demo jobs receipt ")[1].split()[0]
    _, told, _ = run(capsys, "--demo", "jobs", "receipt", job_id)
    assert "## Dry run" in told and "## Done" not in told and "Still held" not in told
    assert f"○ would remove {len(would)}." in told
    _, told, _ = run(capsys, "--demo", "jobs", "receipt", job_id, "--format", "json")
    places = json.loads(told)["places"]
    assert sum(p["counts"].get("would-remove", 0) for p in places) == len(would)
    assert all(p["members"] == [] for p in places)


def test_remove_everywhere_refuses_what_is_not_one_persons_address(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--demo", "remove", "sandbox-rasl", "--everywhere", "a@b.c")
    assert code == 1 and "only the person's addresses" in err
    code, _, err = run(capsys, "--demo", "remove")
    assert code == 1 and "--everywhere ADDRESS" in err
    code, _, err = run(capsys, "--demo", "remove", "--everywhere", "sandbox-rasl", "+12025550105")
    assert code == 1 and "sandbox-rasl is an account" in err
    code, out, err = run(capsys, "--demo", "remove", "--everywhere", "???", "--yes")
    assert code == 1 and "Not a phone, email or id: '???'" in err and not out
    code, _, err = run(capsys, "--demo", "find", "Jade Chen")
    assert code == 1 and "A name can belong to several people" in err


def test_a_phone_written_with_spaces_is_one_address(capsys: pytest.CaptureFixture[str]) -> None:
    """As a ticket writes it, unquoted in the shell: still one number, found in WhatsApp."""
    spaced = ("+1", "202", "555", "0105", "jade.chen5@example.net")
    code, out, _ = run(capsys, "--demo", "find", *spaced)
    assert code == 0 and "sandbox-wasend (WaSend): 2 places" in out and "Choir" in out
    assert "6 places in 3 accounts" in out


def test_undo_of_an_everywhere_job_names_its_places(capsys: pytest.CaptureFixture[str]) -> None:
    person = Sandbox().everywhere[1]
    code, out, _ = run(
        capsys, "--demo", "remove", "--everywhere", person["phone"], person["email"], "--yes"
    )
    job_id = out.split("Receipt: rosterdeck --demo jobs receipt ")[1].split()[0]
    code, _, err = run(capsys, "--demo", "undo", job_id, "--yes")
    assert code == 1 and "each place is undone on its own" in err


async def test_a_place_whose_answer_was_lost_is_settled_by_a_read_not_sent_again(
    sandbox: Sandbox, journal: Journal
) -> None:
    """A kill -9 between a RASL removal reaching the server and its answer: on resume the
    place is read, found done, and nothing is sent to it again."""
    workspace = SandboxWorkspace(sandbox, options=FAST)
    job_id = await journaled(workspace, journal)
    newsletter = next(
        p for p in journal.everywhere(job_id).parts if p.container.name.startswith("Newsletter")
    )
    [item] = journal.items(newsletter.id)
    journal.mark_sending(newsletter.id, [item.member.id], 0)  # the intent, written first
    contact = sandbox.rasl.contacts[int(item.member.id)]
    contact["group_id"].remove(int(newsletter.container.id.split(":")[1]))  # it arrived
    before = sandbox.calls(Provider.RASL)
    job = await EverywhereRun(journal, OpenedOnce(workspace)).run(job_id)
    assert job.state is JobState.FINISHED
    [settled] = journal.items(newsletter.id)
    assert settled.state == Outcome.REMOVED.value and "Confirmed by reading" in settled.message
    # one read to settle Newsletter, one removal for the other RASL group: nothing sent twice
    assert sandbox.calls(Provider.RASL) - before == 2


def test_a_phone_alone_says_autosend_could_not_be_searched(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """AutoSend looks people up by email only: "nowhere" there would be a guess."""
    code, out, _ = run(capsys, "--demo", "find", "+12025550105")
    assert code == 0 and "sandbox-autosend (AutoSend): no places (0 calls" in out
    assert "not searched: AutoSend looks people up by email only" in out


async def test_another_process_running_it_is_refused_before_anything_is_sent(
    sandbox: Sandbox, journal: Journal
) -> None:
    workspace = SandboxWorkspace(sandbox, options=FAST)
    job_id = await journaled(workspace, journal)
    last = journal.everywhere(job_id).parts[-2]  # a place with something to send
    # pid 1 lives on this host: as if another shell ran this place now
    with sqlite3.connect(journal.path) as db:
        db.execute(
            "INSERT INTO runners VALUES (?,?,?,?,?)",
            (last.id, 1, socket.gethostname(), "now", time.time()),
        )
    before = {p: sandbox.calls(p) for p in Provider}
    with pytest.raises(JobBusy, match="being run by process 1"):
        await EverywhereRun(journal, OpenedOnce(workspace)).run(job_id)
    assert {p: sandbox.calls(p) for p in Provider} == before
    assert journal.everywhere(job_id).unsettled == 5  # nothing moved


async def test_a_cancel_while_a_call_is_out(sandbox: Sandbox, journal: Journal) -> None:
    """The call out comes back removed: its place reads finished, not cancelled; the places
    after it in the account are cancelled, not sent, and a resume sends them."""
    workspace = SandboxWorkspace(sandbox, options=FAST)
    job_id = await journaled(workspace, journal)
    whatsapp = sandbox.wasend.misbehaviour
    whatsapp.hold_after = 0
    runner = EverywhereRun(journal, OpenedOnce(workspace))
    running = asyncio.create_task(runner.run(job_id))
    await whatsapp.holding.wait()
    runner.cancel()
    whatsapp.hold_after = None
    whatsapp.release.set()
    job = await running
    wasend = [p for p in job.parts if p.account == "sandbox-wasend"]
    assert [p.state for p in wasend] == [JobState.FINISHED, JobState.CANCELLED]
    assert wasend[0].counts == {Outcome.REMOVED.value: 1}
    assert wasend[1].counts == {Outcome.CANCELLED.value: 1}
    assert len(sandbox.wasend.removals) == 1

    resumed = await EverywhereRun(journal, OpenedOnce(workspace)).run(job_id)
    assert resumed.state is JobState.FINISHED and len(sandbox.wasend.removals) == 2


async def test_failures_in_a_row_pause_the_accounts_next_places(
    sandbox: Sandbox, journal: Journal
) -> None:
    """To WhatsApp many refused removals in a row look like abuse: counted across the
    account's places, not afresh in each."""
    workspace = SandboxWorkspace(sandbox, options={**FAST, "pause_after_failures": 1})
    job_id = await journaled(workspace, journal)
    in_whatsapp_group(sandbox, "Harbour Runners", jade(sandbox)[0])["isSuperAdmin"] = True
    job = await EverywhereRun(journal, OpenedOnce(workspace)).run(job_id)
    harbour, choir = [p for p in job.parts if p.account == "sandbox-wasend"]
    assert harbour.counts == {Outcome.FAILED.value: 1}
    assert choir.state is JobState.PAUSED and choir.counts == {"pending": 1}
    assert "Paused after 1 failure in a row" in choir.note
    assert not sandbox.wasend.removals and job.state is JobState.PAUSED


class PacedAdapter:
    """An account whose places cost a call and `seconds` a member, within an optional daily
    budget: enough to weigh a plan over several accounts."""

    provider = Provider.WASEND

    def __init__(self, seconds: float, budget: int = 0) -> None:
        self.seconds = seconds
        self.capabilities = Capabilities(
            max_batch=1,
            requests_per_second=1 / seconds,
            reports_each_member=True,
            can_undo=True,
            daily_budget=budget,
        )

    def estimate(self, container: Container, count: int, operation: object = None) -> Estimate:
        return Estimate(calls=count, seconds=count * self.seconds)

    def budget_scope(self, container: Container) -> str:
        return container.id.split("/")[0] + "/" if self.capabilities.daily_budget else ""


def _place(account: str, place_id: str, people: int) -> Plan:
    container = Container(id=place_id, name=place_id, kind=ContainerKind.GROUP)
    members = [Member(id=f"{place_id}-{n}") for n in range(people)]
    return make_plan(account, Provider.WASEND, container, members)


def test_the_time_is_the_slowest_accounts_and_its_places_add_up(journal: Journal) -> None:
    """Accounts run at the same time, their places one after another: two places of 10 s on
    one account and one of 15 s on another take 20 s, not 35 s."""
    adapters = {"one": PacedAdapter(10.0), "two": PacedAdapter(15.0)}
    plan = EverywherePlan(
        ("+12025550105",),
        (_place("one", "s1/a", 1), _place("two", "s2/b", 1), _place("one", "s1/c", 1)),
    )
    guess = estimate_everywhere(adapters, journal, plan)  # type: ignore[arg-type]
    assert (guess.calls, guess.seconds, guess.today) == (3, 20.0, None)
    assert guess.calls_are == "over 2 accounts at once"
    assert cost(guess, "each account's").startswith(
        "About 3 calls (over 2 accounts at once), 20\u00a0s"
    )


def test_todays_count_covers_every_place_whatever_its_order(journal: Journal) -> None:
    """A budget of 1 holds back one of a place's 2 people; a place without a budget sends
    all 3 of its own today, before or after it in the plan."""
    adapters = {"paced": PacedAdapter(3.0, budget=1), "free": PacedAdapter(1.0)}
    held, free = _place("paced", "s1/a", 2), _place("free", "list", 3)
    for parts in ((held, free), (free, held)):
        guess = estimate_everywhere(adapters, journal, EverywherePlan(("x",), parts))  # type: ignore[arg-type]
        assert guess.today == 4, parts
    alone = estimate_everywhere(adapters, journal, EverywherePlan(("x",), (free,)))  # type: ignore[arg-type]
    assert alone.today is None


def test_a_plan_that_acts_nowhere_costs_nothing(journal: Journal) -> None:
    guess = estimate_everywhere({}, journal, EverywherePlan(("x",), ()))
    assert (guess.calls, guess.seconds, guess.today, guess.calls_are) == (0, 0.0, None, "")
