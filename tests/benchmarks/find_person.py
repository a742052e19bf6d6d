"""Find one person in every demo account, at the providers' documented limits, in real time.

Beside each account: what reading every member of every container would cost instead (the
calls counted from the containers' sizes and page sizes, and their time at the documented
rate). Run:

    python tests/benchmarks/find_person.py
"""

from __future__ import annotations

import asyncio
import time

from providers.find import find_everywhere
from providers.models import Provider
from providers.sandbox import Sandbox
from providers.workspace import SandboxWorkspace

#: the documented (or, for WaSend, the default) read rates, calls a second
RATES = {Provider.RASL: 1.0, Provider.AUTOSEND: 2.0, Provider.WASEND: 5.0}


async def main() -> None:
    sandbox = Sandbox()  # the documented limits, kept
    workspace = SandboxWorkspace(sandbox)
    person = sandbox.everywhere[0]
    started = time.perf_counter()
    found = await find_everywhere(workspace, [person["phone"], person["email"]])
    total = time.perf_counter() - started
    print(f"find {person['name']} ({person['phone']}, {person['email']}) in every demo account")
    print(f"{'account':18} {'places':>6} {'calls':>6} {'time':>7}   {'read everything':>16}")
    for result in found:
        provider = result.account.provider
        adapter = await workspace.open(result.account.name)
        try:
            page = adapter.capabilities.page_size
            containers = await adapter.containers()
        finally:
            await adapter.aclose()
        reads = sum(-(-(c.member_count or 0) // page) or 1 for c in containers) + 1
        print(
            f"{result.account.name:18} {len(result.places):>6} {result.calls:>6} "
            f"{result.seconds:>6.1f}s   {reads:>6} calls, {reads / RATES[provider]:>5.0f} s"
        )
    print(f"all accounts at once: {total:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
