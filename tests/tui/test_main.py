"""`rosterdeck serve` without a token says who can use what it serves: the demo's fake
accounts, or this machine's real ones."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

import tui.web
from tui.main import serve


class Unserved:
    """A server that records how it was made and serves nothing."""

    made: list[dict[str, Any]] = []

    def __init__(self, argv: list[str], **given: Any) -> None:
        self.made.append({"argv": argv, **given})

    def serve(self) -> None:
        return None


@pytest.mark.parametrize(
    ("demo", "said"),
    [
        (True, "can use this demo (its fake accounts and its jobs)."),
        (False, "can use RosterDeck with this machine's accounts."),
    ],
)
def test_serving_without_a_token_says_who_can_use_what(
    demo: bool, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tui.web, "DeckServer", Unserved)
    args = argparse.Namespace(
        demo=demo, real_pace=False, require_token=False, host="localhost", port=0
    )
    assert serve(args) == 0
    warning = capsys.readouterr().err
    assert warning.startswith("No login: anyone who can reach this address ") and said in warning
    assert Unserved.made[-1]["title"] == ("RosterDeck demo" if demo else "RosterDeck")
