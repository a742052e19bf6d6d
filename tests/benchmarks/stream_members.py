"""Stream 100,000 members from the sandbox and print members/second and memory per member.

The baseline is the same pages fetched with bare httpx and json (no adapter, no models), in
the same run, so the table shows what the adapter's validation costs. Run:

    python tests/benchmarks/stream_members.py [--members 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Sized

import httpx

from providers.accounts.connect import open_adapter
from providers.accounts.workspace import sandbox_accounts
from providers.models import Member, Provider
from providers.sandbox import TOKENS
from providers.sandbox.apis import Sandbox
from providers.sandbox.autosend import AutoSendState
from providers.sandbox.serve import in_background

FAST = {"requests_per_second": 0}


async def adapter_stream(sandbox: Sandbox, origin: str | None) -> list[Member]:
    account, token = next(
        (a, t)
        for a, t in sandbox_accounts(**({"origin": origin} if origin else {}), options=FAST)
        if a.provider is Provider.AUTOSEND
    )
    adapter = open_adapter(account, token, transport=None if origin else sandbox.transport())
    try:
        newsletter = next(c for c in await adapter.containers() if c.name == "Monthly newsletter")
        return [m async for page in adapter.members(newsletter) for m in page.members]
    finally:
        await adapter.aclose()


async def raw_stream(sandbox: Sandbox) -> list[dict[str, object]]:
    newsletter = next(c for c in sandbox.autosend.lists.values() if c.name == "Monthly newsletter")
    headers = {"Authorization": f"Bearer {TOKENS[Provider.AUTOSEND]}"}
    rows: list[dict[str, object]] = []
    async with httpx.AsyncClient(
        transport=sandbox.transport(), base_url=sandbox.base_url(Provider.AUTOSEND), headers=headers
    ) as client:
        page = 1
        while True:
            body = {"contactListId": newsletter.id, "page": page, "limit": 100}
            answer = (await client.post("/contact-lists/contacts/search", json=body)).json()
            rows.extend(answer["data"]["contacts"])
            if page >= answer["data"]["pagination"]["pages"]:
                return rows
            page += 1


def timed(label: str, run: Callable[[], Awaitable[Sized]]) -> tuple[str, int, float]:
    started = time.perf_counter()
    held = asyncio.run(run())
    return label, len(held), time.perf_counter() - started


def memory(run: Callable[[], Awaitable[Sized]]) -> tuple[int, int, int]:
    """Peak bytes while streaming, and bytes still held afterwards, with the count held."""
    tracemalloc.start()
    held = asyncio.run(run())
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, current, len(held)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    sandbox = Sandbox(autosend=AutoSendState.seeded(big_list=args.members)).unlimited()
    rows = [
        timed("bare httpx + json (baseline)", lambda: raw_stream(sandbox)),
        timed("AutoSend adapter, in process", lambda: adapter_stream(sandbox, None)),
    ]
    with in_background(sandbox) as origin:
        rows.append(timed("AutoSend adapter, loopback", lambda: adapter_stream(sandbox, origin)))
    base = rows[0][1] / rows[0][2]
    print(f"{'run':32} {'members':>8} {'seconds':>8} {'members/s':>10} {'vs baseline':>12}")
    for label, count, seconds in rows:
        rate = count / seconds
        print(f"{label:32} {count:>8} {seconds:>8.2f} {rate:>10.0f} {rate / base:>11.2f}x")
    peak, held, count = memory(lambda: adapter_stream(sandbox, None))
    print(
        f"\nmemory, in process (sandbox included): peak {peak / 2**20:.1f} MiB; "
        f"{held / 2**20:.1f} MiB held after, {held / max(1, count):.0f} bytes per member held"
    )


if __name__ == "__main__":
    main()
