"""Invite links to revoke once a job's removals are done: asked with the plan, in its
transaction, and what became of each (revoked, or why not), each on the chain. A job
resumed later revokes what is still asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from providers.journal import recorded
from providers.journal.writes import Stamps
from providers.models import Container

if TYPE_CHECKING:
    from providers.journal.chain import Chain, Writing
    from providers.journal.database import Database

ASKED, REVOKED, FAILED = "asked", "revoked", "failed"


@dataclass(frozen=True)
class Invite:
    id: str
    job_id: str
    container: str
    asked_at: str
    state: str
    done_at: str
    said: str


class Invites:
    def __init__(self, db: Database, chain: Chain, stamps: Stamps) -> None:
        self._db = db
        self._chain = chain
        self._stamps = stamps

    def ask(self, writing: Writing, job_id: str, container: Container) -> None:
        """In the plan's transaction: revoke this group's link once the job is done."""
        from providers.journal.tables import invites

        row = {
            "id": f"invite-{job_id}-{container.id}",
            "job_id": job_id,
            "container": container.id,
            "asked_at": writing.at,
            "state": ASKED,
            "done_at": "",
            "said": "",
        }
        recorded.insert(writing, invites, row, "invite")

    def settle(self, invite_id: str, state: str, said: str = "") -> None:
        from providers.journal.tables import invites

        with self._chain.writing(self._stamps.now()) as writing:
            changes = {"state": state, "done_at": writing.at, "said": said}
            recorded.update(writing, invites, invite_id, changes, "invite")

    def of(self, job_ids: list[str]) -> list[Invite]:
        from sqlalchemy import select

        from providers.journal.tables import invites

        query = select(invites).where(invites.c.job_id.in_(job_ids)).order_by(invites.c.id)
        with self._db.read() as conn:
            return [_invite(row) for row in conn.execute(query).mappings()]


def _invite(row: Any) -> Invite:
    return Invite(**{name: str(row[name]) for name in Invite.__dataclass_fields__})
