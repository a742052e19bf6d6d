"""The journal's hashes are a format: a journal written today must verify with every later
RosterDeck, so each hash is pinned to the value this version writes; and no edit can move
text from one field to the next and keep a hash."""

from __future__ import annotations

import hashlib
import hmac
import string

from providers.journal.hashing import (
    GENESIS,
    KEY_BYTES,
    body,
    event_hash,
    mac,
    member_text,
    members_digest,
    new_keys,
    step_hash,
)

AT = "2026-01-02T03:04:05.000Z"


def test_each_hash_is_the_one_journals_already_hold() -> None:
    assert GENESIS == "0" * 64
    assert event_hash(GENESIS, 1, "j1", AT, "planned", '{"a":1}') == (
        "6f7508ff5dc686f8c390b320b6f4f311045871e3b379eefb7ef1e27aabe72f5b"
    )
    assert step_hash("ab" * 32, 2, 0, AT, "removed", "", "", None) == (
        "a273237a0592e97758f04b96f5ee76606d253d2cca9004840714a7d3d0b9c53d"
    )
    assert step_hash("ab" * 32, 2, 0, AT, "failed", "403", "no", 3) == (
        "e3f3e2df533e835f29b20f142a99b2e3217989aa9c6ea51e5d284b56b836180a"
    )
    assert members_digest(["aa", "bb"]) == (
        "80c0d5c7137871baa75af2038f350bf60a4d45a131a653d0eb93f3cda3d28609"
    )
    assert members_digest([]) == hashlib.sha256(b"").hexdigest()


def test_text_moved_between_fields_changes_the_hash() -> None:
    one = event_hash(GENESIS, 1, "j1", AT, "a|b", "c")
    assert one != event_hash(GENESIS, 1, "j1", AT, "a", "b|c")
    assert one != event_hash(GENESIS, 1, "j1", AT, "a|", "bc")
    empty, none = (step_hash(GENESIS, 1, 0, AT, "x", "", "", b) for b in ("", None))
    assert empty == none  # a batch never given is written as nothing, as before
    assert step_hash(GENESIS, 1, 0, AT, "x", "", "", 0) != none


def test_a_body_is_compact_sorted_json_that_keeps_every_letter() -> None:
    assert body({"b": "é", "a": [1, 2]}) == '{"a":[1,2],"b":"é"}'


def test_a_persons_fields_are_hashed_under_their_own_key() -> None:
    text = member_text("7", '{"name":"Ada"}')
    assert text == '1:7{"name":"Ada"}'
    key = "00" * KEY_BYTES
    assert mac(key, text) == ("502aae80d8463f75181d1df749a1ce5590d0e2b6f13731126bcca1696d970e15")
    assert mac(bytes(KEY_BYTES), text) == mac(key, text)
    assert mac("01" * KEY_BYTES, text) != mac(key, text)
    assert mac(key, text) == hmac.new(bytes(KEY_BYTES), text.encode(), "sha256").hexdigest()


def test_fresh_keys_are_one_a_person_each_its_own() -> None:
    keys = new_keys(50)
    assert len(keys) == 50 and len(set(keys)) == 50
    assert all(len(k) == 2 * KEY_BYTES and set(k) <= set(string.hexdigits.lower()) for k in keys)
    assert new_keys(1)[0] != new_keys(1)[0]
    assert new_keys(0) == []
