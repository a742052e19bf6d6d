"""The shell face: accounts, containers and members, with plain errors and one JSON document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends import fail

from providers.journal import Journal
from providers.models import Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from tests.helpers import MemoryKeyring, demo_choir, run


def _home() -> Path:
    return Path(os.environ["ROSTERDECK_HOME"])


def test_add_check_list_and_remove_an_account(
    capsys: pytest.CaptureFixture[str],
    sandbox: Sandbox,
    wire_origin: str,
    memory_keyring: MemoryKeyring,
) -> None:
    url = sandbox.base_url(Provider.RASL, wire_origin)
    token = TOKENS[Provider.RASL]
    code, out, _ = run(
        capsys,
        "accounts",
        "add",
        "trust",
        "--provider",
        "rasl",
        "--base-url",
        url,
        stdin=token + "\n",
    )
    assert code == 0 and "Token accepted: Harbour Community Trust" in out
    assert memory_keyring.secrets[("rosterdeck", "trust")] == token
    assert token not in (_home() / "accounts.toml").read_text()

    code, out, _ = run(capsys, "accounts", "check", "trust")
    assert code == 0 and "token accepted" in out
    code, out, _ = run(capsys, "accounts", "list", "--json")
    assert json.loads(out) == [
        {"name": "trust", "provider": "rasl", "base_url": url, "options": {}, "token": "keyring"}
    ]
    code, out, _ = run(capsys, "containers", "trust", "--json")
    groups = [c for c in json.loads(out) if c["kind"] == "group"]
    code, out, _ = run(capsys, "members", "trust", groups[0]["id"], "--json")
    document = json.loads(out)
    assert document["total"] == len(document["members"]) == groups[0]["member_count"]

    code, out, _ = run(capsys, "accounts", "remove", "trust")
    assert code == 0 and "token deleted" in out
    assert not memory_keyring.secrets


def test_a_wrong_token_is_refused_in_one_sentence(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, wire_origin: str
) -> None:
    url = sandbox.base_url(Provider.AUTOSEND, wire_origin)
    code, _, err = run(
        capsys,
        "accounts",
        "add",
        "mail",
        "--provider",
        "autosend",
        "--base-url",
        url,
        stdin="as_nope\n",
    )
    assert code == 1
    assert err.startswith("rosterdeck: AutoSend (mail) refused the token")
    assert "Traceback" not in err and "as_nope" not in err
    assert not (_home() / "accounts.toml").exists()


def test_headless_add_explains_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, wire_origin: str
) -> None:
    keyring.set_keyring(fail.Keyring())
    url = sandbox.base_url(Provider.RASL, wire_origin)
    secret = TOKENS[Provider.RASL]
    code, _, err = run(
        capsys, "accounts", "add", "trust", "--provider", "rasl", "--base-url", url, stdin=secret
    )
    assert code == 1 and "ROSTERDECK_TOKEN_TRUST" in err
    for path in _home().rglob("*"):
        assert not path.is_file() or secret not in path.read_text(errors="ignore")


def test_an_environment_token_is_used_and_not_stored(
    capsys: pytest.CaptureFixture[str],
    sandbox: Sandbox,
    wire_origin: str,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    monkeypatch.setenv("ROSTERDECK_TOKEN_WA", TOKENS[Provider.WASEND])
    url = sandbox.base_url(Provider.WASEND, wire_origin)
    code, out, _ = run(capsys, "accounts", "add", "wa", "--provider", "wasend", "--base-url", url)
    assert code == 0 and "nothing is stored" in out
    assert not memory_keyring.secrets
    code, out, _ = run(capsys, "accounts", "list")
    assert "environment" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["containers", "nobody"], "No account named 'nobody'"),
        (["--demo", "members", "sandbox-rasl", "group:99"], "No container 'group:99'"),
        (["accounts", "add", "bad name!", "--provider", "rasl", "--no-verify"], "Invalid name"),
        (
            ["accounts", "add", "x", "--provider", "rasl", "--base-url", "ftp://x", "--no-verify"],
            "Invalid base_url",
        ),
    ],
)
def test_mistakes_end_in_a_plain_sentence(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv, stdin="token\n")
    assert code == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize("demo", [[], ["--demo"]])
def test_a_command_without_its_account_says_which_command_names_them(
    capsys: pytest.CaptureFixture[str], demo: list[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        run(capsys, *demo, "containers")
    said = capsys.readouterr().err
    assert ended.value.code == 2 and "required: account" in said
    printed = said.split("`")[1]
    assert printed == " ".join(["rosterdeck", *demo, "accounts", "list"])
    code, out, _ = run(capsys, *printed.split()[1:])
    assert code == 0 and ("sandbox-rasl" in out) == bool(demo)


def test_demo_reads_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "containers", "sandbox-wasend", "--json")
    groups = json.loads(out)
    choir = next(g for g in groups if g["name"] == "Choir")
    code, out, _ = run(
        capsys, "--demo", "members", "sandbox-wasend", choir["id"], "--json", "--search", "+44"
    )
    document = json.loads(out)
    assert code == 0 and document["members"]
    assert any(
        m["locked"]
        for m in json.loads(
            run(capsys, "--demo", "members", "sandbox-wasend", choir["id"], "--json")[1]
        )["members"]
    )


def test_the_shell_says_a_dry_run_is_one_in_plain_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "--demo", "containers", "sandbox-autosend")
    assert "100,000" in out
    _, out, _ = run(capsys, "--demo", "containers", "sandbox-wasend")
    assert "(cannot be read: Sales line is unlinked: link its phone again in WaSend)" in out
    code, out, _ = run(
        capsys, "--demo", "remove", "sandbox-rasl", "group:3", "+12025550105", "--dry-run", "--yes"
    )
    assert code == 0 and "journaled; a dry run: nothing is sent." in out
    assert "\n○ would remove    Jade Chen <+12025550105>\n" in out, "each member, from the plan"
    assert "finished: ○ would remove 1 · dry run — Dry run: nothing was sent; only its " in out
    _, out, _ = run(capsys, "--demo", "jobs")
    assert "finished  ○ would remove 1 · dry run" in out


def test_sandbox_serve_answers_plain_http() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "sandbox", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().split() for _ in Provider]
        endpoints = {provider: (url, token) for provider, url, token in lines}
        url, token = endpoints["autosend"]
        answer = httpx.get(f"{url}/contact-lists", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["success"] is True
        assert answer.headers["X-RateLimit-Limit"] == "2"
        url, token = endpoints["rasl"]
        refused = httpx.get(f"{url}/groups", headers={"Authorization": "Bearer nope"})
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "UNAUTHORIZED"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_remove_prints_each_member_then_jobs_and_undo(capsys: pytest.CaptureFixture[str]) -> None:
    choir, members = demo_choir(capsys)
    owner = next(m for m in members if m["role"] == "owner")
    plain = [m for m in members if not m["locked"]][:3]
    code, out, _ = run(
        capsys,
        "--demo",
        "remove",
        "sandbox-wasend",
        choir,
        owner["address"],
        *(m["address"] for m in plain),
        "--yes",
    )
    assert code == 0
    assert out.count("✓ removed  ") == 3 and "Skipped, never sent: 1" in out and "finished" in out
    code, out, _ = run(capsys, "--demo", "jobs", "--json")
    (job,) = json.loads(out)
    assert job["counts"] == {"protected": 1, "removed": 3}
    # The demo keeps its data between commands: they were removed, and are put back.
    code, out, _ = run(capsys, "--demo", "undo", job["id"], "--yes")
    assert code == 0 and out.count("↺ restored  ") == 3


def test_remove_without_a_terminal_or_yes_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    choir, members = demo_choir(capsys)
    code, _, err = run(capsys, "--demo", "remove", "sandbox-wasend", choir, str(members[3]["id"]))
    assert code == 1 and "without --yes" in err
    code, out, _ = run(
        capsys,
        "--demo",
        "remove",
        "sandbox-wasend",
        choir,
        str(members[3]["id"]),
        "--dry-run",
        "--json",
    )
    document = json.loads(out)
    assert code == 0 and [m["outcome"] for m in document["members"]] == ["would-remove"]


def test_a_faster_whatsapp_pace_says_its_risk_and_needs_consent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, _ = run(
        capsys, "accounts", "add", "phones", "--provider", "wasend", "--no-verify", stdin="t\n"
    )
    assert code == 0
    code, out, _ = run(capsys, "accounts", "pace", "phones")
    assert code == 0 and "one person a call, 3–6 s apart at random" in out
    assert "at most 100 a day per session" in out and "safe pace" in out

    code, _, err = run(capsys, "accounts", "pace", "phones", "--batch", "5", "--gap", "1")
    assert code == 2 and "may ban its number" in err and "Nothing was changed" in err
    code, _, err = run(capsys, "accounts", "pace", "phones", "--gap", "-1", "--yes")
    assert code == 1 and "seconds_between_writes = -1.0; it must be a number of seconds" in err
    assert "may ban" not in err, "refused before any risk is weighed"
    assert "batch_size" not in (_home() / "accounts.toml").read_text()

    code, out, err = run(capsys, "accounts", "pace", "phones", "--batch", "5", "--yes")
    assert code == 0 and "5 people a call" in out and "may ban" in err
    code, out, _ = run(capsys, "accounts", "pace", "phones")
    assert "⚠" in out and "5 people a call" in out

    code, out, _ = run(capsys, "accounts", "pace", "phones", "--safe")
    assert code == 0 and "one person a call" in out
    code, out, _ = run(capsys, "accounts", "pace", "phones", "--daily-budget", "50")
    assert code == 0 and "at most 50 a day" in out  # slower than safe: no question asked


def test_pace_is_only_for_whatsapp_accounts(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "accounts", "add", "mail", "--provider", "autosend", "--no-verify", stdin="t\n")
    code, _, err = run(capsys, "accounts", "pace", "mail", "--gap", "1")
    assert code != 0 and "Only WaSend" in err


def test_the_pace_in_force_today_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "accounts", "add", "phones", "--provider", "wasend", "--no-verify", stdin="t\n")
    code, out, _ = run(capsys, "accounts", "pace", "phones")
    assert code == 0 and "Today: the usual pace." in out
    assert "group reads 1–2 s apart, each kept 5 min" in out

    today = date.today()
    journal = Journal(_home() / "journal.sqlite3")  # as a removal that was told no left it
    said = "WhatsApp answered rate-overlimit at 14:02"
    journal.slowdowns("phones").note("447700900002", today.isoformat(), said)
    journal.close()
    since = (today - timedelta(days=3)).isoformat()
    code, out, _ = run(capsys, "accounts", "pace", "phones", "--new-number-since", since)
    assert code == 0
    code, out, _ = run(capsys, "accounts", "pace", "phones")
    assert out.splitlines()[2:] == [
        "Today:",
        f"A new number (since {since}): at most 20 removals a day now, then 40 a day from "
        f"{today + timedelta(days=4)}, 80 a day from {today + timedelta(days=11)}, 100 a day "
        f"from {today + timedelta(days=18)}.",
        f"+447700900002: Slower today: {said}; removals 6–12 s apart until tomorrow.",
    ]
    code, _, err = run(capsys, "accounts", "pace", "phones", "--new-number-since", "last week")
    assert code == 1 and "new_number_since" in err and "it must be a date, YYYY-MM-DD" in err
    code, out, _ = run(capsys, "accounts", "pace", "phones", "--new-number-since", "none")
    assert code == 0 and "new_number_since" not in (_home() / "accounts.toml").read_text()
