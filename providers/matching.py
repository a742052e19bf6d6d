"""Match what a support person pastes from a ticket against the members of a container.

`+44 7700 900123`, `+44 (0)7700 900123`, `447700900123@s.whatsapp.net`, `447700900123` and
`07700 900123` are one person, as are `(202) 555-0110` and `+1 202 555 0110`; emails match
whatever their case, also inside `Ada <ada@example.com>`; a line of words alone is a name,
matched whole (`Ada Lovelace`); anything else matches a member's id exactly. A spreadsheet
row is one person: any of its addresses names them.

Everything here is one pass over the entries and one over the members (dictionaries, never
a search of a list), so a paste of a million lines is planned in seconds.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

from providers.errors import ConfigurationError
from providers.models import Member

SEPARATORS = re.compile(r"[\n\r,;\t|]+")
PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")
#: the address in `Ada Lovelace <ada@example.com>`, as mail programs write it
NAMED_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")
#: a piece of words alone, no digit or @: a person's name, kept whole
NAME_LIKE = re.compile(r"^[^\W\d_][\w'.\-]*(\s+[\w'.\-]+){1,4}$")
#: one word that is certainly one entry as it stands (an id, a number, an email): most
#: lines of a long list, taken without the slower reading below
PLAIN = re.compile(r"\+?\w+|[\w.+\-]+@[\w.\-]+")
#: what a phone is written with besides its digits (and the trunk 0 some countries write
#: in brackets after the country code, +44 (0)7700 …, dropped before)
PHONE_PUNCTUATION = str.maketrans("", "", "+()./- \t")
NON_DIGIT = re.compile(r"\D")
#: a phone number among other words on a line: digits with spaces, brackets, dots or dashes
PHONE_IN_TEXT = re.compile(r"(?<![\w@.])\+?\(?\d[\d\s().\-/]*\d\)?(?![\w@])")
PERSON_JID_DOMAINS = frozenset({"s.whatsapp.net", "c.us"})
SHORTEST_NATIONAL = 9
LONGEST_PHONE = 15  # E.164
#: where a second international number starts inside a run of digits: `+44 … +1 …`
NEW_NUMBER = re.compile(r"\s+(?=\+)")
V = TypeVar("V")


class Row(NamedTuple):
    """A spreadsheet row: one person, named by any of its addresses. It is matched, and
    reported unmatched, as a whole."""

    addresses: tuple[str, ...]

    def __str__(self) -> str:
        return " / ".join(self.addresses)


#: what a person gives: an entry (one address), or a row of several
Given = str | Row


def rows_of(given: Iterable[Given]) -> list[Given]:
    """Blank addresses dropped, a row of one address read as that entry, each given once."""
    rows: dict[Given, None] = {}
    for item in given:
        if isinstance(item, str):
            item = item.strip()
        else:
            addresses = tuple(dict.fromkeys(a.strip() for a in item.addresses if a.strip()))
            item = Row(addresses) if len(addresses) > 1 else "".join(addresses)
        if item:
            rows[item] = None
    return list(rows)


def addresses_of(row: Given) -> tuple[str, ...]:
    return (row,) if isinstance(row, str) else row.addresses


def is_name(entry: str) -> bool:
    """A person's name, not an address: words alone (a label's colon is none), no digit."""
    return NAME_LIKE.match(entry) is not None and not any(map(str.isdigit, entry))


def tokens(text: str) -> list[str]:
    """Split a paste into entries: by line, comma or semicolon, and by spaces unless the
    piece reads as one phone number with spaces in it."""
    found: list[str] = []
    for piece in SEPARATORS.split(text):
        if "<" in piece and (named := NAMED_ADDRESS.search(piece)):
            found.append(named.group(1))
            continue
        piece = piece.strip().strip("\"'<>")
        if not piece:
            continue
        if PLAIN.fullmatch(piece):
            found.append(piece)
        elif (PHONE_LIKE.match(piece) and _one_number(piece)) or is_name(piece):
            found.append(" ".join(piece.split()))
        else:
            found.extend(_words_and_phones(piece))
    return found


def _words_and_phones(piece: str) -> list[str]:
    """`+1 202 555 0105 ada@example.com` is a phone and an email, not five entries."""
    found: list[str] = []
    last = 0
    for run in PHONE_IN_TEXT.finditer(piece):
        numbers = [" ".join(n.split()) for n in NEW_NUMBER.split(run.group(0))]
        if not all(_one_number(number) for number in numbers):
            continue
        found += _words(piece[last : run.start()])
        found += numbers
        last = run.end()
    return found + _words(piece[last:])


def _one_number(text: str) -> bool:
    """Digits with spaces read as one number when they start as a phone does (`+`, `(`, a
    trunk 0) or are long enough to be one, and not longer than any phone (15 digits):
    `1006 1007` and `447700900123 447700900124` stay two."""
    text = text.strip()
    digits = sum(map(str.isdigit, text))
    starts_as_phone = text[:1] in ("+", "(", "0") or digits > SHORTEST_NATIONAL
    return starts_as_phone and digits <= LONGEST_PHONE


def _words(text: str) -> list[str]:
    return [word.strip("\"'<>") for word in text.split() if word.strip("\"'<>")]


ADDRESS_COLUMN = re.compile(
    r"e-?mail|phone|mobile|cell|tel|whats\s*app|msisdn|number|^id$|contact.?id|member.?id",
    re.IGNORECASE,
)
FILE_HINT = "one phone number, email or id a line, or a CSV export"


def entries_from_file(path: Path) -> list[Given]:
    """The entries of a file from a ticket: one a line, or a CSV export (Excel, Sheets),
    whose rows with a header are one person each. A file that cannot give any says why."""
    text = _text_of(path)
    if not text.strip():
        raise ConfigurationError(f"{path} is empty: nothing to match. Give a file of {FILE_HINT}.")
    found = csv_entries(text) if path.suffix.lower() == ".csv" else list[Given](tokens(text))
    if not found:
        raise ConfigurationError(
            f"{path} holds no phone number, email or id (only a header, or empty cells)."
        )
    return found


def _text_of(path: Path) -> str:
    """UTF-8 (with or without Excel's BOM) or UTF-16 text; anything else is refused plainly,
    naming the path and what is wrong with it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigurationError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise ConfigurationError(
            f"{path} is a folder, not a file: give a file of {FILE_HINT}."
        ) from None
    except PermissionError:
        raise ConfigurationError(f"{path} cannot be read: permission denied.") from None
    except OSError as error:
        raise ConfigurationError(f"{path} cannot be read: {error.strerror or error}.") from None
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in data:  # text in UTF-8 has no NUL byte
        where = data.index(b"\x00")
    else:
        try:
            return data.decode("utf-16" if utf16 else "utf-8-sig")
        except UnicodeDecodeError as error:
            where = error.start
    raise ConfigurationError(
        f"{path} is not a text file (binary, or not UTF-8: byte {where}). Save it as "
        f"plain text or CSV UTF-8: {FILE_HINT}."
    )


def csv_entries(text: str) -> list[Given]:
    """With a header row, each row is one person, by the columns that hold addresses (email,
    phone, id ...); without one, every cell is an entry of its own. A header is a first row
    with no digit and no @."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.partition("\n")[0], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    first = next(reader, [])
    if any(re.search(r"[\d@]", cell) for cell in first):
        return [cell.strip() for row in (first, *reader) for cell in row if cell.strip()]
    wanted = [i for i, name in enumerate(first) if ADDRESS_COLUMN.search(name.strip())]
    if not wanted:
        return [cell.strip() for row in reader for cell in row if cell.strip()]
    found: list[Given] = []
    for row in reader:
        addresses = tuple(row[i].strip() for i in wanted if i < len(row) and row[i].strip())
        if len(addresses) > 1:
            found.append(Row(addresses))
        elif addresses:
            found.append(addresses[0])
    return found


def ascii_digits(text: str) -> str:
    """Digits of every script in ASCII (Arabic `٤٤`, Persian `۴۴`, full-width are `44`): a
    phone typed on such a keyboard is the number the provider lists in ASCII."""
    return "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c for c in text)


def key_of(entry: str) -> str:
    """The form two spellings of one person share: digits of a phone, lower-case otherwise."""
    entry = entry.strip() if entry.isascii() else ascii_digits(entry.strip())
    if "@" in entry:
        lowered = entry.lower()
        number, _, domain = lowered.partition("@")
        if domain in PERSON_JID_DOMAINS and number.isdecimal():
            return number
        return lowered  # an email has no space to fold
    if entry.isdecimal():
        return entry[2:] if len(entry) >= 6 and entry.startswith("00") else entry
    if entry.isalnum():  # an id: letters and digits, not a phone
        return entry.lower()
    if len(entry) > 6 and entry[0] == "+" and entry[1:].isdecimal():  # as providers list them
        return entry[1:]
    if PHONE_LIKE.match(entry):
        spelled = entry.replace("(0)", "")
        digits = spelled.translate(PHONE_PUNCTUATION)
        if not digits.isdecimal():  # another space: no-break, thin
            digits = NON_DIGIT.sub("", spelled)
        return digits[2:] if entry.startswith("00") else digits
    return " ".join(entry.lower().split())


@dataclass
class PasteResult:
    """Who each entry or row named. A row is matched when any of its addresses named someone."""

    matched: dict[Given, list[Member]] = field(default_factory=dict)
    unmatched: list[Given] = field(default_factory=list)
    locked: list[Member] = field(default_factory=list)
    #: names that several members share: not marked, the person must say which
    ambiguous: dict[Given, list[Member]] = field(default_factory=dict)

    def matched_members(self) -> list[Member]:
        """Everyone a row named, locked ones included (to say where they are)."""
        return list({m.id: m for found in self.matched.values() for m in found}.values())

    @property
    def members(self) -> list[Member]:
        return [m for m in self.matched_members() if not m.locked]

    def settle(self, row: Given, found: list[Member], namesakes: list[Member]) -> None:
        """File one row: matched by what its addresses found; else ambiguous when a name it
        gave is shared by several; else unmatched."""
        if found:
            self.matched[row] = (
                found if len(found) == 1 else list({m.id: m for m in found}.values())
            )
        elif namesakes:
            self.ambiguous[row] = namesakes
        else:
            self.unmatched.append(row)

    def finish(self) -> PasteResult:
        """Collect the locked members named, each once."""
        locked = (m for found in self.matched.values() for m in found if m.locked)
        self.locked = list({m.id: m for m in locked}.values())
        return self


class Keyed(Generic[V]):
    """Values by key where nearly every key has one: the first value of a key is held alone
    and only the others in a list beside it, so a million keys cost a million entries, not
    a million lists (which the garbage collector would walk again and again)."""

    def __init__(self) -> None:
        self.first: dict[str, V] = {}
        self.more: dict[str, list[V]] = {}

    def add(self, key: str, value: V) -> None:
        """Each value once a key."""
        if self.first.setdefault(key, value) is not value:
            self.more.setdefault(key, []).append(value)

    def get(self, key: str) -> list[V]:
        first = self.first.get(key)
        return [] if first is None else [first, *self.more.get(key, ())]


class MemberIndex:
    """The members by every key that names them: one dictionary look-up an address. What
    only some pastes need (numbers written without their country code, names) is indexed
    the first time it is asked for."""

    def __init__(self, members: Iterable[Member]) -> None:
        self.members = list(members)
        self.keyed: Keyed[Member] = Keyed()
        first, more = self.keyed.first, self.keyed.more
        for member in self.members:  # Keyed.add, written out: this runs for every member
            key = key_of(member.id)
            if first.setdefault(key, member) is not member:
                more.setdefault(key, []).append(member)
            if member.address:
                key = key_of(member.address)
                if first.setdefault(key, member) is not member:
                    more.setdefault(key, []).append(member)
        #: the full numbers by their last digits, for numbers written without a country code
        self._tails: Keyed[str] | None = None
        self._names: Keyed[Member] | None = None

    def find(self, address: str, key: str = "") -> tuple[list[Member], list[Member]]:
        """The members an address names (its key given when known), and the namesakes when
        it is a name several share (then it names nobody)."""
        key = key or key_of(address)
        found = self.keyed.get(key) or self._by_national(key)
        if found or not is_name(address):
            return found, []
        if self._names is None:
            self._names = Keyed()
            for each in self.members:
                if each.name:
                    self._names.add(" ".join(each.name.lower().split()), each)
        named = self._names.get(key)
        return (named, []) if len(named) == 1 else ([], named)

    def _by_national(self, key: str) -> list[Member]:
        """A number written without its country code: `07700 900123` (the digits after the
        trunk 0) or `(202) 555-0110` (no trunk digit) ends the member's full number."""
        rest = key[1:] if key.startswith("0") else key
        if not rest.isdigit() or len(rest) < SHORTEST_NATIONAL:
            return []
        if self._tails is None:
            self._tails = Keyed()
            for full in self.keyed.first:
                if len(full) > SHORTEST_NATIONAL and full.isdigit():
                    self._tails.add(full[-SHORTEST_NATIONAL:], full)
        fulls = self._tails.get(rest[-SHORTEST_NATIONAL:])
        return [
            m
            for full in fulls
            if full.endswith(rest) and full != rest
            for m in self.keyed.get(full)
        ]


def match(given: Iterable[Given], members: Iterable[Member]) -> PasteResult:
    """Each entry or row against the members: a dictionary look-up an address."""
    return match_rows(rows_of(given), members)


def match_rows(rows: Iterable[Given], members: Iterable[Member]) -> PasteResult:
    """`match` for rows as `rows_of` gives them."""
    with collector_waiting():
        return _match_rows(rows, members)


@contextmanager
def collector_waiting() -> Iterator[None]:
    """Matching a long paste makes millions of small objects and not one reference cycle:
    Python's cycle collector, which would walk every one of them again and again as they
    are made, waits until it ends (a quarter of the time at a million lines). Synchronous
    code only: nothing else runs meanwhile."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _match_rows(rows: Iterable[Given], members: Iterable[Member]) -> PasteResult:
    index = MemberIndex(members)
    first, more = index.keyed.first, index.keyed.more
    result = PasteResult()
    matched = result.matched
    for row in rows:
        if isinstance(row, str):
            key = key_of(row)
            member = first.get(key)
            if member is not None and key not in more:  # most entries: one member
                matched[row] = [member]
            else:
                result.settle(row, *index.find(row, key))
            continue
        found: list[Member] = []
        namesakes: list[Member] = []
        for address in row.addresses:
            key = key_of(address)
            member = first.get(key)
            if member is not None and key not in more:
                found.append(member)
                continue
            named, shared = index.find(address, key)
            found += named
            namesakes = namesakes or shared
        result.settle(row, found, namesakes)
    return result.finish()
