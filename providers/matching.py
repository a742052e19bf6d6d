"""Match what a support person pastes from a ticket against the members of a container.

`+44 7700 900123`, `+44 (0)7700 900123`, `447700900123@s.whatsapp.net`, `447700900123` and
`07700 900123` are one person, as are `(202) 555-0110` and `+1 202 555 0110`; emails match
whatever their case, also inside `Ada <ada@example.com>`; a line of words alone is a name,
matched whole (`Ada Lovelace`); anything else matches a member's id exactly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from providers.errors import ConfigurationError
from providers.models import Member

SEPARATORS = re.compile(r"[\n\r,;\t|]+")
PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")
#: the address in `Ada Lovelace <ada@example.com>`, as mail programs write it
NAMED_ADDRESS = re.compile(r"<\s*([^<>\s]+@[^<>\s]+)\s*>")
#: a piece of words alone, no digit or @: a person's name, kept whole
NAME_LIKE = re.compile(r"^[^\W\d_][\w'.\-]*(\s+[\w'.\-]+){1,4}$")
#: the trunk 0 some countries write in brackets after the country code: +44 (0)7700 …
BRACKETED_TRUNK = re.compile(r"\(0\)")
#: a phone number among other words on a line: digits with spaces, brackets, dots or dashes
PHONE_IN_TEXT = re.compile(r"(?<![\w@.])\+?\(?\d[\d\s().\-/]*\d\)?(?![\w@])")
PERSON_JID = re.compile(r"^(\d+)@(s\.whatsapp\.net|c\.us)$")
SHORTEST_NATIONAL = 9
LONGEST_PHONE = 15  # E.164
#: where a second international number starts inside a run of digits: `+44 … +1 …`
NEW_NUMBER = re.compile(r"\s+(?=\+)")


def tokens(text: str) -> list[str]:
    """Split a paste into entries: by line, comma or semicolon, and by spaces unless the
    piece reads as one phone number with spaces in it."""
    found: list[str] = []
    for piece in SEPARATORS.split(text):
        if named := NAMED_ADDRESS.search(piece):
            found.append(named.group(1))
            continue
        piece = piece.strip().strip("\"'<>")
        if not piece:
            continue
        words_alone = not any(c.isdigit() for c in piece)  # `Ada 07700 900123` is two
        if (PHONE_LIKE.match(piece) and _one_number(piece)) or (
            words_alone and NAME_LIKE.match(piece) and not piece.endswith(":")
        ):
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
    digits = sum(c.isdigit() for c in text)
    starts_as_phone = text[:1] in ("+", "(", "0") or digits > SHORTEST_NATIONAL
    return starts_as_phone and digits <= LONGEST_PHONE


def _words(text: str) -> list[str]:
    return [word.strip("\"'<>") for word in text.split() if word.strip("\"'<>")]


ADDRESS_COLUMN = re.compile(
    r"e-?mail|phone|mobile|cell|tel|whats\s*app|msisdn|number|^id$|contact.?id|member.?id",
    re.IGNORECASE,
)


def entries_from_file(path: Path) -> list[str]:
    """The entries of a file from a ticket: one a line, or a CSV export (Excel, Sheets)."""
    text = _text_of(path)
    if path.suffix.lower() == ".csv":
        return csv_entries(text)
    return tokens(text)


def _text_of(path: Path) -> str:
    """UTF-8 (with or without Excel's BOM) or UTF-16 text; anything else is refused plainly."""
    data = path.read_bytes()
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        if b"\x00" in data:
            raise UnicodeDecodeError("utf-8", data, data.index(b"\x00"), 0, "a NUL byte")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigurationError(
            f"{path} is not a text file (binary, or not UTF-8: byte {error.start}). Save it as "
            "plain text or CSV UTF-8, one phone number, email or id a line."
        ) from None


def csv_entries(text: str) -> list[str]:
    """With a header row, only the columns that hold addresses (email, phone, id ...);
    without one, every cell. A header is a first row with no digit and no @."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.partition("\n")[0], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    columns: list[int] | None = None
    if rows and not any(re.search(r"[\d@]", cell) for cell in rows[0]):
        header, rows = rows[0], rows[1:]
        wanted = [i for i, name in enumerate(header) if ADDRESS_COLUMN.search(name.strip())]
        columns = wanted or None
    return [
        cell.strip()
        for row in rows
        for i, cell in enumerate(row)
        if cell.strip() and (columns is None or i in columns)
    ]


def key_of(entry: str) -> str:
    """The form two spellings of one person share: digits of a phone, lower-case otherwise."""
    entry = entry.strip()
    jid = PERSON_JID.match(entry.lower())
    if jid:
        return jid.group(1)
    if PHONE_LIKE.match(entry):
        digits = re.sub(r"\D", "", BRACKETED_TRUNK.sub("", entry))
        return digits[2:] if entry.startswith("00") else digits
    return " ".join(entry.lower().split())


def member_keys(member: Member) -> set[str]:
    keys = {key_of(member.id)}
    if member.address:
        keys.add(key_of(member.address))
    return keys


@dataclass
class PasteResult:
    matched: dict[str, list[Member]] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    locked: list[Member] = field(default_factory=list)
    #: names that several members share: not marked, the person must say which
    ambiguous: dict[str, list[Member]] = field(default_factory=dict)

    def matched_members(self) -> list[Member]:
        """Everyone an entry named, locked ones included (to say where they are)."""
        return list({m.id: m for found in self.matched.values() for m in found}.values())

    @property
    def members(self) -> list[Member]:
        seen: dict[str, Member] = {}
        for found in self.matched.values():
            for member in found:
                if not member.locked:
                    seen[member.id] = member
        return list(seen.values())


def _national(key: str, national: dict[str, list[Member]]) -> list[Member]:
    """A number written without its country code: `07700 900123` (the digits after the trunk
    0) or `(202) 555-0110` (no trunk digit) ends the member's full number."""
    rest = key[1:] if key.startswith("0") else key
    if not rest.isdigit() or len(rest) < SHORTEST_NATIONAL:
        return []
    return [
        m
        for m in national.get(rest[-SHORTEST_NATIONAL:], [])
        if any(k.endswith(rest) and k != rest for k in member_keys(m))
    ]


def match(entries: Iterable[str], members: Iterable[Member]) -> PasteResult:
    index: dict[str, list[Member]] = {}
    national: dict[str, list[Member]] = {}
    names: dict[str, list[Member]] = {}
    for member in members:
        for key in member_keys(member):
            index.setdefault(key, []).append(member)
            if key.isdigit() and len(key) > SHORTEST_NATIONAL:
                national.setdefault(key[-SHORTEST_NATIONAL:], []).append(member)
        if member.name:
            names.setdefault(" ".join(member.name.lower().split()), []).append(member)
    result = PasteResult()
    for entry in dict.fromkeys(entries):
        key = key_of(entry)
        found = index.get(key, []) or _national(key, national)
        if not found and NAME_LIKE.match(entry):
            found = names.get(key, [])
            if len(found) > 1:
                result.ambiguous[entry] = found
                continue
        if not found:
            result.unmatched.append(entry)
            continue
        result.matched[entry] = found
        result.locked.extend(m for m in found if m.locked and m not in result.locked)
    return result
