"""One member's whole story in a job: when it was planned, each call it went out in, each
answer, each time it was made due again, in the provider's words."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from providers.journal.records import Item, Step
from providers.models import STATE_WORDS
from providers.text import shown
from tui.dialogs.modal import DeckModal


def when(stamp: str) -> str:
    """A journal time as this machine's clock reads it, to the millisecond."""
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def told(step: Step) -> str:
    said = f"{step.code}: {step.message}" if step.code else step.message
    line = f"{when(step.at)}  {STATE_WORDS.get(step.state, step.state)}"
    return f"{line}\n    {shown(said)}" if said else line


class StoryScreen(DeckModal[None]):
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="close-story")]

    def __init__(self, item: Item, steps: list[Step]) -> None:
        super().__init__()
        self.item = item
        self.steps = steps

    def compose(self) -> ComposeResult:
        member = self.item.member
        with Vertical():
            who = shown(member.name or member.address or member.id, 60)
            yield Static(who, classes="title", markup=False)
            yield Static(f"{shown(member.address)} · id {shown(member.id)}", markup=False)
            with VerticalScroll():
                for step in self.steps:
                    yield Static(told(step), markup=False)
            yield Static("escape closes", classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
