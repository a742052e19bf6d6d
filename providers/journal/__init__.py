"""The journal: every job, member and step, written before anything is sent, with who runs a
job (`runners`), one person's everywhere jobs (`everywhere`) and the hash chain (`chain`)."""

from providers.errors import JournalUnavailable
from providers.journal.store import Journal

__all__ = ["Journal", "JournalUnavailable"]
