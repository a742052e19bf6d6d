"""Say in plain words what a removal will do, to whom, and whether it can be undone.

Focus starts on Cancel. Large, irreversible, whole-container or everywhere runs ask for the
count (or the container's name) to be typed before Confirm is enabled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from providers.jobs.costs import cost, pace
from providers.jobs.everywhere import EverywherePlan
from providers.jobs.plans import VERBS, Plan
from providers.models import Capabilities, Estimate, Operation
from providers.text import shown
from tui.dialogs.modal import DeckModal

SHOWN_NAMES = 4
#: the most of a name and of a place the dialog shows: every name asked about stays in view
NAME_CHARS, PLACE_CHARS = 30, 60
DRY_RUN_OFF = "Dry run: off (this sends for real)"
DRY_RUN_ON = "Dry run: ON (walk through it, send nothing)"


@dataclass(frozen=True)
class Proposal:
    """What the dialog asks about: the plan in words, what must be typed ('' for nothing),
    and the confirm button's verb."""

    explanation: str
    word: str
    label: str


@dataclass(frozen=True)
class Decision:
    go: bool
    dry_run: bool = False
    reason: str = ""


def typed_matches(typed: str, word: str) -> bool:
    """A count matches however it is grouped ("1,200", "1 200", "1200"); a name exactly."""
    if word.isdigit():
        return typed.strip().replace(",", "").replace(" ", "").replace("_", "") == word
    return typed.strip() == word


def explain(plan: Plan, abilities: Capabilities, estimate: Estimate | None = None) -> str:
    container = plan.container
    place = shown(container.where, PLACE_CHARS)
    count = len(plan.members)
    if plan.operation is Operation.DELETE_SOURCE:
        lines = [f"Delete the source {place}.", "RASL refuses while any contact still uses it."]
    else:
        noun = "contact" if plan.operation is Operation.DELETE_CONTACTS else "member"
        lines = [
            f"{VERBS[plan.operation].capitalize()} {place}: {count} {noun}{'s' * (count != 1)}."
        ]
    lines.append(f"Account {plan.account} · {plan.provider.label}")
    if plan.members:
        names = [shown(m.name or m.address or m.id, NAME_CHARS) for m in plan.members[:SHOWN_NAMES]]
        more = f" and {count - SHOWN_NAMES} more" if count > SHOWN_NAMES else ""
        lines.append("Who: " + ", ".join(names) + more)
    if plan.skipped:
        first = plan.skipped[0]
        lines.append(
            f"Skipped, never sent: {len(plan.skipped)} — "
            f"{shown(first[0].name or first[0].address, NAME_CHARS)}: {shown(first[1])}"
        )
    if estimate is not None and plan.members:
        lines.append(cost(estimate))
        if line := pace(abilities):
            lines.append(line)
    if plan.operation is Operation.ADD_BACK:
        lines.append("↺ This undoes the removal: they are put back where they were.")
    elif plan.irreversible:
        lines.append("✗ This cannot be undone: deleted contacts are gone for good.")
    elif abilities.can_undo and plan.operation is Operation.REMOVE_FROM_CONTAINER:
        lines.append("↺ Can be undone: History, open the job, u adds them back.")
    else:
        lines.append("✗ This provider cannot add them back: it cannot be undone here.")
    return "\n".join(lines)


def proposal(plan: Plan, abilities: Capabilities, estimate: Estimate | None = None) -> Proposal:
    if plan.operation is Operation.ADD_BACK:
        label = "Add back"
    else:
        label = "Delete" if plan.irreversible else "Remove"
    return Proposal(explain(plan, abilities, estimate), plan.confirmation_word, label)


def everywhere_proposal(
    plan: EverywherePlan, estimate: Estimate, paces: Mapping[str, str]
) -> Proposal:
    """Every place, one a line, with what is skipped and what could not be searched."""
    lines = [shown(plan.headline)]
    for part in plan.parts:
        at = f"{shown(part.container.where, PLACE_CHARS)} ({part.account})"
        if part.members:
            lines.append(f"  ✓ {at}")
        for _, why in part.skipped:
            lines.append(f"  ⊘ {at}: {shown(why)}")
    lines += [f"  ? not searched: {shown(u.why)}" for u in plan.unsearched]
    if plan.acting:
        lines.append(cost(estimate, "each account's"))
    lines += [f"{name}: {said}" for name, said in paces.items() if said]
    lines.append("↺ Each place can be undone on its own where its provider can add people back.")
    return Proposal("\n".join(lines), plan.confirmation_word, "Remove")


class ConfirmRemovalScreen(DeckModal[Decision]):
    BINDINGS = [
        Binding("escape,n", "decide(False)", "Cancel", id="cancel"),
        Binding("y", "decide(True)", "Confirm", id="confirm"),
    ]

    def __init__(self, asked: Proposal, *, reason_required: bool = False) -> None:
        super().__init__()
        self.asked = asked
        self.reason_required = reason_required

    def compose(self) -> ComposeResult:
        word = self.asked.word
        with VerticalScroll():
            yield Static(self.asked.explanation, id="explain", markup=False)
            if word:
                yield Static(
                    f"Type {word} and press enter to {self.asked.label.lower()}:", markup=False
                )
                yield Input(id="typed", classes="line")
            needed = "required by this account" if self.reason_required else "optional"
            yield Input(
                placeholder=f"Why: a ticket or reason, kept with the job ({needed})",
                id="reason",
                classes="line",
            )
            dry_run = Checkbox(DRY_RUN_OFF, id="dry-run")
            dry_run.BUTTON_INNER = " "
            yield dry_run
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(
                    self.asked.label, id="confirm", variant="error", disabled=not self.ready
                )

    def on_mount(self) -> None:
        """Where there is something to type, the cursor is already there."""
        if self.asked.word:
            self.query_one("#typed", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    @property
    def reason(self) -> str:
        return " ".join(self.query_one("#reason", Input).value.split()) if self.is_mounted else ""

    @property
    def ready(self) -> bool:
        """The count (or name) typed where one is asked, and a reason where one is required."""
        word = self.asked.word
        typed = self.query_one("#typed", Input).value if word and self.is_mounted else ""
        return (not word or typed_matches(typed, word)) and (
            not self.reason_required or bool(self.reason)
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
        else:
            self.query_one("#reason", Input).focus()
            self.notify("This account asks for a reason or ticket.", severity="warning")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """The box is empty when off and ticked when on: without colour an X always there
        would read as ticked."""
        event.checkbox.label = DRY_RUN_ON if event.value else DRY_RUN_OFF
        event.checkbox.BUTTON_INNER = "✓" if event.value else " "
        self.query_one("#confirm", Button).label = "Dry run" if event.value else self.asked.label

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_decide(event.button.id == "confirm")

    def action_decide(self, go: bool) -> None:
        if go and not self.ready:
            missing = "#typed" if self.asked.word else "#reason"
            self.query_one(missing, Input).focus()
            return
        self.dismiss(Decision(go, self.query_one(Checkbox).value, self.reason))
