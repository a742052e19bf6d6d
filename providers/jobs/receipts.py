"""A job's receipt: the document a support person attaches to the ticket. Who was taken off
what, when, by whom and why; each member's outcome in words; what could not be done and why;
and what the provider still holds elsewhere, so that nobody promises more than was done.
As Markdown (to read), JSON (to file) or CSV (a row a member)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from providers.jobs import still_off
from providers.jobs.plans import VERBS
from providers.journal import Journal
from providers.journal.chain import Head
from providers.journal.files import write_private
from providers.journal.records import EverywhereJob, Happening, Item, Job
from providers.models import STATE_WORDS, Member, Operation, Outcome, Provider
from providers.text import json_text, shown

FORMATS = ("md", "json", "csv")
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
#: the command that checks a receipt against your journal (the demo's adds `--demo`)
VERIFY = "rosterdeck jobs verify --receipt"
_HEAD = re.compile(r"event (\d+), sha256 ([0-9a-f]{64})")
DONE = {
    Outcome.REMOVED.value,
    Outcome.ALREADY_ABSENT.value,
    Outcome.RESTORED.value,
    Outcome.ALREADY_PRESENT.value,
}
#: what a removal of each kind leaves in place at the provider
STILL_HELD = {
    (Provider.RASL, Operation.REMOVE_FROM_CONTAINER): (
        "Their contacts stay in the RASL contact book and in any other group; only this "
        "group's membership ended. Deleting the contacts (x in the app) erases them."
    ),
    (Provider.AUTOSEND, Operation.REMOVE_FROM_CONTAINER): (
        "Their contacts stay in the AutoSend account and in any other list; only this list's "
        "membership ended."
    ),
    (Provider.WASEND, Operation.REMOVE_FROM_CONTAINER): (
        "They may still be in other WhatsApp groups, and in the phone's own contacts."
    ),
    (Provider.RASL, Operation.DELETE_CONTACTS): (
        "The contacts are deleted from the RASL contact book. Messages already sent to them "
        "stay in RASL's history."
    ),
}


#: what the providers still hold once a person is off every group and list that was found
STILL_HELD_EVERYWHERE = {
    Provider.RASL: (
        "RASL: their contact stays in the contact book; only its group memberships ended. "
        "Deleting the contact (x in the app) erases it."
    ),
    Provider.AUTOSEND: (
        "AutoSend: their contact stays in the account and in its list of all contacts; "
        "only list memberships ended."
    ),
    Provider.WASEND: (
        "WhatsApp: the sessions' phones keep their chats and contact; groups of a session "
        "that could not be searched may still have them."
    ),
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


def facts(job: Job) -> dict[str, Any]:
    where = job.container.where
    return {
        "job": job.id,
        "what": f"{VERBS[job.operation]} {where}"
        + (" (dry run: nothing was sent)" if job.dry_run else ""),
        "account": f"{job.account} ({job.provider.label})",
        "when": job.created_at,
        "by": job.operator or job.user,
        "host": job.host,
        "why": job.reason or "(no reason given)",
        "state": job.state.value + (f": {job.note}" if job.note else ""),
        "rosterdeck": job.version,
    }


def _member(item: Item) -> dict[str, str]:
    said = f"{item.code}: {item.message}" if item.code else item.message
    return {
        "member_id": item.member.id,
        "name": item.member.name,
        "address": item.member.address,
        "outcome": item.state,
        "in_words": STATE_WORDS.get(item.state, item.state),
        "provider_said": said,
    }


def receipt(journal: Journal, job_id: str, form: str = "md", verify: str = VERIFY) -> str:
    """A job's receipt in one form; `verify` is the command that checks it against the
    journal it came from."""
    if journal.is_everywhere(job_id):
        return everywhere_receipt(journal.everywhere(job_id), journal, form, verify)
    head = journal.head()
    job = journal.job(job_id)
    items = journal.items(job_id)
    members = [_member(i) for i in items]
    held = STILL_HELD.get((job.provider, job.operation), "")
    staying = still_off.lines(journal, job_id, [job])
    happened = journal.happenings(job_id)
    if form == "json":
        story = [{"at": h.at, "what": h.what, "note": h.note} for h in happened]
        document = {"facts": facts(job), "members": members, "happened": story, "still_held": held}
        if job.dry_run:
            document["counts"] = job.counts
        return json_text({**document, "staying_off": staying, **_head(head)}) + "\n"
    if form == "csv":
        out = io.StringIO()
        names = ["job", *_member(Item(Member(id=""), "")), *_head_columns(head)]
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        writer.writerows(_cells({"job": job.id, **m, **_head_columns(head)}) for m in members)
        return out.getvalue()
    return _markdown(job, items, happened, held, head, staying, verify)


def _head(head: Head) -> dict[str, dict[str, object]]:
    return {"journal": {"event": head.seq, "hash": head.hash}}


def _head_columns(head: Head) -> dict[str, str]:
    return {"journal_event": str(head.seq), "journal_hash": head.hash}


def _said(head: Head) -> str:
    return f"event {head.seq}, sha256 {head.hash}"


def receipt_head(text: str) -> Head | None:
    """The journal's head a receipt (md, json or csv) was written at; None if it names none."""
    try:
        told = json.loads(text).get("journal", {})
        return Head(int(told["event"]), str(told["hash"]))
    except (ValueError, AttributeError, KeyError, TypeError):
        pass
    row = next(csv.DictReader(io.StringIO(text)), None)
    if row and row.get("journal_hash"):
        return Head(int(row.get("journal_event") or 0), row["journal_hash"])
    found = _HEAD.search(text)
    return Head(int(found[1]), found[2]) if found else None


