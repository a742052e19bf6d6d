"""How a step changes its member's row: the one rule the writers apply and `verify` replays.

A step `sending` names its call and leaves what the provider said before; a step back to
`pending` clears it; any other step is the member's outcome, with the provider's words."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from providers.journal.records import PENDING, SENDING, Step

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from providers.journal.chain import NewStep


def plan_step(created_at: str, planned: list[str] | None) -> Step:
    """A member's first step: the plan, `pending` unless its event says otherwise."""
    state, message = planned or (PENDING, "")
    return Step(created_at, state, "", message)


def changes(state: str, code: str, message: str, batch: int | None) -> dict[str, Any]:
    if state == SENDING:
        return {"state": state, "batch": batch}
    if state == PENDING:
        return {"state": state, "code": "", "message": ""}
    return {"state": state, "code": code, "message": message}


def apply(conn: Connection, job_id: str, at: str, steps: list[NewStep]) -> None:
    """Update the members' rows as their steps say, one statement for each kind of change."""
    from sqlalchemy import bindparam, update

    from providers.journal.tables import items

    alike: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for step in steps:
        changed = changes(step.state, step.code, step.message, step.batch)
        alike[tuple(changed)].append({f"new_{k}": v for k, v in changed.items()} | {"n": step.item})
    for columns, rows in alike.items():
        statement = (
            update(items)
            .where(items.c.job_id == job_id, items.c.seq == bindparam("n"))
            .values({**{c: bindparam(f"new_{c}") for c in columns}, "updated_at": at})
        )
        conn.execute(statement, rows)
