"""One journal, whichever name a figure gives it: full title or NLM abbreviation."""

import numpy as np
import pytest

from pfocr_search import FigureIndex, UnknownFilterError
from pfocr_search.query.journals import Journals, abbreviates

PAIRED = "PMC10458348__pharmaceuticals-16-01095-g004"  # journal_title Pharmaceuticals, nlm_ta "Pharmaceuticals (Basel)"
# Both name no journal in their front matter, so their reftext's "Pharmaceuticals (Basel)".
UNPAIRED = ["PMC4034077__pharmaceuticals-03-03478-g001", "PMC7407942__pharmaceuticals-13-00156-g001"]
# Three figures whose front matter and reftext give only "Cold Spring Harb Perspect Biol".
CSH = ["PMC3281571__cshperspect-SIG-011593_F1", "PMC3331705__cshperspect-WNT-008052_F1",
       "PMC4665079__cshperspect-SIG-006080_F6"]


@pytest.mark.parametrize("abbrev, title", [  # as pfocr-database records pair them
    ("Cold Spring Harb Perspect Biol", "Cold Spring Harbor Perspectives in Biology"),
    ("Exp Mol Med", "Experimental & Molecular Medicine"),
    ("Can J Cardiol", "The Canadian Journal of Cardiology"),
    ("Nat Rev Cancer", "Nature reviews. Cancer"),
    ("Pharmaceuticals (Basel)", "Pharmaceuticals"),
    ("BMC Womens Health", "BMC Women's Health"),
    ("Animals (Basel)", "Animals : an Open Access Journal from MDPI"),
    ("Proc Natl Acad Sci U S A", "Proceedings of the National Academy of Sciences of the United States of America"),
])
def test_an_nlm_abbreviation_abbreviates_its_title(abbrev, title):
    assert abbreviates(abbrev, title)


@pytest.mark.parametrize("abbrev, title", [
    ("Cold Spring Harb Perspect Biol", "Cold Spring Harbor Perspectives in Medicine"),
    ("Cold Spring Harb Mol Case Stud", "Cold Spring Harbor Perspectives in Biology"),
    ("Cell", "Cells"),  # a one-word title is not abbreviated
    ("Front Immunol", "Frontiers in Cellular Neuroscience"),
    ("Front Oncol", "Frontiers in Immunology"),
])
def test_other_journals_do_not_abbreviate_a_title(abbrev, title):
    assert not abbreviates(abbrev, title)


def test_a_journal_is_one_facet_and_either_name_filters_it(sample_index):
    # "Pharmaceuticals" (one figure's title) and "Pharmaceuticals (Basel)" (its
    # abbreviation, and the only name two others give) were two facets, and
    # filtering by either found a part of the journal.
    journals = dict(sample_index.facets("*:*", top=100).journals)
    assert journals["Pharmaceuticals"] == 3 and "Pharmaceuticals (Basel)" not in journals
    for name in ("Pharmaceuticals", "Pharmaceuticals (Basel)", "pharmaceuticals (basel)"):
        found = sample_index.search("*:*", journal=name, limit=100)
        assert sorted(h.figid for h in found) == sorted([PAIRED, *UNPAIRED]), name
    assert sum(journals.values()) == len(sample_index.every_figid())


def test_a_hit_shows_its_journal_as_facets_do(sample_index, run, sample_index_path):
    # The two figures naming only "Pharmaceuticals (Basel)" had shown it, while
    # facets and the third figure said "Pharmaceuticals".
    hits = sample_index.search("*:*", journal="Pharmaceuticals", limit=10)
    assert {h.journal for h in hits} == {"Pharmaceuticals"}
    assert sample_index.get(UNPAIRED[0]).journal == "Pharmaceuticals (Basel)"  # the record as read
    # No figure names Cold Spring Harbor's title: its abbreviation is what there is to show.
    assert {h.journal for h in sample_index.search("*:*", journal="Cold Spring Harb Perspect Biol")} == {
        "Cold Spring Harb Perspect Biol"}
    record = sample_index.get(UNPAIRED[0])
    by_genes = {h.figid: h.journal for h in sample_index.search_genes(list(record.gene_symbols[:5]), limit=100)}
    assert by_genes[UNPAIRED[0]] == "Pharmaceuticals"


def test_a_title_no_figure_gives_finds_the_figures_naming_its_abbreviation(sample_index, run, sample_index_path):
    for name in ("Cold Spring Harbor Perspectives in Biology", "Cold Spring Harb Perspect Biol"):
        assert sorted(h.figid for h in sample_index.search("*:*", journal=name, limit=100)) == CSH
    tsv = run("search", "*:*", "-i", str(sample_index_path), "-f", "tsv",
              "--journal", "Cold Spring Harbor Perspectives in Biology").stdout.splitlines()
    assert sorted(line.split("\t")[1] for line in tsv[1:]) == CSH
    # The title of a journal figures name by its title is not matched loosely: a
    # misspelling of it is an error with a hint, not a match through the abbreviation.
    with pytest.raises(UnknownFilterError, match="did you mean 'Frontiers in Immunology'"):
        sample_index.search("autophagy", journal="Fronteirs in Immunology")


def test_updates_regroup_a_journal_with_the_figure_that_pairs_its_names(tmp_path, sample_dir, add_database_figure):
    corpus = tmp_path / "corpus"
    for figid in UNPAIRED:
        add_database_figure(figid, corpus)
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert ix.facets("*:*").journals == [("Pharmaceuticals (Basel)", 2)]
        add_database_figure(PAIRED, corpus)
        ix.update([corpus])
        assert ix.facets("*:*").journals == [("Pharmaceuticals", 3)]
        assert len(ix.search("*:*", journal="Pharmaceuticals")) == 3
        (corpus / "_figures" / f"{PAIRED}.md").unlink()
        for tsv in (corpus / "_data").glob(f"{PAIRED}-*.tsv"):
            tsv.unlink()
        ix.update([corpus])
        # The title went with the one figure giving it: the journal is its abbreviation again,
        # and the title is still understood (NLM's rule), though no figure gives it.
        assert ix.facets("*:*").journals == [("Pharmaceuticals (Basel)", 2)]
        assert len(ix.search("*:*", journal="Pharmaceuticals")) == 2



@pytest.mark.parametrize("paired, cited", [
    # Figures pair Cell Reports with "Cell Rep"; an older figure cites only "Cell Res" (Cell Research),
    # which NLM's rule also reads as "Cell Reports": two journals, not one.
    (("Cell Reports", "Cell Rep"), "Cell Res"),
    (("Molecules and Cells", "Mol Cells"), "Mol Cell"),  # Molecular Cell
])
def test_an_abbreviation_is_not_joined_to_a_title_figures_pair_with_another(paired, cited):
    journals = Journals.group([paired, ("", cited)], np.ones(2, dtype=np.int64))
    assert sorted(journals.names) == sorted([tuple(sorted(paired)), (cited,)])


def test_an_abbreviation_cited_without_its_place_joins_its_title():
    # Reftexts cite "Front Endocrinol" where front matter gives "Front Endocrinol (Lausanne)".
    forms = [("Frontiers in Endocrinology", "Front Endocrinol (Lausanne)"), ("", "Front Endocrinol")]
    journals = Journals.group(forms, np.ones(2, dtype=np.int64))
    assert journals.shown == ["Frontiers in Endocrinology"] and len(journals.names[0]) == 3
