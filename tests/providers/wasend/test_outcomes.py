"""What WaSend's answers, and the group read back after a removal, mean for each member:
each rule of `outcomes` as a support person reads it in the job's screen."""

from __future__ import annotations

from providers import errors
from providers.models import Member, MemberOutcome, Outcome
from providers.wasend.answers import AddResult
from providers.wasend.outcomes import added_back, read_back, unread

ADA = Member(id="447700900123@s.whatsapp.net", name="Ada")


def _add(**answer: object) -> MemberOutcome:
    return added_back(ADA, AddResult.model_validate(answer))


def test_an_add_refused_because_they_are_there_already_is_already_present() -> None:
    for said in ("already a participant", "409", "Participant ALREADY in group"):
        told = _add(failed=[{"id": ADA.id, "reason": said}])
        assert told == MemberOutcome(
            member_id=ADA.id, outcome=Outcome.ALREADY_PRESENT, message=said, said=said
        )


def test_an_add_refused_otherwise_fails_in_whatsapps_words_or_ours() -> None:
    told = _add(failed=[{"id": ADA.id, "reason": "privacy settings"}])
    assert told == MemberOutcome(
        member_id=ADA.id,
        outcome=Outcome.FAILED,
        code="NOT_ADDED",
        message="privacy settings",
        said="privacy settings",
    )
    silent = _add(failed=[{"id": ADA.id}])
    assert silent == MemberOutcome(
        member_id=ADA.id,
        outcome=Outcome.FAILED,
        code="NOT_ADDED",
        message="WhatsApp did not add this member.",
    )


def test_an_add_names_them_added_or_not_at_all() -> None:
    assert _add(added=[{"id": ADA.id}]) == MemberOutcome(member_id=ADA.id, outcome=Outcome.RESTORED)
    told = _add(added=[{"id": "someone-else"}], failed=[{"id": "another", "reason": "x"}])
    assert (told.member_id, told.outcome, told.code) == (ADA.id, Outcome.UNKNOWN, "NOT_NAMED")
    assert told.message.startswith("WaSend's answer names them neither added nor failed")


def test_still_listed_after_a_removal_is_unknown_when_the_answer_said_removed() -> None:
    told = read_back(ADA, {ADA.id}, {ADA.id})
    assert told == MemberOutcome(
        member_id=ADA.id,
        outcome=Outcome.UNKNOWN,
        code="LIST_LAGS",
        message="WaSend accepted the removal, but the group read back still lists them "
        "(WhatsApp's lists can lag); resume checks again.",
    )
    assert read_back(ADA, {ADA.id}, None).outcome is Outcome.UNKNOWN
    refused = read_back(ADA, {ADA.id}, set())
    assert (refused.member_id, refused.outcome, refused.code) == (
        ADA.id,
        Outcome.FAILED,
        "NOT_REMOVED",
    )
    assert refused.message == "Still in the group when read back, and not in WaSend's answer."


def test_gone_after_a_removal_is_removed_or_was_not_there() -> None:
    assert read_back(ADA, set(), {ADA.id}) == MemberOutcome(
        member_id=ADA.id, outcome=Outcome.REMOVED
    )
    assert read_back(ADA, set(), None).outcome is Outcome.REMOVED
    assert read_back(ADA, set(), set()) == MemberOutcome(
        member_id=ADA.id, outcome=Outcome.ALREADY_ABSENT, message="Not in the group."
    )


def test_a_read_back_that_failed_leaves_only_what_the_answer_says() -> None:
    error = errors.Unreachable("WaSend could not be reached in time.")
    assert unread(ADA, {ADA.id}, error) == MemberOutcome(member_id=ADA.id, outcome=Outcome.REMOVED)
    assert unread(ADA, None, error).outcome is Outcome.REMOVED
    told = unread(ADA, set(), error)
    assert (told.member_id, told.outcome, told.code) == (
        ADA.id,
        Outcome.UNKNOWN,
        "READ_BACK_FAILED",
    )
    assert told.message == (
        "Not in WaSend's answer, and the read-back could not tell: WaSend could not be "
        "reached in time."
    )
    coded = unread(ADA, set(), errors.ServerError("failed", code="INTERNAL_ERROR"))
    assert coded.code == "INTERNAL_ERROR"
