"""How stored messages are shaped for the page: visibility, local URLs, blocked remote images (pure)."""

from __future__ import annotations

from emulator.web.present import channel_view, loadable, present_message, visible_to


def message(mid: int, *, flags: int = 0, user: str = "11", channel: str = "5", **extra: object) -> dict:
    return {
        "id": str(mid),
        "channel_id": channel,
        "flags": flags,
        "content": f"m{mid}",
        "interaction_metadata": {"id": "99", "user": {"id": user}},
        "allowed_mentions": {"parse": []},
        **extra,
    }


def test_ephemeral_messages_are_visible_to_their_invoker_only() -> None:
    assert visible_to(message(1, flags=64, user="11")) == "11"
    assert visible_to(message(1)) is None


def test_attachments_are_served_by_the_page_and_embed_attachment_urls_resolve() -> None:
    att = {"id": "7", "filename": "chart one.png", "url": "http://127.0.0.1:9/attachments/7/chart one.png"}
    msg = message(
        1,
        attachments=[att],
        embeds=[
            {
                "image": {"url": "attachment://chart one.png"},
                "thumbnail": {"url": "https://cdn.example.com/t.png"},
            }
        ],
    )
    shown = present_message(msg, "/poll results")
    assert shown["attachments"][0]["url"] == "/files/7/chart%20one.png"
    assert shown["embeds"][0]["image"]["url"] == "/files/7/chart%20one.png"
    assert "url" not in shown["embeds"][0]["thumbnail"]
    assert shown["embeds"][0]["thumbnail"]["blocked_url"] == "https://cdn.example.com/t.png"
    assert "allowed_mentions" not in shown
    assert shown["command"] == "/poll results"
    assert msg["attachments"][0]["url"].startswith("http://127.0.0.1:9")  # the stored message is untouched


def test_only_loopback_or_relative_urls_are_loadable() -> None:
    assert loadable("/files/1/a.png")
    assert loadable("http://127.0.0.1:8123/x.png")
    assert loadable("http://localhost/x.png")
    assert not loadable("https://example.com/x.png")
    assert not loadable("//example.com/x.png")
    assert not loadable("javascript:alert(1)")
    assert not loadable(None)


def test_component_labels_are_not_command_labels() -> None:
    assert present_message(message(1), "poll:vote:1:0")["command"] is None


def test_channel_view_merges_own_ephemerals_in_order_and_limits() -> None:
    stored = [message(1), message(4)]
    ephemerals = [
        message(2, flags=64, user="11"),
        message(3, flags=64, user="12"),
        message(5, flags=64, user="11", channel="6"),
    ]
    ids = [m["id"] for m in channel_view(stored, ephemerals, "5", "11", 10)]
    assert ids == ["1", "2", "4"]
    assert [m["id"] for m in channel_view(stored, ephemerals, "5", "12", 2)] == ["3", "4"]
