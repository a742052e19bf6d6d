"""The demo's sandbox data is kept on disk and shared: each process sees what the others
changed, none writes an older state over a newer one, and a reset reaches them all."""

from __future__ import annotations

from pathlib import Path

import httpx

from providers.models import Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState

GROUP = "/rasl/api/v2/groups/5"  # Board: nine contacts


def kept(path: Path) -> Sandbox:
    return Sandbox(autosend=AutoSendState.seeded(big_list=1_000)).unlimited().keep(path)


async def call(
    sandbox: Sandbox, method: str, path: str, provider: Provider = Provider.RASL, **body: object
) -> httpx.Response:
    """A request to the sandbox, as a process of the demo would send it."""
    headers = {"Authorization": f"Bearer {TOKENS[provider]}"}
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url="http://sandbox.test", headers=headers
    ) as client:
        return await client.request(method, path, json=body or None)


async def board(sandbox: Sandbox) -> set[int]:
    answer = await call(sandbox, "GET", "/rasl/api/v2/contacts?filter[group_id]=5&per_page=100")
    return {contact["id"] for contact in answer.json()["data"]}


async def test_what_one_process_removes_the_others_see_and_none_writes_it_back(
    tmp_path: Path,
) -> None:
    first, second = kept(tmp_path / "sandbox.sqlite3"), kept(tmp_path / "sandbox.sqlite3")
    members = sorted(await board(second))  # loaded before anything changed
    await call(first, "DELETE", f"{GROUP}/contacts", contact_ids=[members[0]])
    # the second, still holding the state from before, removes another: both stay removed
    await call(second, "DELETE", f"{GROUP}/contacts", contact_ids=[members[1]])
    assert await board(first) == set(members[2:])
    assert await board(second) == set(members[2:])
    assert await board(kept(tmp_path / "sandbox.sqlite3")) == set(members[2:])
    assert await board(Sandbox().unlimited()) == set(members), "a sandbox not kept keeps nothing"


async def test_a_read_or_a_refusal_saves_nothing_and_a_reset_reaches_every_process(
    tmp_path: Path,
) -> None:
    first, second = kept(tmp_path / "sandbox.sqlite3"), kept(tmp_path / "sandbox.sqlite3")
    members = sorted(await board(first))
    await call(first, "DELETE", f"{GROUP}/contacts", contact_ids=members[:3])
    assert first.keeper is not None and first.keeper.versions[Provider.RASL] == 1
    refused = await call(first, "DELETE", f"{GROUP}/contacts", contact_ids=["nobody"])
    assert refused.status_code == 422 and first.keeper.versions[Provider.RASL] == 1
    search = "/autosend/v1/contact-lists/contacts/search"
    listed = await call(
        first, "POST", search, Provider.AUTOSEND, contactListId="GLOBAL_CONTACT_LIST"
    )
    assert listed.status_code == 200 and first.keeper.versions[Provider.AUTOSEND] == 0
    assert await board(second) == set(members[3:])

    second.reset()
    assert await board(first) == set(members)
    assert await board(kept(tmp_path / "sandbox.sqlite3")) == set(members)
