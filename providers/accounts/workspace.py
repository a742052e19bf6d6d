"""Where the accounts and their tokens come from: the user's own, or the built-in sandbox."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from providers.accounts.store import Account, AccountStore, Option, data_dir
from providers.accounts.token_source import TokenSource
from providers.errors import ConfigurationError
from providers.sandbox import endpoints

# What reaches a provider (httpx, the adapters, the keyring, the sandbox's Starlette) is
# loaded when an account is first opened, after the first screen is drawn: listing the
# accounts needs none of it.
if TYPE_CHECKING:
    import httpx

    from providers.accounts.credentials import Credentials
    from providers.models import Identity
    from providers.protocol import Adapter
    from providers.sandbox.apis import Sandbox


#: the demo's sandbox data, beside its journal (see `providers.sandbox.kept`)
SANDBOX_FILE = "sandbox.sqlite3"
#: The demo's pace with the rate limits lifted: WhatsApp's safe pace ten times faster, judged
#: (and its risk said) as the real one it stands for; the app and the shell share it.
SPED_UP_DEMO: dict[str, Option] = {
    "requests_per_second": 0,
    "seconds_between_writes": 0.3,
    "write_jitter": 0.3,
    "seconds_between_reads": 0.1,
    "read_jitter": 0.1,
    "time_scale": 10,
}


class Workspace(Protocol):
    is_sandbox: bool
    #: the sandbox with the providers' rate limits lifted: time runs faster than for real
    sped_up: bool

    def accounts(self) -> list[Account]: ...

    def account(self, name: str) -> Account: ...

    async def token_source(self, name: str) -> TokenSource: ...

    async def open(self, name: str) -> Adapter: ...

    def data_path(self) -> Path:
        """Where this workspace keeps its journal and exports: the demo's apart from yours."""
        ...

    def journal_path(self) -> Path | str:
        """The journal's SQLite file, or the PostgreSQL URL the setting names."""
        ...

    def exports_path(self) -> Path: ...


def command(workspace: Workspace, *words: str) -> str:
    """A command as the person must type it to reach the same journal (the demo's is apart)."""
    return " ".join(("rosterdeck", *(["--demo"] if workspace.is_sandbox else []), *words))


def verify_command(workspace: Workspace) -> str:
    """What checks a receipt against this workspace's journal, as a receipt prints it."""
    return command(workspace, "jobs", "verify", "--receipt")


class Paths:
    """The journal and the exports, under each workspace's own data path."""

    def data_path(self) -> Path:
        raise NotImplementedError

    def journal_path(self) -> Path | str:
        return self.data_path() / "journal.sqlite3"

    def exports_path(self) -> Path:
        return self.data_path() / "exports"


class LocalWorkspace(Paths):
    """The accounts in the user's TOML file, with tokens from the environment or keyring."""

    is_sandbox = False
    sped_up = False

    def __init__(
        self, store: AccountStore | None = None, credentials: Credentials | None = None
    ) -> None:
        from providers.accounts.credentials import Credentials

        self.store = store or AccountStore()
        self.credentials = credentials or Credentials()

    def accounts(self) -> list[Account]:
        return self.store.load()

    def account(self, name: str) -> Account:
        return self.store.get(name)

    async def token_source(self, name: str) -> TokenSource:
        return (await self.credentials.token(name))[1]

    def data_path(self) -> Path:
        return data_dir()

    def journal_path(self) -> Path | str:
        """Yours may be a team's PostgreSQL (`ROSTERDECK_JOURNAL`); the demo's never is."""
        from providers.accounts.journal_location import journal_target

        return journal_target(self.data_path() / "journal.sqlite3")

    async def open(self, name: str) -> Adapter:
        from providers.accounts.connect import open_adapter

        account = self.store.get(name)
        return open_adapter(account, await self.credentials.require(name))

    async def add(self, account: Account, token: str, *, verify: bool = True) -> Identity | None:
        """Check the token, keep it (unless it comes from the environment), save the account.

        Nothing is saved when any step fails, so a failed add leaves nothing half done.
        """
        from providers.accounts.connect import open_adapter
        from providers.accounts.credentials import env_var_for

        if any(a.name == account.name for a in self.store.load()):
            raise ConfigurationError(f"An account named {account.name!r} exists already.")
        identity = None
        if verify:
            adapter = open_adapter(account, token)
            try:
                identity = await adapter.check()
            finally:
                await adapter.aclose()
        if self.credentials.environ.get(env_var_for(account.name)) != token:
            await self.credentials.store(account.name, token)
        self.store.add(account)
        return identity

    async def remove(self, name: str) -> bool:
        """Remove the account and its stored token; True when a token was deleted."""
        account = self.store.remove(name)
        return await self.credentials.forget(account.name)


