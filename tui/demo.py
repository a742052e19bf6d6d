"""The built-in demo: the sandbox's accounts, with the faults that let its story show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from providers.accounts.workspace import SandboxWorkspace
from providers.models import Provider

if TYPE_CHECKING:
    from providers.sandbox.apis import Sandbox


def demo_workspace(real_pace: bool = False) -> SandboxWorkspace:
    """The sandbox as the demo tells its story (`demo_story`). With `real_pace` the
    providers' documented rate limits stay, as a real account has them: the 100,000-contact
    list then takes minutes to load, as it would."""
    return SandboxWorkspace.demo(real_pace, story=demo_story)


def demo_story(sandbox: Sandbox) -> None:
    """Reads are quick, removals take a visible moment, and about one removal call in twenty
    fails, so the retry path shows too."""
    for provider, faults in sandbox.faults.items():
        faults.latency, faults.error_rate, faults.error_status = 0.25, 0.05, 500
        if provider is Provider.AUTOSEND:
            faults.match = "/contacts/remove"  # its reads are POSTs too
        else:
            faults.methods = frozenset({"DELETE"})
