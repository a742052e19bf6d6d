"""Every shell command and every one of its options is in the README's command table: the
parser is walked, so a new option cannot ship unsaid."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from providers.cli import _parser

README = Path(__file__).parents[3] / "README.md"


def table() -> list[str]:
    """The rows of the table under "## Shell commands"."""
    section = README.read_text(encoding="utf-8").split("\n## Shell commands\n")[1]
    section = section.split("\n## ")[0]
    return [line for line in section.splitlines() if line.startswith("| `rosterdeck")]


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Each command a person can type, as the words after `rosterdeck`, with its parser."""
    subcommands = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subcommands:
        yield path, parser
    for action in subcommands:
        for name, sub in action.choices.items():
            yield from commands(sub, (*path, name))


def options(parser: argparse.ArgumentParser) -> list[str]:
    return [
        option
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction)
        for option in action.option_strings
    ]


def said(word: str, rows: list[str]) -> bool:
    """Whether the rows hold the word whole (`--json` is not said by `--jsonl`)."""
    return any(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", row) for row in rows)


def test_every_command_and_option_is_in_the_readme_table() -> None:
    rows = table()
    top = _parser()
    missing = [f"rosterdeck {o}" for o in options(top) if not said(o, rows)]
    for path, parser in commands(top):
        if not path:
            continue
        typed = "rosterdeck " + " ".join(path)
        own = [row for row in rows if re.match(rf"\| `{re.escape(typed)}[ `]", row)]
        if not own:
            missing.append(typed)
            continue
        missing += [f"{typed} {o}" for o in options(parser) if not said(o, own)]
        for action in parser._actions:  # `jobs verify`, `jobs receipt`
            if not action.option_strings and action.choices:
                missing += [f"{typed} {c}" for c in action.choices if not said(f"{typed} {c}", own)]
    assert not missing, f"not in README.md's shell command table: {', '.join(missing)}"
