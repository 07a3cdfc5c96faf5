"""How long a private view waits for its member before it times out.

An interaction token lasts 15 minutes, and a view that times out disables its components through one (the
token of the interaction that showed it, or of the last click that edited it: ``ErrorReportingView``). A view
that waits exactly as long as the token lives times out just as the token dies, and that edit fails: its
buttons stay live on the message and answer "expired". So a private view gives up a minute earlier.
"""

from __future__ import annotations

INTERACTION_TOKEN_LIFETIME = 15 * 60  # seconds: Discord's limit for an interaction's follow-ups and edits
PRIVATE_VIEW_TIMEOUT = INTERACTION_TOKEN_LIFETIME - 60  # 14 minutes: disabled while the token still works
