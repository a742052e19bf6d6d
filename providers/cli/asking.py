"""Asking the person at the terminal before anything is sent, and telling them as it goes."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import sys
import threading

from providers.errors import ConfigurationError


async def ask(prompt: str) -> str:
    """The answer typed after `prompt` ('' at end of input). Read on a thread of its own
    that nothing waits for, so ctrl+c (or a stop signal) ends the command at once: a pool
    thread left in `input()` would hold the process open until enter is pressed."""
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str] = loop.create_future()

    def settle(line: str) -> None:
        if not answer.done():
            answer.set_result(line)

    def read() -> None:
        try:
            line = input(prompt)
        except (EOFError, OSError):  # ctrl+d, or the terminal went away: no answer
            line = ""
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is asking
            loop.call_soon_threadsafe(settle, line)

    threading.Thread(target=read, name="answer", daemon=True).start()
    return (await answer).strip()


def say(line: str) -> None:
    """One line of a run's progress. The terminal may have gone mid-run (its SIGHUP is on
    its way): the line is dropped, not raised, since the journal keeps it."""
    try:
        print(line, flush=True)
    except OSError as error:
        if error.errno != errno.EIO:
            raise


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
