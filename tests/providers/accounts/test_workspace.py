"""Workspaces: what listing the accounts costs, and what opening one makes."""

from __future__ import annotations

from providers.accounts.workspace import SandboxWorkspace
from providers.models import Provider
from providers.sandbox.apis import Sandbox


async def test_the_demo_lists_its_accounts_without_making_the_sandbox() -> None:
    """The first screen lists the accounts: the fakes and their data (Starlette, the seeded
    people, the kept file) are made when an account is opened, once, with the demo's story."""
    made: list[Sandbox] = []

    def story(sandbox: Sandbox) -> None:
        made.append(sandbox)
        sandbox.faults[Provider.RASL].error_rate = 1.0

    workspace = SandboxWorkspace.demo(story=story)
    assert [a.name for a in workspace.accounts()] == [
        "sandbox-rasl",
        "sandbox-wasend",
        "sandbox-autosend",
    ]
    assert workspace.sped_up and made == []
    adapter = await workspace.open("sandbox-wasend")
    await workspace.open("sandbox-autosend")
    assert made == [workspace.sandbox] and workspace.sandbox.faults[Provider.RASL].error_rate == 1
    assert workspace.sandbox.keeper is not None  # kept beside the demo's journal
    await adapter.aclose()


def test_the_demo_at_the_real_pace_is_not_sped_up() -> None:
    assert not SandboxWorkspace.demo(real_pace=True).sped_up
    assert SandboxWorkspace(Sandbox()).sped_up is False
    assert SandboxWorkspace(Sandbox().unlimited()).sped_up is True
