"""The confirm dialog's part about staying off, shown only where the proposal offers it: keep
them off (a removal: the do-not-re-add register), revoke the invite link (a WhatsApp
removal), or why the register is overridden (an add-back of someone on it, which is refused
without one). The words are the desk's, as the shell prints them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Static

from providers.jobs.invites import offer
from providers.jobs.proposal import Kind, Proposal
from providers.jobs.staying_off import SUPPRESS_OFFER

OVERRIDE = "Override the do-not-re-add register: why (journaled; needed to add them back)"


class StayingOff(Vertical):
    DEFAULT_CSS = (
        "StayingOff { height: auto; } StayingOff .hint { padding: 0 0 0 4; color: $text-muted; }"
    )

    def __init__(self, asked: Proposal) -> None:
        super().__init__()
        self.asked = asked

    def compose(self) -> ComposeResult:
        if self.asked.offers_suppress and self.asked.kind is Kind.NEW:
            yield from _box(SUPPRESS_OFFER, "suppress")
        if self.asked.invites:
            yield from _box(offer([c.where for c in self.asked.invites]), "revoke")
        if self.asked.suppressed:
            yield Input(placeholder=OVERRIDE, id="override", classes="line")

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """Empty when off, ticked when on (as the dry run box): these are not a dry run."""
        event.stop()
        event.checkbox.BUTTON_INNER = "✓" if event.value else " "
        event.checkbox.refresh()

    def _ticked(self, box: str) -> bool:
        return any(c.value for c in self.query(f"#{box}").results(Checkbox))

    @property
    def suppress(self) -> bool:
        return self._ticked("suppress")

    @property
    def revoke(self) -> bool:
        return self._ticked("revoke")

    @property
    def override(self) -> str:
        return " ".join(w for i in self.query("#override").results(Input) for w in i.value.split())

    @property
    def ready(self) -> bool:
        """An add-back of someone on the register needs why it is overridden."""
        return not self.asked.suppressed or bool(self.override)


def _box(said: tuple[str, str], name: str) -> ComposeResult:
    """A box, off, with what ticking it does (and costs) on the line below."""
    label, detail = said
    box = Checkbox(label, id=name)
    box.BUTTON_INNER = " "
    yield box
    yield Static(detail, classes="hint", markup=False)
