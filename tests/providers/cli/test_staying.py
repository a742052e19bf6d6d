"""The shell's `suppressed`, `sweep` and `forget`, as a script or cron runs them: one person
off everything is on the register; undoing it is refused; a sweep reports who is back where
in one JSON document with an exit status a cron job reads; `forget` erases her so that no
byte under ROSTERDECK_HOME names her, `jobs verify` still holds, and she stays suppressed."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from tests.helpers import run

PHONE, DIGITS, EMAIL = "+1 202 555 0105", "12025550105", "jade.chen5@example.net"


def off_everything(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code, _, _ = run(
        capsys, "--demo", "remove", "--everywhere", PHONE, EMAIL, "--reason", "T-1", "--yes"
    )
    assert code == 1, "the Sales line session could not be searched"
    _, out, _ = run(capsys, "--demo", "jobs", "--json")
    return next(j for j in json.loads(out) if j.get("account") == "sandbox-wasend")


def naming(home: Path) -> list[str]:
    return [
        str(p.relative_to(home))
        for p in home.rglob("*")
        if p.is_file() and any(n.encode() in p.read_bytes().lower() for n in (DIGITS, EMAIL))
    ]


def test_off_everything_then_forgotten_leaves_no_byte_and_stays_suppressed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = Path(os.environ["ROSTERDECK_HOME"])
    part = off_everything(capsys)
    code, out, _ = run(capsys, "--demo", "suppressed", "--json")
    (entry,) = json.loads(out)
    assert {"+1 202 555 0105", EMAIL} <= set(entry["addresses"]) and entry["why"] == "T-1"
    code, out, _ = run(capsys, "--demo", "jobs", "receipt", entry["job"])
    (home / "demo" / "exports").mkdir()
    (home / "demo" / "exports" / "receipt.md").write_text(out)
    code, _, err = run(capsys, "--demo", "undo", str(part["id"]), "--yes")
    assert code == 1 and "asked to stay off" in err and "--override" in err
    assert naming(home)

    code, out, _ = run(capsys, "--demo", "forget", PHONE, "--reason", "GDPR T-9", "--yes")
    assert code == 0 and "Erased (" in out and "journaled as erasure-" in out
    assert naming(home) == []
    code, out, _ = run(capsys, "--demo", "jobs", "verify")
    assert code == 0 and "The journal is whole" in out
    code, out, _ = run(capsys, "--demo", "suppressed", "--json")
    assert [e["addresses"] for e in json.loads(out)] == [[]]
    code, _, err = run(capsys, "--demo", "undo", str(part["id"]), "--yes")
    assert code == 1 and "Only a real removal" not in err

    code, out, _ = run(capsys, "--demo", "forget", EMAIL, "--reason", "GDPR T-9", "--yes")
    assert code == 0 and "nothing was erased" in out and "stay suppressed" in out


def test_an_unattended_sweep_reports_who_is_back_in_one_document_and_its_exit_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    off_everything(capsys)
    # each demo command starts from fresh sandbox data: she is back in every place
    code, out, err = run(capsys, "--demo", "sweep", "--json")
    assert code == 3 and err == ""
    report = json.loads(out)
    (back,) = report["back"]
    assert {(p["account"], p["where"]) for p in back["places"]} == {
        ("sandbox-rasl", "Newsletter (WhatsApp)"),
        ("sandbox-rasl", "Lapsed Members"),
        ("sandbox-wasend", "Front desk / Harbour Runners"),
        ("sandbox-wasend", "Events team / Choir"),
        ("sandbox-autosend", "Monthly newsletter"),
    }
    assert [u["account"] for u in report["not_searched"]] == ["sandbox-wasend"]
    assert report["calls"] > 0 and report["people"] == report["searched"] == 1

    code, out, _ = run(capsys, "--demo", "sweep", "--remove", "--yes", "--reason", "T-2")
    assert code == 3 and "✗ back:" in out and "journaled; sending." in out
    assert out.count("✓ removed  ") == 5 and "finished: ✓ removed 5." in out


def test_the_register_by_hand_add_remove_with_why_and_export(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--demo", "suppressed", "add", "+44 7700 900123")
    assert code == 1 and "Why?" in err
    code, out, _ = run(
        capsys,
        "--demo",
        "suppressed",
        "add",
        "+44 7700 900123",
        "ada@example.com",
        "--reason",
        "T-5",
    )
    assert code == 0 and "On the register: S-" in out
    entry = out.split("On the register: ")[1].strip().rstrip(".")
    code, out, _ = run(capsys, "--demo", "suppressed", "export")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["entry", "since", "by", "why", "active", "address"]
    # a row an address; a cell that starts like a formula is neutralised
    assert [(r[0], r[3], r[5]) for r in rows[1:]] == [
        (entry, "T-5", "'+44 7700 900123"),
        (entry, "T-5", "ada@example.com"),
    ]
    code, _, err = run(capsys, "--demo", "suppressed", "remove", entry)
    assert code == 1 and "and why" in err
    code, out, _ = run(capsys, "--demo", "suppressed", "remove", entry, "--reason", "T-6")
    assert code == 0 and "taken off the register" in out
    code, out, _ = run(capsys, "--demo", "suppressed")
    assert "Nobody is on the do-not-re-add register." in out
    code, out, _ = run(capsys, "--demo", "suppressed", "--all")
    assert entry in out and "taken off" in out
