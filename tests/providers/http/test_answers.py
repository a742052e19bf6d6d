"""What a provider's error answer becomes: the typed error a caller acts on, the sentence a
support person reads, and how long the provider asked us to wait."""

from __future__ import annotations

import time

import httpx
import pytest

from providers import errors
from providers.http.answers import error_for, retry_after_seconds

NOW = 1767225600.0  # 2026-01-01 00:00:00 UTC


def answer(
    status: int, body: object = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    if isinstance(body, str):
        return httpx.Response(status, headers=headers, text=body)
    return httpx.Response(status, headers=headers, json=body)


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "2.5"}, None, 2.5),
        ({"Retry-After": "-4"}, None, 0.0),
        ({"Retry-After": "Wed, 31 Dec 2025 23:59:00 GMT"}, None, 0.0),
        ({"Retry-After": "7"}, {"retryAfter": 99}, 7.0),
        ({}, {"retryAfter": 1.5}, 1.5),
        ({}, {"retryAfter": -2}, 0.0),
        ({}, {"error": {"retryAfter": 5}}, 5.0),
        ({}, {"error": "slow down", "retryAfter": 6}, 6.0),
        ({"X-RateLimit-Reset": "1767225650"}, {"retryAfter": "soon"}, 50.0),
        ({"X-RateLimit-Reset": "1767225590"}, None, 0.0),
        ({"X-RateLimit-Reset": "tomorrow"}, None, None),
        ({}, ["not", "a", "dict"], None),
        ({}, {"error": {"message": "busy"}}, None),
    ],
)
def test_the_wait_asked_for_is_read_in_order_and_never_below_zero(
    headers: dict[str, str], body: object, expected: float | None
) -> None:
    assert retry_after_seconds(answer(429, body, headers), now=NOW) == expected


def test_a_body_that_is_not_json_falls_back_to_the_reset() -> None:
    response = answer(429, "Too many requests", {"X-RateLimit-Reset": "1767225610"})
    assert retry_after_seconds(response, now=NOW) == 10.0
    assert retry_after_seconds(answer(429, "Too many requests"), now=NOW) is None


def test_without_a_clock_given_the_wait_is_counted_from_now() -> None:
    reset = time.time() + 100
    waited = retry_after_seconds(answer(429, None, {"X-RateLimit-Reset": str(reset)}))
    assert waited is not None and 90 < waited <= 100
    date = "Thu, 01 Jan 2099 00:00:00 GMT"
    assert retry_after_seconds(answer(429, None, {"Retry-After": date})) > 10**9  # type: ignore[operator]


def test_a_refused_token_says_to_add_the_account_again() -> None:
    error = error_for(answer(401, {"code": "UNAUTHORIZED", "message": "bad token"}), "RASL")
    assert type(error) is errors.AuthError
    assert str(error) == (
        "RASL refused the token: it is wrong, expired or revoked. "
        "Add the account again with a new token."
    )
    assert (error.code, error.status, error.provider_message) == ("UNAUTHORIZED", 401, "bad token")


@pytest.mark.parametrize(
    ("body", "scope", "sentence"),
    [
        (
            {"code": "INSUFFICIENT_SCOPE", "message": "x", "details": {"required_scope": "a:b"}},
            "a:b",
            "the scope a:b",
        ),
        (
            {"code": "INSUFFICIENT_SCOPE", "details": {"scope": "lists:write"}},
            "lists:write",
            "the scope lists:write",
        ),
        (
            {"code": "INSUFFICIENT_SCOPE", "details": {"missing_scope": "contacts:write"}},
            "contacts:write",
            "the scope contacts:write",
        ),
        (
            {"code": "INSUFFICIENT_SCOPE", "message": "needs groups:write to do that"},
            "groups:write",
            "the scope groups:write",
        ),
        (
            {"code": "INSUFFICIENT_SCOPE", "message": "Not allowed", "details": {"scope": 3}},
            "",
            "a scope this needs",
        ),
    ],
)
def test_a_missing_scope_is_named_when_the_answer_says_which(
    body: dict[str, object], scope: str, sentence: str
) -> None:
    error = error_for(answer(403, body), "AutoSend")
    assert type(error) is errors.PermissionDenied
    assert error.missing_scope == scope
    assert str(error) == f"AutoSend: the token lacks {sentence}. Create a token that includes it."
    assert (error.code, error.status) == ("INSUFFICIENT_SCOPE", 403)


