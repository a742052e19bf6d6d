"""Where the journal lives: a SQLite file in the data folder, unless one setting names a
PostgreSQL database a team shares (`ROSTERDECK_JOURNAL`, or `journal = "postgresql://…"` in
`config.toml` beside `accounts.toml`). Its password never sits in a file: it comes from
`ROSTERDECK_JOURNAL_PASSWORD` or the keyring (service `rosterdeck`, user `journal`), and
every sentence that names the database shows it masked."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from providers.accounts.store import config_dir, data_dir
from providers.errors import ConfigurationError

SETTING = "ROSTERDECK_JOURNAL"
PASSWORD = "ROSTERDECK_JOURNAL_PASSWORD"
KEYRING = ("rosterdeck", "journal")
_PASSWORD_PART = re.compile(r"(://[^/@:]*:)[^/@]*@")


def journal_target(default: Path) -> Path | str:
    """The setting's PostgreSQL URL, or the default file."""
    url = os.environ.get(SETTING, "").strip()
    if not url:
        config = config_dir() / "config.toml"
        try:
            url = str(tomllib.loads(config.read_text(encoding="utf-8")).get("journal", ""))
        except FileNotFoundError:
            return default
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigurationError(f"{config} cannot be read: {error}.") from None
        if _PASSWORD_PART.search(url):
            raise ConfigurationError(
                f"{config} names the journal with its password in it: remove it from the "
                f"file and set {PASSWORD} or keep it in the keyring (service rosterdeck, "
                "user journal)."
            )
    if not url:
        return default
    if not url.startswith(("postgresql://", "postgres://")):
        return Path(url).expanduser()
    return url


def masked(url: str) -> str:
    """The URL as it may be shown: any password replaced by ***."""
    return _PASSWORD_PART.sub(r"\1***@", url)


def password() -> str | None:
    """The database's password: the environment first, then the keyring."""
    given = os.environ.get(PASSWORD)
    if given:
        return given
    import keyring  # only a PostgreSQL journal asks, so the keyring loads only then
    import keyring.errors

    try:
        return keyring.get_password(*KEYRING)
    except keyring.errors.KeyringError:
        return None


def head_file(url: str) -> Path:
    """A PostgreSQL journal's head file: one a database, on each machine that writes it."""
    place = re.sub(r"^[a-z+]+://([^@/]*@)?", "", url).split("?", 1)[0]
    return data_dir() / f"journal-{re.sub(r'[^A-Za-z0-9._-]+', '_', place)}.head"
