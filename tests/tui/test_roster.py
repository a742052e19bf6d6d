"""The members screen's state and paste matching, without the screen."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import tui.roster
from providers.errors import ConfigurationError
from providers.matching import entries_from_file, key_of, match, tokens
from providers.models import Member, Role
from tui.roster import Roster, SortKey, counts_line

PEOPLE = [
    Member(id="447700900123@s.whatsapp.net", name="Amara Adeyemi", address="+447700900123"),
    Member(id="80000000037@lid", name="Ben Ito", address="+447700900124"),
    Member(
        id="447700900125@s.whatsapp.net",
        name="Chloe Costa",
        address="+447700900125",
        role=Role.OWNER,
        locked_reason="group owner",
    ),
    Member(id="64f0c0ffee0000000000000a", name="Dev Patel", address="Dev.Patel@Example.com"),
]


def test_one_person_many_spellings() -> None:
    spellings = [
        "+44 7700 900123",
        "447700900123@s.whatsapp.net",
        "447700900123",
        "0044 7700 900123",
        "00447700900123",
        "447700900123@c.us",
    ]
    assert {key_of(s) for s in spellings} == {"447700900123"}
    result = match([*spellings, "07700 900123"], PEOPLE)
    assert {m.id for m in result.members} == {PEOPLE[0].id} and not result.unmatched


def test_the_ways_tickets_write_people() -> None:
    people = [
        Member(id="1", name="Grace Hopper", address="+12025550110"),
        Member(id="2", name="Ada Lovelace", address="ada@example.com"),
        Member(id="3", name="Alan Turing", address="+447700900056"),
        Member(id="4", name="Ben Ito", address="+447700900057"),
        Member(id="5", name="Ben Ito", address="ben.ito@example.org"),
    ]
    text = (
        "(202) 555-0110\n+44 (0)7700 900056\nAda Lovelace\n"
        '"Ada" <ADA@example.com>, Ben Ito\nalan turing\nNobody Here\n'
    )
    entries = tokens(text)
    assert entries == [
        "(202) 555-0110",
        "+44 (0)7700 900056",
        "Ada Lovelace",
        "ADA@example.com",
        "Ben Ito",
        "alan turing",
        "Nobody Here",
    ]
    result = match(entries, people)
    assert {m.id for m in result.members} == {"1", "2", "3"}
    assert list(result.ambiguous) == ["Ben Ito"]
    assert [m.id for m in result.ambiguous["Ben Ito"]] == ["4", "5"]  # both namesakes
    assert result.unmatched == ["Nobody Here"]
    # a number's tail that is too short to name one person matches nobody
    assert match(["0110"], people).unmatched == ["0110"]


def test_a_garbled_paste_marks_what_it_can_and_lists_the_rest() -> None:
    text = (
        'Please remove: "dev.patel@example.com";\t+44 7700 900124 ,, ???\n'
        "80000000037@lid\n+44 7700 900125\n"
    )
    result = match(tokens(text), PEOPLE)
    assert {m.id for m in result.members} == {PEOPLE[1].id, PEOPLE[3].id}
    assert [m.id for m in result.locked] == [PEOPLE[2].id]
    assert result.unmatched == ["Please", "remove:", "???"]


def test_a_csv_with_a_header_gives_its_address_columns_only(tmp_path: Path) -> None:
    sheet = tmp_path / "ticket.csv"
    sheet.write_text("name,phone\nAmara,+44 7700 900123\n")
    assert entries_from_file(sheet) == ["+44 7700 900123"]
    excel = tmp_path / "excel.csv"  # Excel's "CSV UTF-8": a BOM, semicolons in some locales
    excel.write_bytes("\ufeffName;E-mail;Phone\nAda Lovelace;ada@example.com;\n".encode())
    assert entries_from_file(excel) == ["ada@example.com"]
    bare = tmp_path / "bare.csv"
    bare.write_text("ada@example.com,+44 7700 900123\n")
    assert entries_from_file(bare) == ["ada@example.com", "+44 7700 900123"]


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00", "caf\xe9".encode("latin-1")])
def test_a_binary_or_non_utf8_file_is_a_clear_error(tmp_path: Path, data: bytes) -> None:
    odd = tmp_path / "ticket.txt"
    odd.write_bytes(data)
    with pytest.raises(ConfigurationError, match="is not a text file"):
        entries_from_file(odd)


def test_streaming_filter_sort_and_marks_outside_the_filter() -> None:
    roster = Roster(total=4)
    roster.extend(PEOPLE[:2])
    roster.set_filter("ben")
    roster.extend(PEOPLE[2:])
    assert [roster.member_at(r).name for r in range(roster.shown)] == ["Ben Ito"]
    assert roster.mark_all_shown() == 1
    roster.set_filter("")
    roster.sort_by(SortKey.NAME)
    roster.sort_by(SortKey.NAME)
    assert roster.member_at(0).name == "Dev Patel"
    roster.invert()
    assert {m.name for m in roster.marked_members()} == {"Amara Adeyemi", "Dev Patel"}
    assert roster.summary() == "2 marked · 4 shown · 4 total"
    assert not roster.toggle(next(r for r in range(4) if roster.member_at(r).locked))


def test_typing_narrows_the_last_matches_and_agrees_with_a_full_scan() -> None:
    members = [
        Member(id=str(i), name=f"Person {i}", address=f"p{i}@example.com") for i in range(500)
    ]
    typed = Roster()
    typed.extend(members, len(members))
    typed.sort_by(SortKey.ADDRESS)
    fresh = Roster()
    fresh.extend(members, len(members))
    fresh.sort_by(SortKey.ADDRESS)
    for query in ["1", "12", "123", "12", "", "4", "49", "499@"]:
        typed.set_filter(query)  # narrows while the query grows, scans again when it shrinks
        fresh.filter_text = ""
        fresh.set_filter(query)  # always a full scan
        assert typed.view == fresh.view, query


def matching_rows(roster: Roster) -> list[int]:
    """What the view must hold once the filter is applied: a full scan, sorted if asked."""
    needle = roster.filter_text
    rows = [
        i
        for i, m in enumerate(roster.members)
        if needle in f"{m.name}\t{m.address}\t{m.id}".lower()
    ]
    if roster.sort_key is SortKey.NAME:
        rows.sort(key=lambda i: roster.members[i].name.lower(), reverse=roster.descending)
    elif roster.sort_key is SortKey.ADDRESS:
        rows.sort(key=lambda i: roster.members[i].address.lower(), reverse=roster.descending)
    return rows


@pytest.mark.parametrize("seed", range(6))
def test_a_filter_applied_a_slice_at_a_time_ends_as_a_full_scan(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing, deleting, pages arriving, sorting and marking while a filter is half applied:
    what is shown meanwhile always matches, and the end is what one full scan gives."""
    monkeypatch.setattr(tui.roster, "CHUNK", 7)
    monkeypatch.setattr(tui.roster, "SLICE_SECONDS", 0.0)  # one chunk a slice
    chance = random.Random(seed)
    people = [
        Member(id=f"id{i}", name=f"{chance.choice('ab')}{n:04d}", address=f"{599 - i:04d}@x")
        for i, n in enumerate(chance.sample(range(600), 600))  # no order is another's
    ]
    roster = Roster()
    roster.extend([*people[:200], people[7]])  # listed twice: dropped when more come
    query, sliced = "", 0
    for _ in range(120):
        step = chance.random()
        if step < 0.4:
            query = (query + chance.choice("ab0123")) if len(query) < 4 else query[:-1]
            roster.set_filter(query)
        elif step < 0.5:
            query = query[:-1]
            roster.set_filter(query)
        elif step < 0.75:
            sliced += roster.advance(0.0)
        elif step < 0.85 and roster.loaded < len(people):
            roster.extend(people[roster.loaded : roster.loaded + 50], len(people))
        elif step < 0.9:
            roster.sort_by(chance.choice([SortKey.NAME, SortKey.ADDRESS]))
            assert roster.filtering is None and roster.view == matching_rows(roster)
        elif step < 0.95:
            roster.mark_all_shown()
            assert roster.filtering is None
        else:
            roster.finish()
        full, view = matching_rows(roster), list(roster.view)
        if roster.filtering is None:
            assert view == full, (seed, roster.filter_text)
        elif roster.sort_key is None:
            assert view == full[: len(view)]  # the top of the list, found in its order
        else:
            assert len(set(view)) == len(view) and set(view) <= set(full)
    roster.finish()
    assert list(roster.view) == matching_rows(roster)
    assert sliced > 10  # the filter was applied in slices, not at once