def _markdown(
    job: Job,
    items: list[Item],
    happened: list[Happening],
    held: str,
    head: Head,
    staying: list[str],
    verify: str,
) -> str:
    lines = [f"# Removal receipt: job {job.id}", ""]
    lines += _fact_lines(facts(job))
    if job.dry_run and not items:
        lines += ["", "## Dry run", "", DRY_RUN.format(counted=_counted(job.counts))]
    else:
        lines += _members(items)
    lines += _happened(happened)
    if held and not job.dry_run:
        lines += ["", "## Still held elsewhere", "", held]
    lines += _staying(staying)
    lines += ["", CHAIN_NOTE.format(head=_said(head), verify=verify), ""]
    return "\n".join(lines)


def _counted(counts: dict[str, int]) -> str:
    return (
        ", ".join(f"{STATE_WORDS.get(s, s)} {n:,}" for s, n in sorted(counts.items())) or "nobody"
    )


def _places_members(places: list[tuple[Job, list[Item]]]) -> list[str]:
    done = [(p, i) for p, items in places for i in items if i.state in DONE]
    undone = [(p, i) for p, items in places for i in items if i.state not in DONE]
    lines = ["", f"## Done ({len(done):,})", ""]
    lines += [f"- {_who(i)}: {STATE_WORDS.get(i.state, i.state)} in {_at(p)}" for p, i in done]
    if not done:
        lines.append("- nowhere")
    if undone:
        lines += ["", f"## Not done ({len(undone):,})", ""]
        for part, item in undone:
            said = _member(item)["provider_said"] or part.note
            because = f": {mark_down(said)}" if said else ""
            lines.append(
                f"- {_who(item)} in {_at(part)}: {STATE_WORDS.get(item.state, item.state)}{because}"
            )
    return lines


def _members(items: list[Item]) -> list[str]:
    done = [i for i in items if i.state in DONE]
    undone = [i for i in items if i.state not in DONE]
    lines = ["", f"## Done ({len(done):,})", ""]
    lines += [f"- {_who(i)}: {STATE_WORDS.get(i.state, i.state)}" for i in done] or ["- nobody"]
    if undone:
        lines += ["", f"## Not done ({len(undone):,})", ""]
        for item in undone:
            said = _member(item)["provider_said"]
            because = f": {mark_down(said)}" if said else ""
            lines.append(f"- {_who(item)}: {STATE_WORDS.get(item.state, item.state)}{because}")
    return lines


def _happened(happened: list[Happening]) -> list[str]:
    """The job's own story: each start and stop with why, and each sending again."""
    lines = [
        f"- {_readable(h.at)}: {HAPPENED.get(h.what, h.what)}"
        + (f": {mark_down(h.note)}" if h.note else "")
        for h in happened
    ]
    return ["", "## What happened", "", *lines] if lines else []


def _readable(stamp: str) -> str:
    return f"{stamp[:10]} {stamp[11:19]} UTC"


def _staying(said: list[str]) -> list[str]:
    return ["", "## Staying off", "", *(f"- {mark_down(line)}" for line in said)] if said else []


def _fact_lines(told: dict[str, Any]) -> list[str]:
    """The facts as a list; the time as a person reads it (the JSON keeps it exact)."""
    stamp = str(told.get("when", ""))
    readable = {**told, "when": _readable(stamp)} if stamp else told
    return [f"- **{key}**: {mark_down(str(value))}" for key, value in readable.items() if value]


