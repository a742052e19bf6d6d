"""The signals on which RosterDeck stops sending and keeps its journal, then exits."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: A dropped SSH link (SIGHUP) or a polite kill (SIGTERM); Windows has neither to catch.
STOP_SIGNALS = (
    (signal.SIGHUP, signal.SIGTERM) if hasattr(signal, "SIGHUP") and os.name != "nt" else ()
)


@contextmanager
def stopping_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """In the shell: a stop signal or ctrl+c calls `stop` (send nothing more) instead of
    killing the process mid-call, so the journal stays true."""
    loop = asyncio.get_running_loop()
    caught = (*STOP_SIGNALS, signal.SIGINT) if STOP_SIGNALS else ()
    for number in caught:
        loop.add_signal_handler(number, stop)
    try:
        yield
    finally:
        for number in caught:
            loop.remove_signal_handler(number)
