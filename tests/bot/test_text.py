from hypothesis import given
from hypothesis import strategies as st

from bot.text import clip, clip_lines


def test_short_text_is_unchanged() -> None:
    assert clip("Dog and the Boy", 80) == "Dog and the Boy"


def test_cut_at_a_word_with_an_ellipsis() -> None:
    assert clip("Generative AI backgrounds in an anime short", 20) == "Generative AI…"


def test_text_without_spaces_is_cut_by_character() -> None:
    assert clip("背景" * 20, 5) == "背景背景…"


def test_lines_are_kept_whole_and_the_rest_summarised() -> None:
    lines = [f"line {i}" for i in range(100)]
    text = clip_lines(lines, 60, lambda n: f"… +{n} more")
    kept = text.splitlines()
    assert kept[:3] == ["line 0", "line 1", "line 2"]
    assert kept[-1].startswith("… +") and int(kept[-1].split("+")[1].split()[0]) + len(kept) - 1 == 100
    assert clip_lines(lines, 30).splitlines()[-1] == "…"


@given(st.lists(st.text(max_size=300), max_size=40), st.integers(min_value=2, max_value=2000))
def test_never_over_the_limit(lines: list[str], limit: int) -> None:
    assert len(clip_lines(lines, limit)) <= limit
    assert len(clip_lines(lines, limit, lambda n: f"… and {n} more")) <= limit
    assert all(len(clip(line, limit)) <= limit for line in lines)
