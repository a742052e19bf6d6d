"""`rosterdeck remove --from FILE`: what a file cannot give is said with its path, and a
spreadsheet row is one person, matched by any of its addresses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run

BETA = "Beta testers"


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("empty.csv", b"", "is empty"),
        ("blank.txt", b" \n\n\t\n", "is empty"),
        ("header.csv", b"name,email,phone\n", "holds no phone number, email or id"),
        ("nosuch.csv", None, "no such file"),
        ("folder", "folder", "is a folder, not a file"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "is not a text file"),
    ],
)
def test_a_file_that_gives_nobody_says_what_is_wrong_with_it(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: bytes | str | None,
    said: str,
) -> None:
    path = tmp_path / name
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    code, out, err = run(capsys, "--demo", "remove", "sandbox-autosend", BETA, "--from", str(path))
    assert code == 1 and not out
    assert err.startswith(f"rosterdeck: {path}") and said in err
    assert "Name the members" not in err and "Traceback" not in err


def _beta_emails(capsys: pytest.CaptureFixture[str], count: int) -> list[str]:
    _, out, _ = run(capsys, "--demo", "members", "sandbox-autosend", BETA, "--json")
    return [m["address"] for m in json.loads(out)["members"][:count]]


def test_rows_of_a_spreadsheet_are_people_matched_by_any_address(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The common export: name, email, phone. AutoSend finds people by email alone, so the
    phones match nobody there, and that is no reason to refuse the rows."""
    first, second = _beta_emails(capsys, 2)
    sheet = tmp_path / "unsubscribes.csv"
    sheet.write_text(
        f"Name,Email,Phone\nAda,{first},+15550100\nBen,{second},+1 555 0101\n", encoding="utf-8"
    )
    code, out, err = run(
        capsys, "--demo", "remove", "sandbox-autosend", BETA, "--from", str(sheet), "--yes"
    )
    assert code == 0, err
    assert out.count("✓ removed  ") == 2 and "matched nobody" not in err


def test_a_row_that_matched_nobody_is_reported_once_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (first,) = _beta_emails(capsys, 1)
    sheet = tmp_path / "unsubscribes.csv"
    sheet.write_text(
        f"name,email,phone\nAda,{first},+15550100\nNobody,nobody@example.org,+1 555 0199\n"
    )
    argv = ["--demo", "remove", "sandbox-autosend", BETA, "--from", str(sheet), "--yes"]
    code, _, err = run(capsys, *argv)
    assert code == 1 and "1 of the given members matched nobody" in err
    assert "nobody@example.org / +1 555 0199" in err and "+15550100" not in err
    code, out, _ = run(capsys, *argv, "--ignore-absent")
    assert code == 0 and out.count("✓ removed  ") == 1
    assert "Not members, nothing sent for them: 1 — nobody@example.org / +1 555 0199\n" in out
