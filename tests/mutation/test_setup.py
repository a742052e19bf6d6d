"""The copy mutmut tests in, mutants/, has the same files beside the code as the checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_file_beside_the_code_is_copied_anew_on_each_run() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    beside = {
        path.relative_to(ROOT).as_posix()
        for folder in settings["source_paths"]
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    }
    assert beside, "the stylesheet at least sits beside the code"
    missing = beside - set(settings["also_copy"])
    assert not missing, f"not in [tool.mutmut] also_copy: {', '.join(sorted(missing))}"
