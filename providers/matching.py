"""Match what a support person pastes from a ticket against the members of a container.

`+44 7700 900123`, `447700900123@s.whatsapp.net`, `447700900123` and `07700 900123` are one
person; emails match whatever their case; anything else matches a member's id exactly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from providers.models import Member

SEPARATORS = re.compile(r"[\n\r,;\t|]+")
PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]{6,}$")
PERSON_JID = re.compile(r"^(\d+)@(s\.whatsapp\.net|c\.us)$")
SHORTEST_NATIONAL = 9


def tokens(text: str) -> list[str]:
    """Split a paste into entries: by line, comma or semicolon, and by spaces unless the
    piece reads as one phone number with spaces in it."""
    found: list[str] = []
    for piece in SEPARATORS.split(text):
        piece = piece.strip().strip("\"'<>")
        if not piece:
            continue
        if PHONE_LIKE.match(piece):
            found.append(piece)
        else:
            found.extend(part.strip("\"'<>") for part in piece.split() if part.strip("\"'<>"))
    return found


def csv_tokens(path: Path) -> list[str]:
    """Every cell of a CSV file; a first row with no digit and no @ is taken as a header."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if rows and not any(re.search(r"[\d@]", cell) for cell in rows[0]):
        rows = rows[1:]
    return [cell.strip() for row in rows for cell in row if cell.strip()]


def key_of(entry: str) -> str:
    """The form two spellings of one person share: digits of a phone, lower-case otherwise."""
    entry = entry.strip()
    jid = PERSON_JID.match(entry.lower())
    if jid:
        return jid.group(1)
    if PHONE_LIKE.match(entry):
        digits = re.sub(r"\D", "", entry)
        return digits[2:] if entry.startswith("00") else digits
    return entry.lower()


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

    @property
    def members(self) -> list[Member]:
        seen: dict[str, Member] = {}
        for found in self.matched.values():
            for member in found:
                if not member.locked:
                    seen[member.id] = member
        return list(seen.values())


def match(entries: Iterable[str], members: Iterable[Member]) -> PasteResult:
    index: dict[str, list[Member]] = {}
    national: dict[str, list[Member]] = {}
    for member in members:
        for key in member_keys(member):
            index.setdefault(key, []).append(member)
            if key.isdigit() and len(key) > SHORTEST_NATIONAL:
                national.setdefault(key[-SHORTEST_NATIONAL:], []).append(member)
    result = PasteResult()
    for entry in dict.fromkeys(entries):
        key = key_of(entry)
        found = index.get(key, [])
        if not found and key.isdigit() and key.startswith("0") and len(key) > SHORTEST_NATIONAL:
            # A national number (07700 900123): the digits after the trunk 0 end the full one.
            rest = key[1:]
            found = [
                m
                for m in national.get(rest[-SHORTEST_NATIONAL:], [])
                if any(k.endswith(rest) for k in member_keys(m))
            ]
        if not found:
            result.unmatched.append(entry)
            continue
        result.matched[entry] = found
        result.locked.extend(m for m in found if m.locked and m not in result.locked)
    return result
