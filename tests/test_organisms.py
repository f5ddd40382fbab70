"""Organisms named by strain: NCBI Gene, hence every pfocr-database genes
table, names yeast "Saccharomyces cerevisiae S288C" (and bacteria by strain,
"Pseudomonas aeruginosa PAO1"), while records and users name the species.
Real records: tests/data/strain (a figure whose only organisms come from its
genes table, and one naming the species beside its genes' strain)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pfocr_search import FigureIndex
from pfocr_search.errors import UnknownFilterError
from pfocr_search.textkeys import organism_key

STRAIN = Path(__file__).parent / "data" / "strain"
CANDIDA = "PMC4109574__cshperspectmed-HFP-019281_F1"  # organisms: NA; genes: Saccharomyces cerevisiae S288C
TAXANE = "PMC8778766__microorganisms-10-00163-g001"  # organisms: Saccharomyces cerevisiae; genes: ... S288C


@pytest.fixture(scope="module")
def strain_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("strain") / "index"
    FigureIndex.build([STRAIN], path).close()
    with FigureIndex.open(path) as ix:
        yield ix


@pytest.mark.parametrize("name, key", [
    ("Saccharomyces cerevisiae S288C", "saccharomyces cerevisiae"),
    ("Pseudomonas aeruginosa PAO1", "pseudomonas aeruginosa"),
    ("Escherichia coli str. K-12 substr. MG1655", "escherichia coli"),
    ("Bacillus subtilis subsp. subtilis str. 168", "bacillus subtilis"),
    ("Plasmodium falciparum 3D7", "plasmodium falciparum"),
    ("Schizosaccharomyces pombe 972h-", "schizosaccharomyces pombe"),
    ("Oryza sativa Japonica Group", "oryza sativa"),
    # Not strains: two viruses a number tells apart, a virus's own words, a subspecies.
    ("Human alphaherpesvirus 1", "human alphaherpesvirus 1"),
    ("Severe acute respiratory syndrome coronavirus 2", "severe acute respiratory syndrome coronavirus 2"),
    ("Human immunodeficiency virus 1", "human immunodeficiency virus 1"),
    ("Canis lupus familiaris", "canis lupus familiaris"),
    ("yeast", "saccharomyces cerevisiae"),
    # Common names as people write them.
    ("baker's yeast", "saccharomyces cerevisiae"),
    ("Baker\u2019s  yeast", "saccharomyces cerevisiae"),
    ("baker\u2018s yeast", "saccharomyces cerevisiae"),
    ("baker\u02bcs yeast", "saccharomyces cerevisiae"),
    ("mouse\u2010ear cress", "arabidopsis thaliana"),
    ("thale cress", "arabidopsis thaliana"),
])
def test_a_strain_is_its_species(name, key):
    assert organism_key(name) == key


def test_a_species_filter_finds_figures_whose_genes_name_the_strain(strain_index):
    hits = strain_index.search("STE5", organism="yeast")
    assert [h.figid for h in hits] == [CANDIDA]
    assert [h.figid for h in strain_index.search("mevalonate", organism="Saccharomyces cerevisiae")] == [TAXANE]
    assert [h.figid for h in strain_index.search("mevalonate", organism="baker's yeast")] == [TAXANE]


def test_gene_sets_keep_to_the_species_through_its_strain(strain_index):
    hits = strain_index.search_genes(["STE5", "STE11", "STE7", "STE12"], organism="yeast")
    assert [h.figid for h in hits][:1] == [CANDIDA]
    assert strain_index.search_genes(["ERG10", "ERG13", "ERG20"], organism="Saccharomyces cerevisiae")


def test_facets_count_a_strain_with_its_species_once_a_figure(strain_index):
    facets = strain_index.facets("*:*")
    assert ("Saccharomyces cerevisiae", 2) in facets.organisms
    assert not any("S288C" in name for name, _ in facets.organisms)


def test_an_abbreviated_genus_names_the_species(strain_index):
    # As papers write a species the second time; it had been "no figure has organism 'S. cerevisiae'".
    for typed in ("S. cerevisiae", "s.cerevisiae"):
        assert {h.figid for h in strain_index.search("STE5 OR mevalonate", organism=typed)} == {CANDIDA, TAXANE}
    assert strain_index.resolve(["STE5"], "S. cerevisiae")[0].symbols == ("STE5",)
    with pytest.raises(UnknownFilterError):
        strain_index.search("STE5", organism="E. coli")  # no E. coli here: still an error


def test_a_genus_or_epithet_alone_suggests_its_species(strain_index):
    # 'cerevisiae' had been, by spelling alone, "did you mean 'Coronaviridae'?"
    for typed in ("cerevisiae", "Saccharomyces"):
        with pytest.raises(UnknownFilterError) as error:
            strain_index.search("STE5", organism=typed)
        assert error.value.suggestions[0] == "Saccharomyces cerevisiae"
