"""What many tests share and no test owns: an in-memory keyring, a recording sleep, the
shell run in process, and small ways into the app and the sandbox."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Callable
from typing import Any

import keyring
import keyring.backend
import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from providers.accounts.store import Account
from providers.accounts.workspace import sandbox_accounts
from providers.jobs.desk import Desk
from providers.jobs.everywhere import plan_everywhere
from providers.jobs.find import find_everywhere
from providers.models import Member, MemberOutcome, Outcome, Provider
from providers.protocol import Adapter
from providers.sandbox.apis import Sandbox
from tui.main import main

FAST = {
    "requests_per_second": 0,
    "seconds_between_writes": 0,
    "write_jitter": 0,
    "seconds_between_reads": 0,
    "read_jitter": 0,
}

OpenAdapter = Callable[..., Adapter]


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise keyring.errors.PasswordDeleteError("no such password")
        del self.secrets[(service, username)]


class Sleeps:
    """A stand-in for asyncio.sleep that records each wait and never waits: it only lets the
    other tasks run, as a sleep would."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)

    def clock(self, start: float) -> Callable[[], float]:
        """A clock that stands at `start` and moves only by what is waited here: given to the
        sandbox, what the client waits is exactly what passes there, however slow the
        machine."""
        return lambda: start + sum(self.waits)


def wire_account(sandbox: Sandbox, origin: str, provider: Provider) -> tuple[Account, str]:
    return next(
        (a, t) for a, t in sandbox_accounts(origin=origin, options=FAST) if a.provider is provider
    )


def text_of(pilot: Pilot[Any], selector: str) -> str:
    """What a Static on the current screen shows."""
    return str(pilot.app.screen.query_one(selector, Static).render())


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    """A `rosterdeck` command run in process: its exit status, stdout and stderr."""
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err


def in_whatsapp_group(sandbox: Sandbox, subject: str, phone: str) -> dict[str, object]:
    """The person's own entry in a sandbox WhatsApp group, to change behind the app's back."""
    return next(
        participant
        for groups in sandbox.wasend.groups.values()
        for group in groups.values()
        if group["subject"] == subject
        for participant in group["participants"].values()
        if participant["phoneNumber"] == phone
    )


def demo_choir(capsys: pytest.CaptureFixture[str]) -> tuple[str, list[dict[str, object]]]:
    """The demo's WhatsApp group "Choir": its id, and its members as `members --json` lists
    them."""
    _, out, _ = run(capsys, "--demo", "containers", "sandbox-wasend", "--json")
    choir = next(g for g in json.loads(out) if g["name"] == "Choir")
    _, out, _ = run(capsys, "--demo", "members", "sandbox-wasend", choir["id"], "--json")
    return choir["id"], json.loads(out)["members"]


def toasts(pilot: Pilot[Any]) -> list[str]:
    """What the app's toasts say (its notifications: the toasts are drawn from them)."""
    return [str(notification.message) for notification in pilot.app._notifications]


def whatsapp_group(sandbox: Sandbox, subject: str) -> dict[str, Any]:
    """A sandbox WhatsApp group by its name, to look at or change behind the app's back."""
    return next(
        group
        for groups in sandbox.wasend.groups.values()
        for group in groups.values()
        if group["subject"] == subject
    )


def in_two_community_groups(sandbox: Sandbox) -> str:
    """The id of someone of the demo's community in its announcement group and Plot Holders,
    not in Seed Swap."""
    plots = whatsapp_group(sandbox, "Plot Holders")["participants"]
    seeds = whatsapp_group(sandbox, "Seed Swap")["participants"]
    return next(
        pid
        for pid, p in whatsapp_group(sandbox, "Announcements")["participants"].items()
        if pid in plots and pid not in seeds and not p["isAdmin"] and p["displayName"]
    )


async def off_everywhere(desk: Desk, addresses: list[str], reason: str = "T-4821") -> str:
    """One person found and taken off every place, through the desk as a face would: the
    everywhere job's id."""
    found = await find_everywhere(desk.workspace, addresses, opened=desk.adapter)
    proposal = await desk.propose_everywhere(plan_everywhere(found, addresses))
    ticket = desk.confirm(proposal, typed=proposal.word, reason=reason)
    await desk.runs.run(ticket)
    return ticket.job_id


def jade(sandbox: Sandbox) -> list[str]:
    """The demo's person who is in every account: her phone and email."""
    person = sandbox.everywhere[0]
    return [person["phone"], person["email"]]


def assert_lost_add_settled(
    outcomes: list[MemberOutcome], back: Member, gone: Member, call: str
) -> None:
    """An add whose answer was lost, settled by reading: `back` is confirmed in again, and
    `gone` (deleted meanwhile) is unknown, its message naming the call that was sent."""
    by_member = {o.member_id: o for o in outcomes}
    assert by_member[back.id].outcome is Outcome.RESTORED
    assert "Confirmed back after the answer was lost" in by_member[back.id].message
    assert by_member[gone.id].outcome is Outcome.UNKNOWN
    assert "Not in it when checked; it may yet be added" in by_member[gone.id].message
    assert f"after {call} was sent" in by_member[gone.id].message
