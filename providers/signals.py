"""The signals on which RosterDeck stops sending and keeps its journal, then exits."""

from __future__ import annotations

import os
import signal

#: A dropped SSH link (SIGHUP) or a polite kill (SIGTERM); Windows has neither to catch.
STOP_SIGNALS = (
    (signal.SIGHUP, signal.SIGTERM) if hasattr(signal, "SIGHUP") and os.name != "nt" else ()
)
