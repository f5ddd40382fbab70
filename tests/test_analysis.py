"""Analyzers: Greek and Cyrillic folding, compounds, gene-symbol keys."""

from __future__ import annotations

from itertools import accumulate

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pfocr_search import load_config
from pfocr_search.engine.analysis import gene_analyzer, text_analyzer
from pfocr_search.engine.schema import build_schema
from pfocr_search.sources.model import lead_sentence
from pfocr_search.textkeys import normalize_symbol


def terms(text: str, mode: str = "index", stem: bool = True) -> list[str]:
    return [t.text for t in text_analyzer(stem)(text, mode=mode, positions=True, chars=True)]


@pytest.mark.parametrize("spelling", ["NF-κB", "NF-кB", "NF-kB", "nf-kb", "NF‐κB"])
def test_greek_cyrillic_and_ascii_spellings_index_the_same_terms(spelling):
    assert terms(spelling) == ["nf", "nfkb", "kb"]


@pytest.mark.parametrize("written, greek", [
    # Real captions and OCR words: a sharp s for β, Latin letters drawn as Greek ones.
    ("IL-1ß", "IL-1β"), ("TGF-ẞ", "TGF-β"), ("GSK3ẞ", "GSK3β"), ("Aß", "Aβ"), ("ß-catenin", "β-catenin"),
    ("CaMKKẞ", "CaMKKβ"), ("FcɛRI-γ", "FcεRI-γ"), ("PPARɣ", "PPARγ"),
])
def test_look_alike_letters_are_the_greek_ones(written, greek):
    assert terms(written) == terms(greek)
    assert normalize_symbol(written) == normalize_symbol(greek)


def test_a_german_sharp_s_stays_one_in_words():
    assert terms("Weiße Straße", stem=False) == ["weisse", "strasse"]


def test_compounds_are_indexed_as_parts_and_joined_word_but_queried_as_parts():
    assert terms("IL-6/JAK pathway") == ["il", "il6jak", "6", "jak", "pathwa"]
    assert terms("IL-6/JAK", mode="query") == ["il", "6", "jak"]


def test_compound_joined_word_shares_the_first_parts_position():
    tokens = [(t.text, t.pos) for t in text_analyzer(False)("JAK-STAT signaling", mode="index", positions=True)]
    assert tokens == [("jak", 0), ("jakstat", 0), ("stat", 1), ("signaling", 2)]


def test_lone_greek_letter_is_not_dropped_as_a_stop_word():
    assert terms("TNF α", stem=False) == ["tnf", "a"]
    assert "a" not in terms("a pathway")


@pytest.mark.parametrize("spelling, key", [
    ("STAT-5a", "STAT5A"), ("stat5a", "STAT5A"), ("NF-κB", "NFKB"), ("GSK3β", "GSK3B"), ("PKCθ", "PKCQ"),
    ("TGF-β1", "TGFB1"), ("Il_6", "IL6"), ("HLA-DRB1", "HLADRB1"), ("p53", "P53"), ("  ", ""),
])
def test_gene_symbol_keys(spelling, key):
    assert normalize_symbol(spelling) == key


def test_gene_analyzer_tokens_are_symbol_keys():
    assert [t.text for t in gene_analyzer()("STAT3 Stat5b NF-κB")] == ["STAT3", "STAT5B", "NFKB"]


@given(st.text(max_size=80))
def test_analyzers_never_crash_and_normalisation_is_idempotent(text):
    for mode in ("index", "query"):
        terms(text, mode=mode)
        list(gene_analyzer()(text, mode=mode))
    key = normalize_symbol(text)
    assert normalize_symbol(key) == key


@pytest.mark.parametrize("a, b", [("apoptosis", "apoptotic"), ("autophagy", "autophagic"), ("necrosis", "necrotic"),
                                  ("NF-kappaB", "NF-κB"), ("beta-adrenergic", "β-adrenergic"),
                                  ("HIF-1alpha", "HIF-1α"), ("GSK-3beta", "GSK-3β"),
                                  ("costimulatory", "costimulation"), ("inflammatory", "inflammation"),
                                  ("migratory", "migration"), ("inhibitory", "inhibition")])
def test_word_forms_and_spelled_greek_meet(a, b):
    assert terms(a, mode="query") == terms(b, mode="query")


def test_spelled_greek_in_gene_symbols():
    assert normalize_symbol("GSK3beta") == normalize_symbol("GSK3β") == "GSK3B"
    assert normalize_symbol("alphabet") == "ALPHABET"  # a word that merely starts with a letter's name


_WORDS = st.sampled_from(["the", "a", "of", "NF-κB", "TGF-β/Smad", "IL-6", "p", "53", "apoptotic", "cells",
                          "β-catenin", "-", "/", "JAK-STAT", "and", "Wnt", "x--y", "ΑΚΤ", "α", "signalling"])


@given(st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=30).map(" ".join),
       st.sampled_from(["index", "query"]), st.booleans(), st.booleans())
def test_each_word_analysed_once_gives_the_chains_own_terms_and_positions(text, mode, stem, no_morph):
    # The caching analyzer keeps stop-word renumbering and compound positions
    # itself: it must agree with the plain chain on any text.
    from whoosh.analysis.analyzers import CompositeAnalyzer

    cached = text_analyzer(stem)
    plain = CompositeAnalyzer(*cached.items)
    for _ in range(2):  # the second pass reads the cache
        got = [(t.text, t.pos) for t in cached(text, positions=True, boosts=True, mode=mode, no_morph=no_morph)]
        assert got == [(t.text, t.pos) for t in plain(text, positions=True, mode=mode, no_morph=no_morph)]


