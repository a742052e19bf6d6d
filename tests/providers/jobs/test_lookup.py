"""A job costs calls in proportion to the people it names, never to the size of the list.

Each job here runs as `rosterdeck remove` runs it (find the container, look up the entries,
plan, journal, send) against a sandbox holding lists of 20,000 and 100,000, and the calls
that reached the sandbox are counted. Counts do not depend on the pace, so the pace is
lifted; tests/benchmarks/scale.py runs the same jobs at the documented limits, in real time.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from providers.jobs.engine import Engine
from providers.jobs.lookup import find_members, plan_for_entries
from providers.jobs.plans import make_plan, record_plan
from providers.journal import Journal
from providers.journal.records import ANOTHER_JOB, Job
from providers.models import Member, Outcome, Provider
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState, contact_id
from providers.sandbox.people import email_of
from tests.helpers import OpenAdapter

NEWSLETTER = "65f0c0ffee00000000000000"


@pytest.fixture
def sandbox() -> Sandbox:
    """Lists of real size: 100,000 at AutoSend, 20,000 in one RASL group."""
    big = Sandbox(autosend=AutoSendState.seeded(big_list=100_000)).unlimited()
    big.rasl.add_big_group(20_000)
    return big


async def remove_entries(
    adapter: Adapter, journal: Journal, container_id: str, entries: Sequence[str]
) -> Job:
    container = await adapter.container(container_id)
    plan, unmatched = await plan_for_entries(adapter, "test", container, entries)
    assert not unmatched
    return await Engine(adapter, journal).run(record_plan(journal, plan))


async def test_three_emails_from_a_100000_list_cost_five_calls(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.AUTOSEND)
    emails = [email_of(n).upper() for n in (10, 50_000, 99_999)]
    job = await remove_entries(adapter, journal, NEWSLETTER, emails)
    assert job.counts == {Outcome.REMOVED.value: 3}
    # the lists (1), a search per email (3), one removal (1); a full read would be 1,000
    assert sandbox.calls(Provider.AUTOSEND) == 5


async def test_2000_ids_from_a_100000_list_cost_one_call_a_batch(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.AUTOSEND)
    ids = [contact_id(n) for n in range(0, 100_000, 50)]
    job = await remove_entries(adapter, journal, NEWSLETTER, ids)
    assert job.counts == {Outcome.REMOVED.value: 2000}
    assert sandbox.calls(Provider.AUTOSEND) == 1 + 2000 // 100  # ids are trusted as given


async def test_ids_another_job_removed_are_read_by_their_email_not_with_the_whole_list(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    """A job of ids alone, planned after another job took two of them out (found by email):
    each of the two is read first, as any member removed before a plan is, with one search by
    the email the journal has for them. AutoSend finds no one by id, and reading the 100,000
    for them cost a thousand calls a batch."""
    adapter = connect(Provider.AUTOSEND)
    await remove_entries(adapter, journal, NEWSLETTER, [email_of(n) for n in (50, 50_000)])
    calls = sandbox.calls(Provider.AUTOSEND)
    ids = [contact_id(n) for n in range(0, 100_000, 50)]
    job = await remove_entries(adapter, journal, NEWSLETTER, ids)
    assert job.counts == {Outcome.REMOVED.value: 1998, Outcome.ALREADY_ABSENT.value: 2}
    assert all(i.code == ANOTHER_JOB for i in journal.items(job.id, ["already_absent"]))
    # the list (1), a search for each of the two (2), a removal a batch of 100 (20)
    assert sandbox.calls(Provider.AUTOSEND) - calls == 1 + 2 + 20


async def test_ids_some_of_which_left_already_cost_no_read_of_the_whole_list(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    """Two of 2,000 ids left the list before (with no job of ours). AutoSend counts what it
    removed and what was not in the list, without naming them, and finds no one by id: each
    member of those two batches is out of the list, which is what they are said to be, and
    the other batches are removed; no read of the 100,000 tells more."""
    adapter = connect(Provider.AUTOSEND)
    newsletter = await adapter.container(NEWSLETTER)
    await adapter.remove(newsletter, [Member(id=contact_id(n)) for n in (50, 50_000)])
    calls = sandbox.calls(Provider.AUTOSEND)
    ids = [contact_id(n) for n in range(0, 100_000, 50)]
    job = await remove_entries(adapter, journal, NEWSLETTER, ids)
    assert job.counts == {Outcome.REMOVED.value: 1800, Outcome.GONE.value: 200}
    (said,) = {i.message for i in journal.items(job.id, [Outcome.GONE.value])}
    assert said == (
        "AutoSend (sandbox-autosend) removed 99 of these 100 and says the others were not "
        "members, without saying which."
    )
    assert sandbox.calls(Provider.AUTOSEND) - calls == 1 + 20  # the list, a removal a batch


async def test_300_ids_from_a_20000_group_cost_four_calls(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.RASL)
    group = max(sandbox.rasl.groups)
    ids = [str(1001 + n) for n in range(0, 20_000, 66)][:300]
    job = await remove_entries(adapter, journal, str(group), ids)
    assert job.counts == {Outcome.REMOVED.value: 300}
    assert sandbox.calls(Provider.RASL) == 1 + 3  # the group, three batches of 100


async def test_ids_of_which_one_left_the_group_already_cost_no_read_of_the_group(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    """RASL counts whom it removed and skips, uncounted, whoever is not in the group: with
    ids alone, only reading the 20,000 could tell which one it skipped, so the batch is said
    to be out of the group, and the group is not read."""
    adapter = connect(Provider.RASL)
    group = await adapter.container(str(max(sandbox.rasl.groups)))
    ids = [str(1001 + n) for n in range(0, 20_000, 66)][:300]
    await adapter.remove(group, [Member(id=ids[150])])
    calls = sandbox.calls(Provider.RASL)
    job = await remove_entries(adapter, journal, group.id, ids)
    assert job.counts == {Outcome.REMOVED.value: 200, Outcome.GONE.value: 100}
    (said,) = {i.message for i in journal.items(job.id, [Outcome.GONE.value])}
    assert said.endswith(
        "removed 99 of these 100 and says the others were not members, without saying which."
    )
    assert sandbox.calls(Provider.RASL) - calls == 1 + 3  # the group, three batches of 100


async def test_three_emails_from_a_20000_group_cost_five_calls(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    adapter = connect(Provider.RASL)
    group = max(sandbox.rasl.groups)
    emails = [email_of(n) for n in (7, 7_000, 19_999)]
    job = await remove_entries(adapter, journal, f"group:{group}", emails)
    assert job.counts == {Outcome.REMOVED.value: 3}
    assert sandbox.calls(Provider.RASL) == 1 + 3 + 1  # the group, a search each, one removal


async def test_ids_some_of_which_left_meanwhile_are_said_gone_with_few_reads(
    sandbox: Sandbox, connect: OpenAdapter, journal: Journal
) -> None:
    """Ids trusted as given, one of which someone else took out first: the short count is
    settled without reading 20,000 (the members have no address to search, so the group is
    read; the decision is by the numbers, and here it says the read is unavoidable)."""
    adapter = connect(Provider.RASL)
    group = max(sandbox.rasl.groups)
    emails = [email_of(n) for n in (1, 2, 3)]
    container = await adapter.container(str(group))
    found = await find_members(adapter, container, emails)
    chosen = [m for ms in found.matched.values() for m in ms]
    sandbox.rasl.contacts[int(chosen[1].id)]["group_id"].remove(group)
    calls = sandbox.calls(Provider.RASL)
    plan = make_plan("test", Provider.RASL, container, chosen)
    job = await Engine(adapter, journal).run(record_plan(journal, plan))
    assert job.counts == {Outcome.GONE.value: 3}
    assert sandbox.calls(Provider.RASL) - calls == 1 + 3, "one removal, one search each"


async def test_a_read_only_list_is_refused_before_any_member_is_read(
    sandbox: Sandbox, connect: OpenAdapter
) -> None:
    from providers.errors import ConfigurationError

    adapter = connect(Provider.AUTOSEND)
    everyone = await adapter.container("GLOBAL_CONTACT_LIST")
    with pytest.raises(ConfigurationError, match="read-only"):
        await find_members(adapter, everyone, [email_of(1)])
    assert sandbox.calls(Provider.AUTOSEND) == 1  # the lists, nothing else