def _who(item: Item) -> str:
    member = item.member
    name = mark_down(member.name or member.address or member.id)
    who = f"{name} ({mark_down(member.address)})" if member.name and member.address else name
    return MARKDOWN_START.sub(r"\1\\", who, count=1)  # it starts a list item


def everywhere_receipt(
    job: EverywhereJob, journal: Journal, form: str, verify: str = VERIFY
) -> str:
    """One person off every place: each place's outcomes, what was not searched, and what
    every provider involved still holds."""
    head = journal.head()
    places = [(part, journal.items(part.id)) for part in job.parts]
    held = [STILL_HELD_EVERYWHERE[p] for p in dict.fromkeys(part.provider for part in job.parts)]
    staying = still_off.lines(journal, job.id, job.parts)
    told = {
        "job": job.id,
        "who": ", ".join(job.addresses),
        "what": f"remove from every place found ({len(job.parts)} places in "
        f"{len({p.account for p in job.parts})} accounts)"
        + (" (dry run: nothing was sent)" if job.dry_run else ""),
        "when": job.created_at,
        "by": job.operator or job.user,
        "host": job.host,
        "why": job.reason or "(no reason given)",
        "state": job.state.value,
        "rosterdeck": job.version,
    }
    if form == "json":
        document = {
            "facts": told,
            "places": [
                {
                    **_place(part),
                    "state": part.state.value,
                    "note": part.note,
                    "members": [_member(i) for i in items],
                    **({"counts": part.counts} if part.dry_run else {}),
                }
                for part, items in places
            ],
            "not_searched": [u.model_dump() for u in job.unsearched],
            "still_held": held,
            "staying_off": staying,
            **_head(head),
        }
        return json_text(document) + "\n"
    if form == "csv":
        out = io.StringIO()
        anchor = _head_columns(head)
        names = ["job", "part", "account", "provider", "where", *_member(Item(Member(id=""), ""))]
        writer = csv.DictWriter(out, fieldnames=[*names, *anchor])
        writer.writeheader()
        for part, items in places:
            place = {"job": job.id, "part": part.id, **_place(part), **anchor}
            writer.writerows(_cells({**place, **_member(i)}) for i in items)
        for blind in job.unsearched:  # a place nobody could look in is part of the record
            writer.writerow(
                _cells(
                    {
                        **anchor,
                        "job": job.id,
                        "account": blind.account,
                        "where": blind.where,
                        "outcome": "not-searched",
                        "in_words": "? not searched",
                        "provider_said": blind.why,
                    }
                )
            )
        return out.getvalue()
    lines = [f"# Removal receipt: job {job.id}, one person everywhere", ""]
    lines += _fact_lines(told)
    if job.dry_run and not any(items for _, items in places):
        lines += ["", "## Dry run", "", DRY_RUN.format(counted=_counted(job.counts)), ""]
        lines += [f"- {_at(part)}: {_counted(part.counts)}" for part in job.parts]
    else:
        lines += _places_members(places)
    if job.unsearched:
        lines += ["", f"## Not searched ({len(job.unsearched):,})", ""]
        lines += [
            f"- {u.account}: {mark_down(u.where)}: {mark_down(u.why)}" for u in job.unsearched
        ]
    if held and not job.dry_run:
        lines += ["", "## Still held elsewhere", ""] + [f"- {h}" for h in held]
    lines += _staying(staying)
    lines += ["", CHAIN_NOTE.format(head=_said(head), verify=verify), ""]
    return "\n".join(lines)


def _place(part: Job) -> dict[str, str]:
    return {
        "account": part.account,
        "provider": part.provider.label,
        "where": part.container.where,
    }


def _at(part: Job) -> str:
    return f"{mark_down(part.container.where)} ({part.account}, {part.provider.label})"


def _cells(row: dict[str, str]) -> dict[str, str]:
    return {key: cell(value) for key, value in row.items()}


def export(journal: Journal, job_id: str, directory: Path, verify: str = VERIFY) -> Path:
    """Write the receipt in every form beside each other, for its owner's eyes only (they
    name people); returns the Markdown one."""
    base = directory / f"rosterdeck-job-{job_id}"
    for form in FORMATS:
        write_private(base.with_suffix(f".{form}"), receipt(journal, job_id, form, verify))
    return base.with_suffix(".md")
