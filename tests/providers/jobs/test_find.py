"""One person, found everywhere: every account searched at once, a few calls each."""

from __future__ import annotations

import asyncio
import json

import pytest

from providers.accounts.workspace import SandboxWorkspace
from providers.autosend.adapter import AutoSendAdapter
from providers.cli.find import said_found
from providers.jobs.find import find_everywhere
from providers.journal import Journal
from providers.models import Container, MemberOutcome, Operation, Outcome, Provider
from providers.sandbox.apis import Sandbox
from tests.helpers import FAST, run


async def test_one_person_in_three_accounts_for_a_few_calls_each(sandbox: Sandbox) -> None:
    person = sandbox.everywhere[0]
    workspace = SandboxWorkspace(sandbox, options=FAST)
    spaced = f"+1 ({person['phone'][2:5]}) {person['phone'][5:8]}-{person['phone'][8:]}"
    found = {
        f.account.provider: f
        for f in await find_everywhere(workspace, [spaced, person["email"].upper()])
    }
    assert not any(f.error for f in found.values())
    where = {p: sorted(pl.container.name for pl in f.places) for p, f in found.items()}
    assert len(where[Provider.RASL]) >= 2
    assert where[Provider.WASEND] == ["Choir", "Harbour Runners"]
    assert "All contacts" in where[Provider.AUTOSEND]
    for provider, result in found.items():
        assert result.calls == sandbox.calls(provider), provider  # counted, not guessed
    # RASL: the group list, then one contact search; AutoSend: the lists, one search a list
    # for the email (the phone is not searchable there); WaSend: sessions, groups, a read each
    # (nine groups: a community's own list is that of its three)
    assert found[Provider.RASL].calls <= 6
    assert found[Provider.AUTOSEND].calls == 1 + len(sandbox.autosend.lists)
    assert found[Provider.WASEND].calls == 1 + 2 + 9
    read_only = [p for p in found[Provider.AUTOSEND].places if p.container.read_only]
    assert read_only and "no removal" in read_only[0].container.read_only_reason
    choir = next(p for p in found[Provider.WASEND].places if p.container.name == "Choir")
    assert choir.member.id.endswith("@lid") and choir.member.address == person["phone"]


async def test_nobody_found_and_an_account_that_refuses(sandbox: Sandbox) -> None:
    workspace = SandboxWorkspace(sandbox, options=FAST)
    workspace._accounts["sandbox-rasl"] = (workspace.account("sandbox-rasl"), "revoked")
    found = {
        f.account.provider: f for f in await find_everywhere(workspace, ["nobody@example.com"])
    }
    assert "token" in found[Provider.RASL].error.lower()
    assert not found[Provider.AUTOSEND].places and not found[Provider.AUTOSEND].error


def test_find_in_the_shell(capsys: pytest.CaptureFixture[str]) -> None:
    person = Sandbox().everywhere[1]
    code, out, _ = run(capsys, "--demo", "find", person["phone"], person["email"])
    assert code == 0
    assert "sandbox-wasend (WaSend): 1 place" in out and "Parents Network" in out
    assert "⊘ read-only" in out and "calls." in out


