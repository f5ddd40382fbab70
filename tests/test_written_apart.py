"""A word found however captions write it: joined by hyphens or apart."""

from __future__ import annotations

#: Writes "gain-of-function" and "Loss-of-function" (the pfocr-database layout).
HYPHENATED = "PMC6901333__elife-47733-fig1-figsupp1"
#: Writes "loss of function" apart (the older layout).
APART = "PMC2888474__nihms202963f2"


def figids(results) -> set[str]:
    return {h.figid for h in results}


def test_a_phrase_with_a_stop_word_holds_the_compound_and_back(realworld_index):
    # The compound's "of" had taken a position that running text's does not:
    # "gain of function" never met "gain-of-function", nor "loss-of-function" "loss of function".
    with realworld_index([HYPHENATED, APART]) as ix:
        found = ix.search('"gain of function"')
        assert figids(found) == {HYPHENATED}
        assert [found[0].snippet[a:b] for a, b in found[0].highlights] == ["gain-of-function"]
        assert figids(ix.search('"loss of function"')) == {HYPHENATED, APART}
        assert figids(ix.search('"loss-of-function"')) == {HYPHENATED, APART}
        assert figids(ix.search('caption:"gain-of-function"')) == {HYPHENATED}
        # Still an exact phrase: its words apart or in another order are not it.
        assert not ix.search('"function of gain"')
        assert not ix.search('"gain mutation"')


#: Writes "JAK 1 and Tyk 2", the numbers apart; its OCR genes list TYK2, so its caption is searched alone.
NUMBER_APART = "PMC3152870__gutjnl222976fig4"


def test_a_symbol_typed_with_its_number_finds_captions_writing_the_number_apart(realworld_index):
    with realworld_index([NUMBER_APART, HYPHENATED]) as ix:
        for typed in ("caption:Tyk2", "caption:TYK2", "caption:JAK1", "caption:Tyk-2"):
            assert figids(ix.search(typed)) == {NUMBER_APART}, typed
        # The number is the symbol's own: JAK2 is not "JAK 1".
        assert not ix.search("caption:JAK2")


def test_a_letter_or_symbol_inside_a_compound_is_no_stop_word(index_of):
    # Inside a compound "a" is alpha written in ASCII and "CaN" calcineurin: dropped
    # as stop words, the phrases "TNF-a" and "AKAP-CaN" had missed these captions.
    with index_of(("PMC1__fig1", "TNF-a-induced apoptosis in hepatocytes"),
                  ("PMC2__fig2", "AKAP-CaN-NFAT signaling in neurons"),
                  ("PMC3__fig3", "Fatty acid oxidation and gain-of-function mutants")) as ix:
        assert figids(ix.search('"TNF-a"')) == {"PMC1__fig1"}
        assert figids(ix.search('"TNF-a induced"')) == {"PMC1__fig1"}
        assert figids(ix.search('"AKAP-CaN"')) == {"PMC2__fig2"}
        assert figids(ix.search('"gain of function"')) == {"PMC3__fig3"}


def test_a_capital_a_after_a_word_is_the_name_s_letter_not_the_article(index_of):
    # "A" had been dropped as the article: "vitamin A" found every vitamin,
    # '"coenzyme A"' any coenzyme.  A lower-case "a" is still the article.
    with index_of(("PMC1__fig1", "Retinol (vitamin A) uptake and coenzyme A synthesis", "Vitamin A metabolism"),
                  ("PMC2__fig2", "Riboflavin (vitamin B2) and coenzyme Q synthesis", "Vitamin B2 metabolism"),
                  ("PMC3__fig3", "A model of a vitamin transport", "Vitamin transport")) as ix:
        assert figids(ix.search('"vitamin A"')) == {"PMC1__fig1"}
        assert figids(ix.search('"coenzyme A"')) == {"PMC1__fig1"}
        assert ix.search("vitamin A metabolism")[0].figid == "PMC1__fig1"
        assert figids(ix.search('"a vitamin"')) == figids(ix.search("vitamin")) == {"PMC1__fig1", "PMC2__fig2",
                                                                                     "PMC3__fig3"}


def test_the_name_s_letter_a_is_neither_alpha_nor_an_article_nor_a_panel_label(index_of):
    # Folded with α, "alpha subunit" had found every "(A)" panel label; a query or
    # phrase starting with "A" had sought the letter in every figure.
    with index_of(("PMC1__fig1", "(A) Autophagy in cells. (B) Influenza A virus entry", "Autophagy"),
                  ("PMC2__fig2", "The G alpha subunit binds GTP", "G protein alpha subunit"),
                  ("PMC3__fig3", "Here a model of insulin signaling is shown", "Insulin")) as ix:
        assert figids(ix.search("alpha subunit")) == {"PMC2__fig2"}
        assert figids(ix.search('"A model of insulin signaling"')) == {"PMC3__fig3"}
        assert ix.search("A model of insulin signaling")[0].figid == "PMC3__fig3"
        assert figids(ix.search('"influenza A"')) == {"PMC1__fig1"}
