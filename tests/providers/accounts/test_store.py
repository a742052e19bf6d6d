"""The account list: options are checked when it is read, each refusal one sentence naming
the file, the account and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.accounts.connect import open_adapter
from providers.accounts.store import AccountStore
from providers.accounts.workspace import SPED_UP_DEMO, sandbox_accounts
from providers.errors import ConfigurationError
from providers.models import Provider
from providers.sandbox.apis import Sandbox


def store_with(tmp_path: Path, provider: str, options: str) -> AccountStore:
    path = tmp_path / "accounts.toml"
    path.write_text(
        f'[accounts.desk]\nprovider = "{provider}"\nbase_url = "https://example.com"\n'
        f"[accounts.desk.options]\n{options}\n"
    )
    return AccountStore(path)


def test_every_known_option_is_read(tmp_path: Path) -> None:
    store = store_with(
        tmp_path,
        "wasend",
        "requests_per_second = 0\nseconds_between_writes = 3\nwrite_jitter = 2.5\n"
        "timeout = 10\nrequire_reason = true\nbatch_size = 1\ndaily_budget = 0\n"
        "pause_after_failures = 3\nseconds_between_reads = 1\nread_jitter = 0.5\n"
        'keep_reads_minutes = 5\nnew_number_since = "2026-11-20"',
    )
    (account,) = store.load()
    assert account.options["write_jitter"] == 2.5 and account.options["require_reason"] is True


@pytest.mark.parametrize(
    ("provider", "options", "said"),
    [
        ("rasl", "timeuot = 5", "sets 'timeuot', which is no option: RASL accounts have "),
        ("wasend", "time_scale = 10", "sets time_scale, which only the built-in demo's"),
        ("rasl", "batch_size = 5", "sets batch_size, an option of WaSend accounts: RASL"),
        ("wasend", "seconds_between_writes = -1", "= -1; it must be a number of seconds, 0 or"),
        ("wasend", "batch_size = 0", "sets batch_size = 0; it must be a whole number, 1 or more"),
        ("wasend", "batch_size = 2.5", "sets batch_size = 2.5; it must be a whole number"),
        ("autosend", 'timeout = "30"', 'sets timeout = "30"; it must be a number of seconds'),
        ("autosend", "timeout = 0", "sets timeout = 0; it must be a number of seconds above 0"),
        ("rasl", "require_reason = 1", "sets require_reason = 1; it must be true or false"),
        ("wasend", "daily_budget = true", "sets daily_budget = true; it must be a whole number"),
        ("wasend", 'new_number_since = "last week"', "it must be a date, YYYY-MM-DD"),
        ("rasl", "seconds_between_reads = 1", "an option of WaSend accounts"),
    ],
)
def test_an_option_that_would_be_ignored_or_misread_is_refused_when_read(
    tmp_path: Path, provider: str, options: str, said: str
) -> None:
    store = store_with(tmp_path, provider, options)
    with pytest.raises(ConfigurationError) as refused:
        store.load()
    assert refused.value.message.startswith(f"{store.path}: the account 'desk' ")
    assert said in refused.value.message


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('provider = "rasl"\nbase_ur = "https://example.com"', "'base_ur' is no field"),
        ('provider = "whatsapp"', "invalid provider 'whatsapp': use one of rasl, wasend,"),
        ("provider = 3", "invalid provider 3: use one of"),
        ('provider = "rasl"\nbase_url = "ftp://example.com"', "invalid base_url: a base URL st"),
        ('provider = "rasl"\nbase_url = 7', "invalid base_url"),
        ('provider = "rasl"\noptions = 5', "invalid options: they are a table of names"),
    ],
)
def test_an_account_written_wrong_is_refused_in_one_sentence(
    tmp_path: Path, table: str, said: str
) -> None:
    path = tmp_path / "accounts.toml"
    path.write_text(f"[accounts.desk]\n{table}\n")
    with pytest.raises(ConfigurationError) as refused:
        AccountStore(path).load()
    assert refused.value.message.startswith(f"{path}: the account 'desk' is not valid: {said}")
    assert refused.value.message.endswith(".") and "\n" not in refused.value.message


def test_an_account_without_a_base_url_has_its_providers(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    path.write_text('[accounts.desk]\nprovider = "autosend"\n')
    (account,) = AccountStore(path).load()
    assert account.provider is Provider.AUTOSEND
    assert account.base_url == "https://api.autosend.com/v1"


def test_an_account_list_that_is_no_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    path.write_text("accounts = 5\n")
    with pytest.raises(ConfigurationError, match="accounts is not a table of accounts"):
        AccountStore(path).load()


def test_a_name_that_is_no_accounts_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.toml"
    path.write_text('[accounts."bad name"]\nprovider = "autosend"\n')
    with pytest.raises(ConfigurationError, match="'bad name' is not valid: invalid name: use 1-40"):
        AccountStore(path).load()


def test_a_new_numbers_date_reads_quoted_or_bare(tmp_path: Path) -> None:
    for written in ('"2026-11-20"', "2026-11-20"):
        (account,) = store_with(tmp_path, "wasend", f"new_number_since = {written}").load()
        assert account.options == {"new_number_since": "2026-11-20"}


def test_the_known_options_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as refused:
        store_with(tmp_path, "wasend", "speed = 2").load()
    assert refused.value.message.endswith(
        "WaSend accounts have requests_per_second, seconds_between_writes, write_jitter, "
        "timeout, require_reason, batch_size, daily_budget, pause_after_failures, "
        "seconds_between_reads, read_jitter, keep_reads_minutes, new_number_since."
    )


def test_a_change_that_would_not_load_is_refused_and_nothing_saved(tmp_path: Path) -> None:
    store = store_with(tmp_path, "wasend", "batch_size = 1")
    before = store.path.read_text()
    with pytest.raises(ConfigurationError, match="seconds_between_writes = -2"):
        store.set_options("desk", {"seconds_between_writes": -2})
    assert store.path.read_text() == before


async def test_the_demo_keeps_its_time_scale(sandbox: Sandbox) -> None:
    """The demo's WhatsApp pace is ten times the real one, and judged as the real one."""
    account, token = next(
        (a, t) for a, t in sandbox_accounts(options=SPED_UP_DEMO) if a.provider is Provider.WASEND
    )
    adapter = open_adapter(account, token, transport=sandbox.transport())
    assert not adapter.capabilities.pace_risk
    await adapter.aclose()
