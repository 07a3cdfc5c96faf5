"""Who a ballot belongs to (pure): the user id for public polls; for secret ballots a key nobody can link.

While a secret poll is open its ballots are keyed by an HMAC of the member under the poll's own random key
(kept in the ballot-key file, outside the database), so the bot can let a member change their vote. At close
the key is destroyed and every ballot gets a fresh random key: from then on nothing links a ballot to anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

POLL_KEY_BYTES = 32


def new_poll_key() -> bytes:
    """A secret poll's own key: random, derived from nothing, never stored in the database."""
    return secrets.token_bytes(POLL_KEY_BYTES)


def secret_voter_key(poll_key: bytes, poll_id: int, user_id: int) -> str:
    """The member's ballot key in an open secret poll; without ``poll_key`` it cannot be recomputed."""
    return hmac.new(poll_key, f"{poll_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def legacy_voter_key(poll_secret: str, poll_id: int, user_id: int) -> str:
    """The key of ballots cast before per-poll keys (an HMAC under POLL_SECRET).

    Used only for secret polls that were open at the upgrade, until they close.
    """
    return secret_voter_key(poll_secret.encode(), poll_id, user_id)


def sealed_key() -> str:
    """A closed secret poll's ballot key: random, so it says nothing about who cast the ballot or when."""
    return secrets.token_hex(32)


def public_voter_key(user_id: int) -> str:
    return f"u{user_id}"


@dataclass(frozen=True)
class Voter:
    """A member about to vote: the store derives the ballot key (it knows whether the poll is secret)."""

    user_id: int
    name: str
