"""Array scoring gives Whoosh's own answers.

`pfocr_search.engine.evaluation` scores parsed queries over whole posting arrays
instead of Whoosh's per-document matchers.  These tests run the same parsed
queries through Whoosh's collector on the same index and require the same
matching figures with the same scores, on a single-segment index and on one
with several segments and deleted documents.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import shutil

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh import query

from pfocr_search import FigureIndex
from pfocr_search.engine import hits
from pfocr_search.engine.arrays import term_postings
from pfocr_search.engine.evaluation import WordCoordOr, matching, score
from pfocr_search.engine.schema import RECORD, unpack_record
from pfocr_search.engine.storage import Manifest
from pfocr_search.engine.weighting import ArrayBM25F
from pfocr_search.query.filters import Filters
from pfocr_search.query.parser import build_parser, parse_query
from pfocr_search.sources.model import lead_sentence

QUERIES = [
    "signaling", "jak stat signaling", "wnt OR notch", "apoptosis AND caspase", "cancer NOT breast",
    "stat3 -jak1", '"signaling pathway"', '"nf-kb signaling" inflammation', "figtitle:pathway",
    "genes:STAT3 genes:JAK1", "year:[2015 TO 2020]", "kinase^3 receptor", "(tgf OR smad) AND fibrosis",
    "NF-κB", "mapk erk", "genes:tp53 OR caption:p53", "NOT pathway", "insulin ANDMAYBE glucose",
    '"tumor necrosis factor"', '"jak stat signaling"', '"zzzunknown pathway"', '"jak stat"~3', 'caption:"cell death"',
    '"pathway pathway"', '"nf-kb"', "signaling year:[2010 TO]", "year:[TO 2015] AND pathway",
    # "Fe-S" indexes fe twice at one position (the part, and the joined word stemmed alike):
    # the keywords' "Fe-S biogenesis | ... DNA metabolism" is no phrase "fe metabolism".
    '"fe metabolism"', '"fe-s biogenesis"', "*:*", "*:* NOT breast",
]
FINDS_NOTHING = {"(tgf OR smad) AND fibrosis", '"zzzunknown pathway"', '"pathway pathway"', '"fe metabolism"'}
WORDS = ["signaling", "pathway", "stat3", "jak", "cancer", "cell", "apoptosis", "wnt", "kinase", "immune",
         "receptor", "nf-kb", "il6", "notch", "zzzunknown", "tnf", "mtor", "autophagy"]


def _searcher(path):
    ix = FigureIndex.open(path)
    config = ix.config
    ix.close()
    manifest = Manifest.load(path)
    wix = whoosh_index.open_dir(str(path / manifest.generation))
    return wix.searcher(weighting=ArrayBM25F.from_config(config)), config


def _plain(config):
    """`config` with coordination off: Whoosh scores WordCoordOr as a plain OR."""
    return dataclasses.replace(config, search=dataclasses.replace(config.search, coordination=0.0))


def _exact_ranges(searcher, q):
    """`q` with each numeric range as the constant-score OR of the exact values
    in it: Whoosh's own tiers of coarser terms match every value of an
    unsigned 32-bit field from low or open starts (`year:[TO 2015]` matched 2023)."""
    if isinstance(q, query.NumericRange):
        field = searcher.schema[q.fieldname]
        low, high = q.start, q.end
        values = [t for t in searcher.lexicon(q.fieldname) if t[0] == 0]  # shift 0: the values themselves
        inside = [t for t in values if (low is None or field.from_bytes(t) >= low + q.startexcl)
                  and (high is None or field.from_bytes(t) <= high - q.endexcl)]
        return query.ConstantScoreQuery(query.Or([query.Term(q.fieldname, t) for t in inside]), q.boost)
    return q if q.is_leaf() else q.apply(lambda sub: _exact_ranges(searcher, sub))


def _whoosh(searcher, q) -> dict[int, float]:
    """Whoosh's matches and scores.  Whoosh's AndNot and Not matchers return
    excluded documents (nested under an OR, or from a segment with
    deletions), so around them the tree is combined here by set algebra, and
    Whoosh scores the subtrees without negation."""
    q = _exact_ranges(searcher, q)
    if not any(isinstance(n, (query.AndNot, query.Not)) for n in _nodes(q)):
        return {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
    if isinstance(q, query.AndNot):
        excluded = set(_whoosh(searcher, q.b))
        return {d: v for d, v in _whoosh(searcher, q.a).items() if d not in excluded}
    if isinstance(q, query.Not):
        excluded = set(_whoosh(searcher, q.query))
        return {d: 1.0 for d in searcher.reader().all_doc_ids() if d not in excluded}
    parts = [_whoosh(searcher, sub) for sub in q.subqueries]
    boost = q.boost if len(parts) > 1 else 1.0
    if isinstance(q, query.And):
        common = set.intersection(*(set(p) for p in parts))
        return {d: sum(p[d] for p in parts) * boost for d in common}
    assert isinstance(q, query.Or) and not q.minmatch, q
    out: dict[int, float] = {}
    for part in parts:
        for d, v in part.items():
            out[d] = out.get(d, 0.0) + v
    return {d: v * boost for d, v in out.items()}


def _nodes(q):
    yield q
    if not q.is_leaf():
        for child in q.children():
            yield from _nodes(child)


def _check(searcher, config, text: str, may_find_nothing: bool = False) -> None:
    q = parse_query(build_parser(searcher.schema, _plain(config)), text)
    expected = _whoosh(searcher, q)
    got = score(searcher, q)
    assert set(np.flatnonzero(got.mask).tolist()) == set(expected), text
    for doc, value in expected.items():
        assert math.isclose(got.scores[doc], value, rel_tol=1e-9, abs_tol=1e-12), (text, doc)
    assert got.count > 0 or may_find_nothing or text in FINDS_NOTHING, text
    order = [docnum for _, docnum in got.top(10)]
    whoosh_top = sorted(expected, key=lambda d: (-expected[d], d))[:10]
    assert [round(expected[d], 9) for d in order] == [round(expected[d], 9) for d in whoosh_top], text


@pytest.fixture(scope="module")
def single(sample_index_path):
    searcher, config = _searcher(sample_index_path)
    yield searcher, config
    searcher.close()


@pytest.fixture(scope="module")
def segmented(tmp_path_factory, sample_dir):
    """An index updated twice: three segments, some documents deleted."""
    corpus = tmp_path_factory.mktemp("segmented") / "corpus"
    shutil.copytree(sample_dir, corpus, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    path = corpus.parent / "index"
    FigureIndex.build([corpus], path).close()
    for i, md in enumerate(sorted((corpus / "old").glob("*.md"))[:6]):
        if i % 2:
            md.unlink()
        else:
            md.write_text(md.read_text().replace("signaling", "signalling pathway", 1))
        if i == 2:
            FigureIndex.sync([corpus], path).close()
    FigureIndex.sync([corpus], path).close()
    searcher, config = _searcher(path)
    assert len(list(searcher.reader().leaf_readers())) > 1 and searcher.reader().has_deletions()
    yield searcher, config
    searcher.close()


@pytest.mark.parametrize("years", ["[TO 2015]", "<2016", "[1000 TO 2015]", "{2012 TO 2020}", "[2015 TO]", "[0 TO 1]"])
def test_a_year_range_holds_the_figures_of_those_years(single, segmented, years):
    low, high = {"[TO 2015]": (0, 2015), "<2016": (0, 2015), "[1000 TO 2015]": (1000, 2015),
                 "{2012 TO 2020}": (2013, 2019), "[2015 TO]": (2015, 9999), "[0 TO 1]": (0, 1)}[years]
    for searcher, config in (single, segmented):
        got = score(searcher, parse_query(build_parser(searcher.schema, config), f"year:{years}"))
        live = set(searcher.reader().all_doc_ids())
        expected = {d for d in live if low <= (unpack_record(searcher.stored_fields(d)[RECORD]).year or -1) <= high}
        assert set(np.flatnonzero(got.mask).tolist()) == expected, years
    assert years == "[0 TO 1]" or expected


@pytest.mark.parametrize("text", QUERIES)
def test_same_scores_as_whoosh(single, text):
    _check(*single, text)


@pytest.mark.parametrize("text", QUERIES)
def test_same_scores_as_whoosh_across_segments_and_deletions(segmented, text):
    _check(*segmented, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4),
       st.lists(st.sampled_from(["", "AND", "OR", "NOT"]), min_size=4, max_size=4))
def test_random_word_queries_score_as_whoosh(single, segmented, words, operators):
    text = " ".join(f"{op} {w}".strip() for op, w in zip(operators, words))
    _check(*single, text, may_find_nothing=True)
    _check(*segmented, text, may_find_nothing=True)


@pytest.fixture(scope="module")
def caption_words(single):
    """Each sample caption's words in order, as its analyzer indexes them."""
    searcher, _ = single
    field = searcher.schema["caption"]
    return [[t.text for t in field.analyzer(unpack_record(fields[RECORD]).caption, mode="index")]
            for fields in searcher.all_stored_fields()]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_caption_phrases_match_and_score_as_whoosh(single, segmented, caption_words, data):
    """Runs of two to four words from a caption, a word said twice among
    them, or a word moved: the exact phrases Whoosh finds, scored alike."""
    words = data.draw(st.sampled_from([w for w in caption_words if len(w) >= 4]))
    size = data.draw(st.integers(min_value=2, max_value=4))
    at = data.draw(st.integers(min_value=0, max_value=len(words) - size))
    run = words[at:at + size]
    run = data.draw(st.sampled_from([run, [run[0], *run], run[::-1], [run[0], run[0]]]))
    for (searcher, config), field in itertools.product((single, segmented), ("caption", "lead")):
        _phrase_as_whoosh(searcher, query.Phrase(field, run))


