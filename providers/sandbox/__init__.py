"""Fake servers of the three provider APIs, reached through httpx exactly like the real ones
(`providers.sandbox.apis`). Here: where each is reached and the token it accepts, which is
all that listing the sandbox's accounts needs (the fakes and their data load when one is
opened).
"""

from __future__ import annotations

from providers.models import Provider

IN_PROCESS_ORIGIN = "http://sandbox.rosterdeck.test"
PREFIXES = {
    Provider.RASL: "/rasl/api/v2",
    Provider.WASEND: "/wasend",
    Provider.AUTOSEND: "/autosend/v1",
}
TOKENS = {
    Provider.RASL: "rasl_sandbox_full_access",
    Provider.WASEND: "wasend_sandbox_token",
    Provider.AUTOSEND: "as_sandbox_0123456789abcdef",
}
RASL_READ_ONLY_TOKEN = "rasl_sandbox_read_only"


def base_url(provider: Provider, origin: str = IN_PROCESS_ORIGIN) -> str:
    return origin.rstrip("/") + PREFIXES[provider]


def endpoints(origin: str = IN_PROCESS_ORIGIN) -> list[tuple[Provider, str, str]]:
    """Each fake API's base URL at this origin, with the token it accepts."""
    return [(p, base_url(p, origin), TOKENS[p]) for p in Provider]