def test_other_refusals_say_whether_the_plan_or_the_provider_refused() -> None:
    limit = error_for(
        answer(403, {"error": {"code": "FEATURE_LIMIT_EXCEEDED", "message": "10 lists"}}), "RASL"
    )
    assert type(limit) is errors.PermissionDenied
    assert str(limit) == "RASL: the plan's limit for this feature is used up (10 lists)."
    assert limit.missing_scope == ""
    assert (limit.code, limit.status, limit.provider_message) == (
        "FEATURE_LIMIT_EXCEEDED",
        403,
        "10 lists",
    )
    other = error_for(answer(403, {"code": "FORBIDDEN"}), "RASL")
    assert type(other) is errors.PermissionDenied
    assert str(other) == "RASL does not allow this."
    assert (other.code, other.status) == ("FORBIDDEN", 403)


def test_not_found_keeps_the_providers_words() -> None:
    error = error_for(answer(404, {"message": "no such list"}), "RASL")
    assert type(error) is errors.NotFound
    assert str(error) == "RASL: not found (no such list)."
    assert error.status == 404


@pytest.mark.parametrize(
    ("status", "body", "in_use", "sentence"),
    [
        (409, {"message": "in use"}, 0, "WaSend refused: in use."),
        (409, {}, 0, "WaSend refused: conflict."),
        (
            422,
            {"code": "RESOURCE_CONFLICT", "message": "used", "details": {"contacts": 12}},
            12,
            "WaSend refused: used.",
        ),
        (409, {"message": "used by 34 contacts"}, 34, "WaSend refused: used by 34 contacts."),
        (409, {"message": "used", "details": {"note": "still 5 left"}}, 5, "WaSend refused: used."),
        (409, {"message": "used", "details": {"flag": True, "n": 8}}, 8, "WaSend refused: used."),
    ],
)
def test_a_conflict_says_how_many_still_use_it(
    status: int, body: dict[str, object], in_use: int, sentence: str
) -> None:
    error = error_for(answer(status, body), "WaSend")
    assert type(error) is errors.Conflict
    assert error.in_use == in_use
    assert str(error) == sentence
    assert error.status == status


def test_a_rejected_request_names_each_field_and_what_was_wrong() -> None:
    body = {
        "error": {
            "code": "VALIDATION",
            "message": "Invalid input",
            "details": [
                {"field": "email", "message": "is not an address"},
                {"field": "name", "message": "is too long"},
                {"message": "no field"},
                {"field": "ignored"},
            ],
        }
    }
    error = error_for(answer(400, body), "RASL")
    assert type(error) is errors.InvalidRequest
    assert str(error) == (
        "RASL rejected the request (Invalid input). email: is not an address; name: is too long."
    )
    assert error.fields == {"email": "is not an address", "name": "is too long", "": "no field"}
    assert error.code == "VALIDATION"


def test_a_422_with_fields_as_a_mapping_is_a_rejected_request() -> None:
    body = {"message": "Bad", "details": {"phone": ["too short", "not a number"], "id": "gone"}}
    error = error_for(answer(422, body), "WaSend")
    assert type(error) is errors.InvalidRequest
    assert str(error) == (
        "WaSend rejected the request (Bad). phone: too short; not a number; id: gone."
    )
    bare = error_for(answer(400, "nope"), "WaSend")
    assert isinstance(bare, errors.InvalidRequest)
    assert str(bare) == "WaSend rejected the request (nope)."
    assert bare.fields == {}


def test_payment_and_server_failures_say_so() -> None:
    plan = error_for(answer(402, {"message": "upgrade"}), "AutoSend")
    assert type(plan) is errors.PaymentRequired
    assert str(plan) == "AutoSend: this needs a higher plan (upgrade)."
    assert (plan.status, plan.provider_message) == (402, "upgrade")
    for status in (500, 503):
        failed = error_for(answer(status, "oops"), "AutoSend")
        assert type(failed) is errors.ServerError
        assert str(failed) == f"AutoSend failed on its side (HTTP {status}) (oops)."
    teapot = error_for(answer(418, {}), "AutoSend")
    assert type(teapot) is errors.ProviderError
    assert str(teapot) == "AutoSend answered HTTP 418."


def test_rate_limiting_says_when_to_try_again_when_known() -> None:
    later = error_for(answer(429, {"retryAfter": 12}), "RASL")
    assert type(later) is errors.RateLimited
    assert later.retry_after == 12.0
    assert str(later) == "RASL is rate limiting these calls. Try again in 12 s."
    assert later.status == 429
    unknown = error_for(answer(429, {}), "RASL")
    assert unknown.retry_after is None  # type: ignore[attr-defined]
    assert str(unknown) == "RASL is rate limiting these calls."
