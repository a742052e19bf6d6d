"""Tokens: an environment override, else the OS keyring, and never plain text on disk.

Keyring calls run in a worker thread with a timeout, because a locked keyring can block for
as long as its unlock prompt waits; the app's event loop must never wait with it.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from providers.accounts.token_source import TokenSource
from providers.errors import ConfigurationError

SERVICE = "rosterdeck"
ENV_PREFIX = "ROSTERDECK_TOKEN_"
T = TypeVar("T")


def env_var_for(account: str) -> str:
    """`ROSTERDECK_TOKEN_<ACCOUNT>`: the name upper-cased, any other character as `_`."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]", "_", account.upper())


@dataclass(frozen=True)
class KeyringStatus:
    backend: str
    usable: bool
    reason: str = ""
    others: list[tuple[str, str]] = field(default_factory=list)


def _name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _refusal(backend: keyring.backend.KeyringBackend) -> str:
    """Why a backend cannot hold tokens safely; empty when it can."""
    if isinstance(backend, fail.Keyring):
        return "no keyring service is running here (typical of a server reached over SSH)"
    if isinstance(backend, null.Keyring):
        return "the keyring is switched off (the null backend is configured)"
    if isinstance(backend, chainer.ChainerBackend):
        usable = [b for b in backend.backends if not _refusal(b)]
        return "" if usable else "none of the chained keyrings is usable"
    if "plaintext" in _name(backend).lower() or "keyrings.alt.file" in _name(backend):
        return "this keyring keeps secrets in a plain-text file"
    return ""


def _others(chosen: str) -> list[tuple[str, str]]:
    """Every backend keyring knows of, other than the chosen one, with why it was not used."""
    found: list[tuple[str, str]] = []
    classes: set[type[keyring.backend.KeyringBackend]] = getattr(
        keyring.backend.KeyringBackend, "_classes", set()
    )
    for cls in sorted(classes, key=lambda c: f"{c.__module__}.{c.__qualname__}"):
        name = f"{cls.__module__}.{cls.__qualname__}"
        if name == chosen:
            continue
        try:
            priority = cls.priority
        except Exception as error:  # keyring reports unavailability by raising here
            found.append((name, f"not available: {error}"))
            continue
        found.append((name, f"available, lower priority ({priority})"))
    return found


def chosen_backend() -> keyring.backend.KeyringBackend:
    """The keyring in use; a PYTHON_KEYRING_BACKEND that names nothing loadable is said
    plainly rather than as keyring's traceback."""
    try:
        return keyring.get_keyring()
    except (ImportError, AttributeError, ValueError, TypeError) as error:
        named = os.environ.get("PYTHON_KEYRING_BACKEND", "")
        if not named:
            raise ConfigurationError(f"The keyring could not be loaded: {error}.") from None
        raise ConfigurationError(
            f"PYTHON_KEYRING_BACKEND={named} names a keyring that cannot be loaded ({error}). "
            "Unset it to use the system's keyring, or name an installed one, such as "
            "keyring.backends.SecretService.Keyring."
        ) from None


def keyring_status() -> KeyringStatus:
    backend = chosen_backend()
    reason = _refusal(backend)
    return KeyringStatus(
        backend=_name(backend), usable=not reason, reason=reason, others=_others(_name(backend))
    )


def no_keyring_help(account: str, reason: str) -> str:
    variable = env_var_for(account)
    return (
        f"No secure keyring is available: {reason}. RosterDeck will not write the token in "
        f"plain text. Either set {variable} in the environment (from your secrets manager), "
        "or run RosterDeck inside a Secret Service session, for example: "
        "dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock; rosterdeck'."
    )


class Credentials:
    """Where each account's token comes from, and the only place that stores one."""

    def __init__(self, *, timeout: float = 5.0, environ: Mapping[str, str] | None = None) -> None:
        self.timeout = timeout
        self.environ = os.environ if environ is None else environ

    async def _off_loop(self, call: Callable[[], T]) -> T:
        def checked() -> T:
            chosen_backend()
            return call()

        try:
            return await asyncio.wait_for(asyncio.to_thread(checked), self.timeout)
        except TimeoutError:
            raise ConfigurationError(
                f"The keyring did not answer within {self.timeout:.0f} s: it may be locked "
                "and waiting for a password prompt nobody can see."
            ) from None
        except keyring.errors.KeyringError as error:
            raise ConfigurationError(f"The keyring refused: {type(error).__name__}.") from None

    async def _refusal(self) -> str:
        """Why the keyring cannot hold tokens ('' when it can). Only the chosen backend is
        looked at, off the loop: choosing one may probe D-Bus; listing them all is for
        the diagnostics screen."""
        return await self._off_loop(lambda: _refusal(chosen_backend()))

    async def token(self, account: str) -> tuple[str | None, TokenSource]:
        from_env = self.environ.get(env_var_for(account))
        if from_env:
            return from_env.strip(), TokenSource.ENVIRONMENT
        if await self._refusal():
            return None, TokenSource.MISSING
        secret = await self._off_loop(lambda: keyring.get_password(SERVICE, account))
        return (secret, TokenSource.KEYRING) if secret else (None, TokenSource.MISSING)

    async def require(self, account: str) -> str:
        secret, _ = await self.token(account)
        if secret:
            return secret
        reason = await self._refusal()
        if reason:
            raise ConfigurationError(no_keyring_help(account, reason))
        raise ConfigurationError(
            f"No token for {account!r}: add the account again, or set {env_var_for(account)}."
        )

    async def store(self, account: str, secret: str) -> None:
        reason = await self._refusal()
        if reason:
            raise ConfigurationError(no_keyring_help(account, reason))
        await self._off_loop(lambda: keyring.set_password(SERVICE, account, secret))

    async def forget(self, account: str) -> bool:
        """Delete the stored token; False when there was none (or no usable keyring)."""
        if await self._refusal():
            return False

        def delete() -> bool:
            try:
                keyring.delete_password(SERVICE, account)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return await self._off_loop(delete)
