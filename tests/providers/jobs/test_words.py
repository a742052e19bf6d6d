"""The words a proposal is confirmed on: how long it takes, what it costs, and what must be
typed; the same in the app's dialog and on the shell's terminal."""

from __future__ import annotations

import pytest

from providers.jobs.words import cost, duration, typed_matches
from providers.models import Estimate


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0.2, "1 s"),
        (1.6, "2 s"),
        (89, "89 s"),
        (90, "2 min"),
        (149, "2 min"),
        (5399, "90 min"),
        (5400, "1.5 h"),
        (8 * 3600, "8.0 h"),
    ],
)
def test_a_duration_in_the_unit_a_person_reads(seconds: float, said: str) -> None:
    assert duration(seconds) == said


def test_the_cost_line_says_calls_time_and_todays_budget() -> None:
    assert cost(Estimate(calls=1, seconds=0.5)) == "About 1 call, 1 s at this account's pace."
    assert cost(Estimate(calls=1200, seconds=600), "each account's") == (
        "About 1,200 calls, 10 min at each account's pace."
    )
    assert cost(Estimate(calls=20, seconds=45, calls_are="a removal and a read-back each")) == (
        "About 20 calls (a removal and a read-back each), 45 s at this account's pace."
    )
    spent = cost(Estimate(calls=4, seconds=18, today=0))
    assert spent.endswith(
        " None can be sent today: the daily budget is spent; the job waits for tomorrow."
    )
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
