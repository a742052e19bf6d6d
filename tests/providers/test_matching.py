"""Tokenising, matching and planning a paste do work in proportion to its lines and the
container's members, never to their product: no entry is compared with every other entry,
nor with every member. Counted here, not timed (tests/benchmarks/paste_scale.py times it)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest

from providers import matching
from providers.jobs.lookup import find_members, plan_for_entries
from providers.models import Capabilities, Container, ContainerKind, Member, MemberPage, Provider
from providers.protocol import Adapter

LINES = 3_000


class Entry(str):
    """An entry that counts how often it is compared with another (a search of a list
    compares it with each element; a dictionary, almost never)."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        Entry.compared += 1
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def strip(self, chars: str | None = None) -> str:
        """Kept as itself (a plain str would forget it is counted)."""
        return self if str.strip(self, chars) == str(self) else str.strip(self, chars)


@dataclass(frozen=True, slots=True, eq=False)
class Counted(Member):
    """A member that counts how often it is compared with another."""

    def __eq__(self, other: object) -> bool:
        Counted.compared += 1
        return self is other

    __hash__ = Member.__hash__
    compared = 0


class InMemory:
    provider = Provider.AUTOSEND
    capabilities = Capabilities(
        max_batch=100, requests_per_second=2, reports_each_member=False, can_undo=True
    )

    def __init__(self, members: list[Member], *, count: int | None) -> None:
        self.everyone = members
        self.box = Container(id="x", name="X", kind=ContainerKind.LIST, member_count=count)

    async def container(self, container_id: str) -> Container:
        return self.box

    async def members(self, container: Container, search: str = "") -> AsyncIterator[MemberPage]:
        for start in range(0, len(self.everyone), 100):
            yield MemberPage(tuple(self.everyone[start : start + 100]), len(self.everyone))

    def is_id(self, entry: str) -> bool:
        return entry.startswith("id-")

    def searchable(self, entry: str) -> bool:
        return True

    async def candidates(self, container: Container, entry: str) -> list[Member]:
        wanted = str(entry)  # the provider's own search, which knows nothing of counting
        return [m for m in self.everyone if m.address == wanted]


