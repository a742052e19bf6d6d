"""Typed errors that carry the provider's code and a sentence a support person understands.

No error text ever contains a token: messages are built from the status, the provider's code
and the provider's own message, never from the request.
"""

from __future__ import annotations


class ProviderError(Exception):
    """Base of every failure the core reports to a caller."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        status: int | None = None,
        provider_message: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.provider_message = provider_message

    def __str__(self) -> str:
        return self.message


class AuthError(ProviderError):
    """401: the token is wrong, expired or revoked. Every further call would fail too."""


class PermissionDenied(ProviderError):
    """403: the token lacks a scope, the plan lacks a feature, or the session is not an admin."""

    def __init__(self, message: str, *, missing_scope: str = "", **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.missing_scope = missing_scope


class NotFound(ProviderError):
    """404: the account, group, list, session or member does not exist (or is not yours)."""


class Conflict(ProviderError):
    """409/422 RESOURCE_CONFLICT: e.g. a source still used by contacts."""

    def __init__(self, message: str, *, in_use: int = 0, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.in_use = in_use


class InvalidRequest(ProviderError):
    """400/422: the provider refused the request's content; fields say what was wrong."""

    def __init__(
        self, message: str, *, fields: dict[str, str] | None = None, **kwargs: object
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.fields = fields or {}


class PaymentRequired(ProviderError):
    """402: the provider's plan does not include this."""


class RateLimited(ProviderError):
    """429 that outlived the retries."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ProviderError):
    """5xx: the provider failed. 502/503/504 are retried; 500 is not (it may have acted)."""

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        return self.status in {502, 503, 504}


class Unreachable(ProviderError):
    """The connection could not be made: nothing reached the provider, so retrying is safe."""

    retryable = True


class TimedOut(ProviderError):
    """No answer in time. After a write this is ambiguous: the change may have happened."""


class AnswerLost(ProviderError):
    """A write may have reached the provider, but its answer was lost or cannot be trusted
    (a dropped connection or timeout after sending, a 5xx, a body that is not the documented
    shape). Settle it with a targeted read; never send it again blindly."""


class Held(ProviderError):
    """A write was not sent because the job it belongs to was stopped meanwhile."""


class Paused(ProviderError):
    """Stop sending for now and keep the rest of the job due: a daily budget is spent, the
    provider says slow down, or a session is not working. Nothing of the current call was
    sent. `resume_after` is how long to wait, when known."""

    def __init__(
        self, message: str, *, resume_after: float | None = None, **kwargs: object
    ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.resume_after = resume_after


class BadResponse(ProviderError):
    """The provider answered with something that is not the documented shape."""


class ConfigurationError(ProviderError):
    """The local setup is wrong: an unknown account, a missing token, an unusable keyring."""


class Refused(ConfigurationError):
    """RosterDeck will not do this, and says why in one sentence; nothing was sent."""


class NothingToDo(ConfigurationError):
    """Asked to resume or retry a job that has nothing left of that kind."""


class JournalUnavailable(ConfigurationError):
    """The journal cannot be read or written (locked, full, read-only, unreachable): nothing
    more may be sent until it can, since what is sent must be journaled first."""


def stops_run(error: BaseException) -> bool:
    """What an adapter must pass up rather than turn into outcomes: 401 and 403 (every
    further call would fail the same way), and a write held back or paused (not sent)."""
    return isinstance(error, AuthError | PermissionDenied | Held | Paused)