def _phrase_as_whoosh(searcher, q: query.Phrase) -> int:
    """Check that array scoring finds and scores `q` as Whoosh's matchers do; how many figures hold it."""
    expected = {hit.docnum: hit.score for hit in searcher.search(q, limit=None)}
    got = score(searcher, q)
    assert set(np.flatnonzero(got.mask).tolist()) == set(expected), q
    for doc, value in expected.items():
        assert math.isclose(got.scores[doc], value, rel_tol=1e-9), (q, doc)
    return len(expected)


def test_a_phrase_across_the_leads_end_is_the_captions_only(single, segmented):
    """A lead's phrases are found from its caption's positions (the lead is
    the caption's start): the pair of the lead's last word and the caption's
    next is a caption phrase, and no lead phrase unless the lead says it too."""
    searcher, _ = single
    field = searcher.schema["lead"]
    assert getattr(field, "prefix_of", None) == "caption"
    crossing = []
    for fields in searcher.all_stored_fields():
        caption = unpack_record(fields[RECORD]).caption
        span = 1 + max((t.pos for t in field.analyzer(lead_sentence(caption), positions=True, mode="index")),
                       default=-1)
        at = {}
        for t in field.analyzer(caption, positions=True, mode="index"):
            at.setdefault(t.pos, t.text)
        if 0 < span and span in at:
            crossing.append([at[span - 1], at[span]])
    assert len(crossing) > 10
    caption_only = 0
    for run in crossing:
        for searcher, _ in (single, segmented):
            in_caption = _phrase_as_whoosh(searcher, query.Phrase("caption", run))
            caption_only += in_caption > _phrase_as_whoosh(searcher, query.Phrase("lead", run))
    assert caption_only  # some crossing pair is a caption phrase that no lead holds


