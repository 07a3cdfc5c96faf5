"""Relevance on a table of real-looking headlines, English and Japanese, relevant and not."""

from __future__ import annotations

from pathlib import Path

import pytest

from cogs.alerts.relevance import BARE_AI as BARE_AI_TERM
from cogs.alerts.relevance import Keywords, Matcher, NameMask, TermSet, normalise

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


# A bare "AI" and the names that contain it (issue point 21). (title, strict, broad)
BARE_AI = [
    ("Illustrator accused of AI use", True, True),
    ("English dub of the anime used AI for minor roles", True, True),
    ("新作アニメ、AIで作画", True, True),
    ("ＡＩで作画したアニメが話題", True, True),  # full width
    ("Studio admits A.I. was used in anime opening", True, True),
    ("STUDIO ADMITS AI IN ANIME OPENING", True, True),  # capitals: no case to go by, still AI
    ("Anime fans debate AI's place in in-betweening", True, True),
    ("Kizuna AI's voice actress speaks out against AI", True, True),  # the name hides only its own AI
    ("Kizuna AI's agency bans AI art in fan contests", True, True),
    ("Ai Hoshino fan art made with AI sparks debate", True, True),
    ("EU lawmakers approve landmark AI Act", False, True),  # no field word: broad only
    ("Sony Group invests in AI startup", False, True),  # a company is not a field beside a bare AI
    ("Sony uses generative AI for anime backgrounds", True, True),  # ... but is beside an AI term
]
NAMES_AND_WORDS = [
    "Kizuna AI joins VTuber collab in new rhythm game",
    "KIZUNA AI ANIME COLLAB ANNOUNCED",
    "Kizuna-AI returns to streaming with new game",
    "Oshi no Ko: Ai Hoshino anime figure revealed",
    "AI HOSHINO ANIME FIGURE REVEALED",
    "Hoshino Ai cosplay at anime convention",
    "Ai Mizuno gets spotlight episode in new anime",  # not in the names list: mixed case is never AI
    "Voice actress Ai Kayano joins new game",
    "AI: The Somnium Files gets anime adaptation",
    "'The Gene of AI' manga gets anime adaptation",
    "A.I.C.O. Incarnation director returns with new anime",
    "Kizuna AIがアニメに出演",
    "『AIの遺伝子』がアニメ化",
    "『ＡＩ：ソムニウムファイル』新作ゲーム発表",
    "キズナアイがゲーム実況",
    "『推しの子』アイのイラスト公開",
    "愛の物語を描いた漫画がアニメ化",
    "Thai anime studio's debut film",
    "Aim Lab partners with game league",
    "AIR visual novel anniversary",
    "OpenAI's Sora app tops charts, anime fans notice",
    "Nvidia's AI chips power new game-streaming servers",
    "Best anime about AI and robots",
]


@pytest.mark.parametrize(("title", "strict", "broad"), BARE_AI)
def test_bare_ai_counts_beside_a_field_word(title: str, strict: bool, broad: bool) -> None:
    matcher = Matcher(KEYWORDS)
    assert matcher.judge(title, "", "strict").relevant is strict
    assert matcher.judge(title, "", "broad").relevant is broad


@pytest.mark.parametrize("title", NAMES_AND_WORDS)
def test_names_and_words_containing_ai_never_match(title: str) -> None:
    matcher = Matcher(KEYWORDS)
    for mode in ("strict", "broad"):
        verdict = matcher.judge(title, "", mode)
        assert not verdict.relevant and not verdict.ai_terms, (mode, verdict)


def test_a_bare_ai_is_reported_and_scored_like_a_term() -> None:
    verdict = Matcher(KEYWORDS).judge("Illustrator accused of AI use", "", "strict")
    assert verdict.ai_terms == (BARE_AI_TERM,) and verdict.domain_terms == ("illustrator",)
    assert verdict.score == 4  # ai 2 + ai in title 1 + domain 1


def test_strict_takes_a_bare_ai_only_from_the_headline() -> None:
    """A summary's "AI" is too loose a context for strict mode ("AI and anime" in a story's blurb); broad takes it."""
    matcher = Matcher(KEYWORDS)
    assert not matcher.judge("New anime PV released", "Fans asked about AI and anime.", "strict").relevant
    assert matcher.judge("New anime PV released", "Fans asked about AI and anime.", "broad").relevant
    assert matcher.judge("New anime PV released", "It used generative AI.", "strict").relevant


def test_server_terms_match_as_written_even_a_name() -> None:
    fans = Matcher(KEYWORDS, extra_terms=("Kizuna AI",))
    assert fans.judge("Kizuna AI joins VTuber collab", "", "strict").relevant
    assert not Matcher(KEYWORDS).judge("Kizuna AI joins VTuber collab", "", "strict").relevant
    muted = Matcher(KEYWORDS, extra_exclusions=("dub",))
    assert not muted.judge("English dub of the anime used AI for minor roles", "", "broad").relevant


def test_name_mask_blanks_names_in_any_case_and_mixed_case_ai() -> None:
    mask = NameMask(["Kizuna AI", "AIの遺伝子"])
    assert mask("Kizuna AI and KIZUNA-AI met AI") == "  and   met AI"
    assert mask("『AIの遺伝子』とAI") == "『 』とAI"
    assert mask("Ai Mizuno and AI") == "  Mizuno and AI"
    assert mask("AI MIZUNO") == "AI MIZUNO"  # capitals only: no case to go by
    assert mask("A.I. art") == "AI art"
    text = "no such word here, said the maid"
    assert mask(text) is text
