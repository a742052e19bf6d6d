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
KEY_BYTES = 32


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
    mac: str,
) -> str:
    """A step's hash chains the job's steps before it: the event that wrote a run of steps
    names the last one's hash, which holds them all."""
    fields = (previous, seq, item, at, state, code, message, batch, mac)
    return hashlib.sha256(_fields(fields)).hexdigest()


def body(payload: object) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def new_keys(count: int) -> list[str]:
    """Fresh keys, one a person, from one read of the system's randomness."""
    pool = secrets.token_bytes(KEY_BYTES * count)
    return [pool[i : i + KEY_BYTES].hex() for i in range(0, len(pool), KEY_BYTES)]


def mac(key: str, *personal: str) -> str:
    """The keyed digest of a person's fields: what the chain holds instead of them."""
    return hmac.digest(bytes.fromhex(key), _fields(personal), "sha256").hex()