_BEST_OF = [query.Term("caption", "signal"), query.Term("figtitle", "pathwa"),
            query.Phrase("caption", ["signal", "pathwa"]), query.Term("caption", "zzzunknown")]


@pytest.mark.parametrize("boost", [1.0, 2.5])
@pytest.mark.parametrize("tiebreak", [0.0, 0.3])
@pytest.mark.parametrize("alone", [True, False])
def test_best_of_terms_and_phrases(single, segmented, boost, tiebreak, alone):
    """A DisjunctionMax of terms and phrases, alone or among an OR's terms
    (where it is added as sparse hits): each figure's best score among the
    parts holding it, plus `tiebreak` times the rest, times the boost.
    (Whoosh's own DisjunctionMax matcher cannot be the reference here: it
    takes a score from a part that is not on the figure scored.)"""
    best = query.DisjunctionMax(_BEST_OF, boost=boost, tiebreak=tiebreak)
    others = [query.Term("caption", "apoptosi"), query.Term("genes", "STAT3")]
    q = best if alone else query.Or([best, *others])
    for searcher, _ in (single, segmented):
        parts = [score(searcher, part) for part in _BEST_OF]
        extra = [score(searcher, part) for part in ([] if alone else others)]
        got = score(searcher, q)
        expected = {}
        for doc in range(got.mask.size):
            values = [p.scores[doc] for p in parts if p.mask[doc]]
            if values:
                top = max(values)
                expected[doc] = (top + tiebreak * (sum(values) - top)) * boost
            for e in extra:
                if e.mask[doc]:
                    expected[doc] = expected.get(doc, 0.0) + e.scores[doc]
        assert set(np.flatnonzero(got.mask).tolist()) == set(expected) and len(expected) > 3
        for doc, value in expected.items():
            assert math.isclose(got.scores[doc], value, rel_tol=1e-9), doc


