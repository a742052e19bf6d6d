"""Mutation testing of RosterDeck's safety core: the code that keeps its promises (a removal
reaches the server once, a lost answer is settled by reading, every member ends in a true
state, the journal's chain shows tampering, WhatsApp's pace, calls in proportion to the people
named, the confirm dialog's and the desk's guards).

    .venv/bin/python tests/mutation/run.py                # every module, then the table
    .venv/bin/python tests/mutation/run.py protocol pace  # modules whose path has a word
    .venv/bin/python tests/mutation/run.py --survivors    # only survivors and what never ran
    .venv/bin/python tests/mutation/run.py --no-clean-run # without mutmut's unmutated pass
    .venv/bin/python tests/mutation/run.py --table        # the table of the last runs

mutmut (configured in pyproject.toml) copies providers/ and tui/ into mutants/, where the
tests import them; each mutant runs only the tests that reached its function, fastest first,
stopping at the first failure, one mutant at a time (`--jobs 4`: four). SCOPE below names
the functions scored in each file: where a file is mostly plumbing only its promise-keeping
functions count. A survivor that cannot change behaviour is listed in equivalent.toml, with
why. Not part of the default suite: a full pass takes hours on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENT = Path(__file__).with_name("equivalent.toml")
GOAL = 90.0

#: file -> the functions scored there (mutmut's names: x_function, xǁClassǁmethod); None: all
SCOPE: dict[str, tuple[str, ...] | None] = {
    "providers/http/client.py": (
        "xǁProviderHttpǁcall",
        "xǁProviderHttpǁsend",
        "xǁProviderHttpǁ_send_once",
        "xǁProviderHttpǁ_request",
        "xǁProviderHttpǁ_pace",
        "xǁProviderHttpǁ_note_rate_headers",
        "xǁProviderHttpǁhalt_writes",
        "xǁProviderHttpǁallow_writes",
        "xǁProviderHttpǁ_sleep_unless_halted",
        "xǁProviderHttpǁ_unless_halted",
    ),
    "providers/http/answers.py": ("x_retry_after_seconds", "x_error_for"),
    "providers/http/pacing.py": (
        "xǁWriteSpacingǁ_next_gap",
        "xǁWriteSpacingǁwait",
        "xǁWriteSpacingǁshare",
    ),
    "providers/protocol.py": ("x_outcomes", "x_failed", "x_read_whole"),
    "providers/http/adapter.py": (
        "xǁHttpAdapterǁestimate",
        "xǁHttpAdapterǁsettle_lost",
        "xǁHttpAdapterǁsettle_counted",
        "xǁHttpAdapterǁonly_a_whole_read_finds",
        "xǁHttpAdapterǁsettle_added",
        "xǁHttpAdapterǁnot_added",
        "xǁHttpAdapterǁparse_answer",
        "xǁHttpAdapterǁguarded",
    ),
    "providers/wasend/outcomes.py": None,
    "providers/wasend/pace.py": None,
    "providers/wasend/adapter.py": ("xǁWaSendAdapterǁestimate",),
    "providers/rasl/adapter.py": (
        "xǁRaslAdapterǁremove",
        "xǁRaslAdapterǁadd",
        "xǁRaslAdapterǁ_change",
        "xǁRaslAdapterǁnot_added",
    ),
    "providers/autosend/adapter.py": (
        "xǁAutoSendAdapterǁremove",
        "xǁAutoSendAdapterǁ_outcomes",
        "xǁAutoSendAdapterǁadd",
        "x__refused",
    ),
    "providers/journal/chain.py": (
        "xǁAnchorǁread",
        "xǁWritingǁsteps",
        "xǁWritingǁevent",
        "xǁWritingǁappend",
        "xǁChainǁopen",
        "xǁChainǁ_write_anchor",
        "xǁChainǁhead",
        "xǁChainǁholds",
    ),
    "providers/journal/verify.py": None,
    "providers/journal/hashing.py": None,
    "providers/jobs/engine.py": (
        "xǁEngineǁ_budget",
        "xǁEngineǁ_pause_over_budget",
        "xǁEngineǁ_still_there",
    ),
    "providers/jobs/plans.py": ("x_confirmation_word", "x_estimate", "x_estimate_for"),
    "providers/jobs/everywhere.py": ("x_estimate_everywhere",),
    "providers/jobs/words.py": ("x_typed_matches", "x_duration", "x_cost"),
    "providers/matching.py": None,
    "tui/dialogs/confirm_removal.py": (
        "xǁConfirmRemovalScreenǁis_ready",
        "xǁConfirmRemovalScreenǁaction_decide",
    ),
    "providers/jobs/desk.py": (
        "xǁDeskǁrefuse_while_busy",
        "xǁDeskǁpropose",
        "xǁDeskǁcheck",
    ),
    "providers/jobs/follow_ups.py": ("x__refuse_when_spent",),
}

#: mutmut's verdicts: the tests failed, or hung until stopped (both are caught in CI)
KILLED = {1, 3, -24, 24, 152, 255, 36, -11, -9}


def module_of(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def function_of(mutant: str) -> str:
    return mutant.partition("__mutmut_")[0].rpartition(".")[2]


def in_scope(path: str, mutant: str) -> bool:
    functions = SCOPE[path]
    return functions is None or function_of(mutant) in functions


def globs(path: str) -> list[str]:
    functions = SCOPE[path]
    if functions is None:
        return [f"{module_of(path)}.*"]
    return [f"{module_of(path)}.{name}__mutmut_*" for name in functions]


def verdicts(path: str) -> dict[str, int | None]:
    """Each scored mutant of the file and its last exit code (None: not run yet)."""
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    said = json.loads(meta.read_text())["exit_code_by_key"]
    return {name: code for name, code in said.items() if in_scope(path, name)}


def equivalent() -> dict[str, str]:
    """The mutants shown to be unable to change behaviour: name -> why."""
    if not EQUIVALENT.exists():
        return {}
    listed = tomllib.loads(EQUIVALENT.read_text()).get("mutant", [])
    return {entry["name"]: entry["why"] for entry in listed}


@dataclass
class Row:
    module: str
    made: int = 0
    killed: int = 0
    survived: int = 0
    equivalent: int = 0
    unrun: int = 0

    @property
    def score(self) -> float | None:
        """Killed of the mutants run that could change behaviour; None before any ran."""
        counted = self.made - self.equivalent - self.unrun
        return 100.0 * self.killed / counted if counted else None

    @property
    def shown_score(self) -> str:
        return "–" if self.score is None else f"{self.score:.0f} %"


def table(paths: list[str]) -> tuple[list[Row], list[str], list[str]]:
    """The rows, the survivors not listed as equivalent, and listed ones that were killed."""
    same = equivalent()
    rows, survivors, stale = [], [], []
    for path in paths:
        row = Row(path)
        for name, code in sorted(verdicts(path).items()):
            row.made += 1
            if code is None:
                row.unrun += 1
            elif code in KILLED:
                row.killed += 1
                if name in same:
                    stale.append(name)
            elif name in same:
                row.equivalent += 1
            else:
                row.survived += 1
                survivors.append(name)
        rows.append(row)
    return rows, survivors, stale


def show(rows: list[Row], markdown: bool) -> str:
    total = Row(
        "all",
        made=sum(r.made for r in rows),
        killed=sum(r.killed for r in rows),
        survived=sum(r.survived for r in rows),
        equivalent=sum(r.equivalent for r in rows),
        unrun=sum(r.unrun for r in rows),
    )
    lines = []
    if markdown:
        lines += [
            "| module | made | killed | survived | equivalent | not run | score |",
            "|---|--:|--:|--:|--:|--:|--:|",
        ]
        for r in [*rows, total]:
            name = f"`{r.module}`" if r is not total else "**all**"
            lines.append(
                f"| {name} | {r.made} | {r.killed} | {r.survived} | {r.equivalent} "
                f"| {r.unrun} | {r.shown_score} |"
            )
        return "\n".join(lines)
    width = max(len(r.module) for r in rows)
    lines.append(
        f"{'module':{width}} {'made':>5} {'killed':>6} {'survived':>8} {'equivalent':>10} "
        f"{'not run':>7} {'score':>6}"
    )
    for r in [*rows, total]:
        lines.append(
            f"{r.module:{width}} {r.made:5} {r.killed:6} {r.survived:8} {r.equivalent:10} "
            f"{r.unrun:7} {r.shown_score:>6}"
        )
    return "\n".join(lines)


#: `mutmut run` without its first step, the unmutated tests of every mutant run at once: for
#: a second pass over survivors, once the suite is known to pass (CI runs it)
WITHOUT_CLEAN_RUN = """
import sys
import mutmut.__main__ as mutmut

