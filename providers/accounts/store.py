"""The account list: names, providers, base URLs and options. Nothing secret lives here.

It is a TOML file under the user's config directory, or under `$ROSTERDECK_HOME` when set.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from providers.errors import ConfigurationError
from providers.models import Provider

HOME_VARIABLE = "ROSTERDECK_HOME"
DEFAULT_BASE_URLS = {
    Provider.RASL: "https://getrasl.io/api/v2",
    Provider.WASEND: "https://api.wasend.dev",
    Provider.AUTOSEND: "https://api.autosend.com/v1",
}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
Option = bool | int | float | str


@dataclass(frozen=True, slots=True, kw_only=True)
class Account:
    """One account as the file has it. Built by `Account.read`, which checks what a person
    wrote and says in one sentence what is wrong."""

    name: str
    provider: Provider
    base_url: str
    options: dict[str, Option] = field(default_factory=dict)

    @classmethod
    def read(cls, name: str, entry: object) -> Account:
        """The account `name` from its table in the file (or from what was typed), checked.
        Raises ValueError naming the first field that is wrong and what it must be."""
        if not isinstance(entry, dict):
            raise ValueError("it is not a table of provider, base_url and options")
        unknown = sorted(set(entry) - {"provider", "base_url", "options"})
        if unknown:
            raise ValueError(
                f"{unknown[0]!r} is no field: an account has provider, base_url, options"
            )
        if not NAME.match(name):
            raise ValueError(
                "invalid name: use 1-40 letters, digits, '-', '_' or '.', starting with a "
                "letter or digit"
            )
        given = entry.get("provider")
        if not isinstance(given, str) or given not in {p.value for p in Provider}:
            names = ", ".join(p.value for p in Provider)
            raise ValueError(f"invalid provider {given!r}: use one of {names}")
        provider = Provider(given)
        base_url = entry.get("base_url", DEFAULT_BASE_URLS[provider])
        if not isinstance(base_url, str) or not base_url.startswith(("https://", "http://")):
            raise ValueError(
                "invalid base_url: a base URL starts with https:// (or http:// for a local sandbox)"
            )
        options = entry.get("options", {})
        if not isinstance(options, dict):
            raise ValueError("invalid options: they are a table of names and values")
        # A date written bare in the TOML (`new_number_since = 2026-11-20`) reads as its text,
        # as it would quoted; any other value's type is checked by `check_options`.
        options = {k: v.isoformat() if isinstance(v, date) else v for k, v in options.items()}
        return cls(name=name, provider=provider, base_url=base_url.rstrip("/"), options=options)

    def number(self, option: str, default: float) -> float:
        value = self.options.get(option, default)
        return float(value) if isinstance(value, int | float) else default


@dataclass(frozen=True)
class Rule:
    """What an option must be, in words and as a test; the providers that honour it (every
    one when empty)."""

    must_be: str
    valid: Callable[[Option], bool]
    providers: frozenset[Provider] = frozenset()


def _number(low: float, *, above: bool = False) -> Callable[[Option], bool]:
    def valid(value: Option) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return value > low if above else value >= low

    return valid


def _whole(low: int) -> Callable[[Option], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and value >= low


def _a_date(value: Option) -> bool:
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value))
    except ValueError:
        return False


WASEND_ONLY = frozenset({Provider.WASEND})
#: Every option an account may set.
OPTIONS = {
    "requests_per_second": Rule("a number, 0 or more (0: no limit of ours)", _number(0)),
    "seconds_between_writes": Rule("a number of seconds, 0 or more", _number(0)),
    "write_jitter": Rule("a number of seconds, 0 or more", _number(0)),
    "timeout": Rule("a number of seconds above 0", _number(0, above=True)),
    "require_reason": Rule("true or false", lambda value: isinstance(value, bool)),
    "batch_size": Rule("a whole number, 1 or more", _whole(1), WASEND_ONLY),
    "daily_budget": Rule("a whole number, 0 or more (0: no budget)", _whole(0), WASEND_ONLY),
    "pause_after_failures": Rule("a whole number, 0 or more (0: never)", _whole(0), WASEND_ONLY),
    "seconds_between_reads": Rule("a number of seconds, 0 or more", _number(0), WASEND_ONLY),
    "read_jitter": Rule("a number of seconds, 0 or more", _number(0), WASEND_ONLY),
    "keep_reads_minutes": Rule("a number of minutes, 0 or more", _number(0), WASEND_ONLY),
    "new_number_since": Rule("a date, YYYY-MM-DD", _a_date, WASEND_ONLY),
}
#: Options only the built-in demo's accounts have: `time_scale` is how many times faster than
#: real time the demo runs, so that its pace is judged as the real one it stands for. On a
#: real account it would make a risky pace look safe.
DEMO_ONLY = frozenset({"time_scale"})


def check_options(account: Account, where: str) -> None:
    """Refuse, in one sentence naming `where` and the key, an option that is unknown, that
    only the demo has, that the account's provider does not honour, or whose value is of the
    wrong type or out of range. Nothing is ignored silently."""
    provider = account.provider
    ours = [k for k, rule in OPTIONS.items() if not rule.providers or provider in rule.providers]
    known = f"{provider.label} accounts have {', '.join(ours)}"
    for key, value in account.options.items():
        said = f"{where}: the account {account.name!r}"
        rule = OPTIONS.get(key)
        if key in DEMO_ONLY:
            raise ConfigurationError(
                f"{said} sets {key}, which only the built-in demo's accounts have (it would make "
                f"a risky pace look safe): remove it. {known}."
            )
        if rule is None:
            raise ConfigurationError(f"{said} sets {key!r}, which is no option: {known}.")
        if rule.providers and provider not in rule.providers:
            only = " and ".join(p.label for p in rule.providers)
            raise ConfigurationError(f"{said} sets {key}, an option of {only} accounts: {known}.")
        if not rule.valid(value):
            raise ConfigurationError(
                f"{said} sets {key} = {json.dumps(value)}; it must be {rule.must_be}."
            )


def config_dir() -> Path:
    override = os.environ.get(HOME_VARIABLE)
    return Path(override) if override else platformdirs.user_config_path("rosterdeck")


def data_dir() -> Path:
    override = os.environ.get(HOME_VARIABLE)
    return Path(override) if override else platformdirs.user_data_path("rosterdeck")


def make_account(name: str, provider: str, base_url: str | None = None) -> Account:
    """Build an account from what a person typed, with one clear sentence when it is wrong."""
    try:
        chosen = Provider(provider.lower())
    except ValueError:
        names = ", ".join(p.value for p in Provider)
        raise ConfigurationError(f"Unknown provider {provider!r}: use one of {names}.") from None
    entry = {"provider": chosen.value, "base_url": base_url or DEFAULT_BASE_URLS[chosen]}
    try:
        return Account.read(name, entry)
    except ValueError as error:
        raise ConfigurationError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None


def reason_required(account: Account) -> bool:
    """An account can require a reason or ticket for every job (`require_reason = true`)."""
    return account.options.get("require_reason") is True


def with_options(account: Account, changes: dict[str, Option | None]) -> Account:
    """The account with options changed; None removes one, back to its default."""
    options = {k: v for k, v in {**account.options, **changes}.items() if v is not None}
    return replace(account, options=options)


class AccountStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "accounts.toml"

    def load(self) -> list[Account]:
        if not self.path.exists():
            return []
        try:
            raw = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigurationError(f"{self.path} is not valid TOML: {error}.") from None
        entries: dict[str, Any] = raw.get("accounts", {})
        if not isinstance(entries, dict):
            raise ConfigurationError(f"{self.path}: accounts is not a table of accounts.")
        accounts = []
        for name, entry in entries.items():
            try:
                account = Account.read(name, entry)
            except ValueError as error:
                raise ConfigurationError(
                    f"{self.path}: the account {name!r} is not valid: {error}."
                ) from None
            check_options(account, str(self.path))
            accounts.append(account)
        return accounts

    def get(self, name: str) -> Account:
        for account in self.load():
            if account.name == name:
                return account
        known = ", ".join(a.name for a in self.load()) or "none yet"
        raise ConfigurationError(f"No account named {name!r} (accounts: {known}).")

    def add(self, account: Account) -> None:
        accounts = self.load()
        if any(a.name == account.name for a in accounts):
            raise ConfigurationError(f"An account named {account.name!r} exists already.")
        self._save([*accounts, account])

    def set_options(self, name: str, changes: dict[str, Option | None]) -> Account:
        """Change an account's options (None removes one, back to its default)."""
        changed = with_options(self.get(name), changes)
        check_options(changed, str(self.path))
        self._save([changed if a.name == name else a for a in self.load()])
        return changed

    def remove(self, name: str) -> Account:
        account = self.get(name)
        self._save([a for a in self.load() if a.name != name])
        return account

    def _save(self, accounts: list[Account]) -> None:
        document = {
            "accounts": {
                a.name: {"provider": a.provider.value, "base_url": a.base_url, "options": a.options}
                for a in accounts
            }
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".toml.partial")
        partial.write_text(tomli_w.dumps(document), encoding="utf-8")
        partial.replace(self.path)
