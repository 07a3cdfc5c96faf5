"""Feed HTML as one plain line (``plain_text``): parsed as HTML, so markup never leaks and text never goes."""

from __future__ import annotations

import pytest

from cogs.alerts.render import plain_text, safe_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ('<a title=">">text</a>', "text"),  # a quoted ">" does not end the tag
        ('<img alt="a > b" src="x.png">after', "after"),
        ("x <!-- a > b --> y", "x y"),  # a comment with ">" in it goes whole
        ("x<!-- <p>hidden</p> -->y", "xy"),
        ('<script>var s = "</b>"; if (a > b) {}</script>ok', "ok"),
        ('<p>Read</p><script>var s = "</b>"; go()', "Read"),  # unclosed: the rest is script, not text
        ("<p>Hi</p><style>p > b { color: red }</style>", "Hi"),
        ("<noscript>Enable JavaScript</noscript><template><p>t</p></template>Text", "Text"),
        ("<?php if ($a) echo 1; ?>after", "after"),
        ("<p>Tom <![CDATA[& Jerry > Spike]]></p>", "Tom & Jerry > Spike"),  # CDATA is text
        ("<![CDATA[<p>Hi</p>]]>", "Hi"),
        ("<html><body><p>Story</p></body></html><p>More</p>", "Story More"),  # nothing after </html> lost
    ],
)
def test_markup_that_regexes_got_wrong(html: str, text: str) -> None:
    assert plain_text(html) == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<b>AI</b>-made", "AI-made"),  # inline elements add no space
        ("<p>one</p><p>two</p>", "one two"),
        ("one<br>two<br/>three", "one two three"),
        ("<ul><li>a</li><li>b</li></ul><h2>c</h2><blockquote>d</blockquote>", "a b c d"),
        ("<table><tr><td>x</td><td>y</td></tr><tr><td>z</td></tr></table>", "x y z"),
        ("<div>line\n\n  two</div>\r\n<div>three</div>", "line two three"),
    ],
)
def test_block_elements_separate_words_inline_ones_do_not(html: str, text: str) -> None:
    assert plain_text(html) == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Fish &amp; Chips &copy; 2025 &#8212; &#x2764;", "Fish & Chips © 2025 — ❤"),
        ("&amp;lt;b&amp;gt;hi&amp;lt;/b&amp;gt;", "hi"),  # HTML escaped twice, as feeds send it
        ("&lt;p&gt;Hello&lt;/p&gt;&lt;p&gt;World&lt;/p&gt;", "Hello World"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;shown", "shown"),
        ("AT&amp;amp;T", "AT&T"),
        ("2 &lt; 3", "2 < 3"),
    ],
)
def test_entities_and_escaped_html_end_as_plain_text(html: str, text: str) -> None:
    assert plain_text(html) == text


@pytest.mark.parametrize(
    "text", ["a < b and c > d", "Fish & Chips", "AT&T", "x <= y", "<3 <", "> quoted", "&", "C&A; 5 > 4"]
)
def test_text_that_is_no_html_is_kept(text: str) -> None:
    assert plain_text(text) == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        (" \n\t ", ""),
        ("<b></b>", ""),
        ("<!-- only a comment -->", ""),
        ("<", "<"),
        ("<p>unclosed <b>bold <i>italic", "unclosed bold italic"),
        ("</p></div>stray ends</b>", "stray ends"),
        ("<p <b>>odd</p>", ">odd"),
        ("a\x00b<p>c\x01</p>\ud800d\ufffe\uffff", "ab c d"),  # NUL, controls, lone surrogates
        ("&#0;&#xd800;x", "\ufffd\ufffdx"),
        ("<p>\u202eevil\u200b &#x202e;more\u2066</p>", "evil more"),  # invisible and bidi characters
    ],
)
def test_empty_malformed_and_invalid_input_never_raises(html: str, text: str) -> None:
    assert plain_text(html) == text


def test_deeply_nested_tags_keep_their_text() -> None:
    depth = 100_000
    assert plain_text("<b>" * depth + "deep" + "</b>" * depth + " after") == "deep after"
    assert plain_text("<div>" * depth + "x") == "x"


def test_huge_input_is_read_whole() -> None:
    block = '<p>Hello <b>world</b> &amp; <a href="https://e.example/?a=1&amp;b=2">friends</a></p>'
    huge = block * (2_000_000 // len(block))
    text = plain_text(huge)
    assert text.startswith("Hello world & friends Hello world") and "<" not in text
    assert text.count("friends") == huge.count("friends")
    assert plain_text("a < b & " * 250_000) == " ".join(["a < b &"] * 250_000)


def test_safe_text_keeps_the_parsed_text_and_escapes_it() -> None:
    assert safe_text('<a title=">">**bold**</a> @everyone', 100) == "\\*\\*bold\\*\\* @\u200beveryone"