made = mutmut.get_mutant_runner

def without_clean_run(*args):
    runner = made(*args)
    runner.run_clean_tests = lambda tests: 0
    return runner

mutmut.get_mutant_runner = without_clean_run
mutmut._run(sys.argv[2:], int(sys.argv[1]))
"""


def refresh_copies(root: Path = ROOT) -> list[Path]:
    """mutmut copies the code it does not mutate into mutants/ only when no copy is there
    yet: a module changed, moved or removed since keeps its old copy, and the tests there
    run against it (or fail to import). Such copies are removed, for mutmut to copy anew;
    the mutated modules mutmut regenerates itself. The pytest settings (the time limit that
    fails a hanging mutant among them) are copied over."""
    copies = root / "mutants"
    stale = []
    settings = root / "pyproject.toml"
    copied = copies / settings.name
    if copied.is_file() and copied.read_bytes() != settings.read_bytes():
        shutil.copyfile(settings, copied)
        stale.append(Path(settings.name))
    for copy in sorted(copies.glob("*/**/*.py")):
        relative = copy.relative_to(copies)
        if relative.parts[0] not in ("providers", "tui") or relative.as_posix() in SCOPE:
            continue
        source = root / relative
        if not source.is_file() or source.read_bytes() != copy.read_bytes():
            copy.unlink()
            stale.append(relative)
    return stale


def run(names: list[str], *, clean_run: bool = True, jobs: int = 1) -> int:
    """One mutmut run over these mutants (or globs), `jobs` mutants at a time."""
    for stale in refresh_copies():
        print(f"copied anew: {stale}", file=sys.stderr)
    env = dict(os.environ)
    env.setdefault("ROSTERDECK_HOME", tempfile.mkdtemp(prefix="rosterdeck-mutation-"))
    if clean_run:
        mutmut = str(Path(sys.executable).with_name("mutmut"))
        command = [mutmut, "run", "--max-children", str(jobs)]
    else:
        command = [sys.executable, "-c", WITHOUT_CLEAN_RUN, str(jobs)]
    return subprocess.call([*command, *names], cwd=ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="a word of the paths to run (default: all)")
    parser.add_argument(
        "--survivors", action="store_true", help="run only the survivors and what has not run yet"
    )
    parser.add_argument("--table", action="store_true", help="only print the last runs' table")
    parser.add_argument(
        "--no-clean-run", action="store_true", help="skip mutmut's run of the unmutated tests"
    )
    parser.add_argument("--markdown", action="store_true", help="the table as the README has it")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="mutants at a time (a mutant's tests spend about half their time waiting: "
        "4 keep two cores busy; its time limit counts CPU seconds, so crowding trips none)",
    )
    args = parser.parse_args(argv)
    paths = [p for p in SCOPE if not args.modules or any(word in p for word in args.modules)]
    if not paths:
        parser.error(f"no module of the safety core matches {' '.join(args.modules)}")
    if not args.table:
        if args.survivors:
            names = table(paths)[1]
            names += [n for p in paths for n, code in verdicts(p).items() if code is None]
        else:
            names = [glob for path in paths for glob in globs(path)]
        if names and run(names, clean_run=not args.no_clean_run, jobs=args.jobs) != 0:
            print("mutmut stopped before the end: the table shows what ran", file=sys.stderr)
    rows, survivors, stale = table(paths)
    print(show(rows, args.markdown))
    for name in survivors:
        print(f"survived: {name}  (mutmut show {name})")
    for name in stale:
        print(f"listed as equivalent but killed, take it off the list: {name}")
    return 0 if all(r.score is not None and r.score >= GOAL and not r.unrun for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
