"""Drive `rosterdeck sandbox serve` with the official WaSend SDK and say what succeeds.

The SDK runs on node and is not a dependency of RosterDeck, so this runs by hand, in a
throwaway virtualenv:

    python3 -m venv /tmp/wasend && /tmp/wasend/bin/pip install wasend==1.3.3
    rosterdeck sandbox serve --port 8765 &
    /tmp/wasend/bin/python tests/contracts/sdk_against_sandbox.py http://127.0.0.1:8765/wasend

It exits 0 only when every step succeeds. The suite checks the same shapes without the SDK
(`test_wasend_sdk_shapes.py`, against the types kept in `wasend_sdk.py`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import wasend  # type: ignore[import-not-found]

TOKEN = "wasend_sandbox_token"
SESSION = "sess_events"


def main(base_url: str) -> int:
    client = wasend.WasendClient(api_key=TOKEN, base_url=base_url)
    failures = 0

    def step(name: str, call: Callable[[], Any]) -> Any:
        nonlocal failures
        try:
            value = call()
        except Exception as error:  # the point is to report any failure
            failures += 1
            print(f"FAIL {name}: {type(error).__name__}: {str(error)[:300]}")
            return None
        print(f"ok   {name}")
        return value

    step("sessions", client.retrieve_all_sessions)
    groups = step("groups", lambda: client.get_groups(SESSION)) or []
    step("groups count", lambda: client.get_groups_count(SESSION))
    if not groups:
        print("FAIL no group to go on with")
        return 1
    group = groups[0].jid
    step("one group", lambda: client.get_group(SESSION, group))
    for each in groups[1:]:  # a community, its groups, a list cut short, members with no phone
        name = getattr(each, "name", each.jid)
        step(
            f"participants of {name}",
            lambda jid=each.jid: client.get_group_participants(SESSION, jid),
        )
    listed = step("participants", lambda: client.get_group_participants(SESSION, group)) or []
    someone = next((p.jid for p in listed if not p.is_super_admin and not p.is_admin), None)
    if someone is None:
        print("FAIL no plain participant to remove")
        return 1
    step(
        "remove",
        lambda: client.remove_group_participants(
            SESSION, group, participants=[someone], notify=False
        ),
    )
    step(
        "add",
        lambda: client.add_group_participants(SESSION, group, participants=[someone], notify=False),
    )
    old = step("invite code", lambda: client.get_group_invite_code(SESSION, group))
    new = step("revoke invite code", lambda: client.revoke_group_invite_code(SESSION, group))
    if old is not None and new == old:
        failures += 1
        print("FAIL revoking left the same link")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765/wasend"))
