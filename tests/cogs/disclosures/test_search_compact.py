"""The compact title index: built in pages, kept in step by put/remove after the build, saved and loaded whole,
and a stand-in that logs what happened while the real index was being built."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bot.db import apply_migrations, open_database
from cogs.disclosures import index_build, seed, store
from cogs.disclosures.compact import HashedKeys, SortedWords, Strings
from cogs.disclosures.normalise import normalise
from cogs.disclosures.schema import migrations
from cogs.disclosures.search import TitleIndex

ROWS = [
    ("a-quiet-meadow", "Quiet Meadow"),
    ("a-quiet-meadow", "静かな草原"),
    ("b-loud-forest", "Loud Forest"),
    ("c-forest-song", "Forest Song"),
    ("c-forest-song", "Mori no Uta"),
    ("d-symbols", "!!!"),  # a main title with no words: kept as the title, never matched
]


def _found(index: TitleIndex, query: str) -> list[str]:
    return [m.record_id for m in index.search(query)]


def test_built_in_pages_with_or_without_normalised_forms_it_answers_the_same() -> None:
    whole = TitleIndex.build(ROWS)
    paged = TitleIndex.building()
    paged.add_rows([(r, t, normalise(t)) for r, t in ROWS[:2]])
    paged.add_rows([(r, t, "") for r, t in ROWS[2:]])  # "": computed while building
    paged.finish()
    for query in ("quiet medow", "forest", "静かな", "mori no", "loud", "!!!", "song forest"):
        assert _found(paged, query) == _found(whole, query), query
    assert len(paged) == 4 and "d-symbols" in paged and paged.title_of("d-symbols") == "!!!"
    assert set(_found(paged, "forest")) == {"b-loud-forest", "c-forest-song"} and _found(paged, "!!!") == []


def test_put_and_remove_after_the_build_cover_new_words_typos_prefixes_and_mentions() -> None:
    index = TitleIndex.build(ROWS)
    index.put("e-new", ["Velvet Lighthouse", "ビロードの灯台"])
    assert _found(index, "velvet lighthose")[0] == "e-new"  # a typo of a word first seen after the build
    assert _found(index, "velv")[0] == "e-new"  # a prefix of it
    assert _found(index, "灯台")[0] == "e-new"
    assert index.mentioned("News: Velvet Lighthouse used AI") == ["e-new"]
    index.put("b-loud-forest", ["Silent Forest"])  # a built record re-titled: the old title is gone
    assert "b-loud-forest" not in _found(index, "loud") and _found(index, "silent")[0] == "b-loud-forest"
    assert index.title_of("b-loud-forest") == "Silent Forest"
    index.remove("e-new")
    index.remove("a-quiet-meadow")
    assert _found(index, "velvet") == [] and _found(index, "quiet meadow") == []
    assert "e-new" not in index and "a-quiet-meadow" not in index and len(index) == 3
    assert index.mentioned("Velvet Lighthouse and Quiet Meadow") == []
    index.put("a-quiet-meadow", ["Quiet Meadow"])
    assert _found(index, "quiet meadow") == ["a-quiet-meadow"] and len(index) == 4


def test_a_stand_in_logs_changes_that_the_built_index_replays() -> None:
    stand_in = TitleIndex(log_changes=True)
    stand_in.put("e-new", ["Velvet Lighthouse"])
    stand_in.remove("b-loud-forest")
    stand_in.put("c-forest-song", ["Forest Song Reprise"])
    assert _found(stand_in, "velvet") == ["e-new"]  # it answers for what it was given
    built = TitleIndex.build(ROWS)
    built.replay(stand_in.changes or [])
    assert _found(built, "velvet") == ["e-new"] and "b-loud-forest" not in built
    assert built.title_of("c-forest-song") == "Forest Song Reprise" and built.changes is None


def test_records_in_any_order_and_the_japanese_title_for_japanese_readers() -> None:
    by_record: dict[str, list[tuple[str, str]]] = {}
    for row in ROWS:
        by_record.setdefault(row[0], []).append(row)
    backwards = [row for record_id in reversed(by_record) for row in by_record[record_id]]
    index = TitleIndex.build(backwards)  # records not in id order: found by id all the same
    assert all(record_id in index for record_id, _ in ROWS)
    assert index.title_in("a-quiet-meadow", "ja") == "静かな草原"
    assert index.title_in("c-forest-song", "ja") == "Forest Song" and index.title_in("zz", "ja") is None


def test_compact_containers() -> None:
    strings = Strings()
    assert [strings.append(t) for t in ("", "ab", "静か", "😀x")] == [0, 1, 2, 3]
    assert [strings[i] for i in range(4)] == ["", "ab", "静か", "😀x"]
    assert [strings.first_character(i) for i in range(4)] == ["", "a", "静", "😀"]
    words = SortedWords(sorted(f"w{i:04d}" for i in range(100)))
    assert len(words) == 100 and words[37] == "w0037" and words.rank("w0064") == 64
    assert words.rank("w0064a") is None and words.first_at_least("w0064a") == 65
    assert words.first_at_least("") == 0 and words.first_at_least("z") == 100
    assert SortedWords().first_at_least("a") == 0 and SortedWords().rank("a") is None
    keys = HashedKeys([("abc", 1), ("abd", 2), ("abc", 3)])
    assert sorted(keys.get("abc")) == [1, 3] and list(keys.get("zzz")) == []


async def test_a_big_index_is_built_by_a_child_process_from_the_database_file(tmp_path: Path) -> None:
    db = open_database(tmp_path / "t.db")
    apply_migrations(db, migrations)
    seed.import_seed(db)
    direct = index_build.build(db)
    path = index_build.database_file(db)
    assert path == str(tmp_path / "t.db") and index_build.database_file(open_database(None)) == ""
    loaded = await index_build.build_elsewhere(path)
    assert len(loaded) == len(direct) == store.count_published(db) == 61
    for query in ("Dog and teh Boy", "犬と少年", "サイバーパンク", "expedtion 33"):
        assert _found(loaded, query) == _found(direct, query), query


@pytest.mark.parametrize("bad", ["not a pickle", ""])
def test_loading_something_else_fails_loudly(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "titles.pickle"
    path.write_text(bad)
    Path(f"{path}.buffers").write_bytes(b"")
    with pytest.raises((pickle.UnpicklingError, EOFError)):
        index_build.load(path)
