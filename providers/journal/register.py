"""The do-not-re-add register: people who asked to stay off, by keyed digests of their
addresses, so that adding them back can be refused without keeping the addresses themselves.

An address is normalised first (a phone in any spelling to its digits, an email or a
WhatsApp id to lower case), then digested with HMAC-SHA256 under the register's key, which
lives in the journal's database (`secrets`). For sweeps, each person's addresses are also
kept sealed under a key of their own (`sealing`); forgetting them empties both, and the
digests stay: they stay suppressed, and are checked on every add-back.

Each change is one chain event holding the row (`recorded`); a person suppressed again with
an address more is one new entry holding all their digests, the older ones lifted as merged.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from providers.errors import ConfigurationError
from providers.journal import recorded
from providers.journal.hashing import mac
from providers.journal.sealing import new_key, seal, unseal
from providers.journal.writes import Stamps
from providers.matching import key_of

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from providers.journal.chain import Chain, Writing
    from providers.journal.database import Database

#: the shortest run of digits taken for a phone (shorter ones are a provider's own ids)
SHORTEST_PHONE = 8
#: why an entry was lifted when a newer one holds all of it
MERGED = "merged into "
LOOKUP_CHUNK = 500


def normalised(address: str) -> str:
    """The register's form of an address: a phone's digits, an email or WhatsApp id in lower
    case; '' for what is neither (a provider's own contact id, a name)."""
    key = key_of(address)
    if "@" in key and " " not in key:
        return key
    return key if key.isdigit() and len(key) >= SHORTEST_PHONE else ""


@dataclass(frozen=True)
class Entry:
    """One person on the register, with their addresses when they are still kept."""

    id: str
    created_at: str
    operator: str
    reason: str
    job_id: str
    lifted_at: str
    lifted_by: str
    lifted_reason: str
    addresses: tuple[str, ...]

    @property
    def active(self) -> bool:
        return not self.lifted_at

    @property
    def since(self) -> str:
        return self.created_at[:10]

    @property
    def said(self) -> str:
        """The entry in words: since when, and why."""
        why = f": {self.reason}" if self.reason else ""
        return f"{self.id} (since {self.since}{why})"


class Register:
    def __init__(self, db: Database, chain: Chain, stamps: Stamps) -> None:
        self._db = db
        self._chain = chain
        self._stamps = stamps
        self._key: bytes | None = None

    # -- digests ---------------------------------------------------------------------------

    def _secret(self, conn: Connection) -> bytes:
        if self._key is None:
            from sqlalchemy import select

            from providers.journal.tables import secrets

            value = conn.execute(
                select(secrets.c.value).where(secrets.c.name == "register")
            ).scalar()
            if value is None:
                raise ConfigurationError(
                    f"The journal {self._db.where} has lost the register's key: it was changed "
                    "outside RosterDeck."
                )
            self._key = bytes.fromhex(value)
        return self._key

    def _digests(self, conn: Connection, addresses: Iterable[str]) -> set[str]:
        secret = self._secret(conn)
        return {mac(secret, n) for a in addresses if (n := normalised(a))}

    # -- writing ---------------------------------------------------------------------------

    def suppress(
        self, writing: Writing, people: Sequence[Sequence[str]], reason: str, job_id: str = ""
    ) -> list[str]:
        """Each person (their addresses) suppressed, in the caller's transaction; returns the
        entries made. A person already wholly on the register is left as they are."""
        made = []
        for person in people:
            addresses = list(dict.fromkeys(a for a in person if normalised(a)))
            digests = self._digests(writing.conn, addresses)
            if not digests:
                continue
            older = self._active_with(writing.conn, digests)
            known = self._digests_of(writing.conn, [e.id for e in older])
            if digests <= known:
                continue
            kept: dict[str, str] = {}  # each address once, in its first spelling
            for address in (*addresses, *(a for e in older for a in e.addresses)):
                kept.setdefault(normalised(address), address)
            made.append(self._write(writing, [*kept.values()], digests | known, reason, job_id))
            for entry in older:
                self._lift(writing, entry.id, f"{MERGED}{made[-1]}")
        return made

    def _write(
        self, writing: Writing, addresses: list[str], digests: set[str], reason: str, job: str
    ) -> str:
        from providers.journal.database import insert_many
        from providers.journal.tables import suppressed, suppressed_digests

        entry_id = f"S-{self._stamps.new_id()}"
        key = new_key()
        row = {
            "id": entry_id,
            "created_at": writing.at,
            "operator": self._stamps.operator(),
            "host": self._stamps.host(),
            "reason": reason,
            "job_id": job,
            "digests": recorded.digests_hash(list(digests)),
            "lifted_at": "",
            "lifted_by": "",
            "lifted_reason": "",
            "sealed": seal(key, addresses, entry_id),
            "key": key,
        }
        recorded.insert(writing, suppressed, row, "suppressed")
        insert_many(writing.conn, suppressed_digests, [(d, entry_id) for d in sorted(digests)])
        return entry_id

    def _lift(self, writing: Writing, entry_id: str, reason: str) -> None:
        from providers.journal.tables import suppressed

        changes = {
            "lifted_at": writing.at,
            "lifted_by": self._stamps.operator(),
            "lifted_reason": reason,
        }
        recorded.update(writing, suppressed, entry_id, changes, "lifted")

    def add(self, addresses: Sequence[str], reason: str) -> list[str]:
        """One person put on the register by hand; [] when they are on it already."""
        if not any(normalised(a) for a in addresses):
            raise ConfigurationError(
                "Give their phone number, email or WhatsApp id: the register keeps those."
            )
        with self._chain.writing(self._stamps.now()) as writing:
            return self.suppress(writing, [addresses], reason)

    def lift(self, entry_id: str, reason: str) -> Entry:
        """Take a person off the register, with why; their digests stay in the lifted entry."""
        entry = self.entry(entry_id)
        if not entry.active:
            raise ConfigurationError(
                f"{entry_id} was already taken off the register on {entry.lifted_at[:10]}."
            )
        with self._chain.writing(self._stamps.now()) as writing:
            self._lift(writing, entry_id, reason)
        return self.entry(entry_id)

    def override(self, writing: Writing, job_id: str, entries: Sequence[str], reason: str) -> None:
        """A job adds back people on the register anyway: which, and why, on the chain."""
        from providers.journal.tables import overrides

        row = {
            "id": f"override-{job_id}",
            "created_at": writing.at,
            "job_id": job_id,
            "entries": json.dumps(list(entries)),
            "reason": reason,
            "operator": self._stamps.operator(),
        }
        recorded.insert(writing, overrides, row, "override")

    # -- reading ---------------------------------------------------------------------------

    def entries(self, *, active: bool = True) -> list[Entry]:
        """The register, oldest first; with `active=False` the lifted entries too."""
        from sqlalchemy import select

        from providers.journal.tables import suppressed

        query = select(suppressed).order_by(suppressed.c.created_at, suppressed.c.id)
        if active:
            query = query.where(suppressed.c.lifted_at == "")
        with self._db.read() as conn:
            return [_entry(row) for row in conn.execute(query).mappings()]

    def entry(self, entry_id: str) -> Entry:
        from sqlalchemy import select

        from providers.journal.tables import suppressed

        with self._db.read() as conn:
            row = conn.execute(select(suppressed).where(suppressed.c.id == entry_id)).first()
        if row is None:
            raise ConfigurationError(
                f"No {entry_id!r} on the register (the `suppressed` command lists it)."
            )
        return _entry(row._mapping)

    def matching(self, addresses: Iterable[str]) -> list[Entry]:
        """The active entries any of these addresses (any spelling) is on."""
        with self._db.read() as conn:
            return self._active_with(conn, self._digests(conn, addresses))

    def for_job(self, job_id: str) -> list[Entry]:
        """The entries a job made, lifted ones included."""
        from sqlalchemy import select

        from providers.journal.tables import suppressed

        query = select(suppressed).where(suppressed.c.job_id == job_id).order_by(suppressed.c.id)
        with self._db.read() as conn:
            return [_entry(row) for row in conn.execute(query).mappings()]

    def overridden(self, job_id: str) -> dict[str, Any] | None:
        """The override a job was confirmed with, if any."""
        from sqlalchemy import select

        from providers.journal.tables import overrides

        with self._db.read() as conn:
            row = conn.execute(select(overrides).where(overrides.c.job_id == job_id)).first()
        return dict(row._mapping) if row is not None else None

    def on_register(self, people: Sequence[Sequence[str]]) -> list[list[Entry]]:
        """For each person (their addresses), the active entries they are on: one look-up
        for them all."""
        with self._db.read() as conn:
            secret = self._secret(conn)
            theirs = [{mac(secret, n) for a in person if (n := normalised(a))} for person in people]
            by_digest = self._active_by_digest(conn, set().union(*theirs))
        return [
            list({e.id: e for d in sorted(digests) for e in by_digest.get(d, [])}.values())
            for digests in theirs
        ]

    def _active_with(self, conn: Connection, digests: set[str]) -> list[Entry]:
        found = self._active_by_digest(conn, digests).values()
        entries = {e.id: e for named in found for e in named}
        return sorted(entries.values(), key=lambda e: (e.created_at, e.id))

    def _active_by_digest(self, conn: Connection, digests: set[str]) -> dict[str, list[Entry]]:
        from sqlalchemy import select

        from providers.journal.tables import suppressed, suppressed_digests

        pairs: list[tuple[str, str]] = []
        ordered = sorted(digests)
        for start in range(0, len(ordered), LOOKUP_CHUNK):
            chunk = ordered[start : start + LOOKUP_CHUNK]
            found = select(suppressed_digests.c.digest, suppressed_digests.c.entry).where(
                suppressed_digests.c.digest.in_(chunk)
            )
            pairs += [(str(d), str(e)) for d, e in conn.execute(found)]
        if not pairs:
            return {}
        query = select(suppressed).where(
            suppressed.c.id.in_(sorted({e for _, e in pairs})), suppressed.c.lifted_at == ""
        )
        active = {row["id"]: _entry(row) for row in conn.execute(query).mappings()}
        by_digest: dict[str, list[Entry]] = {}
        for digest, entry in pairs:
            if entry in active:
                by_digest.setdefault(digest, []).append(active[entry])
        return by_digest

    def _digests_of(self, conn: Connection, entries: list[str]) -> set[str]:
        from sqlalchemy import select

        from providers.journal.tables import suppressed_digests

        if not entries:
            return set()
        query = select(suppressed_digests.c.digest).where(suppressed_digests.c.entry.in_(entries))
        return {str(d) for d in conn.execute(query).scalars()}


def _entry(row: Any) -> Entry:
    return Entry(
        id=row["id"],
        created_at=row["created_at"],
        operator=row["operator"],
        reason=row["reason"],
        job_id=row["job_id"],
        lifted_at=row["lifted_at"],
        lifted_by=row["lifted_by"],
        lifted_reason=row["lifted_reason"],
        addresses=tuple(unseal(row["key"], row["sealed"], row["id"])),
    )
