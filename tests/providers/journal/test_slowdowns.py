"""The days a WhatsApp number was told to slow down, kept in the journal for every process on
it, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from providers.journal import Journal


def test_a_slowdown_is_kept_for_its_day_and_for_every_account_on_the_number(
    journal_at: Path | str,
) -> None:
    journal = Journal(journal_at)
    try:
        phones = journal.slowdowns("phones")
        phones.note("447700900002", "2026-11-23", "WhatsApp answered rate-overlimit at 14:02")
        phones.note("447700900002", "2026-11-23", "WaSend said slow down (HTTP 429) at 15:00")
        assert phones.said("447700900002", "2026-11-23").endswith("at 14:02")  # the first stands
        assert phones.said("447700900002", "2026-11-24") == ""  # the next day eases back
        assert phones.said("447700900001", "2026-11-23") == ""  # another number
        # the number is one number, whichever account noted it; listed under its account
        assert journal.slowdowns("desk").said("447700900002", "2026-11-23")
        assert phones.on("2026-11-23") == [
            ("447700900002", "WhatsApp answered rate-overlimit at 14:02")
        ]
        assert journal.slowdowns("desk").on("2026-11-23") == []
    finally:
        journal.close()
    again = Journal(journal_at)  # the next start keeps it
    try:
        assert again.slowdowns("phones").said("447700900002", "2026-11-23")
    finally:
        again.close()
