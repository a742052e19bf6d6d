"""The words a proposal is confirmed on: how long it takes, what it costs, and what must be
typed; the same in the app's dialog and on the shell's terminal."""

from __future__ import annotations

import pytest

from providers.jobs.words import cost, duration, typed_matches
from providers.models import Estimate


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.2, "1\u00a0s"),
        (1.6, "2\u00a0s"),
        (89, "89\u00a0s"),
        (90, "2\u00a0min"),
        (149, "2\u00a0min"),
        (5399, "90\u00a0min"),
        (5400, "1.5\u00a0h"),
        (8 * 3600, "8.0\u00a0h"),
        (360 * 3600, "360.0\u00a0h"),  # hours exactly, however many
    ],
)
def test_a_duration_in_the_unit_a_person_reads(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_the_cost_line_says_calls_time_and_todays_budget() -> None:
    assert cost(Estimate(calls=1, seconds=0.5)) == "About 1 call, 1\u00a0s at this account's pace."
    assert cost(Estimate(calls=1200, seconds=600), "each account's") == (
        "About 1,200 calls, 10\u00a0min at each account's pace."
    )
    assert cost(Estimate(calls=20, seconds=45, calls_are="a removal and a read-back each")) == (
        "About 20 calls (a removal and a read-back each), 45\u00a0s at this account's pace."
    )
    spent = cost(Estimate(calls=4, seconds=18, today=0))
    assert spent == (
        "About 4 calls, 18\u00a0s at this account's pace. None can be sent today: the daily "
        "budget is spent; the job waits for tomorrow."
    ), "the cost and the time are still said"
    some = cost(Estimate(calls=4, seconds=18, today=1500))
    assert some.endswith(" 1,500 run today; the rest waits for tomorrow's budget.")


@pytest.mark.parametrize("typed", ["1200", "1,200", "1 200", "1_200", " 1200 ", "1, 200"])
def test_a_count_matches_however_it_is_grouped(typed: str) -> None:
    assert typed_matches(typed, "1200")


@pytest.mark.parametrize("typed", ["", "120", "12000", "1.200", "1200x", "one thousand"])
def test_another_count_does_not_match(typed: str) -> None:
    assert not typed_matches(typed, "1200")


def test_a_name_matches_exactly_but_for_the_spaces_around_it() -> None:
    assert typed_matches("  Spring fair 2024 ", "Spring fair 2024")
    assert not typed_matches("spring fair 2024", "Spring fair 2024")
    assert not typed_matches("Spring fair2024", "Spring fair 2024")
    assert not typed_matches("Spring_fair_2024", "Spring fair 2024")


def test_a_number_keeps_its_unit_where_a_line_wraps() -> None:
    """The dialog wraps its words at spaces: "14" ends no line with "s" on the next."""
    said = cost(Estimate(calls=6, seconds=14))
    assert "14\u00a0s" in said and "14 s" not in said
