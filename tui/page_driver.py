"""The driver of an app served to a browser tab by `rosterdeck serve`."""

from __future__ import annotations

import contextlib

from textual import events, messages
from textual.drivers.web_driver import WebDriver


class PageDriver(WebDriver):
    """textual-serve's driver, for RosterDeck's page and server."""

    def start_application_mode(self) -> None:
        """textual-serve's driver starts the app unfocused, for a page that waits for a click.
        RosterDeck's page gives the terminal focus as it loads, so the app starts focused: its
        cursor shows bright, not dimmed until the first key. The focus is queued after the
        driver's own blur; the page's later blur and focus still come through."""
        super().start_application_mode()
        self._app.call_later(self._app.post_message, events.AppFocus())

    def run_input_thread(self) -> None:
        """Input that ends while the app has not stopped means the server is gone, even one
        killed with SIGKILL that could not end its sessions: the app ends too, rather than
        run on with no one to see it."""
        super().run_input_thread()
        if not self.exit_event.is_set():
            with contextlib.suppress(RuntimeError):  # the app's loop has already closed
                self._app.post_message(messages.ExitApp())
