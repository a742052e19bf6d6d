"""Where an account's token was found. Apart from the keyring's module: the sandbox's tokens
are built in, and saying so loads no keyring."""

from __future__ import annotations

from enum import StrEnum


class TokenSource(StrEnum):
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    MISSING = "missing"
    BUILT_IN = "built-in"
