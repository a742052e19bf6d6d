"""Asking the person at the terminal before anything is sent."""

from __future__ import annotations

import asyncio
import sys

from providers.errors import ConfigurationError


async def ask(prompt: str) -> str:
    return (await asyncio.to_thread(input, prompt)).strip()


async def confirm(word: str, assume_yes: bool, dry_run: bool) -> None:
    """Ask on the terminal: type `word` when there is one, else y/N; --yes skips it."""
    if assume_yes or dry_run:
        return
    if not sys.stdin.isatty():
        raise ConfigurationError(
            "Refusing to act without --yes: there is no terminal to confirm on."
        )
    if word:
        answer = await ask(f"Type {word!r} to confirm: ")
        if answer != word:
            raise ConfigurationError("Not confirmed; nothing was sent.")
    elif (await ask("Proceed? [y/N] ")).lower() not in ("y", "yes"):
        raise ConfigurationError("Not confirmed; nothing was sent.")
