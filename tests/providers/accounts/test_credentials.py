"""Tokens: environment override, keyring, and the headless path that never writes plain text."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail, null

from providers.accounts.credentials import Credentials, env_var_for, keyring_status
from providers.accounts.token_source import TokenSource
from providers.errors import ConfigurationError
from tests.helpers import MemoryKeyring

SECRET = "tok_live_correct-horse-battery"


def test_env_var_names() -> None:
    assert env_var_for("acme-eu.prod") == "ROSTERDECK_TOKEN_ACME_EU_PROD"


async def test_keyring_round_trip(memory_keyring: MemoryKeyring) -> None:
    credentials = Credentials()
    await credentials.store("acme", SECRET)
    assert await credentials.token("acme") == (SECRET, TokenSource.KEYRING)
    assert memory_keyring.secrets == {("rosterdeck", "acme"): SECRET}
    assert await credentials.forget("acme")
    assert await credentials.token("acme") == (None, TokenSource.MISSING)
    assert not await credentials.forget("acme")


async def test_the_environment_overrides_the_keyring() -> None:
    credentials = Credentials(environ={"ROSTERDECK_TOKEN_ACME": f" {SECRET}\n"})
    await credentials.store("acme", "older")
    assert await credentials.token("acme") == (SECRET, TokenSource.ENVIRONMENT)


@pytest.fixture(params=[fail.Keyring, null.Keyring], ids=["fail", "null"])
def headless(request: pytest.FixtureRequest) -> Iterator[None]:
    keyring.set_keyring(request.param())
    yield


@pytest.mark.usefixtures("headless")
async def test_headless_refuses_to_store_and_explains_the_ways_out(tmp_path: Path) -> None:
    status = keyring_status()
    assert not status.usable and status.reason
    credentials = Credentials()
    with pytest.raises(ConfigurationError) as caught:
        await credentials.store("acme", SECRET)
    text = str(caught.value)
    assert "ROSTERDECK_TOKEN_ACME" in text and "Secret Service" in text
    assert "plain text" in text and SECRET not in text
    with pytest.raises(ConfigurationError, match="ROSTERDECK_TOKEN_ACME"):
        await credentials.require("acme")


@pytest.mark.usefixtures("headless")
async def test_headless_still_works_from_the_environment() -> None:
    credentials = Credentials(environ={"ROSTERDECK_TOKEN_ACME": SECRET})
    assert await credentials.require("acme") == SECRET


def test_a_plaintext_keyring_is_refused() -> None:
    class PlaintextKeyring(MemoryKeyring):
        pass

    keyring.set_keyring(PlaintextKeyring())
    assert "plain-text" in keyring_status().reason


def test_diagnostics_name_the_backend_and_the_others() -> None:
    status = keyring_status()
    assert status.usable and status.backend.endswith("MemoryKeyring")
    assert any("fail.Keyring" in name for name, _ in status.others)


async def test_a_locked_keyring_does_not_hang_the_caller() -> None:
    release = threading.Event()

    class LockedKeyring(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            release.wait(60)  # set as soon as the caller gave up
            return None

    keyring.set_keyring(LockedKeyring())
    try:
        with pytest.raises(ConfigurationError, match="did not answer"):
            await Credentials(timeout=0.1).token("acme")
    finally:
        release.set()


async def test_a_keyring_backend_setting_that_names_nothing_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring.core

    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "nope.Nope")
    with pytest.raises(
        ConfigurationError, match=r"PYTHON_KEYRING_BACKEND=nope\.Nope names a keyring"
    ):
        await Credentials().token("acme")
