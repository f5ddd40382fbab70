"""The curated list of synonyms: textbook names no caption need define."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from pfocr_search import FigureIndex, curated, load_config
from pfocr_search.config import parse_config
from pfocr_search.errors import ConfigError

FIGURES = (("PMC1001__tca", "Pyruvate feeds the TCA cycle in mitochondria.", "TCA cycle flux"),
           ("PMC1002__cycle", "Cyclins drive the cell cycle, cycle after cycle.", "Cell cycle"),
           ("PMC1003__rock", "ROCK phosphorylates myosin light chain.", "ROCK and contraction"),
           ("PMC1004__erb", "ERβ opposes proliferation.", "ERβ in the colon"))


def test_a_name_no_caption_uses_finds_the_figure_through_the_list(index_of):
    # "Krebs cycle" had found every figure with "cycle" alike, the cell cycle first.
    with index_of(*FIGURES) as ix:
        assert ix.search("Krebs cycle")[0].figid == "PMC1001__tca"
        assert ix.search("Rho-associated kinase")[0].figid == "PMC1003__rock"
        assert ix.search("estrogen receptor beta")[0].figid == "PMC1004__erb"
        assert "Krebs ~ TCA" in ix.search("Krebs cycle", explain=True).understood.synonyms


def test_an_ambiguous_abbreviation_is_not_in_the_list(index_of):
    # HLA was listed with MHC, which is also myosin heavy chain (the fly gene
    # Mhc): "HLA" ranked Drosophila muscle figures through "MHC".
    with index_of(("PMC1001__hla", "HLA class I molecules present peptides to T cells."),
                  ("PMC1002__myosin", "Mhc, myosin heavy chain, drives apical constriction.")) as ix:
        assert [h.figid for h in ix.search("HLA")] == ["PMC1001__hla"]
        assert [h.figid for h in ix.search("human leukocyte antigen")][:1] == ["PMC1001__hla"]


def test_etc_in_a_query_is_not_the_electron_transport_chain(index_of):
    # "etc" had been read as ETC, which the list names the electron transport
    # chain: a query ending "... etc" ranked respiration figures.
    with index_of(("PMC1001__etc", "Complex I of the ETC pumps protons.", "Electron transport chain"),
                  ("PMC1002__wnt", "Wnt, Notch, Hedgehog etc. pattern the gut.", "Developmental pathways")) as ix:
        found = ix.search("Wnt Notch etc", explain=True)
        assert found[0].figid == "PMC1002__wnt"
        assert not [s for s in found.understood.synonyms if s.lower().startswith("etc")]
        assert "ETC = electron transport chain" in ix.search("ETC", explain=True).understood.synonyms


def test_phosphoinositide_dependent_kinase_1_is_pdpk1_not_pyruvate_dehydrogenase_kinase(index_of):
    # The list had "PDK1", the HGNC symbol of pyruvate dehydrogenase kinase 1,
    # for phosphoinositide-dependent kinase 1 (PDPK1): a Warburg figure ranked.
    with index_of(("PMC1001__pdk1", "MYC upregulates pyruvate dehydrogenase kinase 1 (PDK1), which inhibits PDH."),
                  ("PMC1002__pdpk1", "PDPK1 phosphorylates AKT at T308.")) as ix:
        assert [h.figid for h in ix.search("phosphoinositide-dependent kinase 1")][:1] == ["PMC1002__pdpk1"]


def test_a_curated_compound_name_is_not_its_parts_alone(index_of):
    # "programmed cell death protein 1" sought the curated PD-1 as a word typed,
    # its part "PD" alone too: Parkinson's disease (PD) figures matched.
    with index_of(("PMC1001__pd1", "PD-1 on T cells binds PD-L1.", "PD-1 checkpoint"),
                  ("PMC1002__parkinson", "Dopaminergic loss in PD, Parkinson's disease.", "PD pathology"),
                  ("PMC1003__covid", "SARS-CoV-2 enters through ACE2.", "SARS-CoV-2 entry"),
                  ("PMC1004__sar", "Salicylic acid drives SARs, systemic acquired resistance.", "SAR in plants")) as ix:
        assert [h.figid for h in ix.search("programmed cell death protein 1")] == ["PMC1001__pd1"]
        assert [h.figid for h in ix.search("COVID-19")] == ["PMC1003__covid"]


def test_a_curated_weight_of_zero_leaves_the_list_out(index_of):
    data = load_config().to_dict()
    config = parse_config({**data, "synonyms": {**data["synonyms"], "curated": 0}})
    with index_of(*FIGURES) as ix:
        with FigureIndex.open(ix.path, config) as plain:
            assert plain.search("Krebs cycle")[0].figid != "PMC1001__tca"
            assert plain.search("Rho-associated kinase")[0].figid != "PMC1003__rock"


def test_a_gene_symbol_typed_is_not_expanded_by_the_list(index_of, monkeypatch):
    # CTNNB1 typed had also sought "β-catenin", lifting figures that name it
    # over figures whose gene lists hold it; the gene field answers a symbol.
    monkeypatch.setattr(curated, "curated_table",
                        lambda weight: curated.CuratedTable([["JAK1", "Janus kinase one"]], weight))
    with index_of(("PMC1001__named", "Janus kinase one binds the receptor.", "Kinases")) as ix:
        assert ix.genes.symbol("JAK1")  # the demo record's genes hold it
        assert ix.search("JAK1", explain=True).understood.synonyms == ()
        assert ix.search("Janus kinase one", explain=True).understood.synonyms != []
        # Written otherwise than the symbol ("IFN-gamma" for IFNG), it is a name: expanded.
        assert ix.search("JAK-1", explain=True).understood.synonyms != []


def test_a_phrase_the_parser_joins_into_one_word_is_looked_up_as_the_phrase(index_of):
    # "interferon gamma" is read as one word, interferon-γ, which the list's
    # phrase "interferon gamma" had never met.
    with index_of(("PMC1001__ifng", "IFNG activates STAT1.", "IFNG and STAT1"),
                  ("PMC1002__ifn", "Interferons act on cells.", "Interferon")) as ix:
        assert ix.search("interferon gamma")[0].figid == "PMC1001__ifng"


def _shipped_list() -> str:
    return resources.files("pfocr_search.index_config").joinpath(curated.CURATED).read_text("utf-8")


def test_the_shipped_list_reads_and_names_meet_across_spellings():
    # Read as JSON (a one-shot search loads no YAML parser), it is YAML too, as index_config's files are.
    text = _shipped_list()
    shipped = yaml.safe_load(text)
    assert shipped["groups"] + shipped["concepts"] == curated.parse_groups(text)
    assert {"tca", "emt", "camp"} <= curated.concept_words() and "ampk" not in curated.concept_words()
    table = curated.curated_table(0.65)
    assert [s.text for s in table.short_forms(["Krebs", "cycles"])][:1] == ["TCA"]
    assert "ESR2" in [s.text for s in table.long_forms("ER-beta")]
    assert "ESR2" in [s.text for s in table.short_forms(["oestrogen", "receptor", "β"])]
    assert all(s.weight == 0.65 for s in table.long_forms("ROCK"))


def test_a_reading_goes_one_way(index_of):
    # "interleukin-6 signal transduction" had ranked a TGFB "signal
    # transduction" figure over the IL-6 signaling ones; "signaling" typed must
    # not lift every figure saying "signal transduction" (tuning half: four topics fell).
    with index_of(("PMC1001__il6", "IL-6 binds its receptor on hepatocytes.", "IL-6 signaling"),
                  ("PMC1002__il6", "IL-6 acts on B cells.", "IL-6 in B cells"),
                  ("PMC1003__il6", "IL-6 acts on T cells.", "IL-6 in T cells"),
                  ("PMC1004__tgfb", "TGFB binds its receptor.", "TGFB signal transduction")) as ix:
        assert "transduction ~ signaling" in ix.search("signal transduction", explain=True).understood.synonyms
        assert ix.search("IL-6 signal transduction")[0].figid == "PMC1001__il6"
        assert ix.search("signaling", explain=True).understood.synonyms == ()
    table = curated.CuratedTable([], 0.5, [["signal transduction", "signaling"]])
    assert [s.text for s in table.short_forms(["signal", "transduction"])] == ["signaling"]
    assert table.long_forms("signaling") == []


def test_an_organ_is_found_by_its_adjective(index_of):
    # "hepatic insulin resistance" had ranked a muscle figure that says
    # "insulin resistance" over the liver's, which never says "hepatic".
    with index_of(("PMC1001__liver", "Lipids in the liver cause insulin resistance.", "Liver insulin resistance"),
                  ("PMC1002__muscle", "Insulin resistance of skeletal muscle.", "Insulin resistance in muscle")) as ix:
        assert ix.search("hepatic insulin resistance")[0].figid == "PMC1001__liver"
        assert ix.search("renal", explain=True).understood.synonyms == ("renal = kidney",)


def test_a_long_form_with_letters_apart_meets_the_list(index_of):
    # The parser reads "factor kappa B" as "factor-κB": "nuclear factor kappa B"
    # had never met the list's NF-κB where no caption spelled it out.
    with index_of(("PMC1001__nfkb", "NF-κB enters the nucleus.", "NF-κB activation"),
                  ("PMC1002__factor", "A nuclear factor binds DNA.", "Nuclear factor binding")) as ix:
        results = ix.search("nuclear factor kappa B", explain=True)
        assert "factor-κB ~ NF-κB" in results.understood.synonyms
        assert results[0].figid == "PMC1001__nfkb"


def test_long_term_potentiation_is_ltp(index_of):
    # An unseen set's LTP figure never spelled out "long-term potentiation".
    with index_of(("PMC1001__ltp", "PI3K in LTP induction.", "PI3K and LTP"),
                  ("PMC1002__term", "Long-term culture of neurons.", "Long-term neuron culture")) as ix:
        assert ix.search("long-term potentiation")[0].figid == "PMC1001__ltp"


def test_the_shipped_readings_are_checked():
    text = _shipped_list()
    assert yaml.safe_load(text)["readings"] == curated.parse_readings(text)
    with pytest.raises(ConfigError, match=r"readings\[0\]"):
        curated.parse_readings('{"groups": [], "readings": [["signal transduction"]]}')
    for bad in ('["IL"]', '["IL", "inter leukin"]', '["I L", "interleukin"]', '["IL-", "interleukin"]',
                '["IL1", "interleukin"]', '["IL", "interleukin-"]'):
        with pytest.raises(ConfigError, match=r"families\[0\]"):
            curated.parse_families('{"groups": [], "families": [%s]}' % bad)
    assert ["IL", "interleukin"] in curated.parse_families(text)


@pytest.mark.parametrize("text", ['{"groups": [["TCA"]]}', '{"groups": ["TCA"]}', '{"pairs": []}',
                                  '{"groups": [["TCA", 3]]}', '{"groups": [["a b c d e f g h i", "TCA"]]}',
                                  "groups: [[TCA, Krebs cycle]]"])
def test_a_malformed_list_is_refused(text):
    with pytest.raises(ConfigError, match="synonyms.yaml"):
        curated.parse_groups(text)


def test_an_abbreviation_found_for_a_long_form_counts_more_than_one_word(index_of):
    # Found for each of the n words typed at the synonym weight / n, the
    # abbreviation had counted as much as one word: "AMP-activated protein
    # kinase" ranked "protein kinase" figures over the AMPK ones.  At weight / √n
    # it counts weight · √n in all.
    with index_of(("PMC1001__ampk", "AMPK senses cellular energy.", "AMPK and energy"),
                  ("PMC1002__other", "Insulin in muscle.", "Insulin")) as ix:
        typed = ix.search("AMPK")[0]
        spelled = ix.search("AMP-activated protein kinase")[0]
        assert typed.figid == spelled.figid == "PMC1001__ampk"
        weight = ix.config.synonyms.curated
        # (The demo record's paper title adds a little for "protein" and "kinase".)
        assert typed.score * weight * 1.5 < spelled.score < typed.score * weight * 3 ** 0.5 * 1.2


def test_the_list_is_on_where_a_configuration_does_not_name_it():
    # An index built before the list stored a configuration without the key: it searches with the list too.
    assert parse_config({"fields": {"genes": {"analyzer": "gene"}}}).synonyms.curated > 0


def test_a_concepts_name_is_not_searched_as_the_gene_ocr_maps_it_to(tmp_path):
    # OCR maps the word TCA to Gnat2 (PMC9524954's genes table), so "TCA" had also
    # found every figure showing GNAT2: PMC4943391, a G-protein figure with no TCA cycle.
    realworld = Path(__file__).resolve().parent.parent / "bench" / "relevance" / "realworld"
    corpus = tmp_path / "corpus"
    (corpus / "_figures").mkdir(parents=True)
    (corpus / "_data").mkdir()
    for figid in ("PMC9524954__sciadv.abq0117-f7", "PMC4943391__theoncologist_15509_f2"):
        shutil.copy(realworld / "_figures" / f"{figid}.md", corpus / "_figures")
        for tsv in (realworld / "_data").glob(f"{figid}-*.tsv"):
            shutil.copy(tsv, corpus / "_data")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        for typed in ("TCA", "Krebs cycle"):
            results = ix.search(typed, explain=True)
            assert [h.figid for h in results] == ["PMC9524954__sciadv.abq0117-f7"], typed
            assert "GNAT2" not in results.understood.parsed, typed
        # Asked for as a gene, it is one; a gene family's name still finds its genes.
        assert "PMC4943391__theoncologist_15509_f2" in [h.figid for h in ix.search("genes:TCA")]
        assert "GNAT2" in ix.search("G-protein", explain=True).understood.parsed


def test_a_groups_names_spelled_alike_count_once_in_the_order_given():
    # "tumour necrosis factor" is "tumor necrosis factor" to the index: sought once.
    table = curated.CuratedTable([["TNF", "tumour necrosis factor", "TNF-α", "tumor necrosis factor"]], 0.5)
    assert [s.text for s in table.long_forms("TNF")] == ["tumour necrosis factor", "TNF-α"]


def test_an_ion_named_in_words_finds_its_symbol_and_back(index_of):
    # "calcium homeostasis" had missed figures that only draw "Ca2+".
    with index_of(("PMC1001__ca", "Ca2+ enters the cytosol through store-operated channels.", "Ca2+ buffering"),
                  ("PMC1002__other", "Kinases phosphorylate targets in the cytosol.", "Kinase cascade"),
                  ("PMC1003__k", "K+ leaves the cell through channels.", "K+ efflux")) as ix:
        assert [h.figid for h in ix.search("calcium")] == ["PMC1001__ca"]
        assert [h.figid for h in ix.search("potassium")] == ["PMC1003__k"]


def test_a_model_organism_common_name_finds_the_binomial_and_back(tmp_path):
    # Real records: a yeast figure's title names Saccharomyces cerevisiae, never
    # "yeast" ("mevalonate pathway yeast" had ranked it 7th, under figures with
    # "yeast" alone); an E. coli figure's caption says "E. coli".
    data = Path(__file__).parent / "data"
    corpus = tmp_path / "corpus"
    for folder in ("strain", "latin"):
        shutil.copytree(data / folder, corpus / folder)
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert ix.search("yeast")[0].figid == "PMC8778766__microorganisms-10-00163-g001"
        assert ix.search("mevalonate pathway yeast")[0].figid == "PMC8778766__microorganisms-10-00163-g001"
        assert ix.search("Escherichia coli flagella")[0].figid == "PMC9229135__microorganisms-10-01103-g002"
        assert "fly ~ Drosophila" in ix.search("fruit fly immunity", explain=True).understood.synonyms


def test_a_crops_common_name_finds_its_binomial(index_of):
    # A plant figure names the species ("Oryza sativa"); a query says "rice".
    with index_of(("PMC1001__rice", "Drought signalling in Oryza sativa roots."),
                  ("PMC1002__human", "Drought of data in human signalling studies.")) as ix:
        assert [h.figid for h in ix.search("rice drought signalling")][:1] == ["PMC1001__rice"]
        assert "rice = Oryza sativa" in ix.search("rice", explain=True).understood.synonyms


def test_a_name_is_not_its_own_synonym(sample_index):
    # "IFN-γ" and "IFNG" share a key: each found the group twice, itself included,
    # and a search sought the typed name again at the list's weight.
    for typed, other, same in (("IFN-γ", "IFNG", "IFN-γ"), ("IFNG", "IFN-γ", "IFNG"), ("ifng", "IFN-γ", "IFNG"),
                               ("IFN-gamma", "IFNG", "IFN-γ"), ("HIF-1alpha", "HIF1A", "HIF-1α")):
        names = [s.text for s in sample_index.synonyms(typed)]
        assert other in names and same not in names, (typed, names)
    understood = sample_index.search("IFN-γ", explain=True).understood.synonyms
    assert "IFN-γ = IFNG" in understood and "IFN-γ = IFN-γ" not in understood


def test_a_receptor_written_with_its_roman_numeral_finds_the_hgnc_symbol(index_of):
    # "TGFβRII" had found nothing (figures draw TGFBR2), and "HER2/neu" had been
    # corrected to "HER2/new": neu, the rat name of ERBB2, is no typo.
    with index_of(("PMC1001__tgfbr", "TGFBR2 phosphorylates TGFBR1, which phosphorylates SMAD2.", "TGFB receptors"),
                  ("PMC1002__her2", "ERBB2 dimerises with ERBB3 in breast cancer.", "ERBB2 signalling"),
                  ("PMC1003__news", "New players in cell signalling.", "New players")) as ix:
        for typed in ("TGFβRII", "TβRII", "TGF-beta receptor type II"):
            assert [h.figid for h in ix.search(typed)][:1] == ["PMC1001__tgfbr"], typed
        found = ix.search("HER2/neu", explain=True)
        assert [h.figid for h in found] == ["PMC1002__her2"]
        assert not found.understood.corrected_from


def test_estrogen_receptor_reaches_the_figures_that_draw_esr1_or_esr2(realworld_index):
    # A real figure of ESR2/PI3K/AKT signalling never writes "estrogen": the
    # receptor's name reaches it through the family the curated list names.
    esr2, biosynthesis = "PMC10820227__pharmaceuticals-17-00043-g007", "PMC2981456__carcinbgq156f01_lw"
    with realworld_index([esr2, biosynthesis]) as ix:
        found = ix.search("oestrogen receptor", explain=True)
        assert esr2 in [h.figid for h in found]
        assert "oestrogen ~ ESR" in found.understood.synonyms


def test_one_carbon_metabolism_finds_the_folate_cycle(index_of):
    # Figures of one-carbon metabolism are titled by the folate cycle: the
    # query had ranked every "metabolism" figure above them.
    with index_of(("PMC1001__folate", "THF carries methyl groups through the folate cycle.", "Folate metabolic pathway"),
                  ("PMC1002__carbon", "Carbon flux in central carbon metabolism of cancer cells.", "Carbon metabolism"),
                  ("PMC1003__lipid", "Lipid metabolism in the liver.", "Metabolism overview")) as ix:
        assert [h.figid for h in ix.search("one-carbon metabolism")][:1] == ["PMC1001__folate"]


def test_a_process_finds_figures_titled_by_its_other_name(index_of):
    # Figures of mechanotransduction are titled "mechanical signaling", and
    # those of excitation-transcription coupling "activity-dependent gene expression".
    with index_of(("PMC1001__mech", "Stretch opens Piezo1 and YAP enters the nucleus.", "Mechanical signaling in tissue growth"),
                  ("PMC1002__activity", "Calcium entry through NMDA receptors activates CREB.",
                   "Activity-dependent gene expression in neurons"),
                  ("PMC1003__other", "Growth factors signal through tissue kinases.", "Tissue growth signaling")) as ix:
        assert [h.figid for h in ix.search("mechanotransduction")][:1] == ["PMC1001__mech"]
        assert [h.figid for h in ix.search("excitation-transcription coupling")][:1] == ["PMC1002__activity"]
