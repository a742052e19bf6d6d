"""Keys typed ahead of a dialog: held from the key that asked for it, given back in order."""

from __future__ import annotations

import pytest
from textual import events
from textual.message import Message

import tui.typeahead
from tui.typeahead import TypeAhead


def keys(posted: list[Message]) -> list[str]:
    return [m.key for m in posted if isinstance(m, events.Key)]


def test_keys_are_held_only_while_asked_and_given_back_in_order() -> None:
    posted: list[Message] = []
    ahead = TypeAhead(posted.append)
    assert not ahead.took(events.Key("r", "r"))  # not holding: the key goes on
    ahead.hold()
    assert all(ahead.took(events.Key(k, k)) for k in "52")
    assert ahead.took(events.Key("enter", None)) and not ahead.took(
        events.Resize.from_dimensions((80, 24), None)
    )
    assert posted == []
    ahead.release()
    assert keys(posted) == ["5", "2", "enter"]
    assert not ahead.took(events.Key("x", "x"))
    ahead.release()  # again: nothing more
    assert keys(posted) == ["5", "2", "enter"]


def test_keys_held_too_long_go_on_with_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proposal that never shows must not swallow the keyboard."""
    clock = [100.0]
    monkeypatch.setattr(tui.typeahead.time, "monotonic", lambda: clock[0])
    posted: list[Message] = []
    ahead = TypeAhead(posted.append)
    ahead.hold()
    assert ahead.took(events.Key("a", "a"))
    clock[0] += tui.typeahead.HOLD_SECONDS + 1
    assert ahead.took(events.Key("b", "b"))  # held, and with it the rest let go, in order
    assert keys(posted) == ["a", "b"]
    assert not ahead.took(events.Key("c", "c"))
