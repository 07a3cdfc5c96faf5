"""What an alert and a digest look like, as plain data within Discord's limits; feed text can never ping."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from bot.text import clip, plain, untrusted

TITLE_LIMIT = 256
SUMMARY_LIMIT = 300
FIELD_LIMIT = 1024
DESCRIPTION_LIMIT = 4096
SOURCE_LIMIT = 100
URL_LIMIT = 2048
MAX_ALSO = 10
# Elements that end a line when shown: their text never runs into the words around them.
_BLOCK = (
    *("address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "details", "dialog"),
    *("div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4"),
    *("h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "menu", "nav", "ol", "p", "pre"),
    *("section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
)
# Elements whose text is never shown as text (code, styles, the document head, embedded content).
_HIDDEN = ("head", "title", "script", "style", "template", "noscript", "iframe", "object", "svg", "math")
# Escaped HTML inside a feed's text is decoded and stripped again, up to this many layers in all.
_PASSES = 3
# What an HTML parser cannot be given (lone surrogates would cut the text short), and control whitespace.
_UNPARSABLE = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CONTROL_SPACE = re.compile("[\x0b\x0c]")
# libxml2 drops everything after </html>; an unknown end tag is ignored instead.
_HTML_END = re.compile(r"</html(?=[\s/>])", re.IGNORECASE)
# Only for input the parser gives up on (nesting deeper than it allows): anything tag-shaped goes.
_TAG_SHAPED = re.compile(r"<[^<>]*>")
# Printable ASCII a URL never carries unencoded (RFC 3986), and the parentheses that would end a masked link.
_NOT_IN_URLS = str.maketrans({ch: f"%{ord(ch):02X}" for ch in '"<>\\^`{|}'})
_PARENTHESES = str.maketrans({"(": "%28", ")": "%29"})


@dataclass(frozen=True)
class AlertCard:
    """The embed of one alert (plus what the buttons need)."""

    title: str
    url: str | None
    description: str
    source: str
    published: datetime | None
    also_reported: tuple[str, ...] = ()
    record_labels: tuple[str, ...] = field(default=())


def plain_text(html_text: str) -> str:
    """Feed HTML (or text with entities) as one plain line: tags, scripts, comments and entities gone.

    Parsed as HTML (lxml), so a ``>`` inside an attribute, a comment or a script never ends a tag early.
    Block elements separate words, inline ones do not (``<b>AI</b>-made`` reads "AI-made"). Escaped HTML
    inside the text (``&lt;p&gt;Hi&lt;/p&gt;``, or ``&amp;lt;`` as feeds often double-encode it) is decoded
    and stripped in turn; text that is no HTML (``a < b``, ``Fish & Chips``) stays as it is. Never raises.
    """
    text = html_text
    for _ in range(_PASSES):
        if "<" not in text and "&" not in text:
            break
        decoded = _text_of(text)
        if decoded is None:  # beyond what the parser takes: tag-shaped runs dropped, entities still decoded
            decoded = _text_of(_TAG_SHAPED.sub(" ", text))
            if decoded is None:
                decoded = html.unescape(_TAG_SHAPED.sub(" ", text))
        if decoded == text:
            break
        text = decoded
    text = plain(text)
    return " ".join(text.split())


def _unwrap_cdata(text: str) -> str:
    """``<![CDATA[…]]>`` sections as their content (HTML would read them as comments ending at the first ``>``)."""
    if "<![CDATA[" not in text:
        return text
    head, *sections = text.split("<![CDATA[")
    out = [head]
    for section in sections:
        content, end, rest = section.partition("]]>")
        out.append(content + rest if end else content)
    return "".join(out)


def _text_of(markup: str) -> str | None:
    """The text one HTML parse shows, one space for each block boundary; None when the parser gave up."""
    markup = _CONTROL_SPACE.sub(" ", _UNPARSABLE.sub("", markup))
    markup = _HTML_END.sub("</x-html", _unwrap_cdata(markup))
    if not markup.strip():
        return ""
    # A parser of its own each call: parsers are not shared between threads, and its error log is this parse's.
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, default_doctype=False
    )
    try:
        root = lxml.html.document_fromstring(markup, parser=parser)
    except lxml.etree.ParserError:  # no element at all: nothing but comments or processing instructions
        return ""
    except (lxml.etree.LxmlError, ValueError):
        return None
    if any(error.level >= lxml.etree.ErrorLevels.FATAL for error in parser.error_log):
        return None  # stopped part way (e.g. nesting too deep): what it read is not the whole text
    lxml.etree.strip_elements(root, *_HIDDEN, with_tail=False)
    for element in root.iter(*_BLOCK):
        element.text = " " + (element.text or "")
        element.tail = " " + (element.tail or "")
    return "".join(root.itertext())


def safe_text(raw: str, limit: int) -> str:
    """Feed text (HTML allowed) as one plain, markdown-escaped, mention-proof line within ``limit``."""
    return untrusted(plain_text(raw), limit, one_line=True)


def _shown(texts: Sequence[str]) -> tuple[str, ...]:
    """The texts that still show something once made safe (a source named by a zero-width space does not)."""
    return tuple(shown for shown in (safe_text(t, SOURCE_LIMIT) for t in texts if t) if shown)


def safe_url(url: str | None) -> str | None:
    """Only http(s) links of sane length that hide nothing go into an embed: a link with whitespace, a control,
    bidirectional or other invisible character (which would show one address and lead to another) is refused.
    The ASCII characters a URL may never carry as such (RFC 3986: ``"<>\\^`{|}``) are percent-encoded, as a
    browser would, so the address stays the same."""
    if not url or len(url) > URL_LIMIT or not url.lower().startswith(("http://", "https://")):
        return None
    if plain(url) != url or not url.isprintable() or any(ch.isspace() for ch in url):
        return None
    encoded = url.translate(_NOT_IN_URLS)
    return encoded if len(encoded) <= URL_LIMIT else None


def _link_target(url: str) -> str:
    """A :func:`safe_url` as the target of a masked link ``[label](target)``: parentheses percent-encoded, so
    nothing in it can end the link early (whitespace, ``<``, ``>`` and backslashes never get this far). Never
    mention-broken: a link's target cannot ping, and a zero-width space would change where it leads."""
    return url.translate(_PARENTHESES)


def alert_card(
    *,
    title: str,
    url: str | None,
    summary: str,
    source: str,
    published: datetime | None,
    also_reported: Sequence[str] = (),
    record_labels: Sequence[str] = (),
    untitled: str = "(untitled)",
) -> AlertCard:
    """Build the card for an item: every text escaped and clipped to the embed limits."""
    return AlertCard(
        title=safe_text(title, TITLE_LIMIT) or untitled,
        url=safe_url(url),
        description=safe_text(summary, SUMMARY_LIMIT),
        source=safe_text(source, SOURCE_LIMIT) or "?",
        published=published,
        also_reported=_shown(also_reported),
        record_labels=_shown(record_labels),
    )


def also_reported_value(sources: Sequence[str]) -> str:
    """The "Also reported by" field: unique sources, at most ten named, within a field's limit."""
    unique = list(dict.fromkeys(sources))
    shown = unique[:MAX_ALSO]
    value = ", ".join(shown)
    if len(unique) > MAX_ALSO:
        value += f" (+{len(unique) - MAX_ALSO})"
    return clip(value, FIELD_LIMIT)


@dataclass(frozen=True)
class DigestLine:
    title: str
    url: str | None
    source: str


def digest_description(lines: Sequence[DigestLine], more_template: str = "…and {count} more") -> str:
    """One bullet per alert (linked title — source), cut to the description limit with a count of the rest."""
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        # The label and source are safe_text (escaped, mention-proof); the target is left as the feed gave it.
        title = safe_text(line.title, 200) or "?"
        url = safe_url(line.url)
        source = safe_text(line.source, 60)
        entry = f"• [{title}]({_link_target(url)}) — {source}" if url else f"• {title} — {source}"
        rest = len(lines) - index
        reserve = len(more_template) + 8
        if used + len(entry) + 1 > DESCRIPTION_LIMIT - reserve:
            out.append(more_template.format(count=rest))
            break
        out.append(entry)
        used += len(entry) + 1
    return "\n".join(out)


def public_address(url: str) -> str:
    """A feed's address as it may be shown: scheme, host and path, without the user, password, query or
    fragment, where a private feed keeps its token (``?token=…``)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}{parts.path}" if host else ""
