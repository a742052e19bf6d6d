"""The do-not-re-add register and forgetting, on SQLite and on PostgreSQL: a person is found
by any spelling of any address, though only keyed digests are kept; their addresses are
sealed under a key of their own; every change is on the chain, so `verify` names a register
row changed behind RosterDeck's back; a person forgotten leaves no detail, and the chain
still holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.journal import Journal
from providers.journal.erased import is_erased
from providers.journal.register import normalised
from providers.models import (
    Container,
    ContainerKind,
    Member,
    MemberOutcome,
    Operation,
    Outcome,
    Provider,
)
from tests.helpers.journal import engine_for, planned, tamper

GROUP = Container(id="s1/123@g.us", name="Choir", kind=ContainerKind.GROUP, parent="Events")
ADA = Member(id="447700900123@s.whatsapp.net", name="Ada Lovelace", address="+447700900123")
BOB = Member(id="447700900456@s.whatsapp.net", name="Bob Byron", address="+447700900456")


def removal(journal: Journal, *members: Member, states: tuple[str, ...] = ()) -> str:
    job_id = planned(
        journal, members, account="phones", provider=Provider.WASEND, container=GROUP, reason="T-1"
    )
    done = [m for m, state in zip(members, states, strict=False) if state == "removed"]
    if done:
        journal.mark_sending(job_id, [m.id for m in done], 0)
        journal.record(
            job_id, [MemberOutcome(member_id=m.id, outcome=Outcome.REMOVED) for m in done]
        )
    return job_id


def suppress(journal: Journal, *people: tuple[str, ...], job: str = "") -> list[str]:
    with journal._chain.writing(journal.now()) as writing:
        return journal.register.suppress(writing, people, "T-1: unsubscribe", job)


def test_an_address_in_any_spelling_finds_the_person_though_only_digests_are_kept(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    (entry,) = suppress(journal, ("+44 7700 900123", "Ada@Example.com"))
    for spelling in ("447700900123@s.whatsapp.net", "+44 (0)7700 900123", "ADA@example.COM"):
        assert [e.id for e in journal.register.matching([spelling])] == [entry], spelling
    assert journal.register.matching(["+44 7700 900124", "1234"]) == []
    assert normalised("1234") == "" and normalised("Ada Lovelace") == ""
    assert journal.register.entry(entry).addresses == ("+44 7700 900123", "Ada@Example.com")

    from sqlalchemy import text

    engine = engine_for(journal_at)
    with engine.connect() as conn:
        stored = " ".join(
            str(v)
            for table in ("suppressed", "suppressed_digests", "chain")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for v in row
        )
    engine.dispose()
    assert "900123" not in stored and "ada@" not in stored.lower()
    assert journal.verify().whole


def test_a_person_suppressed_again_with_a_new_address_is_one_entry(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    (first,) = suppress(journal, ("+447700900123",))
    assert suppress(journal, ("447700900123@s.whatsapp.net",)) == [], "already wholly on it"
    (merged,) = suppress(journal, ("+447700900123", "ada@example.com"))
    assert [e.id for e in journal.register.entries()] == [merged]
    assert journal.register.entry(first).lifted_reason == f"merged into {merged}"
    assert set(journal.register.entry(merged).addresses) == {"+447700900123", "ada@example.com"}
    lifted = journal.register.lift(merged, "T-2: asked to be back")
    assert not lifted.active and journal.register.matching(["ada@example.com"]) == []
    assert journal.verify().whole


@pytest.mark.parametrize(
    ("statement", "said"),
    [
        ("UPDATE suppressed SET reason = 'nothing'", "its reason reads 'nothing'"),
        ("UPDATE suppressed SET lifted_at = 'x'", "its lifted_at reads 'x'"),
        ("DELETE FROM suppressed_digests", "digests were changed"),
        (
            "INSERT INTO suppressed (id, created_at) VALUES ('S-x', 'now')",
            "suppressed S-x has no history (inserted)",
        ),
    ],
    ids=["reason", "lifted", "digests deleted", "inserted"],
)
def test_a_register_changed_behind_our_back_is_named(
    journal_at: Path | str, statement: str, said: str
) -> None:
    journal = Journal(journal_at)
    suppress(journal, ("+447700900123",))
    tamper(journal_at, statement)
    breaks = journal.verify().breaks
    assert any(said in b for b in breaks), breaks


def test_forgetting_erases_details_and_keys_and_the_chain_still_holds(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    done = removal(journal, ADA, BOB, states=("removed", "removed"))
    due = removal(journal, ADA, BOB)  # planned, nothing sent: Ada would still be sent
    (entry,) = suppress(journal, ("+447700900123", ADA.id), job=done)
    traces = journal.erasure.traces(["+44 7700 900123"])
    assert traces.items == {done: [0], due: [0]} and traces.open == {due: [0]}
    assert traces.sealed == [entry] and traces.suppressed and traces.records == 3

    journal.erasure.erase(traces, "GDPR T-9", [])
    assert journal.erasure.compact() == "", "VACUUM on either engine"

    assert journal.verify().whole, journal.verify().breaks
    erased = journal.items(done)[0].member
    assert is_erased(erased) and erased.address.endswith("(GDPR T-9)") and not erased.name
    assert journal.items(done)[1].member == BOB, "the others are as they were"
    assert journal.items(due)[0].state == Outcome.PROTECTED.value, "never sent after"
    assert journal.register.entry(entry).addresses == ()
    assert [e.id for e in journal.register.matching(["447700900123"])] == [entry], "still off"
    assert journal.erasure.traces(["+447700900123"]).records == 0
    assert [files for _, files in journal.erasure.unfinished()] == [[]], "not compacted yet"

    # what the erasure wrote is itself held by the chain
    tamper(journal_at, f"UPDATE items SET member_id = 'x' WHERE job_id = '{done}' AND seq = 0")
    breaks = journal.verify().breaks
    assert f"job {done}: member #1 was changed after erasure" in breaks, breaks


def test_an_erased_members_key_put_back_is_named(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    done = removal(journal, ADA, BOB, states=("removed", "removed"))
    journal.erasure.erase(journal.erasure.traces(["+44 7700 900123"]), "GDPR T-9", [])
    assert journal.verify().whole
    tamper(journal_at, f"INSERT INTO people (job_id, seq, key) VALUES ('{done}', 0, 'k')")
    assert journal.verify().breaks == [f"job {done}: member #1 was changed after erasure"]


def test_text_the_chain_holds_that_names_them_is_counted_and_kept(journal_at: Path | str) -> None:
    """A why typed before reasons were checked, or provider words journaled before they were
    kept nameless, cannot be erased without breaking the chain: forgetting says how many."""
    journal = Journal(journal_at)
    job_id = journal.create(
        account="phones",
        provider=Provider.WASEND,
        container=GROUP,
        operation=Operation.REMOVE_FROM_CONTAINER,
        members=[BOB],
        reason="T-1: Ada (07700 900123) asked us to remove Bob",
    )
    journal.mark_sending(job_id, [BOB.id], 0)
    said = "447700900123@s.whatsapp.net is not a participant."
    journal.record(job_id, [MemberOutcome(member_id=BOB.id, outcome=Outcome.FAILED, message=said)])
    assert journal.erasure.traces(["+44 7700 900123"]).chained == 2
    assert journal.erasure.traces(["ADA@example.com"]).chained == 0
    assert journal.erasure.traces(["+44 7700 900456"]).chained == 0, "no text names Bob"


def test_a_change_the_chain_makes_to_a_row_never_written_is_named(journal_at: Path | str) -> None:
    journal = Journal(journal_at)
    (entry,) = suppress(journal, ("+447700900123",))
    journal.register.lift(entry, "T-2: asked again")
    tamper(
        journal_at, f"UPDATE chain SET body = replace(body, '\"{entry}\",', '\"x\",') WHERE seq = 2"
    )
    breaks = journal.verify().breaks
    assert "event 2 changes suppressed x, never written" in breaks, breaks
