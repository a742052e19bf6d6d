"""Start-up against a bare Textual app, side by side in one run, in a real terminal (a pty).

Each run starts a fresh Python and times it from the process's start until its first screen
is on the terminal, read from the pty as an operator would see it: the bare app (Header,
DataTable, Footer) until its table's row shows, `rosterdeck --demo` until the accounts
screen shows its last account. The two alternate, so the machine's noise falls on both;
the medians and their ratio are printed (the goal: at most 1.3x). Each starts once untimed
first, as an installed app has its bytecode compiled (this writes RosterDeck's own even
where PYTHONDONTWRITEBYTECODE is set) and its files in the disk cache. `--before DIR` times
the RosterDeck of another checkout too (e.g. of main), in the same alternation. Run:

    python tests/benchmarks/startup.py [--runs 9] [--before DIR]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
from statistics import median

COLUMNS, LINES = 120, 40
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_].*?\x1b\\|.)")
SHOWS = "sandbox-autosend"  # the accounts screen's last account, and the bare app's last row
BARE = "bare Textual (Header, DataTable, Footer)"
DECK = "rosterdeck --demo (accounts screen)"


def bare_app() -> None:
    """What the comparison starts: Textual's own widgets, no app of ours."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Footer, Header

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table: DataTable[str] = self.query_one(DataTable)
            table.add_columns("Account", "Provider", "Token", "Status")
            for name in ("sandbox-rasl", "sandbox-wasend", SHOWS):
                table.add_row(name, "Sandbox", "● sandbox", "… checking")

    Bare().run()


def time_to_text(command: list[str], text: str, env: dict[str, str]) -> float:
    """Seconds from starting `command` in a pty until `text` is on its screen."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True
    )
    os.close(follower)
    seen, wanted = b"", text.encode()
    try:
        while wanted not in ESCAPES.sub(b"", seen):
            ready, _, _ = select.select([leader], [], [], 30)
            if not ready:
                raise TimeoutError(f"{command}: {text!r} not shown in 30 s")
            seen += os.read(leader, 65536)
        return time.perf_counter() - started
    finally:
        process.kill()
        process.wait()
        os.close(leader)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--before", metavar="DIR", help="also time the app in this checkout")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_app()
        return
    deck = shutil.which("rosterdeck", path=os.path.dirname(sys.executable))
    if deck is None:
        sys.exit("rosterdeck is not installed beside this Python: pip install -e .")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TERM": "xterm-256color", "ROSTERDECK_HOME": home}
        for unset in ("TEXTUAL", "PYTHONDONTWRITEBYTECODE"):
            env.pop(unset, None)
        commands = {BARE: [sys.executable, __file__, "--bare"], DECK: [deck, "--demo"]}
        if args.before:
            start = f"import sys; sys.path.insert(0, {args.before!r}); import tui.main as m; "
            before = f"rosterdeck --demo in {os.path.basename(args.before.rstrip('/'))}"
            commands[before] = [sys.executable, "-c", start + "sys.exit(m.main())", "--demo"]
        runs: dict[str, list[float]] = {label: [] for label in commands}
        for run in range(args.runs + 1):
            for label, command in commands.items():
                took = time_to_text(command, SHOWS, env)
                if run:
                    runs[label].append(took)
    print(f"to the first screen, {COLUMNS}x{LINES} pty, median of {args.runs} runs each")
    print(f"{'app':42} {'median':>8} {'fastest':>8} {'slowest':>8} {'ratio':>7}")
    bare = median(runs[BARE])
    for label, times in runs.items():
        print(
            f"{label:42} {median(times) * 1000:>6.0f}ms {min(times) * 1000:>6.0f}ms "
            f"{max(times) * 1000:>6.0f}ms {median(times) / bare:>6.2f}x"
        )
    print("goal: rosterdeck --demo at most 1.30x the bare app")


if __name__ == "__main__":
    main()
