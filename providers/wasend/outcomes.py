"""What a WaSend removal's answer, and the group read back after it, mean for each member.

WaSend may answer with the list of those removed or with a bare success, and WhatsApp's
participant lists can lag behind a change; so a member's outcome is decided from both, never
from a read taken before the call.
"""

from __future__ import annotations

import re

from providers import errors
from providers.models import Member, MemberOutcome, Outcome
from providers.wasend.answers import AddResult

#: WhatsApp refusing an add because the person is in the group (its status 409)
ALREADY_THERE = re.compile(r"already|\b409\b", re.I)


def unread(member: Member, named: set[str] | None, error: errors.ProviderError) -> MemberOutcome:
    """The call succeeded but the read-back failed, or could not tell (a list that looks
    incomplete): the answer alone says what it can."""
    if named is None or member.id in named:
        return MemberOutcome(member_id=member.id, outcome=Outcome.REMOVED)
    return MemberOutcome(
        member_id=member.id,
        outcome=Outcome.UNKNOWN,
        code=error.code or "READ_BACK_FAILED",
        message=f"Not in WaSend's answer, and the read-back could not tell: {error.message}",
    )


def read_back(member: Member, present: set[str], named: set[str] | None) -> MemberOutcome:
    """Still listed, and left out of the answer's list of removed: failed. Still listed
    although the answer says removed (or accepted the call without a list): unknown,
    since WhatsApp's participant lists can lag behind a change. Gone, and named as
    removed or with no list (a non-member would have been refused with 422): removed.
    Gone but left out of the answer's list: it was not a member any more."""
    if member.id in present:
        if named is None or member.id in named:
            return MemberOutcome(
                member_id=member.id,
                outcome=Outcome.UNKNOWN,
                code="LIST_LAGS",
                message="WaSend accepted the removal, but the group read back still lists "
                "them (WhatsApp's lists can lag); resume checks again.",
            )
        return MemberOutcome(
            member_id=member.id,
            outcome=Outcome.FAILED,
            code="NOT_REMOVED",
            message="Still in the group when read back, and not in WaSend's answer.",
        )
    if named is None or member.id in named:
        return MemberOutcome(member_id=member.id, outcome=Outcome.REMOVED)
    return MemberOutcome(
        member_id=member.id, outcome=Outcome.ALREADY_ABSENT, message="Not in the group."
    )


def added_back(member: Member, answer: AddResult) -> MemberOutcome:
    """What WaSend's answer to an add says of one member: added; refused as a participant
    already (a read before the call can go stale while the write waits its turn); refused,
    in WhatsApp's words; or not named at all: unknown, until a resume reads the group."""
    reasons = {str(f.get("id")): str(f.get("reason", "")) for f in answer.failed}
    if member.id in reasons:
        said = reasons[member.id]
        if ALREADY_THERE.search(said):
            return MemberOutcome(
                member_id=member.id, outcome=Outcome.ALREADY_PRESENT, message=said, said=said
            )
        return MemberOutcome(
            member_id=member.id,
            outcome=Outcome.FAILED,
            code="NOT_ADDED",
            message=said or "WhatsApp did not add this member.",
            said=said,
        )
    if any(a.id == member.id for a in answer.added):
        return MemberOutcome(member_id=member.id, outcome=Outcome.RESTORED)
    return MemberOutcome(
        member_id=member.id,
        outcome=Outcome.UNKNOWN,
        code="NOT_NAMED",
        message="WaSend's answer names them neither added nor failed; resume reads the group.",
    )
