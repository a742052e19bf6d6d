"""`rosterdeck jobs verify`: walk the chain, then replay it against every table it covers.

The walk checks each event's number and hash link, the head row, and the head file outside
the database. The replay rebuilds what the tables must read now: each job's row from its plan
and state events, each job's steps from their hash chain and the events that wrote them, each
member's row from their steps (`items.changes`), the keyed digest of each person's details
from their key. Every difference is named: which job, which member or step, what it reads
and what its history says.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from providers.journal.erased import erased_member
from providers.journal.hashing import (
    GENESIS,
    event_hash,
    mac,
    member_text,
    members_digest,
    step_hash,
)
from providers.journal.items import changes, plan_step
from providers.journal.recorded import Replay
from providers.journal.segments import Segments
from providers.journal.writes import details

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from providers.journal.chain import Head
    from providers.journal.database import Database

ITEM_COLUMNS = ("state", "code", "message", "batch", "updated_at")


@dataclass(frozen=True)
class Verdict:
    events: int
    jobs: int
    breaks: list[str]

    @property
    def whole(self) -> bool:
        return not self.breaks


@dataclass
class _Told:
    """What the chain says of one job."""

    facts: dict[str, Any] = field(default_factory=dict)
    items: int = 0
    members: str = ""
    #: members that did not start pending: their number -> [state, message]
    planned: dict[str, list[str]] = field(default_factory=dict)
    #: (first step, last step, the last one's hash, the event's number)
    runs: list[tuple[int, int, str, int]] = field(default_factory=list)


def verify(db: Database, anchor: Head | None) -> Verdict:
    with db.read() as conn:
        return _Verifier(conn).run(anchor)


def _span(first: int, last: int) -> str:
    return f"step {first} was" if first == last else f"steps {first} to {last} were"


class _Verifier:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.breaks: list[str] = []
        self.told: dict[str, _Told] = defaultdict(_Told)
        self.everywhere: dict[str, dict[str, Any]] = {}
        self.members: dict[tuple[str, int], dict[str, Any]] = {}
        self.recorded = Replay()
        #: what erasures put where a person's details were: by (job, member number), and by
        #: everywhere job
        self.erased: dict[tuple[str, int], str] = {}
        self.erased_everywhere: dict[str, str] = {}

    def run(self, anchor: Head | None) -> Verdict:
        events = self._walk(anchor)
        self._steps()
        self._items()
        jobs = self._jobs()
        self._everywhere()
        self.breaks += self.recorded.check(self.conn)
        return Verdict(events, jobs, self.breaks)

    def _rows(self, query: str) -> Any:
        from sqlalchemy import text

        return self.conn.execute(text(query))

    # -- the chain ---------------------------------------------------------------------------

    def _walk(self, anchor: Head | None) -> int:
        previous, expected, events = GENESIS, 1, 0
        hashes: dict[int, str] = {}
        segments = Segments()
        query = "SELECT seq, job_id, at, kind, body, hash FROM chain ORDER BY seq"
        for seq, job_id, at, kind, body, digest in self._rows(query):
            events += 1
            if seq != expected:
                gone = (
                    f"event {expected} is"
                    if seq - 1 == expected
                    else f"events {expected} to {seq - 1} are"
                )
                self.breaks.append(f"{gone} missing (deleted)")
            if event_hash(previous, seq, job_id, at, kind, body) != digest:
                self.breaks.append(f"event {seq} ({kind} of job {job_id}, {at}) was changed")
            previous, expected, hashes[seq] = digest, seq + 1, digest
            told = json.loads(body)
            self._replay(seq, job_id, told)
            segments.saw(seq, job_id, at, kind, body, told)
        segments.end()
        self.breaks += segments.breaks
        last = expected - 1
        head = self._rows("SELECT seq, hash FROM head").all()
        if [tuple(row) for row in head] != [(last, previous)]:
            self.breaks.append(
                f"the chain's head row says {head[0][0] if head else 'nothing'}, "
                f"its last event is {last}"
            )
        if anchor is not None:
            self._anchor(anchor, last, hashes)
        return events

    def _anchor(self, anchor: Head, last: int, hashes: dict[int, str]) -> None:
        if anchor.seq < 0:
            self.breaks.append("the head file beside the journal cannot be read")
        elif anchor.seq > last:
            self.breaks.append(
                f"the journal ends at event {last}, but its head file says it reached event "
                f"{anchor.seq}: events were deleted from its end, or it was replaced"
            )
        elif anchor.seq and hashes.get(anchor.seq) != anchor.hash:
            self.breaks.append(
                f"event {anchor.seq} is not the one the head file names: the chain was rewritten"
            )

    def _replay(self, seq: int, job_id: str, body: dict[str, Any]) -> None:
        told = self.told[job_id]
        if "job" in body:
            told.facts = dict(body["job"])
            told.items, told.members = int(body["items"]), body["members"]
            told.planned = body["planned"]
        if "state" in body:
            if not told.facts:
                self.breaks.append(f"event {seq} changes job {job_id}, which was never planned")
            told.facts.update(state=body["state"], note=body["note"])
        if body.get("steps"):
            first, last = body["steps"]
            told.runs.append((first, last, body["last"], seq))
        if "everywhere" in body:
            self.everywhere[job_id] = body["everywhere"]
        if "records" in body:
            self.recorded.apply(seq, body["records"])
        if "erased" in body:
            erased = body["erased"]
            for job, numbers in erased["items"].items():
                self.erased.update(((job, n), erased["as"]) for n in numbers)
            self.erased_everywhere.update((e, erased["as"]) for e in erased["everywhere"])

    # -- steps -------------------------------------------------------------------------------

    def _steps(self) -> None:
        for job_id, told in self.told.items():
            for item in range(told.items):
                start = plan_step(told.facts["created_at"], told.planned.get(str(item)))
                self.members[(job_id, item)] = {"batch": None, "updated_at": start.at} | changes(
                    start.state, start.code, start.message, None
                )
        query = (
            "SELECT job_id, seq, item, at, state, code, message, batch, hash "
            "FROM steps ORDER BY job_id, seq"
        )
        by_job: dict[str, list[Any]] = defaultdict(list)
        for row in self._rows(query):
            by_job[row[0]].append(row)
        for job_id in sorted(set(by_job) | {j for j, t in self.told.items() if t.runs}):
            self._job_steps(job_id, by_job.get(job_id, []))

    def _job_steps(self, job_id: str, rows: list[Any]) -> None:
        told = self.told[job_id]
        ends = {last: (first, digest, event) for first, last, digest, event in told.runs}
        written = max((last for _, last, _, _ in told.runs), default=0)
        previous, expected, clean = GENESIS, 1, True
        for _, seq, item, at, state, code, message, batch, stored in rows:
            if seq > written:
                self.breaks.append(f"job {job_id}: step {seq} has no history (inserted)")
                continue
            if seq != expected:
                self.breaks.append(f"job {job_id}: {_span(expected, seq - 1)} deleted")
                clean = False
            fields = (item, at, state, code, message, batch)
            if step_hash(previous, seq, *fields) != stored and seq == expected:
                self.breaks.append(f"job {job_id}: step {seq} was changed")
                clean = False
            previous, expected = stored, seq + 1
            if seq in ends:
                first, digest, event = ends[seq]
                if clean and stored != digest:
                    self.breaks.append(
                        f"job {job_id}: {_span(first, seq)} rewritten (event {event} "
                        "no longer matches them)"
                    )
                clean = True
            member = self.members.get((job_id, item))
            if member is None:
                self.breaks.append(f"job {job_id}: step {seq} names a member not in its plan")
            else:
                member.update(changes(state, code, message, batch), updated_at=at)
        if expected <= written:
            self.breaks.append(f"job {job_id}: {_span(expected, written)} deleted")

    # -- members -----------------------------------------------------------------------------

    def _items(self) -> None:
        keys = {(j, s): k for j, s, k in self._rows("SELECT job_id, seq, key FROM people")}
        macs: dict[str, list[str]] = defaultdict(list)
        query = (
            "SELECT job_id, seq, member_id, member, state, code, message, batch, updated_at, "
            "mac FROM items ORDER BY job_id, seq"
        )
        for row in self._rows(query).mappings():
            job_id, who = row["job_id"], f"member {row['member_id']}"
            macs[job_id].append(row["mac"])
            said = self.members.pop((job_id, row["seq"]), None)
            if said is None:
                self.breaks.append(f"job {job_id}: {who} has no history (inserted)")
                continue
            self.breaks += [
                f"job {job_id}: {who}'s {column} reads {row[column]!r}, its history says "
                f"{said[column]!r}"
                for column in ITEM_COLUMNS
                if row[column] != said[column]
            ]
            key = keys.get((job_id, row["seq"]))
            if (job_id, row["seq"]) in self.erased:
                self._erased_member(job_id, row, key)
            elif key is None:
                self.breaks.append(f"job {job_id}: {who}'s key is gone (deleted)")
            elif mac(key, member_text(row["member_id"], row["member"])) != row["mac"]:
                self.breaks.append(f"job {job_id}: {who}'s id, name or address was changed")
        self.breaks += [
            f"job {job_id}: member #{seq + 1}'s row was deleted" for job_id, seq in self.members
        ]
        self.breaks += [
            f"job {job_id}: its members' details or digests were changed (they no longer make "
            "the digest its plan holds)"
            for job_id, told in self.told.items()
            if told.facts
            and members_digest(macs.get(job_id, [])) != told.members
            and not any(b.startswith(f"job {job_id}: member") for b in self.breaks)
        ]

    def _erased_member(self, job_id: str, row: Any, key: str | None) -> None:
        """A forgotten member's row holds what the erasure wrote, and their key is gone."""
        seq = row["seq"]
        gone = erased_member(seq, self.erased[(job_id, seq)])
        if key is not None or (row["member_id"], row["member"]) != (gone.id, details(gone)):
            self.breaks.append(f"job {job_id}: member #{seq + 1} was changed after erasure")

    # -- jobs --------------------------------------------------------------------------------

    def _jobs(self) -> int:
        jobs = 0
        planned = {job_id for job_id, told in self.told.items() if told.facts}
        for row in self._rows("SELECT * FROM jobs").mappings():
            jobs += 1
            job_id = row["id"]
            planned.discard(job_id)
            facts = self.told[job_id].facts
            if not facts:
                self.breaks.append(f"job {job_id} has no history (inserted)")
                continue
            self.breaks += [
                f"job {job_id}: its {column} reads {value!r}, its history says "
                f"{facts.get(column)!r}"
                for column, value in row.items()
                if value != facts.get(column)
            ]
        self.breaks += [f"job {job_id} is gone from the journal (deleted)" for job_id in planned]
        return jobs

    def _everywhere(self) -> None:
        keys = dict(self._rows("SELECT job_id, key FROM people WHERE seq = 0").all())
        for row in self._rows("SELECT * FROM everywhere").mappings():
            said = self.everywhere.pop(row["id"], None)
            if said is None:
                self.breaks.append(f"job {row['id']} has no history (inserted)")
                continue
            self.breaks += [
                f"job {row['id']}: its {column} reads {value!r}, its history says "
                f"{said.get(column)!r}"
                for column, value in row.items()
                if column != "addresses" and value != said.get(column)
            ]
            key = keys.get(row["id"])
            if row["id"] in self.erased_everywhere:
                erased = json.dumps([self.erased_everywhere[row["id"]]], ensure_ascii=False)
                if key is not None or row["addresses"] != erased:
                    self.breaks.append(f"job {row['id']}: its person was changed after erasure")
            elif key is None or mac(key, row["addresses"]) != row["mac"]:
                self.breaks.append(f"job {row['id']}: the person's addresses were changed")
        self.breaks += [
            f"job {job_id} is gone from the journal (deleted)" for job_id in self.everywhere
        ]
