"""What every main screen shares: the sandbox banner, a heading, the footer, escape."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from providers.models import Capabilities
from tui.messages import Propose
from tui.widgets.deck_footer import DeckFooter
from tui.widgets.sandbox_banner import SandboxBanner

if TYPE_CHECKING:
    from providers.jobs.desk import Desk
    from providers.jobs.proposal import Proposal
    from tui.app import RosterDeckApp


class DeckScreen(Screen[None]):
    BINDINGS = [Binding("escape", "back", "Back", id="back")]
    #: letters typed here go to a filter, so none of them is a command (`q` included)
    LETTERS_FILTER = False

    @property
    def deck(self) -> RosterDeckApp:
        return cast("RosterDeckApp", self.app)

    def compose(self) -> ComposeResult:
        if self.deck.workspace.is_sandbox:
            yield SandboxBanner(sped_up=self.deck.workspace.sped_up)
        yield Static(self.heading(), id="heading", markup=False)
        yield from self.body()
        yield DeckFooter()

    def abilities(self, account: str) -> Capabilities | None:
        """What the account's adapter can do, once this session has opened it; screens ask
        this rather than which provider it is."""
        adapter = self.deck.desk.opened(account)
        return adapter.capabilities if adapter is not None else None

    def ask_desk(self, ask: Callable[[Desk], Awaitable[Proposal]]) -> None:
        """Have the desk propose this and the person confirm it; the keys typed from now
        until its dialog is up are kept for the dialog."""
        self.deck.type_ahead.hold()
        self.post_message(Propose(ask))

    def heading(self) -> str:
        return "RosterDeck"

    def body(self) -> ComposeResult:
        yield from ()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
