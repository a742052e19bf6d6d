"""The keyboard-only confirm flow in a real terminal (tmux at 80x24), when tmux is here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "tmux_confirm_flow.py"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_mark_all_type_the_count_and_enter_runs_the_removal() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ Type 120" in done.stdout and "finished" in done.stdout
