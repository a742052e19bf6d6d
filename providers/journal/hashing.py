"""How the journal's rows become hashes: events, steps and the keyed digests of people.

Every field is written with its length before it, so no edit can move text from one field
to the next and keep the hash. Pure functions, without SQLAlchemy: the migrations and the
verifier use the same ones as the writers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable

GENESIS = "0" * 64
KEY_BYTES = 16


def _fields(values: Iterable[object]) -> bytes:
    out = []
    for value in values:
        text = "" if value is None else str(value)
        out.append(f"{len(text)}:{text}")
    return "|".join(out).encode()


def event_hash(previous: str, seq: int, job_id: str, at: str, kind: str, body: str) -> str:
    return hashlib.sha256(_fields((previous, seq, job_id, at, kind, body))).hexdigest()


def step_hash(
    previous: str,
    seq: int,
    item: int,
    at: str,
    state: str,
    code: str,
    message: str,
    batch: int | None,
) -> str:
    """A step's hash chains the job's steps before it: the event that wrote a run of steps
    names the last one's hash, which holds them all."""
    fields = (previous, seq, item, at, state, code, message, batch)
    return hashlib.sha256(_fields(fields)).hexdigest()


def members_digest(macs: Iterable[str]) -> str:
    """A plan's members, in order, by their keyed digests: what its event holds of them."""
    return hashlib.sha256("\n".join(macs).encode()).hexdigest()


def body(payload: object) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def new_keys(count: int) -> list[str]:
    """Fresh keys, one a person, from one read of the system's randomness."""
    pool = secrets.token_hex(KEY_BYTES * count)
    size = 2 * KEY_BYTES
    return [pool[i : i + size] for i in range(0, len(pool), size)]


def member_text(member_id: str, details: str) -> str:
    """A member's personal fields as one text: their id, then their details (JSON)."""
    return f"{len(member_id)}:{member_id}{details}"


def mac(key: str | bytes, text: str) -> str:
    """The keyed digest (HMAC-SHA256) of a person's fields: what the chain holds instead."""
    secret = bytes.fromhex(key) if isinstance(key, str) else key
    return hmac.digest(secret, text.encode(), "sha256").hex()
