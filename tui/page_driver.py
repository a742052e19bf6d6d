"""The driver of an app served to a browser tab by `rosterdeck serve`."""

from __future__ import annotations

from textual import events
from textual.drivers.web_driver import WebDriver


class PageDriver(WebDriver):
    """textual-serve's driver starts the app unfocused, for a page that waits for a click.
    RosterDeck's page gives the terminal focus as it loads, so the app starts focused: its
    cursor shows bright, not dimmed until the first key. The focus is queued after the
    driver's own blur; the page's later blur and focus still come through."""

    def start_application_mode(self) -> None:
        super().start_application_mode()
        self._app.call_later(self._app.post_message, events.AppFocus())
