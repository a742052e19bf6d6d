"""The pieces every receipt is written with: text from outside as a CSV cell that never
runs and as Markdown that shows what it says, a member as a row, the facts as a list, the
job's story, and the journal's head the receipt was written at."""

from __future__ import annotations

import re
from typing import Any

from providers.journal.chain import Head
from providers.journal.records import Happening, Item
from providers.models import STATE_WORDS, Outcome
from providers.text import shown

CHAIN_NOTE = (
    "The journal this comes from is a hash chain; when this was written its head was {head}. "
    "`{verify} FILE` (this file) checks that the journal still holds that head and that no "
    "line of it was changed since."
)


#: what a dry run's receipt says in place of its members, which the journal does not keep
DRY_RUN = (
    "Nothing was sent. The plan counted: {counted}. A dry run journals its counts and its "
    "plan's digest, never its members."
)


#: a job's states as its story tells them
HAPPENED = {"running": "sending began", "due again": "made due again"}


DONE = {
    Outcome.REMOVED.value,
    Outcome.ALREADY_ABSENT.value,
    Outcome.RESTORED.value,
    Outcome.ALREADY_PRESENT.value,
}


#: what a spreadsheet would run at the start of a cell (OWASP's list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


#: what Markdown would read as emphasis, code, a link, HTML, a table's cell or an entity
MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]<>|~&]")


#: what would make a list, a heading or a quote of a list item's first words
MARKDOWN_START = re.compile(r"^(\d+(?=[.)])|(?=[-+>#]))")


def cell(value: str) -> str:
    """A CSV cell that shows what it says: text from outside never runs as a formula."""
    said = shown(value)
    return "'" + said if said.startswith(FORMULA_START) else said


def mark_down(value: str) -> str:
    """Text from outside as Markdown shows it, on one line and as written."""
    return MARKDOWN_SIGNS.sub(r"\\\g<0>", shown(value))


def member_row(item: Item) -> dict[str, str]:
    said = f"{item.code}: {item.message}" if item.code else item.message
    return {
        "member_id": item.member.id,
        "name": item.member.name,
        "address": item.member.address,
        "outcome": item.state,
        "in_words": STATE_WORDS.get(item.state, item.state),
        "provider_said": said,
    }


def head_document(head: Head) -> dict[str, dict[str, object]]:
    return {"journal": {"event": head.seq, "hash": head.hash}}


def head_columns(head: Head) -> dict[str, str]:
    return {"journal_event": str(head.seq), "journal_hash": head.hash}


def head_words(head: Head) -> str:
    return f"event {head.seq}, sha256 {head.hash}"


def counted(counts: dict[str, int]) -> str:
    return (
        ", ".join(f"{STATE_WORDS.get(s, s)} {n:,}" for s, n in sorted(counts.items())) or "nobody"
    )


def happened_lines(happened: list[tuple[Happening, str]]) -> list[str]:
    """The job's own story: each start and stop with why, and each sending again, oldest
    first; each said with where it happened ("" for a job of one place)."""
    lines = [
        f"- {readable(h.at)}: {where}{HAPPENED.get(h.what, h.what)}"
        + (f": {mark_down(h.note)}" if h.note else "")
        for h, where in sorted(happened, key=lambda told: told[0].at)
    ]
    return ["", "## What happened", "", *lines] if lines else []


def story(happened: list[Happening]) -> list[dict[str, str]]:
    """The job's story as its JSON receipt keeps it."""
    return [{"at": h.at, "what": h.what, "note": h.note} for h in happened]


def readable(stamp: str) -> str:
    return f"{stamp[:10]} {stamp[11:19]} UTC"


def staying_lines(said: list[str]) -> list[str]:
    return ["", "## Staying off", "", *(f"- {mark_down(line)}" for line in said)] if said else []


def fact_lines(told: dict[str, Any]) -> list[str]:
    """The facts as a list; the time as a person reads it (the JSON keeps it exact)."""
    stamp = str(told.get("when", ""))
    said = {**told, "when": readable(stamp)} if stamp else told
    return [f"- **{key}**: {mark_down(str(value))}" for key, value in said.items() if value]


def who(item: Item) -> str:
    member = item.member
    name = mark_down(member.name or member.address or member.id)
    who = f"{name} ({mark_down(member.address)})" if member.name and member.address else name
    return MARKDOWN_START.sub(r"\1\\", who, count=1)  # it starts a list item


def cells(row: dict[str, str]) -> dict[str, str]:
    return {key: cell(value) for key, value in row.items()}
