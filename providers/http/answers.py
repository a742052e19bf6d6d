"""What a provider's error answer says: its code, message and fields, how long it asks us to
wait, and the typed error with a sentence a support person can act on."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from providers import errors


@dataclass(frozen=True)
class ErrorBody:
    """The parts of an error answer, from whichever envelope the provider used."""

    code: str
    message: str
    fields: dict[str, str]
    details: Any


def parse_error_body(response: httpx.Response) -> ErrorBody:
    """Read `{"error": {code, message, details}}`, `{"message", "code"}` or plain text."""
    try:
        body = response.json()
    except ValueError:
        return ErrorBody("", response.text[:200].strip(), {}, None)
    if not isinstance(body, dict):
        return ErrorBody("", "", {}, None)
    inner = body.get("error")
    source: Mapping[str, Any] = inner if isinstance(inner, dict) else body
    message = source.get("message") or (inner if isinstance(inner, str) else "") or ""
    code = source.get("code") or ""
    details = source.get("details", body.get("details"))
    return ErrorBody(str(code), str(message), _field_messages(details), details)


def _field_messages(details: Any) -> dict[str, str]:
    if isinstance(details, list):
        return {
            str(item.get("field", "")): str(item.get("message", ""))
            for item in details
            if isinstance(item, dict) and "message" in item
        }
    if isinstance(details, dict):
        out: dict[str, str] = {}
        for field, value in details.items():
            if isinstance(value, list) and value:
                out[str(field)] = "; ".join(str(v) for v in value)
            elif isinstance(value, str):
                out[str(field)] = value
        return out
    return {}


_SCOPE = re.compile(r"\b[a-z]+:[a-z]+\b")


def _missing_scope(body: ErrorBody) -> str:
    if isinstance(body.details, dict):
        for key in ("required_scope", "scope", "missing_scope"):
            if isinstance(body.details.get(key), str):
                return str(body.details[key])
    found = _SCOPE.search(body.message)
    return found.group(0) if found else ""


def _first_int(*values: Any) -> int:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            digits = re.search(r"\d+", value)
            if digits:
                return int(digits.group(0))
    return 0


def retry_after_seconds(response: httpx.Response, now: float | None = None) -> float | None:
    """How long the provider asks us to wait: Retry-After, a body's retryAfter, or the reset."""
    now = time.time() if now is None else now
    header = response.headers.get("retry-after")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(header)
            if parsed is not None:
                return max(0.0, parsed.timestamp() - now)
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for holder in (body, body.get("error")):
            if isinstance(holder, dict) and isinstance(holder.get("retryAfter"), int | float):
                return max(0.0, float(holder["retryAfter"]))
    reset = response.headers.get("x-ratelimit-reset")
    if reset:
        try:
            return max(0.0, float(reset) - now)
        except ValueError:
            return None
    return None


def error_for(response: httpx.Response, label: str) -> errors.ProviderError:
    """Turn a failed answer into a typed error with a sentence a support person can act on."""
    status = response.status_code
    body = parse_error_body(response)
    said = f" ({body.message})" if body.message else ""
    common: dict[str, Any] = {
        "code": body.code,
        "status": status,
        "provider_message": body.message,
    }
    if status == 401:
        return errors.AuthError(
            f"{label} refused the token: it is wrong, expired or revoked. "
            "Add the account again with a new token.",
            **common,
        )
    if status == 403:
        if body.code == "INSUFFICIENT_SCOPE":
            scope = _missing_scope(body)
            what = f"the scope {scope}" if scope else "a scope this needs"
            return errors.PermissionDenied(
                f"{label}: the token lacks {what}. Create a token that includes it.",
                missing_scope=scope,
                **common,
            )
        if body.code == "FEATURE_LIMIT_EXCEEDED":
            return errors.PermissionDenied(
                f"{label}: the plan's limit for this feature is used up{said}.", **common
            )
        return errors.PermissionDenied(f"{label} does not allow this{said}.", **common)
    if status == 404:
        return errors.NotFound(f"{label}: not found{said}.", **common)
    if body.code == "RESOURCE_CONFLICT" or status == 409:
        in_use = _first_int(
            *(body.details.values() if isinstance(body.details, dict) else ()), body.message
        )
        return errors.Conflict(
            f"{label} refused: {body.message or 'conflict'}.", in_use=in_use, **common
        )
    if status in (400, 422):
        fields = "; ".join(f"{name}: {text}" for name, text in body.fields.items() if name)
        detail = f" {fields}." if fields else ""
        return errors.InvalidRequest(
            f"{label} rejected the request{said}.{detail}", fields=body.fields, **common
        )
    if status == 402:
        return errors.PaymentRequired(f"{label}: this needs a higher plan{said}.", **common)
    if status == 429:
        wait = retry_after_seconds(response)
        hint = f" Try again in {wait:.0f} s." if wait is not None else ""
        return errors.RateLimited(
            f"{label} is rate limiting these calls.{hint}", retry_after=wait, **common
        )
    if status >= 500:
        return errors.ServerError(f"{label} failed on its side (HTTP {status}){said}.", **common)
    return errors.ProviderError(f"{label} answered HTTP {status}{said}.", **common)
