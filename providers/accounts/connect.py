"""Turn an account and its token into a ready adapter."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx

from providers.accounts.store import Account
from providers.autosend.adapter import AutoSendAdapter
from providers.http.client import HttpSettings, ProviderHttp, Sleep
from providers.models import Provider
from providers.protocol import Adapter
from providers.rasl.adapter import RaslAdapter
from providers.wasend.adapter import WaSendAdapter
from providers.wasend.pace import (
    DEFAULT_BATCH,
    DEFAULT_DAILY_BUDGET,
    KEEP_READS_MINUTES,
    PAUSE_AFTER_FAILURES,
    SAFE_GAP,
    SAFE_JITTER,
    SAFE_READ_GAP,
    SAFE_READ_JITTER,
)

#: Paces used when an account sets none: RASL learns its own from /account/limits.
DEFAULT_RATES = {Provider.RASL: 0.0, Provider.WASEND: 5.0, Provider.AUTOSEND: 2.0}
#: WhatsApp: a removal every 3 to 6 s, never in a fixed rhythm (see `providers.wasend.pace`).
DEFAULT_WRITE_GAPS = {Provider.WASEND: SAFE_GAP}
DEFAULT_WRITE_JITTER = {Provider.WASEND: SAFE_JITTER}


def settings_for(account: Account, token: str) -> HttpSettings:
    return HttpSettings(
        base_url=account.base_url,
        token=token,
        label=f"{account.provider.label} ({account.name})",
        requests_per_second=account.number("requests_per_second", DEFAULT_RATES[account.provider]),
        seconds_between_writes=account.number(
            "seconds_between_writes", DEFAULT_WRITE_GAPS.get(account.provider, 0.0)
        ),
        write_jitter=account.number(
            "write_jitter", DEFAULT_WRITE_JITTER.get(account.provider, 0.0)
        ),
        retry_rate_limited_writes=account.provider is not Provider.WASEND,
        timeout=account.number("timeout", 20.0),
    )


def open_adapter(
    account: Account,
    token: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
) -> Adapter:
    http = ProviderHttp(settings_for(account, token), transport=transport, sleep=sleep)
    if account.provider is Provider.RASL:
        return RaslAdapter(http, learn_rate="requests_per_second" not in account.options)
    if account.provider is Provider.WASEND:
        batch = int(account.number("batch_size", DEFAULT_BATCH))
        return WaSendAdapter(
            http,
            batch_size=max(1, batch),
            daily_budget=max(0, int(account.number("daily_budget", DEFAULT_DAILY_BUDGET))),
            pause_after_failures=max(
                0, int(account.number("pause_after_failures", PAUSE_AFTER_FAILURES))
            ),
            time_scale=account.number("time_scale", 1.0),
            new_number_since=new_number_since(account),
            read_gap=max(0.0, account.number("seconds_between_reads", SAFE_READ_GAP)),
            read_jitter=max(0.0, account.number("read_jitter", SAFE_READ_JITTER)),
            keep_reads_minutes=max(0.0, account.number("keep_reads_minutes", KEEP_READS_MINUTES)),
            sleep=sleep,
        )
    return AutoSendAdapter(http)


def new_number_since(account: Account) -> date | None:
    """The day a WaSend account's numbers became new to WhatsApp (`new_number_since`, a
    date `check_options` has let through)."""
    given = account.options.get("new_number_since")
    return date.fromisoformat(str(given)) if given else None
