"""The members screen. A list too big to load at once: filter, paste and `a` say so and ask
the provider (the sandbox keeps AutoSend's documented pace, 2 calls a second, 100 contacts a
page, so a 20,000-contact list takes 100 s to load: every test here acts long before it
ends). WhatsApp's lists: how old a kept one is, one that looks incomplete, members whose
phone is unknown, and a community's members taken off each of its groups.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any, cast

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Button, Input, TextArea
from textual.widgets._footer import FooterKey

import tui.roster
import tui.screens.members
from providers.models import Provider
from providers.sandbox import people
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from providers.wasend.adapter import WaSendAdapter
from tests.helpers import in_two_community_groups, text_of
from tests.scenes import open_members, quick_app, until
from tui.dialogs.choice import ChoiceScreen
from tui.dialogs.confirm_removal import ConfirmRemovalScreen
from tui.screens.containers import ContainersScreen
from tui.screens.everywhere_progress import EverywhereProgressScreen
from tui.screens.members import MembersScreen

SIZE = (80, 24)
BIG = 20_000
LAST = BIG - 1  # on the list's last page, far from loaded while a test runs


def big_list_app() -> Any:
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=BIG))
    return quick_app(sandbox, requests_per_second=2)


async def open_newsletter(pilot: Pilot[Any]) -> MembersScreen:
    await open_members(pilot, 2, "monthly", whole=False)
    screen = pilot.app.screen
    assert isinstance(screen, MembersScreen)
    return screen


async def test_loading_shows_progress_and_time_left() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        counts = text_of(pilot, "#counts")
        # 19,900 to go at about 200 a second (the pace seen so far) is over a minute
        assert f"loading {screen.roster.loaded:,} of {BIG:,} ·" in counts
        left = re.search(r"· (\d+)\u00a0(s|min) left$", counts)
        assert left is not None and (left.group(2) == "min" or int(left.group(1)) >= 60), counts
        assert not screen.roster.complete


async def test_filter_on_enter_asks_the_provider_for_rows_not_loaded() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        wanted = people.email_of(LAST)
        await pilot.press("slash", *f"{LAST}@")
        assert screen.roster.shown == 0  # not loaded yet
        await pilot.press("enter")
        await until(pilot, lambda: screen.roster.shown == 1)
        assert screen.roster.member_at(0).address == wanted
        assert "found 1 more" in text_of(pilot, "#status")
        assert not screen.roster.complete
        assert screen.table.has_focus


async def test_paste_asks_the_provider_about_what_the_loaded_rows_lack() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        loaded = screen.roster.members[0].address
        far = people.email_of(LAST)
        await pilot.press("p")
        app.screen.query_one(TextArea).insert(f"{loaded}\n{far.upper()}\nnobody@example.com")
        app.screen.query_one("#csv", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "provider's search" in text_of(pilot, "#report"))
        report = text_of(pilot, "#report")
        assert "2 matched, 2 newly marked" in report
        assert "Matched nobody (1): nobody@example.com" in report
        await pilot.press("escape")
        marked = {m.address for m in screen.roster.marked_members()}
        assert marked == {loaded, far}


async def test_a_on_a_partly_loaded_list_asks_all_or_only_the_shown() -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        # what the dialog offers, however many rows load while it is open
        offered = str(app.screen.query_one("#answer-shown", Button).label)
        shown = int(offered.split()[2].replace(",", ""))
        await pilot.press("o")
        assert isinstance(app.screen, MembersScreen)
        assert len(screen.roster.marked) == shown and not screen.roster.marking_all

        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        assert f"All {BIG:,}" in str(app.screen.query_one("#answer-all").label)
        await pilot.press("l")
        roster = screen.roster
        assert roster.marking_all
        before = roster.loaded
        await until(pilot, lambda: roster.loaded > before)
        assert len(roster.marked) == roster.loaded  # the newsletter has no locked members
        assert "marking all as they load" in text_of(pilot, "#counts")

        await pilot.press("d")  # not before every member is here
        assert isinstance(app.screen, MembersScreen)
        assert "once all are here" in text_of(pilot, "#status")


async def test_a_on_a_whole_list_marks_the_shown_without_asking() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        await pilot.press("a")
        assert isinstance(app.screen, MembersScreen)
        assert len(screen.roster.marked) == screen.roster.loaded == 75


async def test_keys_typed_right_after_slash_land_in_the_filter() -> None:
    """Over SSH (or from tmux) keys arrive together: none is lost while the field opens."""
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        for key, character in [("slash", "/"), ("r", "r"), ("a", "a"), ("enter", None)]:
            app.post_message(events.Key(key, character))
        await until(pilot, lambda: screen.table.has_focus and screen.roster.filter_text == "ra")
        assert screen.query_one("#filter", Input).value == "ra"
        assert not screen.roster.marked  # the `a` went into the field, not to "mark all"


async def test_escape_in_the_filter_says_it_clears_and_does() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        offered = lambda: {(k.key, k.description) for k in screen.query(FooterKey)}  # noqa: E731
        await until(pilot, lambda: ("escape", "Back") in offered())
        await pilot.press("slash", "r", "a")
        await until(pilot, lambda: ("escape", "Clear filter") in offered())
        assert ("escape", "Back") not in offered() and ("enter", "Keep filter") in offered()
        assert ("slash", "Filter") not in offered()
        await pilot.press("slash")
        await until(pilot, lambda: screen.filter.value == "ra/")  # a character of the query
        await pilot.press("backspace")
        before = screen.roster.shown
        await pilot.press("escape")
        await until(pilot, lambda: screen.table.has_focus and not screen.roster.filter_text)
        assert screen.filter.has_class("-hidden") and screen.roster.shown > before
        assert isinstance(app.screen, MembersScreen), "one escape clears, it does not leave"


async def test_a_filter_is_applied_between_frames_and_keys_typed_meanwhile_land(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a big list the filter checks a slice of rows a frame: what it found shows at once,
    the counts say how far it got, and keys typed meanwhile narrow it or act on all of it."""
    for module in (tui.roster, tui.screens.members):
        monkeypatch.setattr(module, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(tui.roster, "CHUNK", 10)
    said: list[str] = []
    counts = tui.screens.members.counts_line
    monkeypatch.setattr(
        tui.screens.members, "counts_line", lambda *a, **k: said.append(counts(*a, **k)) or said[-1]
    )
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        members = screen.roster.members
        for key, character in [("slash", "/"), ("a", "a"), ("r", "r"), ("enter", None)]:
            app.post_message(events.Key(key, character))
        roster = screen.roster
        await until(pilot, lambda: roster.filter_text == "ar" and roster.filtering is None)
        assert any("shown (filtering: 13%)" in line for line in said)  # 10 of 75 checked
        ar = [m.id for m in members if "ar" in f"{m.name}\t{m.address}\t{m.id}".lower()]
        assert 0 < len(ar) < len(members)
        assert [m.id for m in map(roster.member_at, range(roster.shown))] == ar
        await until(pilot, lambda: screen.table.has_focus)
        await pilot.press("a")
        assert roster.marked == set(ar)
        assert text_of(pilot, "#counts").startswith(f"{len(ar)} marked · {len(ar)} shown · 75")


async def test_only_the_shown_of_a_partly_loaded_list_are_every_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`a` while the filter is still being applied offers (and marks) all its matches."""
    monkeypatch.setattr(tui.roster, "SLICE_SECONDS", 0.0)
    monkeypatch.setattr(tui.roster, "CHUNK", 10)
    monkeypatch.setattr(MembersScreen, "filter_more", lambda self: None)  # held mid-way
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=BIG))
    app = quick_app(sandbox, requests_per_second=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        refusing = sandbox.faults[Provider.AUTOSEND]
        refusing.error_rate, refusing.error_status = 1.0, 403  # the load ends, cut short
        await until(pilot, lambda: not screen.streaming)
        await pilot.press("slash", "1", "enter")
        roster = screen.roster
        await until(pilot, lambda: screen.table.has_focus and roster.filtering is not None)
        ones = [i for i, m in enumerate(roster.members) if "1" in f"{m.name}\t{m.address}\t{m.id}"]
        assert roster.shown < len(ones) and not roster.complete
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        offered = str(app.screen.query_one("#answer-shown", Button).label)
        assert offered == f"Only the {len(ones):,} shown (o)"
        await pilot.press("o")
        assert roster.marked == {roster.members[i].id for i in ones}


NOBODY = "nobody@example.org / +1 555 0199"


def sheet(folder: Path, *emails: str) -> str:
    path = folder / "unsubscribes.csv"
    rows = [f"Person {i},{email},+1 555 01{i:02d}" for i, email in enumerate(emails)]
    path.write_text("\n".join(["name,email,phone", *rows, "Nobody,nobody@example.org,+1 555 0199"]))
    return str(path)


async def test_rows_of_a_csv_mark_people_and_list_the_unmatched_rows(tmp_path: Path) -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        chosen = screen.roster.members[:2]
        await pilot.press("p")
        app.screen.query_one("#csv", Input).value = sheet(tmp_path, *(m.address for m in chosen))
        app.screen.query_one("#csv", Input).focus()
        await pilot.press("enter")
        report = text_of(pilot, "#report")
        assert "2 matched, 2 newly marked" in report
        assert f"Matched nobody (1): {NOBODY}" in report
        await pilot.press("escape")
        assert screen.roster.marked == {m.id for m in chosen}


async def test_rows_the_loaded_members_lack_are_asked_of_the_provider(tmp_path: Path) -> None:
    app = big_list_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_newsletter(pilot)
        far = people.email_of(LAST)
        await pilot.press("p")
        app.screen.query_one("#csv", Input).value = sheet(tmp_path, far)
        app.screen.query_one("#csv", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "provider's search" in text_of(pilot, "#report"))
        report = text_of(pilot, "#report")
        assert "1 matched, 1 newly marked" in report
        assert f"Matched nobody (1): {NOBODY}" in report
        await pilot.press("escape")
        assert {m.address for m in screen.roster.marked_members()} == {far}


async def reopen(pilot: Pilot[Any], name: str) -> MembersScreen:
    """Back to the groups list, and into another group (or the same one again)."""
    await pilot.press("escape")
    await until(pilot, lambda: isinstance(pilot.app.screen, ContainersScreen))
    pilot.app.screen.query_one("#filter", Input).value = name
    await pilot.press("enter", "enter")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, MembersScreen) and not pilot.app.screen.streaming,
    )
    return cast(MembersScreen, pilot.app.screen)


async def test_a_list_read_minutes_ago_says_so_and_ctrl_r_reads_it_anew() -> None:
    sandbox = Sandbox().unlimited()
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "choir")
        assert text_of(pilot, "#counts").endswith("54 total · read just now")
        reads = sandbox.wasend.reads["sess_events"]
        adapter = cast(WaSendAdapter, app.desk.opened("sandbox-wasend"))
        clock = adapter.clock
        adapter.clock = lambda: clock() + 180  # three minutes on
        screen = await reopen(pilot, "choir")
        assert text_of(pilot, "#counts").endswith("54 total · read 3 min ago")
        assert sandbox.wasend.reads["sess_events"] == reads, "the list was kept"
        await pilot.press("ctrl+r")
        await until(pilot, lambda: not screen.streaming)
        assert text_of(pilot, "#counts").endswith("54 total · read just now")
        assert sandbox.wasend.reads["sess_events"] == reads + 1


async def test_a_short_list_says_so_and_members_with_no_phone_are_shown_so() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "seed")
        assert "17 total · looks incomplete · read just now" in text_of(pilot, "#counts")
        assert text_of(pilot, "#status") == (
            "⚠ The list looks incomplete (17 listed of the 30 WhatsApp counts): who is not in "
            "it may still be a member. ctrl+r reads it again."
        )
        screen = await reopen(pilot, "plot")
        unknown = [m for m in screen.roster.members if m.address == "privacy id, phone unknown"]
        assert len(unknown) == 2 and "looks incomplete" not in text_of(pilot, "#counts")
        await pilot.press("slash", *"phone unknown", "enter")
        assert screen.roster.shown == 2  # shown, and found, by those words


async def test_d_on_a_community_takes_the_marked_off_each_of_its_groups() -> None:
    sandbox = Sandbox().unlimited()
    pid = in_two_community_groups(sandbox)
    app = quick_app(sandbox)
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 1, "riverside")
        assert "A community: d takes the marked off each" in text_of(pilot, "#status")
        await pilot.press("slash", *pid.split("@")[0], "enter", "space", "d")
        await until(
            pilot, lambda: isinstance(app.screen, ConfirmRemovalScreen) and app.screen.is_mounted
        )
        said = text_of(pilot, "#explain")
        assert "from the community Events team / Riverside Allotments: 2 groups:" in said
        assert "• Events team / Announcements (sandbox-wasend)" in said
        assert "• Events team / Plot Holders (sandbox-wasend)" in said
        app.screen.query_one("#typed", Input).value = "2"
        await pilot.click("#confirm")
        await until(pilot, lambda: isinstance(app.screen, EverywhereProgressScreen))
        await until(pilot, lambda: not app.desk.runs.busy)
        assert [p for _, p in sandbox.wasend.removals] == [pid, pid]


async def test_a_filter_that_matches_nobody_says_so_until_a_key_changes_it() -> None:
    app = quick_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        await pilot.press("slash", *"zzq")
        await until(pilot, lambda: "holds “zzq”" in text_of(pilot, "#status"))
        assert text_of(pilot, "#status") == "No loaded member's name, address or id holds “zzq”."
        await pilot.press("backspace", "backspace", "backspace")
        await until(pilot, lambda: text_of(pilot, "#status") == "")


def _collected(member: object) -> bool:
    """Whether Python's collector walks this object (a frozen one it never does)."""
    return any(o is member for o in gc.get_objects())


async def test_the_loaded_members_are_kept_out_of_the_collector_until_the_list_is_left() -> None:
    """A full collection walks every tracked object: a million members would stall each one."""
    app = quick_app(Sandbox())
    async with app.run_test(size=SIZE) as pilot:
        await open_members(pilot, 2, "beta")
        screen = pilot.app.screen
        assert isinstance(screen, MembersScreen)
        first, last = screen.roster.members[0], screen.roster.members[-1]
        assert not _collected(first) and not _collected(last)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, ContainersScreen))
        await until(pilot, lambda: not screen.is_attached)
        assert _collected(first) and _collected(last)
