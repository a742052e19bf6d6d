"""Find one person everywhere: every account, every group and list, at once.

Each account is searched with the cheapest lookups its API has (RASL: one contact search an
address, whose answer names the groups; AutoSend: the list search, an email per list;
WaSend: one participant read a group), all accounts at the same time, each at its own pace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from providers.accounts.store import Account
from providers.accounts.workspace import Workspace
from providers.errors import ConfigurationError, ProviderError
from providers.journal import Journal
from providers.matching import tokens
from providers.models import Container, Place
from providers.protocol import Adapter


@dataclass
class Found:
    """What one account holds of the person, and what finding it cost."""

    account: Account
    places: list[Place] = field(default_factory=list)
    #: places that could not be looked in, each with why (`read_only_reason`)
    unsearched: list[Container] = field(default_factory=list)
    #: places looked in that could not tell whether the person is there, each with why
    #: (`read_only_reason`) and a word for a cell (`read_only_word`)
    unsure: list[Container] = field(default_factory=list)
    calls: int = 0
    seconds: float = 0.0
    error: str = ""
    #: (container id, member id) -> the job in the journal that already removed them there,
    #: by whom and when (the list still shows them: it lags, or they came back)
    removed: dict[tuple[str, str], str] = field(default_factory=dict)


def one_persons_addresses(given: Sequence[str], accounts: Sequence[str] = ()) -> list[str]:
    """What was typed (or given on the command line) as one person's phones, emails and ids:
    a phone with spaces stays one entry. A name is refused: it can belong to several people,
    and "off everything" must not take the wrong one off."""
    entries = tokens(" ".join(given))
    if not entries:
        raise ConfigurationError("Give their phone number, email or id.")
    if named := [e for e in entries if e in accounts]:
        raise ConfigurationError(
            f"{named[0]} is an account: finding someone searches every account. To remove "
            "from one group or list: `rosterdeck remove ACCOUNT CONTAINER MEMBER...`."
        )
    if odd := [e for e in entries if "@" not in e and not any(c.isdigit() for c in e)]:
        listed = ", ".join(repr(e) for e in odd)
        raise ConfigurationError(
            f"Not a phone, email or id: {listed}. A name can belong to several people, so "
            "finding someone everywhere takes their phones, emails or ids."
        )
    return entries


async def find_everywhere(
    workspace: Workspace,
    entries: Sequence[str],
    on_found: Callable[[Found], None] | None = None,
    *,
    opened: Callable[[str], Awaitable[Adapter]] | None = None,
    journal: Journal | None = None,
) -> list[Found]:
    """Every account searched in parallel; `on_found` hears each as it finishes. With
    `opened`, the caller's own adapters are used (and left open: their pace spans the app);
    otherwise each is opened for the search and closed after it. With `journal`, each place
    says which job in it (anyone's) already removed the member there."""
    entries = [e.strip() for e in entries if e.strip()]

    async def search(account: Account) -> Found:
        found = Found(account)
        started = asyncio.get_running_loop().time()
        try:
            adapter = await (opened or workspace.open)(account.name)
        except ProviderError as error:
            found.error = error.message
        else:
            before = adapter.calls()
            try:
                where = await adapter.whereabouts(entries)
                found.places, found.unsearched, found.unsure = (
                    where.places,
                    where.unsearched,
                    where.unsure,
                )
            except ProviderError as error:
                found.error = error.message
            finally:
                found.calls = adapter.calls() - before
                if opened is None:
                    await adapter.aclose()
            if journal is not None:
                found.removed = journal.removals(
                    account.provider, [(p.container.id, p.member.id) for p in found.places]
                )
        found.seconds = asyncio.get_running_loop().time() - started
        if on_found is not None:
            on_found(found)
        return found

    return list(await asyncio.gather(*(search(a) for a in workspace.accounts())))
