"""Words made of counts: a noun agrees with its count, and a count reads with separators."""

from __future__ import annotations

import pytest

from providers.text import many


@pytest.mark.parametrize(
    ("count", "said"), [(0, "0 places"), (1, "1 place"), (2, "2 places"), (12_345, "12,345 places")]
)
def test_a_count_and_its_noun_agree(count: int, said: str) -> None:
    assert many(count, "place") == said
