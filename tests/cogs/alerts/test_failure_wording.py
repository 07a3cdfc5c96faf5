"""Every reason a feed can fail for has one sentence in both catalogs; users never see exception text."""

from __future__ import annotations

import ast
import socket
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp.abc import ResolveResult

from bot.i18n import Catalogs
from cogs.alerts.embeds import error_sentence
from cogs.alerts.failures import UNKNOWN_REASON, reason_key, story_url_problem
from cogs.alerts.fetch import FETCH_REASONS, FeedFetcher, FetchError, FetchLimits

ROOT = Path(__file__).resolve().parents[3]
ALERTS = ROOT / "cogs" / "alerts"
ERRORS = {"FetchError", "GuardError", "ParseError"}
HTTP_STATUSES = (304, 400, 401, 403, 404, 410, 418, 429, 451, 500, 502, 503, 504)


def catalogs() -> Catalogs:
    found = Catalogs()
    found.load_dir(ALERTS / "locales")
    return found


def _literals(node: ast.AST, functions: dict[str, ast.FunctionDef]) -> Iterator[str]:
    """String constants a reason expression can evaluate to; ``x.reason`` passes another error's through;
    a call to a function of the same module gives whatever that function returns."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body, functions)
        yield from _literals(node.orelse, functions)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
        for ret in ast.walk(functions[node.func.id]):
            if isinstance(ret, ast.Return) and ret.value is not None:
                yield from _literals(ret.value, functions)
    elif isinstance(node, ast.JoinedStr):
        head = node.values[0]
        assert isinstance(head, ast.Constant) and head.value == "http_", ast.unparse(node)
        yield from (f"http_{status}" for status in HTTP_STATUSES)
    elif isinstance(node, ast.Attribute) and node.attr == "reason":
        return  # a GuardError's or ParseError's reason, enumerated where that error is raised
    else:
        raise AssertionError(f"a reason this test cannot enumerate: {ast.unparse(node)}")


def raised_reasons() -> dict[str, set[str]]:
    """Every reason the alerts code constructs a FetchError, GuardError or ParseError with, by class."""
    found: dict[str, set[str]] = {name: set() for name in ERRORS}
    for path in sorted(ALERTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assigned = {
                target.id: node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                    continue
                if call.func.id not in ERRORS or not call.args:
                    continue
                arg = call.args[0]
                expression = assigned[arg.id] if isinstance(arg, ast.Name) else arg
                found[call.func.id].update(_literals(expression, functions))
    return found


def every_reason() -> list[tuple[str, bool]]:
    found = raised_reasons()
    fetch_side = found["FetchError"] | found["GuardError"]
    return [(r, False) for r in sorted(fetch_side)] + [(r, True) for r in sorted(found["ParseError"])]


def test_the_enumeration_finds_the_reasons_we_know_of() -> None:
    found = raised_reasons()
    assert {"timeout", "refused", "dns", "tls", "too_large", "http_404", "error"} <= found["FetchError"]
    assert {"bad_url", "bad_scheme", "refused_address", "disguised_address"} <= found["GuardError"]
    assert {"empty", "not_a_feed", "entities", "invalid"} <= found["ParseError"]
    fetch_module = {r for r in found["FetchError"] if not r.startswith("http_")} - {"error"}  # poller's
    assert fetch_module == FETCH_REASONS


@pytest.mark.parametrize(("reason", "parse"), every_reason())
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_every_failure_reason_has_a_sentence(reason: str, parse: bool, lang: str) -> None:
    found = catalogs()
    key, params = reason_key(reason, "203.0.113.9 -> 10.0.0.1 (private)", parse=parse)
    template = found.get(key, lang)
    assert template is not None and key != UNKNOWN_REASON, f"{reason!r}: no {key} in {lang}"
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    assert names <= set(params), f"{key} needs {names - set(params)}"
    sentence = found.text(key, lang, **params)
    assert sentence.strip() and "{" not in sentence
    if reason.startswith("http_"):
        assert reason[5:] in sentence


def test_a_stored_error_is_shown_as_its_sentence_without_the_exception_text() -> None:
    found = catalogs()

    def text(key: str, **params: object) -> str:
        return found.text(key, "en", **params)

    raw = (
        "refused: ClientConnectorError: Cannot connect to host 127.0.0.1:9 ssl:default [Connect call failed]"
    )
    shown = error_sentence(raw, text)
    assert shown == text("alerts.reason.refused") and "Connect call" not in shown
    assert error_sentence("http_500: Internal Server Error", text) == text(
        "alerts.reason.http_server_error", status="500"
    )
    assert error_sentence("not_a_feed: not_a_feed: an HTML page", text) == text(
        "alerts.reason.parse_not_a_feed"
    )
    assert error_sentence("error: KeyError", text) == text("alerts.reason.error")
    assert error_sentence("something odd: x", text) == text(UNKNOWN_REASON)
    assert error_sentence(None, text) == "—"


@pytest.fixture
def unused_port() -> Iterator[int]:
    """A loopback port nothing listens on (bound, never listening, so nobody else takes it meanwhile)."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        yield holder.getsockname()[1]


async def test_connection_failures_are_told_apart(unused_port: int) -> None:
    async def nothing(host: str, port: int, family: int) -> list[ResolveResult]:
        return []  # an unknown name, without asking any resolver

    limits = FetchLimits(connect=2.0, total=3.0, sock_read=1.0)
    async with FeedFetcher(frozenset({"127.0.0.1"}), limits=limits, lookup=nothing) as fetcher:
        with pytest.raises(FetchError) as refused:
            await fetcher.fetch(f"http://127.0.0.1:{unused_port}/feed")
        with pytest.raises(FetchError) as unknown:
            await fetcher.fetch("http://no-such-feed.invalid/feed")
    assert refused.value.reason == "refused" and "127.0.0.1" in refused.value.detail  # detail: for the log
    assert unknown.value.reason == "dns"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "empty"),
        ("news.example/s/1", "no_scheme"),
        ("//news.example/s/1", "no_scheme"),
        ("localhost:8080/s", "no_scheme"),
        ("/s/1", "relative"),
        ("ftp://news.example/s", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("https://", "no_host"),
        ("https://news.example:99999/s", "bad_port"),
        ("http://[::1", "unreadable"),
        ("see https://news.example/s", "spaces"),
        ("https://news.example/" + "x" * 2000, "too_long"),
        ("https://news.example/s/1?utm_source=x", None),
    ],
)
def test_what_is_wrong_with_a_story_link(url: str, problem: str | None) -> None:
    found = story_url_problem(url)
    assert (found[0] if found else None) == problem
    if found:
        for lang in ("en", "ja"):
            sentence = catalogs().text(f"alerts.story_url.{found[0]}", lang, **found[1])
            assert "{" not in sentence and "feed" not in sentence.lower()
    if problem == "no_scheme":
        assert found is not None and found[1]["suggestion"] == "https://" + url.removeprefix("//")


def test_the_guards_english_classification_stays_out_of_the_readers_sentence() -> None:
    assert reason_key("refused_address", "localhost (loopback name)") == (
        "alerts.reason.refused_address",
        {"detail": "localhost"},
    )
    assert reason_key("refused_address", "a.example -> 10.0.0.1 (private)")[1] == {
        "detail": "a.example -> 10.0.0.1"
    }
