"""Files from the page: a member posts an image (as Discord stores it: a sniffed content type, served inline);
bad uploads get a readable 400, and the page's token is needed like for any change."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from emulator import Emulator
from emulator.messages import detect_type
from emulator.web import SandboxWeb
from emulator.web.present import present_message

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 24


def upload(name: str, data: bytes, content_type: str = "image/png") -> dict[str, str]:
    return {"filename": name, "content_type": content_type, "data": base64.b64encode(data).decode()}


async def post(http: aiohttp.ClientSession, web: SandboxWeb, body: dict[str, Any]) -> tuple[int, Any]:
    async with http.post(web.url + "/api/message", json=body) as resp:
        return resp.status, await resp.json()


async def test_a_member_posts_an_image_with_or_without_text(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator
) -> None:
    body = {"user": "bob", "channel": "general", "attachments": [upload("art.png", PNG, "")]}
    status, data = await post(http, web, body)
    assert status == 200
    stored = emulator.messages("general")[-1]
    assert stored["id"] == data["id"] and stored["content"] == ""
    assert stored["author"]["username"] == "bob"
    [attachment] = stored["attachments"]
    assert attachment["content_type"] == "image/png" and attachment["size"] == len(PNG)
    async with http.get(web.url + present_message(stored)["attachments"][0]["url"]) as resp:
        assert resp.headers["Content-Type"] == "image/png"
        assert "Content-Disposition" not in resp.headers
        assert await resp.read() == PNG
    status, _ = await post(
        http, web, {**body, "content": "with words", "attachments": [upload("a.png", PNG)] * 2}
    )
    assert status == 200
    assert [a["filename"] for a in emulator.messages("general")[-1]["attachments"]] == ["a.png", "a.png"]


@pytest.mark.parametrize(
    ("attachments", "message"),
    [
        ([], "1 to 2000 characters or a file"),
        ([upload("x.png", PNG)] * 11, "at most 10 files"),
        ([{"filename": "x.png", "data": "not base64!"}], "could not be read"),
        ([{"filename": "x.png"}], "needs a file"),
        ("x.png", "attachments must be a list"),
    ],
)
async def test_bad_uploads_are_refused_readably(
    web: SandboxWeb, http: aiohttp.ClientSession, emulator: Emulator, attachments: Any, message: str
) -> None:
    status, data = await post(http, web, {"user": "bob", "channel": "general", "attachments": attachments})
    assert status == 400 and message in data["error"]
    assert emulator.messages("general") == []


async def test_an_upload_without_the_pages_token_changes_nothing(web: SandboxWeb, emulator: Emulator) -> None:
    body = {"user": "bob", "channel": "general", "attachments": [upload("art.png", PNG)]}
    async with aiohttp.ClientSession() as http, http.post(web.url + "/api/message", json=body) as resp:
        assert resp.status == 403
    assert emulator.messages("general") == [] and emulator.files == {}


def test_content_types_are_what_discord_reports() -> None:
    assert detect_type("chart.png", PNG, "application/octet-stream") == "image/png"
    assert detect_type("photo", b"\xff\xd8\xff\xe0rest", None) == "image/jpeg"
    assert detect_type("x.webp", b"RIFF\0\0\0\0WEBPVP8 ", "") == "image/webp"
    assert detect_type("notes.txt", b"hello", "application/octet-stream") == "text/plain"
    assert detect_type("blob", b"\0\1", "application/octet-stream") == "application/octet-stream"
    assert detect_type("art.png", b"not really", "image/png") == "image/png"  # a declared type is kept


def test_files_an_embed_shows_are_marked_so_the_page_shows_them_once() -> None:
    files = [
        {"id": "1", "filename": "status.png", "url": "http://127.0.0.1:9/attachments/1/status.png"},
        {"id": "2", "filename": "data.csv", "url": "http://127.0.0.1:9/attachments/2/data.csv"},
    ]
    shown = present_message(
        {
            "id": "5",
            "channel_id": "3",
            "attachments": files,
            "embeds": [{"image": {"url": "attachment://status.png"}}],
        }
    )
    assert [(a["filename"], a["in_embed"]) for a in shown["attachments"]] == [
        ("status.png", True),
        ("data.csv", False),
    ]
