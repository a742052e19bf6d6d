"""The terminal driver: when the terminal goes away, the app hears of it, and nothing waits
on the terminal any more.

A closed terminal (a killed tmux pane, a dropped SSH link) ends every read at once and fails
every write with EIO. Textual's Linux driver then reads end-of-file in a loop, and its writer
thread dies on the first failed write, after which the app's writes wait forever for room in
its queue: the process lives on, busy, holding the journal, deaf to SIGTERM. Here a read that
ends or fails, or a write that fails, posts `TerminalGone` once, the dead terminal's file
descriptors are pointed at /dev/null, and the writer thread keeps draining its queue.
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder
from typing import Any, TextIO

from textual._xterm_parser import XTermParser
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from providers.signals import silence_dead_terminal


class TerminalGone(Message):
    """Posted to the app once, from the driver's threads, when its terminal has gone."""

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why


class _Output:
    """The terminal as the writer thread sees it: a failed write says the terminal went
    away instead of killing the thread."""

    def __init__(self, file: TextIO, gone: TerminalDriver) -> None:
        self._file = file
        self._gone = gone

    def write(self, text: str) -> None:
        try:
            self._file.write(text)
        except OSError as error:
            self._gone.went_away(f"writing to it failed: {error.strerror}")

    def flush(self) -> None:
        try:
            self._file.flush()
        except OSError as error:
            self._gone.went_away(f"writing to it failed: {error.strerror}")

    def fileno(self) -> int:
        return self._file.fileno()


class TerminalDriver(LinuxDriver):
    """Textual's Linux driver, which notices when its terminal goes away."""

    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        stderr = self._file
        assert stderr is not None, "a terminal app writes to stderr"
        # Textual types the writer thread's file as stderr; any file with these three will do.
        self._file = _Output(stderr, self)  # type: ignore[assignment]
        self._gone = threading.Event()
        self._lock = threading.Lock()

    def went_away(self, why: str) -> None:
        """Tell the app once (from any thread), and let later reads and writes go nowhere."""
        with self._lock:
            if self._gone.is_set():
                return
            self._gone.set()
        silence_dead_terminal()
        self._app.post_message(TerminalGone(why))

    def _sigcont_application(self, *args: Any) -> None:
        """Textual restarts the terminal on any SIGCONT, and a closing terminal sends one
        with its SIGHUP: restarting then would start a second reader and writer on a dead
        terminal. Only a suspended app (ctrl+z) is resumed."""
        if self._must_signal_resume and not self._gone.is_set():
            super()._sigcont_application(*args)

    def run_input_thread(self) -> None:
        """Textual's reader, which stops when the terminal does: a terminal read that
        returns nothing, or fails (EIO, EBADF), means it has gone."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                if selector.select(0.1):
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError as error:
                        self.went_away(f"reading from it failed: {error.strerror}")
                        return
                    if not data:
                        if self.input_tty:
                            self.went_away("its input ended")
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
