"""The protocol's shared vocabulary: outcomes carry the words given, a failure the provider's
own (its code, else the status, else the kind), and a container is read whole only when that
costs fewer calls than looking each entry up."""

from __future__ import annotations

from providers import errors
from providers.models import Member, MemberOutcome, Outcome
from providers.protocol import failed, outcomes, read_whole

ONE = [Member(id="1")]


def test_a_container_is_read_whole_only_when_that_is_fewer_calls() -> None:
    """250 members at 100 a page are 3 reads: cheaper than 4 look-ups, not than 3; a
    container of unknown size is never read whole, and an empty one costs one read."""
    assert not read_whole(3, 250, 100)
    assert read_whole(4, 250, 100)
    assert not read_whole(2, 200, 100) and read_whole(3, 200, 100)
    assert not read_whole(1, 0, 100) and read_whole(2, 0, 100)
    assert not read_whole(10_000, None, 100)


def test_a_failure_names_the_providers_code_else_the_status_else_the_kind() -> None:
    who = [Member(id="7")]
    coded = errors.ServerError("failed", code="INTERNAL_ERROR", status=500, provider_message="x")
    assert failed(who, coded)[0].code == "INTERNAL_ERROR"
    assert failed(who, coded)[0].message == "x"  # the provider's own words first
    assert failed(who, errors.ServerError("failed", status=502))[0].code == "502"
    unreached = failed(who, errors.Unreachable("RASL could not be reached in time."))
    assert (unreached[0].outcome, unreached[0].code) == (Outcome.FAILED, "Unreachable")
    assert unreached[0].message == "RASL could not be reached in time."


def test_outcomes_carry_the_words_given_and_failures_the_providers() -> None:
    assert outcomes(ONE, Outcome.FAILED, code="C", message="M", said="S") == [
        MemberOutcome(member_id="1", outcome=Outcome.FAILED, code="C", message="M", said="S")
    ]
    words = errors.Conflict("ours", code="", status=409, provider_message="theirs")
    assert failed(ONE, words) == [
        MemberOutcome(
            member_id="1", outcome=Outcome.FAILED, code="409", message="theirs", said="theirs"
        )
    ]
    (mute,) = failed(ONE, errors.ProviderError("ours only"))
    assert (mute.outcome, mute.code, mute.message, mute.said) == (
        Outcome.FAILED,
        "ProviderError",
        "ours only",
        "",
    )