@pytest.mark.parametrize("alone", [True, False])
def test_a_best_of_without_an_array_form_reads_each_term_once(segmented, monkeypatch, alone):
    """A best-of holding a sloppy phrase is scored the dense way, as a whole:
    its terms were read for the sparse way first, then again (found by review)."""
    searcher, _ = segmented
    reads = []
    monkeypatch.setattr(hits, "term_postings", lambda *args: reads.append(args) or term_postings(*args))
    nested = query.DisjunctionMax([query.Term("lead", "cell"), query.Phrase("caption", ["signal", "pathwa"], slop=2)])
    best = query.DisjunctionMax([query.Term("caption", "signal"), query.Term("figtitle", "pathwa"), nested])
    expected = score(searcher, best)
    reads.clear()
    got = score(searcher, best if alone else query.Or([best]))
    assert len(reads) == 3 * len(list(searcher.reader().leaf_readers()))
    assert np.array_equal(got.mask, expected.mask) and np.allclose(got.scores, expected.scores)


@pytest.mark.parametrize("q", [query.Prefix("caption", "sig"), query.Wildcard("caption", "*kin*", boost=2.0),
                               query.Prefix("genes", "STAT"), query.TermRange("caption", "apo", "apz")])
def test_prefixes_and_wildcards_score_as_the_or_of_their_terms(single, q):
    searcher, _ = single
    terms = [query.Term(q.field(), searcher.schema[q.field()].from_bytes(t), boost=q.boost)
             for t in q._btexts(searcher.reader())]
    assert len(terms) > 1
    expected = {hit.docnum: hit.score for hit in searcher.search(query.Or(terms), limit=None)}
    got = score(searcher, q)
    assert set(np.flatnonzero(got.mask).tolist()) == set(expected)
    for doc, value in expected.items():
        assert math.isclose(got.scores[doc], value, rel_tol=1e-9)


def test_filters_restrict_like_whoosh(single):
    searcher, _ = single
    for flt in (Filters(organism="human").query(), Filters(years=(2010, 2019)).query(),
                Filters(organism="mouse", years=(None, 2022)).query(), query.Prefix("caption", "sig")):
        expected = set(searcher.docs_for_query(_exact_ranges(searcher, flt)))
        assert set(matching(searcher, flt).nonzero()[0].tolist()) == expected


def test_top_breaks_ties_by_document_number(single):
    searcher, _ = single
    q = query.Term("organism", "homo sapiens")  # unscorable: many matches weigh the same
    matches = score(searcher, q)
    everything = matches.top(0)
    assert everything == sorted(everything, key=lambda pair: (-pair[0], pair[1]))
    assert len({s for s, _ in everything}) < len(everything)  # there are ties to break
    for k in (1, 3, 7, len(everything) + 5):
        assert matches.top(k) == everything[:k]


@pytest.mark.parametrize("weighting", ["idf", "equal"])
@pytest.mark.parametrize("text", ["jak stat signaling", "wnt notch hedgehog pathway", "stat3 jak1 il6"])
def test_coordination_scales_by_share_of_words_matched(single, text, weighting):
    searcher, config = single
    power = config.search.coordination
    assert power == 3 and config.search.coordination_weight == "idf"
    config = dataclasses.replace(config, search=dataclasses.replace(config.search, coordination_weight=weighting))
    plain = score(searcher, parse_query(build_parser(searcher.schema, _plain(config)), text))
    q = parse_query(build_parser(searcher.schema, config), text)
    assert isinstance(q, WordCoordOr)
    coordinated = score(searcher, q)
    words = [set(searcher.docs_for_query(sub)) for sub in q.subqueries]
    n = searcher.doc_count()
    # A word counts its BM25 idf over the figures it matches in any field, or 1.
    weights = [math.log(1 + (n - len(w) + 0.5) / (len(w) + 0.5)) if weighting == "idf" else 1.0 for w in words]
    assert coordinated.count == plain.count > 0
    shares = set()
    for doc in np.flatnonzero(plain.mask).tolist():
        share = sum(weight for w, weight in zip(words, weights) if doc in w) / sum(weights)
        shares.add(round(share, 9))
        assert math.isclose(coordinated.scores[doc], plain.scores[doc] * share ** power, rel_tol=1e-12)
    assert len(shares) > 1  # the query exercises partial matches
