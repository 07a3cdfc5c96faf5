"""/alerts add's first fetch: check the address, fetch and parse it once, or refuse with one sentence.

Every failure kind (the guard's, the fetcher's, the parser's) is answered with its translated sentence
(``cogs/alerts/failures.py``); the exception text goes to the log with who asked, where, and for what URL.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.errors import BadInput
from bot.replies import text
from cogs.alerts.failures import UNKNOWN_REASON, reason_key
from cogs.alerts.fetch import FetchError, FetchResult
from cogs.alerts.netguard import GuardError, check_url
from cogs.alerts.parse import ParsedFeed, ParseError
from cogs.alerts.poller import parse_and_identify
from cogs.alerts.render import safe_text

if TYPE_CHECKING:
    from bot.client import Interaction
    from cogs.alerts.cog import Alerts

log = logging.getLogger(__name__)

MAX_FEED_URL = 1000


def failure_sentence(interaction: Interaction, reason: str, detail: str = "", *, parse: bool = False) -> str:
    """The translated sentence for a failure ``reason``; an unknown one is logged and gets a generic one."""
    key, params = reason_key(reason, detail, parse=parse)
    if interaction.client.i18n.get(key, "en") is None:
        log.error("No catalog sentence for the alerts failure reason %r (%s)", reason, key)
        key, params = UNKNOWN_REASON, {}
    return text(interaction, key, **{name: safe_text(value, 300) for name, value in params.items()})


def _log_refusal(interaction: Interaction, url: str, reason: str, detail: str) -> None:
    log.info(
        "/alerts add by user %s in guild %s (channel %s) refused %s: %s (%s)",
        interaction.user.id,
        interaction.guild_id,
        interaction.channel_id,
        url[:300],
        reason,
        detail,
    )


async def probe(
    cog: Alerts, interaction: Interaction, url: str
) -> tuple[str, FetchResult, ParsedFeed, list[str]]:
    """The URL as it is fetched, the first answer, the parsed feed and its item keys — or BadInput.

    Defers the interaction (the fetch can take seconds) once the address itself is acceptable.
    """
    url = url.strip()
    if len(url) > MAX_FEED_URL:
        reason = text(interaction, "alerts.reason.url_too_long", count=MAX_FEED_URL)
        raise BadInput("alerts.errors.bad_url", reason=reason)
    try:
        url = str(check_url(url, cog.fetcher.allow_hosts))  # stored and shown as it is fetched
    except GuardError as exc:
        _log_refusal(interaction, url, exc.reason, exc.detail)
        reason = failure_sentence(interaction, exc.reason, exc.detail)
        raise BadInput("alerts.errors.bad_url", reason=reason) from None
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        result = await cog.fetcher.fetch(url)
        if result.body is None:
            raise FetchError("http_304", "a first request has no validators to match")
        loop = asyncio.get_running_loop()
        parsed, keys = await loop.run_in_executor(
            cog.poller.executor, parse_and_identify, result.body, result.content_type
        )
    except FetchError as exc:
        _log_refusal(interaction, url, exc.reason, exc.detail)
        reason = failure_sentence(interaction, exc.reason, exc.detail)
        raise BadInput("alerts.errors.fetch_failed", reason=reason) from None
    except ParseError as exc:
        _log_refusal(interaction, url, f"parse_{exc.reason}", str(exc))
        reason = failure_sentence(interaction, exc.reason, parse=True)
        raise BadInput("alerts.errors.not_a_feed", reason=reason) from None
    return url, result, parsed, keys
