"""Confirm what the desk proposes, in the desk's own words (the shell prints the same).

Focus starts on Cancel. Where something must be typed (the count of a large or irreversible
run, a source's name), focus starts in that field and enter confirms once it matches; where
the account asks why, the reason is required. A dry run box walks a new job through without
sending anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from providers.jobs.proposal import Kind, Proposal
from providers.jobs.words import typed_matches
from tui.dialogs.modal import DeckModal
from tui.dialogs.staying_off import StayingOff

DRY_RUN_OFF = "Dry run: off (this sends for real)"
DRY_RUN_ON = "Dry run: ON (walk through it, send nothing)"


@dataclass(frozen=True)
class Decision:
    go: bool
    dry_run: bool = False
    reason: str = ""
    typed: str = ""
    suppress: bool = False
    revoke: bool = False
    override: str = ""


class ConfirmRemovalScreen(DeckModal[Decision]):
    #: the answer stays in view, however long the proposal and its boxes are
    DEFAULT_CSS = "ConfirmRemovalScreen .buttons { dock: bottom; }"
    BINDINGS = [
        Binding("escape,n", "decide(False)", "Cancel", id="cancel"),
        Binding("y", "decide(True)", "Confirm", id="confirm"),
    ]

    def __init__(self, asked: Proposal) -> None:
        super().__init__()
        self.asked = asked
        self.reason_required = asked.reason_required
        #: resuming or retrying a journaled job keeps its reason and cannot be a dry run
        self.fresh = asked.kind in (Kind.NEW, Kind.EVERYWHERE, Kind.UNDO)
        self.asks_why = self.fresh or asked.reason_required

    def compose(self) -> ComposeResult:
        """The words scroll; what is typed, the boxes and the buttons stay in view below."""
        word = self.asked.word
        with Vertical():
            with VerticalScroll(id="words"):
                yield Static(self.asked.words, id="explain", markup=False)
            with Vertical(id="form"):
                if word:
                    yield Static(
                        f"Type {word} and press enter to {self.asked.label.lower()}:", markup=False
                    )
                    yield Input(id="typed", classes="line")
                needed = "required by this account" if self.reason_required else "optional"
                yield Input(
                    placeholder=f"Why: a ticket or reason, kept with the job ({needed})",
                    id="reason",
                    classes="line" if self.asks_why else "line -hidden",
                )
                dry_run = Checkbox(
                    DRY_RUN_OFF, id="dry-run", classes="" if self.fresh else "-hidden"
                )
                dry_run.BUTTON_INNER = " "
                yield dry_run
                yield StayingOff(self.asked)
                with Horizontal(classes="buttons"):
                    yield Button("Cancel (n)", id="cancel")
                    yield Button(
                        f"{self.asked.label} (y)",
                        id="confirm",
                        variant="error",
                        disabled=not self.ready,
                    )

    def on_mount(self) -> None:
        """Where there is something to type, the cursor is already there."""
        if self.asked.word:
            self.query_one("#typed", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    def unbound_key(self, event: events.Key) -> None:
        """A letter typed while a button or the box has the focus is not lost in silence:
        the Why field says, in place, that it went nowhere and how to type a reason. It is
        not put there, since enter in that field confirms, and a stray key (a second `d`)
        must never turn enter on Cancel into a removal."""
        typed = event.character or ""
        if not typed.isalnum() or isinstance(self.focused, Input):
            return
        event.stop()
        answers = f"y: {self.asked.label} · n: Cancel"
        if not self.asks_why:  # no Why field to say it in: a resume keeps its job's reason
            self.notify(f"{typed!r} went nowhere · {answers}", severity="warning")
            return
        reason = self.query_one("#reason", Input)
        reason.placeholder = f"{typed!r} went nowhere · {self.keys_to(reason)}: Why · {answers}"
        reason.add_class("-nudged")

    def keys_to(self, widget: Input) -> str:
        """The presses that move the focus from where it is to `widget`, the shorter way
        round, as a person would type them ("tab", "shift+tab twice", "tab 3 times")."""
        chain = self.focus_chain
        here = chain.index(self.focused) if self.focused in chain else 0
        there = chain.index(widget)
        forward, backward = (there - here) % len(chain), (here - there) % len(chain)
        key, times = ("tab", forward) if forward <= backward else ("shift+tab", backward)
        return {1: key, 2: f"{key} twice"}.get(times, f"{key} {times} times")

    @property
    def reason(self) -> str:
        return " ".join(self.query_one("#reason", Input).value.split()) if self.is_mounted else ""

    @property
    def ready(self) -> bool:
        return self.is_ready()

    def is_ready(self) -> bool:
        """The count (or name) typed where one is asked, and a reason where one is required.
        (A plain method under the property, so that mutation testing reaches it.)"""
        word = self.asked.word
        if word and not (
            self.is_mounted and typed_matches(self.query_one("#typed", Input).value, word)
        ):
            return False  # nothing is typed before the dialog is shown
        return (not self.reason_required or bool(self.reason)) and (
            self.query_one(StayingOff).ready if self.is_mounted else not self.asked.suppressed
        )

    def on_input_changed(self) -> None:
        self.query_one("#confirm", Button).disabled = not self.ready

    def on_input_submitted(self) -> None:
        if self.ready:
            self.action_decide(True)
        elif self.asked.word and not typed_matches(
            self.query_one("#typed", Input).value, self.asked.word
        ):
            self.notify(f"Type {self.asked.word} exactly.", severity="warning")
        elif not self.query_one(StayingOff).ready:
            self.query_one("#override", Input).focus()
            self.notify("Say why the register is overridden.", severity="warning")
        else:
            self.query_one("#reason", Input).focus()
            self.notify("This account asks for a reason or ticket.", severity="warning")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """The box is empty when off and ticked when on: without colour an X always there
        would read as ticked."""
        event.checkbox.label = DRY_RUN_ON if event.value else DRY_RUN_OFF
        event.checkbox.BUTTON_INNER = "✓" if event.value else " "
        go = "Dry run" if event.value else self.asked.label
        self.query_one("#confirm", Button).label = f"{go} (y)"  # its key, as every dialog says

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_decide(event.button.id == "confirm")

    def action_decide(self, go: bool) -> None:
        if go and not self.ready:
            missing = "#typed" if self.asked.word else "#reason"
            if not self.query_one(StayingOff).ready:
                missing = "#override"
            self.query_one(missing, Input).focus()
            return
        typed = self.query_one("#typed", Input).value if self.asked.word else ""
        extras = self.query_one(StayingOff)
        dry_run = self.query_one("#dry-run", Checkbox).value
        self.dismiss(
            Decision(
                go, dry_run, self.reason, typed, extras.suppress, extras.revoke, extras.override
            )
        )
