"""The receipt of one person taken off every place found: each place's outcomes, what was
not searched, and what every provider involved still holds."""

from __future__ import annotations

import csv
import io

from providers.jobs import still_off
from providers.jobs.receipt_parts import (
    CHAIN_NOTE,
    DONE,
    DRY_RUN,
    cells,
    counted,
    fact_lines,
    happened_lines,
    head_columns,
    head_document,
    head_words,
    mark_down,
    member_row,
    staying_lines,
    story,
    who,
)
from providers.jobs.words import where_and_why
from providers.journal import Journal
from providers.journal.records import EverywhereJob, Item, Job
from providers.models import STATE_WORDS, Member, Provider
from providers.text import json_text

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


def everywhere_receipt(job: EverywhereJob, journal: Journal, form: str, verify: str) -> str:
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
    stories = {part.id: journal.happenings(part.id) for part in job.parts}
    if form == "json":
        document = {
            "facts": told,
            "places": [
                {
                    **_place(part),
                    "state": part.state.value,
                    "note": part.note,
                    "members": [member_row(i) for i in items],
                    **({"counts": part.counts} if part.dry_run else {}),
                    "happened": story(stories[part.id]),
                }
                for part, items in places
            ],
            "not_searched": [u.model_dump() for u in job.unsearched],
            "still_held": held,
            "staying_off": staying,
            **head_document(head),
        }
        return json_text(document) + "\n"
    if form == "csv":
        out = io.StringIO()
        anchor = head_columns(head)
        blank = member_row(Item(Member(id=""), ""))
        names = ["job", "part", "account", "provider", "where", *blank]
        writer = csv.DictWriter(out, fieldnames=[*names, *anchor])
        writer.writeheader()
        for part, items in places:
            place = {"job": job.id, "part": part.id, **_place(part), **anchor}
            writer.writerows(cells({**place, **member_row(i)}) for i in items)
        for blind in job.unsearched:  # a place nobody could look in is part of the record
            writer.writerow(
                cells(
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
    lines += fact_lines(told)
    if job.dry_run and not any(items for _, items in places):
        lines += ["", "## Dry run", "", DRY_RUN.format(counted=counted(job.counts)), ""]
        lines += [f"- {_at(part)}: {counted(part.counts)}" for part in job.parts]
    else:
        lines += _places_members(places)
    lines += happened_lines([(h, f"{_at(part)}: ") for part in job.parts for h in stories[part.id]])
    if job.unsearched:
        lines += ["", f"## Not searched ({len(job.unsearched):,})", ""]
        lines += [
            f"- {u.account}: {mark_down(where_and_why(u.where, u.why))}" for u in job.unsearched
        ]
    if held and not job.dry_run:
        lines += ["", "## Still held elsewhere", ""] + [f"- {h}" for h in held]
    lines += staying_lines(staying)
    lines += ["", CHAIN_NOTE.format(head=head_words(head), verify=verify), ""]
    return "\n".join(lines)


def _places_members(places: list[tuple[Job, list[Item]]]) -> list[str]:
    done = [(p, i) for p, items in places for i in items if i.state in DONE]
    undone = [(p, i) for p, items in places for i in items if i.state not in DONE]
    lines = ["", f"## Done ({len(done):,})", ""]
    lines += [f"- {who(i)}: {STATE_WORDS.get(i.state, i.state)} in {_at(p)}" for p, i in done]
    if not done:
        lines.append("- nowhere")
    if undone:
        lines += ["", f"## Not done ({len(undone):,})", ""]
        for part, item in undone:
            said = member_row(item)["provider_said"] or part.note
            because = f": {mark_down(said)}" if said else ""
            lines.append(
                f"- {who(item)} in {_at(part)}: {STATE_WORDS.get(item.state, item.state)}{because}"
            )
    return lines


def _place(part: Job) -> dict[str, str]:
    return {
        "account": part.account,
        "provider": part.provider.label,
        "where": part.container.where,
    }


def _at(part: Job) -> str:
    return f"{mark_down(part.container.where)} ({part.account}, {part.provider.label})"