@given(st.lists(st.one_of(_WORDS, st.text(max_size=12)), max_size=30).map(" ".join), st.booleans(),
       st.sampled_from([1.0, 2.5]))
def test_indexing_a_fields_terms_at_once_gives_whooshs_token_by_token_postings(text, stem, boost):
    # The position format asks the analyzer for each term's positions in one
    # pass; Whoosh's own Positions format walks the tokens: the same postings.
    from whoosh.analysis.analyzers import CompositeAnalyzer
    from whoosh.formats import Positions

    from pfocr_search.engine.codec import ArrayPositions

    cached = text_analyzer(stem)
    fast = ArrayPositions(field_boost=boost)

    class Walked(ArrayPositions):
        word_values = Positions.word_values

    walked = Walked(field_boost=boost)
    for fast_analyzer in (cached, gene_analyzer()):
        want = sorted(walked.word_values(text, CompositeAnalyzer(*fast_analyzer.items), mode="index"))
        assert sorted(walked.word_values(text, fast_analyzer, mode="index")) == want
        assert sorted(fast.word_values(text, fast_analyzer, mode="index")) == want
        # and as the build takes them: columns, the values end to end
        terms, length, weights, sizes, values = fast.index_columns(text, fast_analyzer)
        ends = list(accumulate(sizes))
        assert sorted(zip(terms, (size // 4 for size in sizes), weights,
                          (values[end - size:end] for size, end in zip(sizes, ends)))) == want
        assert length == sum(n for _, n, _, _ in want)


def test_indexing_a_text_field_asks_for_its_terms_at_once_not_token_by_token():
    # The test above holds whichever path runs; this one, that the fast one does.
    from pfocr_search.engine.codec import ArrayPositions

    class NoWalk(type(text_analyzer(True))):
        def __call__(self, *args, **kwargs):
            raise AssertionError("walked token by token")

    analyzer = NoWalk(*text_analyzer(True).items)
    assert dict((t, n) for t, n, _, _ in ArrayPositions().word_values("JAK-STAT signaling", analyzer, mode="index")) \
        == {"jak": 1, "jakstat": 1, "stat": 1, "signal": 1}


@pytest.mark.parametrize("typed", ["hypoxia", "glycolytic", "angiogenic", "homeostatic", "bacterial"])
def test_noun_and_adjective_forms_porter_keeps_apart_find_each_other(index_of, typed):
    # Porter leaves hypoxia/hypoxic, glycolysis/glycolytic, angiogenesis/
    # angiogenic, homeostasis/homeostatic and bacteria/bacterial apart.
    with index_of(("PMC1001__forms", "Hypoxic tumours switch to glycolysis and angiogenesis to keep homeostasis "
                                     "against bacteria."),
                  ("PMC1002__other", "Insulin signalling in the liver.")) as ix:
        assert [h.figid for h in ix.search(typed)] == ["PMC1001__forms"]


@pytest.mark.parametrize("a, b", [("static", "STAT"), ("classic", "class"), ("NFKBIA", "NFKB"),
                                  ("application", "apple"), ("graphic", "graph"), ("systemic", "STAT")])
def test_only_the_listed_noun_and_adjective_pairs_merge(a, b):
    # An adversarial pass found every -ic stripped: "static" stemmed as STAT.
    field = build_schema(load_config())["caption"]
    assert set(field.process_text(a, mode="query")).isdisjoint(field.process_text(b, mode="query"))


def test_spelling_suggestions_come_from_words_as_written_not_their_merged_forms(index_of):
    # The -ic/-ia merging must not reach the words suggestions are made from:
    # "tricarboxylic" indexed as "tricarboxyl" is three edits from "tricarboxilic".
    with index_of(("PMC1001__tca", "Citrate in mitochondria.", "The tricarboxylic acid cycle"),
                  ("PMC1002__other", "Insulin signalling in the liver.")) as ix:
        assert ix.search("tricarboxilic acid").query == "tricarboxylic acid"


_PIECES = ["JAK-STAT", "signaling", "pathway.", "Fig. 2", "the", "of", "NF-κB", "Ca2+", "Na+K+-ATPase", "IL-6",
           "TNF α", "e.g.", "vs.", "(A)", "Wnt/β-catenin", "tumour", "apoptosis.", "A", "In", "kinase-s", "cells,"]


@given(st.one_of(st.lists(st.sampled_from(_PIECES), max_size=120),
                 # No sentence ends: a lead cut at its length limit.
                 st.lists(st.sampled_from([p for p in _PIECES if "." not in p]), min_size=40, max_size=120)),
       st.sampled_from([" ", "  ", "\n", "\u00a0"]))
def test_a_lead_is_its_captions_first_terms_at_the_same_positions(pieces, space):
    # A lead cut at its length limit had ended in part of a word ("signa").
    caption = space.join(pieces)
    field = build_schema(load_config())["caption"]
    lead = [(t.text, t.pos) for t in field.analyzer(lead_sentence(caption), positions=True, mode="index")]
    whole = [(t.text, t.pos) for t in field.analyzer(caption, positions=True, mode="index")]
    end = max((pos for _, pos in lead), default=-1)
    assert lead == [(text, pos) for text, pos in whole if pos <= end]


def test_an_ion_after_a_compound_keeps_one_position_for_both_its_forms():
    # The ion's bare and charged forms are one token yielded twice: the
    # compound filter's position shift had been added to it twice, so Whoosh's
    # own chain put "k+" a position after "k" (hypothesis found "a-b K+").
    from whoosh.analysis.analyzers import CompositeAnalyzer

    plain = CompositeAnalyzer(*text_analyzer(True).items)
    assert [(t.text, t.pos) for t in plain("a-b K+", positions=True, mode="index")][-2:] == [("k", 2), ("k+", 2)]
