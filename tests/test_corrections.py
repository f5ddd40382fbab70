"""Spelling correction corrects typos, not correct words the index lacks."""

from __future__ import annotations

import pytest

#: Real figures holding words one slip from correct ones they lack: "whd" (PMC10380946),
#: "tel2" (PMC10380532), "tsp1" (PMC4075129, and its gene Tsp1), "work" (PMC6901333);
#: and "strand break" (PMC7818013).
FIGURES = ["PMC10380946__ijms-24-11691-g006", "PMC10380532__ijms-24-11811-g002", "PMC4075129__alzrt265-1",
           "PMC6901333__elife-47733-fig1-figsupp1", "PMC7818013__JZhejiangUnivSciB-22-1-38-g003"]


@pytest.fixture()
def ix(realworld_index):
    with realworld_index(FIGURES) as index:
        yield index


@pytest.mark.parametrize("typed", ["worm", "why", "tell", "tell me why", "worms", "TJP1", "tight junction TJP1",
                                   "WORM", "Worm", "TELL ME WHY",
                                   # A mutation and an abbreviation as written: "KRAS G12D" had become
                                   # "g12" (Gα12's), "IL-6 mAb" "IL-6 mar" (a helper's adversarial pass).
                                   "KRAS G12D", "BRAF V600E", "IL-6 mAb", "mAb"])
def test_a_correct_word_or_gene_the_index_lacks_is_not_corrected(ix, typed):
    # They had become "work", "whd", "tel2" and Tsp1's "tsp1": other words, other genes.
    results = ix.search(typed)
    assert results.corrected_from is None and results.suggestions == [] and results.query == typed


def test_typos_are_still_corrected_and_a_word_slipped_into_another_by_the_words_beside_it(ix):
    assert ix.search("apoptossis").query == "apoptosis"
    assert ix.search("oxidative strees").query == "oxidative stress"
    # "brake" is a word, but these figures write "strand break", not "strand brake".
    results = ix.search("double strand brake repair")
    assert results.corrected_from == "double strand brake repair" and results.query == "double strand break repair"


def test_an_english_slip_before_a_number_written_apart_is_judged_beside_the_number(index_of):
    # "tyre" is a word; the figure writes "type 2", and the number had not counted as its neighbour.
    with index_of(("PMC1__fig1", "Insulin resistance in type 2 diabetes mellitus"),
                  ("PMC2__fig2", "Hepatic glucose output and obesity")) as ix:
        assert ix.search("tyre 2 diabetes").query == "type 2 diabetes"
        assert ix.search("tyre 2").query == "type 2"



def test_an_english_slip_after_a_symbol_with_its_letter_apart_is_judged_beside_the_letter(index_of):
    # "PPAR γ" is read as one name; its letter is still the word typed beside "bend" ("bind").
    with index_of(("PMC1__fig1", "PPAR γ bind their ligands"), ("PMC2__fig2", "Fatty acid oxidation")) as ix:
        assert ix.search("PPAR γ bend").query == "PPAR γ bind"


def test_an_english_slip_is_judged_beside_the_word_past_a_stop_word(index_of):
    # "upsteam" is in web2; the figure writes "upstream of Hog1", a phrase "upstream Hog1" as indexed.
    with index_of(("PMC1__fig1", "Osmosensors acting upstream of Hog1 in yeast"),
                  ("PMC2__fig2", "Fatty acid oxidation")) as ix:
        assert ix.search("upsteam of Hog1").query == "upstream of Hog1"
        assert ix.search("upsteam of the Hog1").query == "upstream of the Hog1"


def test_a_rare_or_archaic_web2_word_is_a_slip_of_a_common_word_the_index_holds(index_of):
    # web2 holds "whee", "kepe", "yeat", "cel" and "upsteam"; English text hardly uses
    # them, and typed alone they had stayed uncorrected.  "bacilli" is rare too, but
    # "bacille" (of BCG) is rarer: no slip of it.
    with index_of(("PMC1__fig1", "Osmosensors acting upstream of Hog1 in budding yeast"),
                  ("PMC2__fig2", "Regulatory T cells: where Foxp3 keeps the immune response in check"),
                  ("PMC3__fig3", "Bacille Calmette-Guerin vaccination and trained immunity")) as ix:
        for typed, meant in (("yeats", "yeast"), ("upsteam", "upstream"), ("kepes", "keeps"), ("whee", "where"),
                             ("budding yeats", "budding yeast")):
            assert ix.search(typed).query == meant
        assert ix.search("cels").query in ("cell", "cells")
        for word in ("worm", "why", "tell", "worms", "bacilli"):  # meant as typed
            assert ix.search(word).corrected_from is None


