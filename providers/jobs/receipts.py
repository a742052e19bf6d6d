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
from providers.jobs.everywhere_receipt import everywhere_receipt
from providers.jobs.plans import VERBS
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
from providers.journal import Journal
from providers.journal.chain import Head
from providers.journal.files import write_private
from providers.journal.records import Happening, Item, Job
from providers.models import STATE_WORDS, Member, Operation, Provider
from providers.text import json_text

FORMATS = ("md", "json", "csv")


#: the command that checks a receipt against your journal (the demo's adds `--demo`)
VERIFY = "rosterdeck jobs verify --receipt"


_HEAD = re.compile(r"event (\d+), sha256 ([0-9a-f]{64})")


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


def receipt(journal: Journal, job_id: str, form: str = "md", verify: str = VERIFY) -> str:
    """A job's receipt in one form; `verify` is the command that checks it against the
    journal it came from."""
    if journal.is_everywhere(job_id):
        return everywhere_receipt(journal.everywhere(job_id), journal, form, verify)
    head = journal.head()
    job = journal.job(job_id)
    items = journal.items(job_id)
    members = [member_row(i) for i in items]
    held = STILL_HELD.get((job.provider, job.operation), "")
    staying = still_off.lines(journal, job_id, [job])
    happened = journal.happenings(job_id)
    if form == "json":
        told = story(happened)
        document = {"facts": facts(job), "members": members, "happened": told, "still_held": held}
        if job.dry_run:
            document["counts"] = job.counts
        return json_text({**document, "staying_off": staying, **head_document(head)}) + "\n"
    if form == "csv":
        out = io.StringIO()
        names = ["job", *member_row(Item(Member(id=""), "")), *head_columns(head)]
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        writer.writerows(cells({"job": job.id, **m, **head_columns(head)}) for m in members)
        return out.getvalue()
    return _markdown(job, items, happened, held, head, staying, verify)


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
    lines += fact_lines(facts(job))
    if job.dry_run and not items:
        lines += ["", "## Dry run", "", DRY_RUN.format(counted=counted(job.counts))]
    else:
        lines += _members(items)
    lines += happened_lines([(h, "") for h in happened])
    if held and not job.dry_run:
        lines += ["", "## Still held elsewhere", "", held]
    lines += staying_lines(staying)
    lines += ["", CHAIN_NOTE.format(head=head_words(head), verify=verify), ""]
    return "\n".join(lines)


def _members(items: list[Item]) -> list[str]:
    done = [i for i in items if i.state in DONE]
    undone = [i for i in items if i.state not in DONE]
    lines = ["", f"## Done ({len(done):,})", ""]
    lines += [f"- {who(i)}: {STATE_WORDS.get(i.state, i.state)}" for i in done] or ["- nobody"]
    if undone:
        lines += ["", f"## Not done ({len(undone):,})", ""]
        for item in undone:
            said = member_row(item)["provider_said"]
            because = f": {mark_down(said)}" if said else ""
            lines.append(f"- {who(item)}: {STATE_WORDS.get(item.state, item.state)}{because}")
    return lines


def export(journal: Journal, job_id: str, directory: Path, verify: str = VERIFY) -> Path:
    """Write the receipt in every form beside each other, for its owner's eyes only (they
    name people); returns the Markdown one."""
    base = directory / f"rosterdeck-job-{job_id}"
    for form in FORMATS:
        write_private(base.with_suffix(f".{form}"), receipt(journal, job_id, form, verify))
    return base.with_suffix(".md")
