"""The keyboard-only confirm flow, in a real terminal: tmux at 80x24, the demo, keys only.

On "Spring Open Day" (120 members): `a` marks all, `d` opens the confirm dialog, 120 is typed
into the field that has focus, enter confirms, and the removal runs. Prints each screen it
waits for and exits non-zero, with the screen, when one does not come. Run:

    python tests/benchmarks/tmux_confirm_flow.py
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """A tmux session whose output is also piped to us, so that waiting for a screen is
    waiting for the app to draw, not a clock."""

    def __init__(self, command: str) -> None:
        self.name = f"rosterdeck-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", command],
            check=True,
        )
        drawn = Path(tempfile.mkdtemp(prefix="rosterdeck-drawn-")) / "fifo"
        os.mkfifo(drawn)
        self.drawn = os.open(drawn, os.O_RDWR | os.O_NONBLOCK)  # read and write: never EOF
        pipe = f"cat > {shlex.quote(str(drawn))}"
        subprocess.run(["tmux", "pipe-pane", "-t", self.name, "-o", pipe], check=True)

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def wait_for(self, text: str, seconds: float = 30) -> str:
        """The screen once it shows `text`, looked at again each time the app draws."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            shown = self.screen()
            if text in shown:
                print(f"✓ {text}")
                return shown
            if select.select([self.drawn], [], [], left)[0]:
                with contextlib.suppress(BlockingIOError):
                    os.read(self.drawn, 1 << 16)
        raise AssertionError(f"waited {seconds:.0f} s for {text!r}; the screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], check=False)
        os.close(self.drawn)


def main() -> int:
    home = tempfile.mkdtemp(prefix="rosterdeck-tmux-")
    app = f"{shlex.quote(sys.executable)} -m tui --demo"
    terminal = Terminal(f"cd {shlex.quote(str(ROOT))} && ROSTERDECK_HOME={home} {app}")
    try:
        terminal.wait_for("sandbox-rasl")
        terminal.wait_for("accepted")
        terminal.keys("Enter")
        terminal.wait_for("Spring Open Day")
        terminal.keys(*"spring", "Enter", "Enter")
        terminal.wait_for("120 total")
        terminal.keys("a")
        terminal.wait_for("120 marked")
        terminal.keys("d")
        terminal.wait_for("Type 120")
        terminal.keys(*"120")
        terminal.wait_for("│  120 ")  # what is typed shows in the field that has focus
        terminal.keys("Enter")
        shown = terminal.wait_for("/120 done", seconds=60)
        shown = terminal.wait_for("finished", seconds=120)
        print(shown)
        return 0
    except AssertionError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    finally:
        terminal.close()
        os.environ.pop("ROSTERDECK_HOME", None)


if __name__ == "__main__":
    sys.exit(main())