@pytest.mark.parametrize("word,common", [("worm", True), ("worms", True), ("why", True), ("tell", True),
                                         ("brake", True), ("tyre", True), ("calms", True), ("whee", False),
                                         ("cels", False), ("kepes", False), ("yeats", False), ("upsteam", False),
                                         ("bacilli", False)])
def test_english_in_common_use_is_webster_s_words_english_text_uses(word, common):
    from pfocr_search.query.english import is_english

    assert is_english(word) and is_english(word, common=True) is common is is_english(word.upper(), common=True)


def test_a_word_of_a_curated_name_the_index_lacks_is_not_corrected(index_of):
    # No caption wrote "trisphosphate": it had become "triphosphate" (ATP), and the
    # curated name "inositol trisphosphate" (IP3) was then never looked up.
    with index_of(("PMC1__fig1", "IP3 receptors release calcium from the ER"),
                  ("PMC2__fig2", "Adenosine triphosphate synthesis in mitochondria")) as ix:
        results = ix.search("inositol trisphosphate receptor")
        assert results.corrected_from is None and results.suggestions == []
        assert results[0].figid == "PMC1__fig1"
        assert ix.search("adenosine triphosphte").query == "adenosine triphosphate"


def test_of_words_one_slip_away_a_left_out_letter_is_the_likelier_slip(index_of):
    # "regulaton" is one edit from both; "regulator" shares the longer start and had won.
    with index_of(("PMC1__fig1", "Regulation of hepcidin by iron", "Hepcidin regulation"),
                  ("PMC2__fig2", "A transcriptional regulator of iron uptake", "Iron regulator")) as ix:
        assert ix.search("hepcidin regulaton").query == "hepcidin regulation"


def test_a_typo_is_corrected_alike_with_genes_and_in_facets(sample_index):
    # With genes, "apoptossis" had found nothing ("no figures show these genes",
    # blaming the genes), and ix.facets / GET /api/facets had counted 0 figures
    # where the search found them.
    typed = sample_index.search("apoptossis")
    assert typed.corrected_from == "apoptossis" and typed.total > 0
    with_genes = sample_index.search("apoptossis", genes=["CASP3", "BCL2"])
    assert with_genes.corrected_from == "apoptossis" and with_genes.query == typed.query
    assert [h.figid for h in with_genes] == [h.figid for h in sample_index.search(typed.query, genes=["CASP3", "BCL2"])]
    assert with_genes.total > 0
    assert sample_index.facets("apoptossis").total == typed.total == sample_index.facets(typed.query).total
    assert sample_index.facets("apoptossis", genes=["CASP3"]).total == \
        sample_index.facets(typed.query, genes=["CASP3"]).total > 0
    # A word no figure holds and nothing corrects still finds nothing, with or without genes.
    assert sample_index.search("qqzzxv", genes=["CASP3"]).total == sample_index.facets("qqzzxv").total == 0


@pytest.mark.parametrize("typed, meant", [("alpha-synuclien", "alpha-synuclein"), ("α-synuclien", "α-synuclein"),
                                          ("Wnt-signalng pathway", "Wnt-signaling pathway")])
def test_a_slip_in_a_part_of_a_hyphenated_word_is_corrected(realworld_index, typed, meant):
    # Whole, the word counted as known by its known part ("alpha"): nothing found, nothing suggested.
    with realworld_index(["PMC526782__pbio.0020401.g001", "PMC2828280__cshperspect-JCT-002915_F2"]) as ix:
        results = ix.search(typed)
        assert results.corrected_from == typed and results.query == meant and results.total


@pytest.mark.parametrize("typed", ["mechano-transduction", "SARS-CoV-2 entry", "stem-cell niche", "beta-adrenergic",
                                   "shh-gli", "keap-nrf pathway"])
def test_a_hyphenated_word_the_index_holds_joined_or_a_symbols_part_is_not_corrected(realworld_index, typed):
    # "mechano" alone is in no figure, but "mechanotransduction" is: it had become "maechano-transduction".
    # A part the index lacks that cannot be mended left the whole word to a respelling: "staem-cell",
    # "beta-adraenergic"; short parts, genes' symbols in lower case, had become others ("sh2-gl3").
    with realworld_index(["PMC7229304__bonejointres-09-1-g005", "PMC3857070__pharmaceutics-03-00338f2",
                          "PMC5411695__cshperspect-CIL-028175_F1"]) as ix:
        results = ix.search(typed)
        assert results.corrected_from is None and results.suggestions == []