async def test_a_list_deleted_mid_search_is_not_searched_and_the_rest_are(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lists are listed, then one is deleted before its search: that list is said not
    searched, in AutoSend's words, and the person is still found in the others."""
    person = sandbox.everywhere[0]
    beta = next(k for k, v in sandbox.autosend.lists.items() if v.name == "Beta testers")
    listed = AutoSendAdapter.containers

    async def listed_then_deleted(self: AutoSendAdapter) -> list[Container]:
        found = await listed(self)
        del sandbox.autosend.lists[beta]
        return found

    monkeypatch.setattr(AutoSendAdapter, "containers", listed_then_deleted)
    workspace = SandboxWorkspace(sandbox, options=FAST)
    found = {f.account.provider: f for f in await find_everywhere(workspace, [person["email"]])}
    mail = found[Provider.AUTOSEND]
    assert not mail.error and "All contacts" in {p.container.name for p in mail.places}
    (gone,) = mail.unsearched
    assert gone.name == "Beta testers"
    assert gone.read_only_reason.startswith("Beta testers: AutoSend")
    assert "Contact list not found" in gone.read_only_reason


async def test_a_group_that_answers_500_is_not_searched_and_the_rest_are(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    person = sandbox.everywhere[0]
    choir = next(
        jid for groups in sandbox.wasend.groups.values() for jid, g in groups.items()
        if g["subject"] == "Choir"
    )  # fmt: skip
    faults = sandbox.faults[Provider.WASEND]
    faults.match, faults.error_rate, faults.error_status = f"{choir}/participants", 1.0, 500
    workspace = SandboxWorkspace(sandbox, options=FAST)
    found = await find_everywhere(workspace, [person["phone"]], said_found)
    whatsapp = next(f for f in found if f.account.provider is Provider.WASEND)
    assert not whatsapp.error
    assert [p.container.name for p in whatsapp.places] == ["Harbour Runners"]
    failed = next(c for c in whatsapp.unsearched if c.name == "Choir")
    assert "failed on its side (HTTP 500)" in failed.read_only_reason
    out = capsys.readouterr().out
    assert f"not searched: {failed.where}: WaSend" in out and "Harbour Runners" in out


def test_find_says_where_it_could_not_tell_and_where_nothing_may_be_sent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    person = Sandbox().everywhere[0]
    code, out, _ = run(capsys, "--demo", "find", person["phone"])
    assert code == 0 and "sandbox-wasend (WaSend): 2 places" in out
    assert (
        "  ? Events team / Plot Holders: 2 participants listed by privacy id, phone unknown: "
        "not matched by phone" in out
    )
    assert (
        "  ? Events team / Seed Swap: the list looks incomplete (17 listed of the 30 WhatsApp "
        "counts): they may be in it" in out
    )
    _, by_mail, _ = run(capsys, "--demo", "find", person["email"])
    assert "phone unknown" not in by_mail  # no phone given: nothing to match by phone

    _, out, _ = run(capsys, "--demo", "members", "sandbox-wasend", "Staff Rota", "--json")
    someone = next(m for m in json.loads(out)["members"] if not m["locked"])
    _, out, _ = run(capsys, "--demo", "find", someone["address"])
    assert (
        "Front desk / Staff Rota: " in out
        and "⊘ not removable: this number is not an admin of the group" in out
    )
    code, out, _ = run(
        capsys, "--demo", "remove", "--everywhere", someone["address"], "--dry-run", "--yes"
    )
    assert "  ⊘ Front desk / Staff Rota (sandbox-wasend): not removable: this number" in out


def test_find_says_who_already_removed_them_from_a_place(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Someone else's job removed her from the group, whose list still shows her."""
    person = Sandbox().everywhere[1]
    workspace = SandboxWorkspace(Sandbox(), options=FAST)  # the demo's seeded data
    found = asyncio.run(find_everywhere(workspace, [person["phone"]]))
    (place,) = next(f for f in found if f.account.provider is Provider.WASEND).places
    journal = Journal(workspace.journal_path())
    journal.operator, journal.host = (lambda: "grace"), (lambda: "desk-2")
    job = journal.create(
        account="team-phones",
        provider=Provider.WASEND,
        container=place.container,
        operation=Operation.REMOVE_FROM_CONTAINER,
        members=[place.member],
    )
    journal.mark_sending(job, [place.member.id], 0)
    journal.record(job, [MemberOutcome(member_id=place.member.id, outcome=Outcome.REMOVED)])
    code, out, _ = run(capsys, "--demo", "find", person["phone"], person["email"])
    assert code == 0
    (line,) = [line for line in out.splitlines() if "Parents Network" in line]
    assert f"✓ already removed by job {job} (grace on desk-2), " in line
