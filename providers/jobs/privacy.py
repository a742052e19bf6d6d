"""Provider words name nobody in the journal: a step's message is on the hash chain for good,
so one that said "447700900123@s.whatsapp.net is not a participant" would outlive forgetting
that person. Each phone, email and WhatsApp id of the members a call was about is replaced by
"(them)" before the outcome is journaled; the rest of the words stay as the provider said."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from providers.journal.register import normalised
from providers.models import Member, MemberOutcome

THEM = "(them)"


def unnamed(settled: Sequence[MemberOutcome], members: Sequence[Member]) -> list[MemberOutcome]:
    if not any(o.message or o.code for o in settled):
        return list(settled)
    spellings = {
        spelling
        for m in members
        for a in (m.id, m.address)
        if (n := normalised(a))
        for spelling in (a, n, a.lstrip("+"))
    }
    if not spellings:
        return list(settled)
    named = re.compile(
        "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)), re.IGNORECASE
    )
    return [
        replace(o, message=named.sub(THEM, o.message), code=named.sub(THEM, o.code))
        if o.message or o.code
        else o
        for o in settled
    ]
