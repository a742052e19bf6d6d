"""Someone on the register put back behind RosterDeck's back: by a colleague in RASL's own
screen, and by an invite link in WhatsApp, minutes after the job that took them off."""

from __future__ import annotations

from providers.jobs.desk import Desk
from providers.sandbox.apis import Sandbox
from providers.wasend.adapter import WaSendAdapter

PHONE = "+12025550105"


def minutes_later(desk: Desk) -> None:
    """The lists the desk's WhatsApp adapter kept are past their time."""
    whatsapp = desk.opened("sandbox-wasend")
    assert isinstance(whatsapp, WaSendAdapter)
    now, kept = whatsapp.clock, whatsapp.keep_reads
    whatsapp.clock = lambda: now() + kept


def put_back(sandbox: Sandbox, desk: Desk) -> None:
    """Minutes after her job, a colleague adds her to RASL's "Lapsed Members" in RASL's own
    screen, and she rejoins the WhatsApp "Choir" by an invite link, by her phone this time
    (not her privacy id)."""
    minutes_later(desk)
    contact = next(c for c in sandbox.rasl.contacts.values() if c["phone"] == PHONE)
    contact["group_id"].append(
        next(n for n, g in sandbox.rasl.groups.items() if g["name"] == "Lapsed Members")
    )
    choir = next(
        g for g in sandbox.wasend.groups["sess_events"].values() if g["subject"] == "Choir"
    )
    jid = f"{PHONE[1:]}@s.whatsapp.net"
    choir["participants"][jid] = {
        "jid": jid,
        "phoneNumber": PHONE,
        "isAdmin": False,
        "isSuperAdmin": False,
        "displayName": "Jade C.",
    }
