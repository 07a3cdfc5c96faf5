"""Who a ballot belongs to: the user id for public polls, an HMAC for secret ballots (pure)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


def secret_voter_key(secret: str, poll_id: int, user_id: int) -> str:
    """A key only the bot (holding ``secret``, kept outside the database) can recompute for a member.

    It lets a member change their own secret vote while nothing stored links the ballot to them.
    """
    return hmac.new(secret.encode(), f"{poll_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def voter_key(secret: str, poll_id: int, user_id: int, *, is_secret: bool) -> str:
    """The ballot key for this member in this poll."""
    return secret_voter_key(secret, poll_id, user_id) if is_secret else f"u{user_id}"


@dataclass(frozen=True)
class Voter:
    """A member about to vote in one poll: both possible keys, so the store picks one in the same transaction."""

    user_id: int
    name: str
    secret_key: str = field(repr=False)

    @classmethod
    def of(cls, secret: str, poll_id: int, user_id: int, name: str) -> Voter:
        return cls(user_id, name, secret_voter_key(secret, poll_id, user_id))

    def key(self, *, is_secret: bool) -> str:
        return self.secret_key if is_secret else f"u{self.user_id}"
