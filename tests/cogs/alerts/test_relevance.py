"""Relevance on a table of real-looking headlines, English and Japanese, relevant and not."""

from __future__ import annotations

from pathlib import Path

import pytest

from cogs.alerts.relevance import Keywords, Matcher, TermSet, normalise

KEYWORDS = Keywords.load(Path(__file__).resolve().parents[3] / "data" / "keywords.toml")

# (title, summary, strict, broad)
HEADLINES = [
    ("Toei Animation admits AI-generated backgrounds in new anime", "", True, True),
    (
        "Crunchyroll pulls AI subtitles after fan backlash",
        "The anime streamer used AI translation.",
        True,
        True,
    ),
    ("Studio credits generative AI for opening sequence", "", True, True),
    ("Illustrators protest Stable Diffusion training on their art", "", True, True),
    ("Voice actors sign petition against AI voice cloning", "", True, True),
    (
        "Netflix anime short 'The Dog & The Boy' used AI backgrounds",
        "The film credits AI image generation.",
        True,
        True,
    ),
    ("ＡＩ－ＧＥＮＥＲＡＴＥＤ key visual angers manga fans", "", True, True),
    ("OpenAI raises new funding round for ChatGPT", "", False, True),
    ("Generative AI startup cuts jobs", "", False, True),
    ("アニメ制作に生成AIを導入、背景美術で", "", True, True),
    ("画像生成AIで作ったイラストが炎上", "", True, True),
    ("声優の声をAI音声で無断使用", "", True, True),
    ("漫画家が生成AIに反対声明", "", True, True),
    ("生成AIの規制法案が国会で審議入り", "", False, True),
    ("新作アニメのPVが公開", "", False, False),
    ("One Piece chapter 1130 delayed", "", False, False),
    ("Kingdom Hearts 4: Sora returns in a new trailer", "", False, False),
    ("New fighting game boasts smarter enemy AI", "The AI opponents adapt to your play.", False, False),
    ("Fairy tale maid anime gets season 2", "", False, False),
    ("Waifu AI companions in the new dating sim", "An AI companion follows you in the game.", False, False),
    ("格闘ゲームの敵AIが強化", "", False, False),
    ("MAIN character design revealed", "", False, False),
    ("Said the paid animator", "", False, False),
]


@pytest.mark.parametrize(("title", "summary", "strict", "broad"), HEADLINES)
def test_headline_table(title: str, summary: str, strict: bool, broad: bool) -> None:
    matcher = Matcher(KEYWORDS)
    assert matcher.judge(title, summary, "strict").relevant is strict
    assert matcher.judge(title, summary, "broad").relevant is broad


def test_all_mode_posts_everything_not_excluded() -> None:
    matcher = Matcher(KEYWORDS)
    assert matcher.judge("New anime PV released", "", "all").relevant
    assert not matcher.judge("Enemy AI improved", "", "all").relevant


def test_score_and_terms_are_reported() -> None:
    verdict = Matcher(KEYWORDS).judge("Generative AI in anime", "", "strict")
    assert verdict.score == 4  # ai 2 + ai in title 1 + domain 1
    assert "generative ai" in verdict.ai_terms and "anime" in verdict.domain_terms
    summary_only = Matcher(KEYWORDS).judge("Studio news", "They used generative AI", "strict")
    assert summary_only.score == 3


def test_server_terms_and_exclusions() -> None:
    plain = Matcher(KEYWORDS)
    custom = Matcher(KEYWORDS, extra_terms=("Kaiber",), extra_exclusions=("crypto",))
    assert not plain.judge("Kaiber used for an anime music video", "", "strict").relevant
    assert custom.judge("Kaiber used for an anime music video", "", "strict").relevant
    assert not custom.judge("Generative AI anime NFT crypto drop", "", "strict").relevant


def test_latin_terms_need_word_boundaries_cjk_terms_are_substrings() -> None:
    terms = TermSet(["art", "アニメ", "generative AI"])
    assert terms.find(normalise("Partial start")) == set()
    assert terms.find(normalise("AI art")) == {"art"}
    assert terms.find(normalise("新作アニメ化決定")) == {"アニメ"}
    assert terms.find(normalise("Generative-AI tools")) == {"generative ai"}
    assert terms.find(normalise("生成AIとgenerative AIアニメ")) == {"generative ai", "アニメ"}


def test_unknown_mode_is_a_bug() -> None:
    with pytest.raises(ValueError):
        Matcher(KEYWORDS).judge("x", "", "loose")