def test_a_filter_shows_its_first_slice_and_says_how_far_it_got(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tui.roster, "CHUNK", 100)
    monkeypatch.setattr(tui.roster, "SLICE_SECONDS", 0.0)
    roster = Roster()
    roster.extend([Member(id=str(i), name=f"Person {i}") for i in range(1_000)], 1_000)
    roster.set_filter("9")
    assert roster.filtering == 0.1 and roster.shown == 19  # 9, 19, …, 89, 90-99
    assert counts_line(roster, loading=False).startswith(
        "0 marked · 19 shown (filtering: 10%) · 1,000 total"
    )
    assert [roster.advance(0.0) for _ in range(9)] == [True] * 8 + [False]  # a chunk each
    assert roster.filtering is None and roster.shown == 271
    assert counts_line(roster, loading=False).startswith("0 marked · 271 shown · 1,000 total")
    roster.set_filter("99")
    roster.extend([Member(id=str(i), name=f"Person {i}") for i in range(1_000, 2_000)], 2_000)
    assert roster.filtering == 100 / (271 + 1_000)  # the new page is checked in its turn


def test_the_counts_say_how_old_a_read_is_and_when_it_looks_incomplete() -> None:
    roster = Roster(total=3)
    roster.extend([Member(id=str(i)) for i in range(3)])
    assert counts_line(roster, loading=False, age=20) == (
        "0 marked · 3 shown · 3 total · read just now"
    )
    assert counts_line(roster, loading=False, incomplete=True, age=185) == (
        "0 marked · 3 shown · 3 total · looks incomplete · read 3 min ago"
    )
    assert counts_line(roster, loading=True, left=90, age=0).endswith(
        "loading 3 of 3 · 2\u00a0min left"
    )