def people(count: int) -> list[Member]:
    return [
        Counted(id=f"c{i}", name=f"Person {i}", address=f"p{i}@example.com", locked_reason="x")
        for i in range(count)
    ]


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many addresses were put in their matching form (each is one look-up's work)."""
    calls = 0
    original = matching.key_of

    def counting(entry: str) -> str:
        nonlocal calls
        calls += 1
        return original(entry)

    monkeypatch.setattr(matching, "key_of", counting)
    Entry.compared = Counted.compared = 0
    return lambda: calls


def test_matching_a_long_paste_compares_nothing_pairwise(keyed: Callable[[], int]) -> None:
    members = people(LINES)
    pasted = [Entry(f"P{i}@EXAMPLE.COM") for i in range(LINES)]
    result = matching.match([*pasted, "0770 0900 123", "Nobody Here"], members)
    assert len(result.matched) == len(result.locked) == LINES and len(result.unmatched) == 2
    assert keyed() <= 3 * LINES + 10  # each member's id and address, each entry once
    assert Entry.compared < LINES and Counted.compared < LINES


async def test_planning_ids_and_lookups_compares_nothing_pairwise(
    keyed: Callable[[], int],
) -> None:
    """Ids trusted as given beside addresses looked up one by one: the ids are set apart
    without searching the list of the others for each."""
    members = people(LINES)
    ids = [Entry(f"id-{i}") for i in range(LINES)]
    emails = [Entry(f"p{i}@example.com") for i in range(10)]
    adapter = cast(Adapter, InMemory(members, count=None))  # unknown size: never read whole
    found = await find_members(adapter, await adapter.container("x"), [*ids, *emails])
    assert len(found.matched) == LINES + 10 and len(found.locked) == 10
    assert Entry.compared < LINES and Counted.compared < LINES


async def test_a_paste_as_long_as_the_list_is_matched_against_one_read(
    keyed: Callable[[], int],
) -> None:
    members = people(LINES)
    pasted: list[Any] = [Entry(f"p{i}@example.com") for i in range(LINES)]
    adapter = cast(Adapter, InMemory(members, count=LINES))
    plan, unmatched = await plan_for_entries(
        adapter, "a", await adapter.container("x"), [*pasted, "nobody@example.com"]
    )
    assert len(plan.skipped) == LINES and unmatched == ["nobody@example.com"]
    assert keyed() <= 3 * LINES + 10
    assert Entry.compared < LINES and Counted.compared < LINES


# -- reading a file of people: each way it cannot be read is named, with its path ----------


@pytest.mark.parametrize(
    ("content", "entries"),
    [
        pytest.param("ada@example.com\n".encode("utf-16-le"), None, id="utf-16 without a BOM"),
        pytest.param("\ufeffada@example.com".encode("utf-16-le"), ["ada@example.com"], id="LE"),
        pytest.param("\ufeffada@example.com".encode("utf-16-be"), ["ada@example.com"], id="BE"),
        pytest.param(b"\xef\xbb\xbfada@example.com", ["ada@example.com"], id="Excel's UTF-8"),
    ],
)
def test_utf_16_and_excels_utf_8_are_read(
    tmp_path: Any, content: bytes, entries: list[str] | None
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    if entries is None:  # its NUL bytes: not UTF-8, and no mark says it is UTF-16
        with pytest.raises(matching.ConfigurationError, match=f"{path} is not a text file.*byte 1"):
            matching.entries_from_file(path)
    else:
        assert matching.entries_from_file(path) == entries


@pytest.mark.parametrize(
    ("content", "where"),
    [
        pytest.param(b"ada\x00b\x00", 3, id="the first NUL byte"),
        pytest.param(b"\x00\x01ada@example.com", 0, id="a NUL byte first"),
        pytest.param(b"ada@example.com\n\xe9t\xe9", 16, id="Latin-1"),
        pytest.param(b"\xff\xfe\x00\xd8", 2, id="UTF-16 cut in a pair"),
    ],
)
def test_a_file_that_is_not_text_names_the_first_byte_that_is_not(
    tmp_path: Any, content: bytes, where: int
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(content)
    with pytest.raises(matching.ConfigurationError) as caught:
        matching.entries_from_file(path)
    assert str(caught.value).startswith(
        f"{path} is not a text file (binary, or not UTF-8: byte {where}). Save it as plain text"
    )


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (PermissionError(13, "Permission denied"), "cannot be read: permission denied."),
        (OSError(5, "Input/output error"), "cannot be read: Input/output error."),
        (OSError("a disk that went away"), "cannot be read: a disk that went away."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch, error: OSError, said: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("ada@example.com")

    def fails(self: object) -> bytes:
        raise error

    monkeypatch.setattr(type(path), "read_bytes", fails)
    with pytest.raises(matching.ConfigurationError) as caught:
        matching.entries_from_file(path)
    assert str(caught.value) == f"{path} {said}"


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        pytest.param(
            "Name;E-mail;Phone\nAda;ada@example.com;+44 7700 900123\nBo;;+44 7700 900124\n",
            [matching.Row(("ada@example.com", "+44 7700 900123")), "+44 7700 900124"],
            id="Excel's semicolons, a row one person",
        ),
        pytest.param(
            "name\t Mobile \tnotes\nAda\t+44 7700 900123\tcalls on 2 lines\nBo\n",
            ["+44 7700 900123"],
            id="tabs, a short row, a column named with spaces",
        ),
        pytest.param(
            "ada@example.com,+44 7700 900123\nbo@example.com\n",
            ["ada@example.com", "+44 7700 900123", "bo@example.com"],
            id="no header: every cell",
        ),
        pytest.param(
            "first,last\nAda,Lovelace\n , \n",
            ["Ada", "Lovelace"],
            id="a header naming no address: every cell below it",
        ),
        pytest.param(
            "Contact ID\n 64f1c2 \n\n",
            ["64f1c2"],
            id="one column: no separator to find",
        ),
        pytest.param(
            "+15550100 Xavier Xu\n+15550101 Xena Xi\n",
            ["+15550100 Xavier Xu", "+15550101 Xena Xi"],
            id="one column: a letter it repeats is not a separator",
        ),
        pytest.param("", [], id="nothing at all: no entry, no error"),
    ],
)
def test_a_csv_export_gives_a_person_a_row(text: str, entries: list[matching.Given]) -> None:
    assert matching.csv_entries(text) == entries


@pytest.mark.parametrize(
    ("name", "entries"),
    [
        ("people.CSV", [matching.Row(("ada@example.com", "+44 7700 900123"))]),
        ("people.txt", ["email", "phone", "ada@example.com", "+44 7700 900123"]),
    ],
)
def test_a_file_is_read_as_csv_by_its_name(
    tmp_path: Any, name: str, entries: list[matching.Given]
) -> None:
    path = tmp_path / name
    path.write_text("email,phone\nada@example.com,+44 7700 900123\n")
    assert matching.entries_from_file(path) == entries


def test_a_phone_among_other_words_stays_one_entry() -> None:
    """A ticket's line: the phone keeps its spaces; short numbers apart stay ids."""
    assert matching.tokens("+1 202 555 0105 jade.chen5@example.net") == [
        "+1 202 555 0105",
        "jade.chen5@example.net",
    ]
    assert matching.tokens("ada@x.org 07700 900123, (202) 555-0110") == [
        "ada@x.org",
        "07700 900123",
        "(202) 555-0110",
    ]
    assert matching.tokens("1006 1007") == ["1006", "1007"]
    assert matching.tokens("202 555 0105") == ["202 555 0105"]
    assert matching.tokens("447700900123 447700900124") == ["447700900123", "447700900124"]
    assert matching.tokens("+44 7700 900123 +1 202 555 0105") == [
        "+44 7700 900123",
        "+1 202 555 0105",
    ]
    # words with a number are not a name: the number stands apart
    assert matching.tokens("Ada Lovelace 07700 900123") == ["Ada", "Lovelace", "07700 900123"]
    # a number that is not one phone does not end the search for one later on the line
    assert matching.tokens("ids 1006 1007 then +1 202 555 0105") == [
        "ids",
        "1006",
        "1007",
        "then",
        "+1 202 555 0105",
    ]
    # quotes and angle brackets around a word go, its letters stay
    assert matching.tokens('"Xu" <XAVIER> 07700 900123') == ["Xu", "XAVIER", "07700 900123"]


def test_a_short_number_that_starts_as_a_phone_is_one_entry() -> None:
    """Under ten digits, spaces split ids apart, unless the number starts as a phone does:
    `+`, `(` or a trunk 0."""
    assert matching.tokens("+1 555 0100") == ["+1 555 0100"]
    assert matching.tokens("(020) 7946") == ["(020) 7946"]
    assert matching.tokens("0 555 0100") == ["0 555 0100"]
    assert matching.tokens("1 555 0100") == ["1", "555", "0100"]
    # as long as a phone may be (15 digits), and no longer
    assert matching.tokens("+86 138 0013 8000 12") == ["+86 138 0013 8000 12"]
    assert matching.tokens("+86 138 0013 8000 123") == ["+86", "138", "0013", "8000", "123"]


def test_a_label_ending_in_a_colon_is_not_taken_for_a_name() -> None:
    """`Please remove these:` above the list is words, each reported unmatched on its own;
    the lines below it are names."""
    entries = matching.tokens("Please remove these:\nAda Lovelace\nBo Chen")
    assert entries == ["Please", "remove", "these:", "Ada Lovelace", "Bo Chen"]


def test_a_word_of_quotes_alone_is_no_entry() -> None:
    assert matching.tokens('ada@example.com "" <> \' "XX"') == ["ada@example.com", "XX"]


def test_quotes_around_a_whole_entry_go_and_an_empty_one_is_skipped() -> None:
    assert matching.tokens('"Ada Lovelace", bob@x.org') == ["Ada Lovelace", "bob@x.org"]
    assert matching.tokens('a@x.org, "", b@x.org') == ["a@x.org", "b@x.org"]


def test_a_national_number_of_nine_digits_without_a_trunk_0_matches() -> None:
    """`612 345 678`: a French mobile as written at home, no trunk 0 to drop."""
    zoe = Member(id="33612345678@s.whatsapp.net", name="Zoe", address="+33612345678")
    assert matching.match(["612 345 678"], [zoe]).matched == {"612 345 678": [zoe]}


def test_a_national_number_matches_only_the_full_number_it_ends() -> None:
    """The trunk 0 alone is dropped, and every digit after it must end the full number: two
    numbers that share their last nine digits are told apart by the ones before."""
    ada = Member(id="447700900123@s.whatsapp.net", name="Ada", address="+447700900123")
    bea = Member(id="446700900123@s.whatsapp.net", name="Bea", address="+446700900123")
    cal = Member(id="12025550110@s.whatsapp.net", name="Cal", address="+12025550110")
    dee = Member(id="14025550110@s.whatsapp.net", name="Dee", address="+14025550110")
    found = matching.match(["07700 900123", "(202) 555-0110"], [ada, bea, cal, dee])
    assert found.matched == {"07700 900123": [ada], "(202) 555-0110": [cal]}


def test_a_national_number_never_matches_an_id_that_ends_in_its_digits() -> None:
    """An id that is not a phone number (letters in it) is no full number to end."""
    ref = Member(id="ref-4477009001234", name="Ref", address="ref@example.com")
    assert matching.match(["07700 9001234"], [ref]).unmatched == ["07700 9001234"]


def test_a_row_whose_email_and_phone_both_name_one_member_matches_them_once() -> None:
    ada = Member(id="c-1", name="Ada", address="ada@example.com")
    ada_phone = Member(id="c-1", name="Ada", address="+447700900123")  # listed by each
    row = matching.Row(("ada@example.com", "+44 7700 900123"))
    assert [m.id for m in matching.match([row], [ada, ada_phone]).matched[row]] == ["c-1"]


def test_a_phone_two_members_share_matches_both() -> None:
    """A family's one phone, on two contacts: pasting it names them both, never one."""
    mum = Member(id="c-1", name="Mum", address="+447700900123")
    son = Member(id="c-2", name="Son", address="+447700900123")
    assert matching.match(["+44 7700 900123"], [mum, son]).matched == {
        "+44 7700 900123": [mum, son]
    }


def test_a_member_listed_twice_is_matched_once_by_their_id() -> None:
    """Pages that overlap list someone twice: their id names one member, once."""
    listed = Member(id="447700900123@s.whatsapp.net", name="Ada", address="+447700900123")
    again = Member(id="447700900123@s.whatsapp.net", name="Ada L.", address="+447700900123")
    found = matching.match(["447700900123@s.whatsapp.net"], [listed, again]).matched
    assert [m.id for m in found["447700900123@s.whatsapp.net"]] == [listed.id]


def test_a_name_whose_lower_case_is_no_longer_a_name_is_still_matched_by_name() -> None:
    """`İ` lower-cases to `i` and a combining dot: the entry as typed reads as a name, and
    its look-up form is what the members' names are kept under."""
    ipek = Member(id="c-1", name="İpek Yılmaz", address="+905551112233")
    assert matching.match(["İpek Yılmaz"], [ipek]).matched == {"İpek Yılmaz": [ipek]}
    row = matching.Row(("İpek Yılmaz", "ipek@example.com"))
    assert matching.match([row], [ipek]).matched == {row: [ipek]}


def test_a_rows_phone_two_members_share_matches_both() -> None:
    """As a pasted phone does: a row of a spreadsheet never picks one of a family."""
    mum = Member(id="c-1", name="Mum", address="+447700900123")
    son = Member(id="c-2", name="Son", address="+447700900123")
    row = matching.Row(("mum@example.com", "+44 7700 900123"))
    assert matching.match([row], [mum, son]).matched == {row: [mum, son]}


def test_a_row_matches_everyone_its_addresses_name() -> None:
    """Its email names one member, its phone another: both are marked, and both are named
    in the confirm dialog before anything is sent."""
    ada = Member(id="c-1", name="Ada", address="ada@example.com")
    bo = Member(id="c-2", name="Bo", address="+447700900124")
    row = matching.Row(("ada@example.com", "+44 7700 900124"))
    assert matching.match([row], [ada, bo]).matched == {row: [ada, bo]}


def test_a_row_naming_a_name_several_share_is_ambiguous() -> None:
    """Not marked: the person must say which of them."""
    one, other = Member(id="c-1", name="Sam Lee"), Member(id="c-2", name="Sam  Lee")
    row = matching.Row(("Sam Lee", "sam@example.com"))
    found = matching.match([row], [one, other])
    assert found.ambiguous == {row: [one, other]} and found.matched == {}


def test_a_row_of_one_address_is_that_entry_and_a_row_of_blanks_is_none() -> None:
    """Read and reported as the entry it is: `ada@example.com`, not a row of one."""
    rows = [
        matching.Row(("ada@example.com", " ada@example.com ", "")),
        matching.Row((" ", "")),
        " ada@example.com",
        matching.Row(("bo@example.com", "+44 7700 900124")),
    ]
    assert matching.rows_of(rows) == [
        "ada@example.com",
        matching.Row(("bo@example.com", "+44 7700 900124")),
    ]


def test_00_starts_an_international_number_only_before_four_digits_or_more() -> None:
    """`001234` is 1234 dialled abroad; `00123` or `007` is an id, never made a key of one
    digit or none that would match whoever it ends."""
    assert [matching.key_of(e) for e in ("001234", "00123", "007")] == ["1234", "00123", "007"]


def test_a_ticket_number_or_a_short_plus_number_is_never_read_as_a_phone() -> None:
    """`#447700900123` is a ticket, `+12345` too short to dial: neither names the member
    whose phone has those digits."""
    ada = Member(id="c-1", name="Ada", address="+447700900123")
    found = matching.match(["#447700900123"], [ada])
    assert found.matched == {} and found.unmatched == ["#447700900123"]
    assert matching.key_of("+12345") == "+12345"


@pytest.mark.parametrize(
    "pasted",
    [
        "+٤٤ ٧٧٠٠ ٩٠٠١٢٣",  # Arabic
        "+۴۴ ۷۷۰۰ ۹۰۰۱۲۳",  # Persian
        "+４４ ７７００ ９００１２３",  # full width, as Japanese keyboards type
        "٠٠٤٤٧٧٠٠٩٠٠١٢٣",  # dialled abroad
        "+44\u00a07700\u00a0900123",  # no-break spaces, as a web page or a word processor keeps
        "+ 447700900123",
    ],
)
def test_a_phone_in_another_scripts_digits_or_spaces_matches_the_listed_number(
    pasted: str,
) -> None:
    """Phones come from tickets typed on every keyboard: the digits of any script and any kind
    of space spell the number the provider lists in ASCII."""
    ada = Member(id="c-1", name="Ada", address="+447700900123")
    found = matching.match(matching.tokens(pasted), [ada])
    assert found.members == [ada] and found.unmatched == []
    assert matching.key_of(f" {pasted}\t") == "447700900123"  # as a cell of a sheet may hold it


@pytest.mark.parametrize("listed", ["+44\u00a07700\u00a0900123", "+44 7700\u202f900123"])
def test_a_phone_listed_with_another_kind_of_space_is_found_by_its_number(listed: str) -> None:
    """A provider keeps what was typed into it, no-break and thin spaces included."""
    ada = Member(id="c-1", name="Ada", address=listed)
    for pasted in ("+44 7700 900123", "447700900123"):
        assert matching.match([pasted], [ada]).members == [ada], pasted