def sandbox_accounts(
    origin: str | None = None, options: dict[str, Option] | None = None
) -> list[tuple[Account, str]]:
    """One account per provider, pointed at the sandbox (in process, or at `origin`), with
    the token it accepts."""
    return [
        (
            Account(name=f"sandbox-{p.value}", provider=p, base_url=url, options=options or {}),
            token,
        )
        for p, url, token in (endpoints(origin) if origin else endpoints())
    ]


class SandboxWorkspace(Paths):
    """The sandbox's own accounts, reached in process; no keyring is involved.

    The sandbox may be given as a way to make it (the demo's): its fakes and their data are
    made when an account is first opened, not to list the accounts."""

    is_sandbox = True

    def __init__(
        self,
        sandbox: Sandbox | Callable[[], Sandbox],
        options: dict[str, Option] | None = None,
        *,
        sped_up: bool | None = None,
    ) -> None:
        self._make_sandbox = sandbox if callable(sandbox) else lambda: sandbox
        if sped_up is None:
            faults = self.sandbox.faults.values()
            sped_up = not any(fault.rate_limit for fault in faults)
        self.sped_up = sped_up
        self._accounts = {a.name: (a, token) for a, token in sandbox_accounts(options=options)}

    @cached_property
    def sandbox(self) -> Sandbox:
        return self._make_sandbox()

    @cached_property
    def _transport(self) -> httpx.AsyncBaseTransport:
        return self.sandbox.transport()

    @classmethod
    def demo(
        cls, real_pace: bool = False, story: Callable[[Sandbox], None] | None = None
    ) -> SandboxWorkspace:
        """The demo: its sandbox data kept beside its journal, so that the app, each shell
        command and each browser tab meet the same people, and nobody removed comes back
        until the demo is reset. The providers' rate limits are lifted unless `real_pace`;
        `story` sets the sandbox's faults as the app's demo shows them."""
        workspace: SandboxWorkspace

        def make() -> Sandbox:
            from providers.sandbox.apis import Sandbox

            sandbox = Sandbox() if real_pace else Sandbox().unlimited()
            if story is not None:
                story(sandbox)
            return sandbox.keep(workspace.data_path() / SANDBOX_FILE)

        options = None if real_pace else SPED_UP_DEMO
        workspace = cls(make, options=options, sped_up=not real_pace)
        return workspace

    def reset(self) -> None:
        """Fresh sandbox data for every process of the demo, and its history and exports
        gone with the old data: they told of people that no longer exist. The journal must
        be closed first."""
        self.sandbox.reset()
        folder = self.data_path()
        for path in folder.iterdir() if folder.exists() else ():
            if path.name.startswith(SANDBOX_FILE):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def accounts(self) -> list[Account]:
        return [account for account, _ in self._accounts.values()]

    def account(self, name: str) -> Account:
        if name not in self._accounts:
            known = ", ".join(self._accounts)
            raise ConfigurationError(f"No sandbox account named {name!r} (accounts: {known}).")
        return self._accounts[name][0]

    async def token_source(self, name: str) -> TokenSource:
        return TokenSource.BUILT_IN

    def data_path(self) -> Path:
        """The demo's jobs and exports are kept apart from real ones, and reset together."""
        return data_dir() / "demo"

    async def open(self, name: str) -> Adapter:
        from providers.accounts.connect import open_adapter

        account = self.account(name)
        return open_adapter(account, self._accounts[name][1], transport=self._transport)


class OpenedOnce:
    """Each account's adapter opened once and shared, so that everything one command does
    (a search, then the job) keeps the account's pace; all closed together at the end."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.adapters: dict[str, Adapter] = {}
        #: one opening at a time: two asking at once (a token check, a job) get one adapter
        self._opening = asyncio.Lock()

    async def __call__(self, name: str) -> Adapter:
        async with self._opening:
            if name not in self.adapters:
                self.adapters[name] = await self.workspace.open(name)
        return self.adapters[name]

    async def forget(self, name: str) -> None:
        """Close one account's adapter (the account is being removed)."""
        adapter = self.adapters.pop(name, None)
        if adapter is not None:
            await adapter.aclose()

    async def aclose(self) -> None:
        adapters, self.adapters = self.adapters, {}
        for adapter in adapters.values():
            await adapter.aclose()
