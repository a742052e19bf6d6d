"""A suppressed person's addresses, kept so that a sweep can search for them, sealed under a
key of that person's own (AES-GCM): destroying the key (forgetting them) destroys the
addresses too, in every copy of the journal made since."""

from __future__ import annotations

import json
import secrets

KEY_BYTES = 32
NONCE_BYTES = 12


def new_key() -> str:
    return secrets.token_hex(KEY_BYTES)


def seal(key: str, addresses: list[str], bound_to: str) -> str:
    """The addresses encrypted, bound to their entry's id (a sealed text moved to another
    entry does not open)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(addresses, ensure_ascii=False).encode()
    sealed = AESGCM(bytes.fromhex(key)).encrypt(nonce, plain, bound_to.encode())
    return (nonce + sealed).hex()


def unseal(key: str, sealed: str, bound_to: str) -> list[str]:
    """The addresses; none when the key or the sealed text is gone, or does not open."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not key or not sealed:
        return []
    data = bytes.fromhex(sealed)
    try:
        plain = AESGCM(bytes.fromhex(key)).decrypt(
            data[:NONCE_BYTES], data[NONCE_BYTES:], bound_to.encode()
        )
    except (InvalidTag, ValueError):
        return []
    return [str(address) for address in json.loads(plain)]
