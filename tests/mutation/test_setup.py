"""The copy mutmut tests in, mutants/, has the same files beside the code as the checkout."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.mutation.run import refresh_copies

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


def test_a_copy_of_code_changed_since_is_removed_for_mutmut_to_copy_anew(tmp_path: Path) -> None:
    for path, text in {
        "providers/changed.py": "new = 1\n",
        "providers/same.py": "same = 1\n",
        "providers/matching.py": "mutated = 0\n",
        "mutants/providers/changed.py": "old = 1\n",
        "mutants/providers/same.py": "same = 1\n",
        "mutants/providers/gone.py": "moved = 1\n",
        "mutants/providers/matching.py": "mutated = 1\n",
        "mutants/tests/helpers.py": "kept = 1\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    stale = refresh_copies(tmp_path)
    assert [p.as_posix() for p in stale] == ["providers/changed.py", "providers/gone.py"]
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("mutants/**/*.py"))
    assert left == [
        "mutants/providers/matching.py",
        "mutants/providers/same.py",
        "mutants/tests/helpers.py",
    ]


def test_the_pytest_settings_are_copied_over_when_changed(tmp_path: Path) -> None:
    """Among them the time limit that fails a mutant whose test hangs (a retry limit removed)."""
    (tmp_path / "mutants").mkdir()
    (tmp_path / "pyproject.toml").write_text("timeout = 300\n")
    (tmp_path / "mutants/pyproject.toml").write_text("\n")
    assert [p.as_posix() for p in refresh_copies(tmp_path)] == ["pyproject.toml"]
    assert (tmp_path / "mutants/pyproject.toml").read_text() == "timeout = 300\n"
    assert refresh_copies(tmp_path) == []
