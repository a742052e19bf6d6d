"""Forget a person in RosterDeck's own records: the journal (`journal.erased`: their key and
details go, every hash still holds), the register's sealed copy of their addresses (their
digests stay: they stay suppressed), and the files in the exports folder that name them
(receipts written again from the erased journal, any other file deleted). Then the journal
is compacted, so no freed page still holds them.

The journal's part is one transaction that also lists the files still to do; what comes
after it (files, compacting) is finished at the next start if it was cut short, and said.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from providers.errors import ConfigurationError, NothingToDo, Refused
from providers.jobs.receipts import FORMATS, VERIFY, receipt
from providers.journal import Journal
from providers.journal.erased import Traces, mentions
from providers.journal.files import write_private
from providers.text import many, shown

RECEIPT = re.compile(r"^rosterdeck-job-(?P<job>.+)\.(md|json|csv)$")


@dataclass(frozen=True)
class Forgetting:
    """What forgetting one person will erase, found before it is confirmed."""

    addresses: tuple[str, ...]
    traces: Traces
    #: files of the exports folder that name them: receipts by job, others to delete
    receipts: tuple[str, ...]
    others: tuple[Path, ...]

    @property
    def files(self) -> int:
        return len(self.receipts) + len(self.others)

    @property
    def count(self) -> int:
        return self.traces.records + self.files


@dataclass(frozen=True)
class Forgotten:
    erasure_id: str
    counts: dict[str, int]
    #: what could not be done yet (it is finished at the next start), in words
    left: tuple[str, ...] = ()


def find(journal: Journal, exports: Path, addresses: Sequence[str]) -> Forgetting:
    """Every record of theirs; nothing found is said, and nothing is erased; refused while
    a running job names them."""
    traces = journal.erasure.traces(list(addresses))
    receipts: list[str] = []
    others: list[Path] = []
    for path in _files(exports):
        if not _names(path.read_bytes(), traces):
            continue
        named = RECEIPT.match(path.name)
        if named and path.parent == exports and _is_job(journal, named["job"]):
            receipts.append(named["job"])
        else:
            others.append(path)
    found = Forgetting(tuple(addresses), traces, tuple(dict.fromkeys(receipts)), tuple(others))
    if not found.count:
        stays = " They stay suppressed." if traces.suppressed else ""
        raise NothingToDo(
            f"{shown(', '.join(addresses))} is in none of RosterDeck's records (the journal, "
            f"the register's addresses, the exports folder): nothing was erased.{stays}"
        )
    if running := journal.erasure.running(found.traces):
        raise Refused(f"Job {running[0]} names them and is running now: forget them once it ends.")
    return found


def words(found: Forgetting) -> list[str]:
    counts = found.traces.counts(found.files)
    lines = [
        f"Forget {shown(', '.join(found.addresses))}: erase them from RosterDeck's own records.",
        f"Found: {many(counts['members'], 'member record')} in {many(counts['jobs'], 'job')}, "
        f"{many(counts['everywhere'], 'everywhere job')}, {counts['register']:,} register "
        f"entr{'y' if counts['register'] == 1 else 'ies'} keeping their addresses, "
        f"{many(found.files, 'file')} in the exports folder (receipts written again, other "
        "files deleted).",
    ]
    if found.traces.open:
        lines.append("What a job could still send them becomes protected: never sent.")
    if found.traces.chained:
        lines.append(
            f"⚠ {many(found.traces.chained, 'text')} the journal's hash chain holds as "
            "written name them (a why, a note, a provider's words from before they were kept "
            "nameless): they stay, since erasing them would break the chain's proof."
        )
    if found.traces.suppressed:
        lines.append(
            "They stay suppressed: the register keeps only keyed digests of their addresses, "
            "checked on every add-back; a sweep can no longer search for them."
        )
    else:
        lines.append(
            "They are not on the do-not-re-add register: put them on it first "
            "(`suppressed add` in the shell) if they must stay off."
        )
    lines += [
        "The journal keeps that an erasure happened (when, who, why, how many), never who; "
        "the journal still verifies whole (`jobs verify`).",
        "✗ This cannot be undone.",
    ]
    return lines


def forget(
    journal: Journal, exports: Path, found: Forgetting, reason: str, verify: str = VERIFY
) -> Forgotten:
    """Erase them; the files and the compacting follow the journal's one transaction."""
    files = [{"do": "rewrite", "job": job} for job in found.receipts]
    files += [{"do": "delete", "name": _name_digest(exports, path)} for path in found.others]
    erasure_id = journal.erasure.erase(found.traces, reason, files)
    left = finish(journal, exports, erasure_id, files, found.traces, verify)
    return Forgotten(erasure_id, found.traces.counts(found.files), tuple(left))


def finish(
    journal: Journal,
    exports: Path,
    erasure_id: str,
    files: list[dict[str, str]],
    traces: Traces | None = None,
    verify: str = VERIFY,
) -> list[str]:
    """The files rewritten or deleted, then the journal compacted; returns what is left, in
    words ([] when the erasure is finished). With the person's `traces` (not after a
    restart), a rewritten receipt that still names them (in a job's why) is deleted."""
    for spec in files:
        if spec["do"] == "rewrite":
            for path in _rewrite(journal, exports, spec["job"], verify):
                if traces is not None and _names(path.read_bytes(), traces):
                    path.unlink()
    doomed = {spec["name"] for spec in files if spec["do"] == "delete"}
    for path in _files(exports):
        if _name_digest(exports, path) in doomed:
            path.unlink()
    why = journal.erasure.compact()
    if why:
        return [
            f"Erasure {erasure_id}: the journal could not be compacted yet ({shown(why)}); its "
            "freed space may still hold the erased details until the next start finishes it."
        ]
    journal.erasure.finish(erasure_id)
    return []


def finish_unfinished(journal: Journal, exports: Path, verify: str = VERIFY) -> list[str]:
    """At start: finish erasures cut short after their commit; say what was done."""
    said = []
    for erasure_id, files in journal.erasure.unfinished():
        left = finish(journal, exports, erasure_id, files, verify=verify)
        said += left or [f"Erasure {erasure_id} was cut short; it is finished now."]
    return said


def _files(exports: Path) -> list[Path]:
    return sorted(p for p in exports.rglob("*") if p.is_file()) if exports.is_dir() else []


def _is_job(journal: Journal, job_id: str) -> bool:
    try:
        journal.job(job_id)
    except ConfigurationError:
        return journal.is_everywhere(job_id)
    return True


def _rewrite(journal: Journal, exports: Path, job_id: str, verify: str) -> list[Path]:
    """The receipt's forms that were written, written again from the journal."""
    written = []
    for form in FORMATS:
        path = exports / f"rosterdeck-job-{job_id}.{form}"
        if path.exists():
            write_private(path, receipt(journal, job_id, form, verify))
            written.append(path)
    return written


def _names(data: bytes, traces: Traces) -> bool:
    """Whether a file names them, in any spelling (`mentions`)."""
    return mentions(data.decode("utf-8", "replace"), traces.keys)


def _name_digest(exports: Path, path: Path) -> str:
    """A file to delete, named in the journal without its name (which may name them)."""
    return hashlib.sha256(str(path.relative_to(exports)).encode()).hexdigest()
