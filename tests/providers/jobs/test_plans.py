"""What a plan asks before it is sent: the word to type for a large or irreversible run, and
what it costs within today's budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.jobs.plans import TYPED_CONFIRMATION_ABOVE, confirmation_word, estimate_for
from providers.journal import Journal
from providers.models import Capabilities, Container, ContainerKind, Estimate, Operation, Provider


@pytest.mark.parametrize(
    ("operation", "count", "word"),
    [
        (Operation.REMOVE_FROM_CONTAINER, TYPED_CONFIRMATION_ABOVE, ""),
        (Operation.REMOVE_FROM_CONTAINER, TYPED_CONFIRMATION_ABOVE + 1, "21"),
        (Operation.ADD_BACK, 1, ""),
        (Operation.ADD_BACK, 300, "300"),
        (Operation.DELETE_CONTACTS, 1, "1"),
        (Operation.DELETE_SOURCE, 0, "Spring fair"),
    ],
)
def test_what_must_be_typed(operation: Operation, count: int, word: str) -> None:
    """A yes for up to 20; the count above that or for any deletion; a source's name."""
    assert confirmation_word(operation, count, "Spring fair") == word


class Budgeted:
    provider = Provider.WASEND

    def __init__(self, budget: int, scope: str = "s1/") -> None:
        self.scope = scope
        self.capabilities = Capabilities(
            max_batch=1,
            requests_per_second=0.25,
            reports_each_member=True,
            can_undo=True,
            daily_budget=budget,
        )

    def estimate(self, container: Container, count: int, operation: object = None) -> Estimate:
        return Estimate(calls=2 * count, seconds=4.5 * count)

    def budget_scope(self, container: Container) -> str:
        return self.scope


GROUP = Container(id="s1/choir", name="Choir", kind=ContainerKind.GROUP)


@pytest.mark.parametrize(("count", "today"), [(4, None), (5, None), (6, 5), (100, 5)])
def test_todays_budget_is_said_only_when_it_holds_some_back(
    tmp_path: Path, count: int, today: int | None
) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    guess = estimate_for(Budgeted(5), journal, GROUP, count)  # type: ignore[arg-type]
    assert (guess.calls, guess.seconds, guess.today) == (2 * count, 4.5 * count, today)


def test_no_budget_or_no_scope_holds_nothing_back(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    for adapter in (Budgeted(0), Budgeted(5, scope="")):
        guess = estimate_for(adapter, journal, GROUP, 50)  # type: ignore[arg-type]
        assert (guess.calls, guess.today) == (100, None)
