"""A pytest plugin for mutation runs: a mutant's tests run fastest first (by the times the
mutation tool measured), so with `-x` a mutant the quick tests kill costs only those."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

#: what the tool sets while it is not testing a mutant (generating, measuring, the clean run)
NOT_A_MUTANT = {"", "stats", "list_all_tests", "fail", "mutant_generation"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("MUTANT_UNDER_TEST", "") in NOT_A_MUTANT:
        return
    try:
        seconds = json.loads(Path("mutmut-stats.json").read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: seconds.get(item.nodeid, 0.0))
