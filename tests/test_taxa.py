"""A query's word for a kind of organism (plant, fungal, yeast, bacterial)
finds the figures of that kind, whose text may never say it."""

from __future__ import annotations

import pytest

from pfocr_search.sources.taxa import figure_taxa

STOMATA = "PMC3711358__f09_01"  # Arabidopsis stomatal development: "plant" is nowhere in its text
YEAST_TOR = "PMC8401276__microorganisms-09-01557-g004"  # TOR in yeast and mycorrhizal fungi
HUMAN_MTOR = "PMC4852795__cshperspectmed-AGE-025924_F1"  # lists no yeast, draws human genes
PLANT_MELATONIN = "PMC10036441__fpls-14-1142753-g003"  # says "plant" in its title


@pytest.fixture()
def ix(realworld_index):
    with realworld_index([STOMATA, YEAST_TOR, HUMAN_MTOR, PLANT_MELATONIN]) as index:
        yield index


def test_a_figure_of_a_kind_is_found_by_its_kind_though_its_text_never_names_it(ix):
    record = ix.get(STOMATA)
    assert "plant" not in " ".join((record.figtitle, record.caption, record.papertitle)).lower()
    found = [h.figid for h in ix.search("plant signaling")]
    assert found[:2] == [PLANT_MELATONIN, STOMATA]  # the title that says it first, then the kind


def test_an_organism_a_paper_only_names_is_not_the_figures_kind(ix):
    # The human mTOR figure's record lists yeast among its paper's organisms;
    # counted as its kind, it had outranked the yeast TOR figure for "yeast".
    assert [h.figid for h in ix.search("target of rapamycin signalling yeast")][0] == YEAST_TOR
    assert [h.figid for h in ix.search("target of rapamycin signaling")][0] == HUMAN_MTOR


def test_explain_names_the_kind_matched(ix):
    assert "taxa:plant" in str(ix.search("plant development", explain=True).explanations[STOMATA])


@pytest.mark.parametrize("gene_organisms, expected", [
    (("Arabidopsis thaliana",) * 4 + ("Homo sapiens",) * 5, "plant"),
    # A strain is its genus's; a kind counts from a third of the genes with an organism.
    (("Saccharomyces cerevisiae S288C",) * 4 + ("Homo sapiens",) * 6 + (None, ""), "fungus yeast"),
    (("Escherichia coli str. K-12 substr. MG1655",) + ("Homo sapiens",) * 3, ""),
    (("[Candida] auris",), "fungus yeast"),
    # A virus is not of its host's kind.
    (("Escherichia virus Lambda", "Bacillus phage phi29"), ""),
    ((None, ""), ""),
    ((), ""),
])
def test_kinds_come_from_the_genes_organisms(gene_organisms, expected):
    assert figure_taxa(gene_organisms) == expected


def test_the_records_organisms_are_not_the_figures_kind(realworld_index):
    # A human autophagy figure (92 human genes) whose record lists yeast first had been "yeast".
    figid = "PMC10242330__CAM4-12-11542-g002"
    with realworld_index([figid]) as ix:
        record = ix.get(figid)
        assert record.organisms[0].startswith("Saccharomyces") and not ix.search("taxa:yeast")
