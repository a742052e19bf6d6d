"""`rosterdeck jobs`: newest first, an everywhere job with its places right after it, the
same in the text and in `--json`."""

from __future__ import annotations

import json

import pytest

from providers.sandbox.apis import Sandbox
from tests.helpers import demo_choir, run


def test_jobs_json_lists_an_everywhere_job_before_its_places_newest_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    choir, members = demo_choir(capsys)
    plain = [m for m in members if not m["locked"]]

    def remove_one(member: dict[str, object]) -> None:
        code, _, err = run(
            capsys, "--demo", "remove", "sandbox-wasend", choir, str(member["id"]), "--yes"
        )
        assert code == 0, err

    remove_one(plain[0])
    person = Sandbox().everywhere[1]
    address = [person["phone"], person["email"]]
    run(capsys, "--demo", "remove", "--everywhere", *address, "--reason", "T-6", "--yes")
    remove_one(plain[1])

    _, out, _ = run(capsys, "--demo", "jobs", "--json")
    documents = json.loads(out)
    _, text, _ = run(capsys, "--demo", "jobs")
    assert [d["id"] for d in documents] == [
        line.removeprefix("  ↳ ").split()[0] for line in text.splitlines()
    ]
    newest, everywhere, *parts, oldest = documents
    assert everywhere["kind"] == "everywhere" and len(parts) >= 3
    assert {p["part_of"] for p in parts} == {everywhere["id"]}
    assert newest["created_at"] > everywhere["created_at"] > oldest["created_at"]
    assert not newest["part_of"] and not oldest["part_of"]
