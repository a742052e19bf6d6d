"""Keys typed ahead of the dialog they are meant for."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.message import Message

#: keys are held no longer than this: a proposal that never shows lets them go on
HOLD_SECONDS = 5.0


class TypeAhead:
    """Keys typed after one that asks the desk for a proposal are meant for the dialog that
    shows it, as over SSH a count and enter come with the `r` that asked to resume: they are
    held from that key on, then posted again once the dialog is up, in the order typed, as a
    terminal keeps keys typed ahead. Left to go on, they fell on the screen beneath, where a
    count went nowhere and escape left the screen."""

    def __init__(self, post: Callable[[Message], object]) -> None:
        self._post = post
        self._held: list[events.Key] | None = None
        self._since = 0.0

    def hold(self) -> None:
        self._held, self._since = [], time.monotonic()

    def took(self, event: events.Event) -> bool:
        """Whether the event is a key, now held (or, held too long, sent on with the rest)."""
        if self._held is None or not isinstance(event, events.Key):
            return False
        self._held.append(event)
        if time.monotonic() - self._since > HOLD_SECONDS:
            self.release()
        return True

    def release(self) -> None:
        """Stop holding keys: those held are posted again, in order."""
        held, self._held = self._held or [], None
        for key in held:
            self._post(events.Key(key.key, key.character))
