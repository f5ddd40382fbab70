"""Words typed apart that figures write as one word ("micro rna", "bio film")."""

from __future__ import annotations

import pytest

MICRORNA = ["PMC7915952__pharmaceuticals-14-00136-g001", "PMC8065760__pharmaceuticals-14-00322-g003"]
VA_RNA = "PMC3857070__pharmaceutics-03-00338f2"
BIOFILM = ["PMC10034394__gr8", "PMC10581177__spectrum.02152-23.f006"]
DOUBLE_STRAND = ["PMC7818013__JZhejiangUnivSciB-22-1-38-g003", "PMC7818013__JZhejiangUnivSciB-22-1-38-g001"]


@pytest.fixture()
def ix(realworld_index):
    with realworld_index([*MICRORNA, VA_RNA, *BIOFILM, *DOUBLE_STRAND, "PMC6765153__jclintranslres-5-033-g002"]) as index:
        yield index


def test_a_word_typed_in_two_parts_finds_the_figures_that_write_it_whole(ix):
    # "micro rna" had sought "rna" alone in every figure and ranked the VA-RNA figure first.
    hits = ix.search("micro rna")
    assert {h.figid for h in hits[:2]} == set(MICRORNA)
    assert "microrna" in ix.search("micro rna").parsed
    assert ix.search("bio film")[0].figid in BIOFILM


def test_the_joined_word_takes_its_synonyms_and_the_words_in_a_row_still_match(ix):
    understood = ix.search("micro rna", explain=True).understood
    assert "microrna = miRNA" in understood.synonyms
    assert '"micro rna"' in understood.parsed


@pytest.mark.parametrize("typed", ["double strand", "protein kinase", "RNA processing"])
def test_words_figures_write_apart_as_often_stay_two_words(ix, typed):
    # "double strand" is written "double-strand" (held joined and as its parts alike): no gain in joining.
    parsed = ix.search(typed).parsed
    assert "".join(typed.lower().split())[:12] not in parsed


BETA_CATENIN = ["PMC3428775__cshperspect-WNT-007971_F3", "PMC2828280__cshperspect-JCT-002915_F2"]
OTHERS = ["PMC3312675__cshperspect-IMT-007146_F4", "PMC526782__pbio.0020401.g001", "PMC3179340__cshperspect-PRT-007500_F3"]


@pytest.mark.parametrize("typed, hyphenated", [("beta catenin", "beta-catenin"), ("β catenin", "β-catenin"),
                                               ("alpha synuclein", "alpha-synuclein")])
def test_a_greek_letter_typed_before_its_word_is_the_words_prefix(realworld_index, typed, hyphenated):
    # Apart, "beta catenin" had searched a lone "b", which every panel labelled (B) holds.
    with realworld_index(BETA_CATENIN + OTHERS) as ix:
        apart, joined = ix.search(typed), ix.search(hyphenated)
        assert apart.parsed == joined.parsed
        assert [h.figid for h in apart] == [h.figid for h in joined]


@pytest.mark.parametrize("typed", ["Rho GTPases", "tau protein", "alpha beta T cells"])
def test_names_that_are_not_only_greek_letters_stay_words(realworld_index, typed):
    with realworld_index(BETA_CATENIN) as ix:
        first, second, *rest = typed.split()
        assert ix.search(typed).parsed != ix.search(" ".join([f"{first}-{second}", *rest])).parsed


@pytest.mark.parametrize("typed", ["calcium ER stress", "class IA PI3K", "human ES cells", "IL-1 beta signaling",
                                   "alpha the", "micro and rna"])
def test_a_word_and_an_abbreviation_a_letter_after_a_symbol_or_a_stop_word_stay_apart(ix, typed):
    # From an adversarial pass: "calcium ER" had been "calciumer" (stemmed as calcium, so "more
    # figures" wrote it), "class IA" "classic", "IL-1 beta signaling" "IL-1 beta-signaling",
    # "alpha the" "alpha-the".
    words = typed.split()
    parsed = ix.search(typed).parsed
    for left, right in zip(words, words[1:]):
        assert f"{left}-{right}".lower() not in parsed.lower() and f"{left}{right}".lower()[:8] not in parsed.lower()


def test_a_long_form_typed_with_words_apart_still_finds_its_abbreviation(realworld_index):
    # "long non coding RNA": "non coding" joined had hidden the long form of lncRNA from the synonym plugin.
    with realworld_index(["PMC10036213__nihms-1878350-f0004", *MICRORNA]) as ix:
        understood = ix.search("long non coding RNA", explain=True).understood
        assert any(s.endswith("~ lncRNA") for s in understood.synonyms), understood.synonyms
