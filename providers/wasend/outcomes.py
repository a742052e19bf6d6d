"""What a WaSend removal's answer, and the group read back after it, mean for each member.

WaSend may answer with the list of those removed or with a bare success, and WhatsApp's
participant lists can lag behind a change; so a member's outcome is decided from both, never
from a read taken before the call.
"""

from __future__ import annotations

from providers import errors
from providers.models import Member, MemberOutcome, Outcome


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
