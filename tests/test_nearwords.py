"""The spelling candidates rapidfuzz finds are Whoosh's own `Searcher.suggest`'s."""

from __future__ import annotations

import itertools
import random
import re

import pytest
from rapidfuzz.distance import OSA, Levenshtein

from pfocr_search import FigureIndex, FigureRecord, read_records
from pfocr_search.engine import nearwords


def _typos(words: list[str], seed: int = 3) -> list[str]:
    """The words, each with a slip: a letter dropped, added, changed, or two swapped."""
    rng, out = random.Random(seed), []
    for word in words:
        i = rng.randrange(1, len(word) - 1)
        out += [word[:i] + word[i + 1:], word[:i] + rng.choice("aeinrst") + word[i:],
                word[:i] + rng.choice("aeinrst") + word[i + 1:], word[:i] + word[i + 1] + word[i] + word[i + 2:]]
    return out


def _same_as_whoosh(ix: FigureIndex, words: list[str]) -> int:
    searcher = ix._current_searcher()
    reader = searcher.reader()
    fields = [n for n, f in ix.config.fields.items() if (f.spelling or f.analyzer == "text") and n in searcher.schema]
    found = 0
    for word in words:
        # Twenty as spelling asks, and three: more words within reach than that
        # test which are kept (the most frequent, ties by the later word).
        for name, limit in itertools.product(fields, (20, 3)):
            expected = searcher.suggest(name, word, limit=limit, maxdist=2, prefix=1)
            assert nearwords.suggest(reader, name, word, limit=limit, maxdist=2, prefix=1) == expected, (name, word)
            found += len(expected) == 3  # a cut made
    return found


@pytest.fixture(scope="module")
def words(sample_dir) -> list[str]:
    records = [r for r in read_records([sample_dir]) if isinstance(r, FigureRecord)]
    text = " ".join(r.text_of(name) for r in records[:40] for name in ("figtitle", "caption"))
    return random.Random(5).sample(sorted({w.lower() for w in re.findall(r"[A-Za-z]{5,12}", text)}), 30)


def test_candidates_are_whooshs_on_one_segment_in_order(sample_index, words):
    # One segment: Whoosh's Levenshtein automaton (a swap is two edits), the
    # most frequent in the field first.
    assert _same_as_whoosh(sample_index, words + _typos(words)) > 20


def test_candidates_are_whooshs_on_several_segments(tmp_path, sample_dir, corpus_copy, add_database_figure, words):
    # Several segments: a MultiReader measures Damerau-Levenshtein (a swap is one edit).
    path = tmp_path / "ix"
    FigureIndex.build([sample_dir / "old"], path).close()
    with FigureIndex.open(path) as ix:
        ix.update([sample_dir / "old", corpus_copy / "new"])
        assert len(list(ix._current_searcher().reader().leaf_readers())) > 1
        assert _same_as_whoosh(ix, words + _typos(words)) > 20


def test_each_reader_kind_is_measured_as_whoosh_measures_it(sample_index):
    reader = sample_index._current_searcher().reader()
    assert nearwords._metric(reader) is Levenshtein.distance  # "ab" to "ba" is 2
    assert OSA.distance("ab", "ba") == 1 != Levenshtein.distance("ab", "ba")


def test_a_new_generation_reads_its_own_words(tmp_path, sample_dir, corpus_copy):
    # An update's new words are candidates at once (no word list outlives its reader).
    path = tmp_path / "ix"
    FigureIndex.build([sample_dir / "old"], path).close()
    with FigureIndex.open(path) as ix:
        reader = ix._current_searcher().reader()
        before = nearwords.suggest(reader, "caption", "signalling", limit=200, maxdist=2, prefix=1)
        (corpus_copy / "extra").mkdir()
        # A plain (unquoted) caption, so the added words stay words whatever order the folder lists in.
        figure = next(f for f in sorted((corpus_copy / "old").glob("*.md"))
                      if "\ncaption: " in (t := f.read_text("utf-8")) and t.split("\ncaption: ", 1)[1][0] not in "'\"")
        # Under a figid of its own: a copy keeping the original's loses or wins it by
        # path order, which hangs on where the checkout and the temporary folder lie.
        figid = "PMC99999__" + figure.stem.split("__", 1)[1]
        text = figure.read_text("utf-8").replace(figure.stem, figid).replace("caption:", "caption: signalingz signallinq", 1)
        (corpus_copy / "extra" / f"{figid}.md").write_text(text, "utf-8")
        report = ix.update([sample_dir / "old", corpus_copy / "extra"])
        assert report.added == 1 and not report.skipped
        after = nearwords.suggest(ix._current_searcher().reader(), "caption", "signalling", limit=200, maxdist=2,
                                  prefix=1)
        assert {"signalingz", "signallinq"} <= set(after) - set(before)
