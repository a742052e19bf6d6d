"""The signals on which RosterDeck stops sending, journals where it is, and ends.

A stop signal is heard twice. At once, in the handler itself, which may only arm the
process's last word (`end_within`: it ends, whatever holds it, a moment later) and wake
the event loop; then on the loop, where the caller stops sending and gives the answers
already on their way `GRACE_SECONDS` to come back, so that the journal stays true.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn

#: A closed terminal or dropped SSH link (SIGHUP), a polite kill (SIGTERM), ctrl+c or
#: kill -INT (SIGINT). Windows has no such signals to catch.
STOP_SIGNALS: tuple[int, ...] = (
    (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
    if hasattr(signal, "SIGHUP") and os.name != "nt"
    else ()
)
#: How long an answer already on its way is awaited after a stop; then it is left as it is
#: (its members stay `sending`, and a read settles them on resume).
GRACE_SECONDS = 1.0
#: From a stop signal to the end of the process, whatever still holds it.
END_SECONDS = 1.8
TERMINAL_GONE = "the terminal went away"

_REASONS = {
    "SIGHUP": f"{TERMINAL_GONE} (SIGHUP)",
    "SIGTERM": "RosterDeck was told to end (SIGTERM)",
    "SIGINT": "ctrl+c or kill -INT (SIGINT)",
}
_last_word: list[threading.Timer] = []
_heard: list[int] = []


def reason(number: int) -> str:
    """Why a job stopped, as its note says it."""
    name = signal.Signals(number).name
    return _REASONS.get(name, f"RosterDeck was told to end ({name})")


def exit_status(number: int) -> int:
    """The shell's convention for a process ended by a signal it handled."""
    return 128 + number


def end_within(seconds: float, status: int) -> None:
    """Arm the process's last word: `seconds` from the first call, it exits with `status`,
    whatever holds it then (a terminal that takes no more output, a call that never ends).
    The journal needs nothing from it: each of its writes is a transaction already made."""
    if _last_word:
        return
    timer = threading.Timer(seconds, os._exit, (status,))
    timer.daemon = True
    _last_word.append(timer)
    timer.start()


def end_now(status: int) -> NoReturn:
    """End with `status` once what a stop must keep is kept: flush what was said, close what
    a reference cycle still holds open (a journal's connection), and skip the interpreter's
    teardown, which takes part of a stop's two seconds on a busy machine (and which the
    last word cannot cut short: its thread is not run during it)."""
    gc.collect()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


def catch(on_stop: Callable[[int], None], *, ending: Collection[int] = ()) -> Callable[[], None]:
    """Hear the stop signals: each calls `on_stop(number)` on the running loop; a signal in
    `ending` first arms the process's last word, from inside the handler, so it holds even
    when the loop itself is stuck. Returns what puts the handlers from before back."""
    loop = asyncio.get_running_loop()

    def heard(number: int, _frame: FrameType | None) -> None:
        if number in ending:
            end_within(END_SECONDS, exit_status(number))
        if not loop.is_closed():
            loop.call_soon_threadsafe(on_stop, number)

    before = {number: signal.signal(number, heard) for number in STOP_SIGNALS}

    def restore() -> None:
        for number, handler in before.items():
            signal.signal(number, handler)

    return restore


def silence_dead_terminal() -> None:
    """Point stdin, stdout and stderr that were a terminal now gone (EIO) at /dev/null, so
    that the last lines are dropped instead of failing. A live terminal, a pipe or a file
    is left as it is."""
    import termios

    for fd in (0, 1, 2):
        try:
            termios.tcgetattr(fd)
        except termios.error as error:
            if error.args[0] == errno.EIO:
                nothing = os.open(os.devnull, os.O_RDWR)
                os.dup2(nothing, fd)
                os.close(nothing)


def heard() -> int | None:
    """The stop signal a shell command heard, once: its exit status is 128 + it."""
    return _heard.pop(0) if _heard else None


@contextmanager
def stopping_on_signals(stop: Callable[[str], None]) -> Iterator[None]:
    """In the shell, around a run: a stop signal calls `stop(why)` (send nothing more)
    instead of killing the process mid-call; the answers on their way get `GRACE_SECONDS`,
    then the run is cancelled where it stands (the engine journals it interrupted), and the
    process ends within `END_SECONDS` whatever holds it. `heard()` then names the signal."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    grace: list[asyncio.TimerHandle] = []
    expired: list[bool] = []

    def cancel() -> None:
        expired.append(True)
        task.cancel()

    def stopped(number: int) -> None:
        if grace:
            return  # the first stop says why; the last word is armed already
        _heard.append(number)
        if number == signal.SIGHUP:
            silence_dead_terminal()
        stop(reason(number))
        grace.append(loop.call_later(GRACE_SECONDS, cancel))

    restore = catch(stopped, ending=STOP_SIGNALS)
    try:
        yield
    except asyncio.CancelledError:
        if not expired:
            raise
        task.uncancel()
    finally:
        for handle in grace:
            handle.cancel()
        restore()
