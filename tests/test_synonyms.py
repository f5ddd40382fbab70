"""Synonyms the corpus defines: mined from captions, kept right by updates, used by queries."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pfocr_search import FigureIndex
from pfocr_search.cli import app
from pfocr_search.errors import PfocrSearchError, QuerySyntaxError
from pfocr_search.synonyms import definitions


@pytest.mark.parametrize("text, pair", [
    ("signals through the mammalian target of rapamycin (mTOR) to", ("mTOR", "mammalian target of rapamycin")),
    ("the mitogen-activated protein kinase (MAPK) cascade", ("MAPK", "mitogen-activated protein kinase")),
    ("interferon gamma (IFN-γ) activates", ("IFN-γ", "interferon gamma")),
    ("via nuclear factor kappa B (NF-κB) and", ("NF-κB", "nuclear factor kappa B")),
    ("peroxisome proliferator-activated receptor gamma (PPARγ)", ("PPARγ",
                                                                 "peroxisome proliferator-activated receptor gamma")),
    # A bracket the long form does not open had been kept: "TANK)-binding kinase 1", "TNF) receptor 1".
    ("NF-κB activator (TANK)-binding kinase 1 (TBK1) phosphorylates", ("TBK1", "TANK binding kinase 1")),
    ("tumor necrosis factor (TNF) receptor 1 (TNFR1) binds", ("TNFR1", "TNF receptor 1")),
    # A sharp s for β (German keyboards, OCR) is shown as β: `synonyms TGF-β` had printed "factor ß".
    ("the transforming growth factor ß (TGF-ß) pathway", ("TGF-ß", "transforming growth factor β")),
])
def test_schwartz_hearst_finds_the_definitions(text, pair):
    assert pair in definitions(text)


@pytest.mark.parametrize("text", ["shown in red (left) and blue (Figure 2)", "cells (n = 5) were", "of the cell (ROS)",
                                  # A long form holding its abbreviation as a part defines nothing (a real legend).
                                  "Abbreviations: DSF, DSF-family signals.",
                                  "sensed as DSF-family signals (DSF) by RpfC"])
def test_parentheses_that_define_nothing(text):
    assert definitions(text) == set()


@pytest.mark.parametrize("text", ["BA, blue arrows; RA, red arrows.", "DL = dashed lines; SL: solid lines",
                                  "Red arrows (RA) activate; black dashed lines (BDL) inhibit.",
                                  "BB, blue boxes; OC, open circles; LBA, light blue arrowheads",
                                  "genes regulated by estrogen, now expressed (Green)", "GREEN, genes repressed early"])
def test_a_legends_key_to_its_colours_and_marks_defines_nothing(text):
    assert definitions(text) == set()


def test_a_legends_key_is_not_a_synonym_but_its_abbreviations_are(index_of):
    # "RA, red arrows" in one legend had made "RA" mean red arrows beside retinoic acid.
    with index_of(("PMC1001__legend", "Key: BA, blue arrows; RA, red arrows; DL = dashed lines. GFP, green "
                                      "fluorescent protein; RA, retinoic acid; BL, blue light.", "Legend"),
                  ("PMC1002__other", "Insulin in muscle.")) as ix:
        assert [s.text for s in ix.synonyms("RA")] == ["retinoic acid"]
        assert [s.text for s in ix.synonyms("GFP")] == ["green fluorescent protein"]
        assert [s.text for s in ix.synonyms("BL")] == ["blue light"]  # light is no mark
        assert ix.synonyms("BA") == ix.synonyms("DL") == ix.synonyms("red arrows") == []


@pytest.fixture()
def defined(tmp_path, write_figure):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in (1, 2):  # two figures define the pair
        write_figure(corpus, f"PMC100{n}__def", "Nutrients act through the mammalian target of rapamycin "
                                                        "(mTOR) on growth.")
    write_figure(corpus, "PMC1003__short", "mTOR complexes drive growth.", "Growth control by mTOR")
    write_figure(corpus, "PMC1004__long", "The mammalian target of rapamycin controls growth.",
            "Growth control by the mammalian target of rapamycin")
    write_figure(corpus, "PMC1005__other", "Nothing about that kinase here.", "Other pathways")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        yield corpus, ix


def test_an_abbreviation_finds_figures_that_spell_it_out_and_back(defined):
    _, ix = defined
    assert [s.text for s in ix.synonyms("mTOR")] == ["mammalian target of rapamycin"]
    assert [s.text for s in ix.synonyms("Mammalian Target of Rapamycin")] == ["mTOR"]
    by_short = [h.figid for h in ix.search("mTOR growth")]
    by_long = [h.figid for h in ix.search("mammalian target of rapamycin growth")]
    assert "PMC1004__long" in by_short and "PMC1003__short" in by_long
    # The form typed ranks first: a synonym counts at a lower weight.
    assert by_short.index("PMC1003__short") < by_short.index("PMC1004__long")
    assert by_long.index("PMC1004__long") < by_long.index("PMC1003__short")
    assert "PMC1005__other" not in by_short


def test_updates_keep_the_synonym_table_right(defined, tmp_path):
    corpus, ix = defined
    saved = (corpus / "PMC1001__def.md").read_text("utf-8")
    (corpus / "PMC1002__def.md").unlink()
    ix.update([corpus])
    assert [s.figures for s in ix.synonyms("mTOR")] == [1]  # one definition is enough (synonyms.min_figures: 1)
    (corpus / "PMC1001__def.md").unlink()  # none left
    ix.update([corpus])
    assert ix.synonyms("mTOR") == []
    assert "PMC1004__long" not in [h.figid for h in ix.search("mTOR")]
    for name in ("PMC1001__def", "PMC1009__again"):
        (corpus / f"{name}.md").write_text(saved.replace("PMC1001__def", name), "utf-8")
    ix.update([corpus])
    assert [s.figures for s in ix.synonyms("mTOR")] == [2]
    with FigureIndex.build([corpus], tmp_path / "fresh") as fresh:
        assert fresh.synonyms("mTOR") == ix.synonyms("mTOR")


def test_synonyms_command(defined):
    _, ix = defined
    runner = CliRunner()
    result = runner.invoke(app, ["synonyms", "mTOR", "-i", str(ix.path)])
    assert result.exit_code == 0 and "mTOR = mammalian target of rapamycin  (defined by 2 figures)" in result.stdout
    data = json.loads(runner.invoke(app, ["synonyms", "mTOR", "-i", str(ix.path), "-f", "json"]).stdout)
    assert data["term"] == "mTOR"
    assert data["synonyms"][0] == {"text": "mammalian target of rapamycin", "figures": 2, "source": "corpus"}
    # What a search also seeks a word as includes the curated list's names, said so.
    krebs = runner.invoke(app, ["synonyms", "Krebs cycle", "-i", str(ix.path)])
    assert krebs.exit_code == 0 and "Krebs cycle = TCA cycle  (curated list)" in krebs.stdout
    data = json.loads(runner.invoke(app, ["synonyms", "Krebs cycle", "-i", str(ix.path), "-f", "json"]).stdout)
    assert {"text": "TCA cycle", "figures": 0, "source": "curated"} in data["synonyms"]
    none = runner.invoke(app, ["synonyms", "xyzzy", "-i", str(ix.path)])
    assert none.exit_code == 0 and "no synonyms" in none.stdout


def test_explain_says_which_synonyms_a_query_used(defined):
    _, ix = defined
    results = ix.search("mTOR", explain=True)
    assert results.understood.synonyms == ("mTOR = mammalian target of rapamycin",)
    long_only = results.explanations["PMC1004__long"]
    assert long_only.value == pytest.approx(next(h.score for h in results if h.figid == "PMC1004__long"), abs=1e-3)
    assert 'caption:"mammalian target rapamycin"' in "\n".join(long_only.lines())


def test_synonyms_refuses_a_format_it_cannot_write(defined):
    _, ix = defined
    result = CliRunner().invoke(app, ["synonyms", "mTOR", "-i", str(ix.path), "-f", "tsv"])
    assert result.exit_code == 2 and "--format must be table or json" in result.stderr


def test_the_synonym_table_is_the_same_whatever_the_hash_seed(tmp_path):
    # Which spelling a figure's definitions show (and expand to) followed a
    # set's order, so "TGF-β" or "TGFB" changed from one build to the next.
    corpus = Path(__file__).resolve().parent.parent / "bench" / "relevance" / "realworld"
    tables = []
    for seed in ("1", "2"):
        out = tmp_path / f"ix{seed}"
        subprocess.run([sys.executable, "-m", "pfocr_search.cli", "index", str(corpus), "--index", str(out), "-q"],
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, timeout=300)
        with sqlite3.connect(next(out.glob("gen-*/synonyms.sqlite"))) as db:
            tables.append(db.execute("SELECT * FROM pairs ORDER BY rowid").fetchall())
    assert tables[0] == tables[1] and len(tables[0]) > 100


def _defined(tmp_path, write_figure, definition: str, figid: str, caption: str, title: str) -> Path:
    """A corpus where two figures define a synonym and `figid` uses it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in (1, 2):
        write_figure(corpus, f"PMC100{n}__def", definition)
    write_figure(corpus, figid, caption, title)
    return corpus


@pytest.mark.parametrize("typed", ["Gα", "G alpha", "Galpha", "G-α"])
def test_a_short_abbreviation_with_a_greek_letter_is_not_the_latin_one_it_folds_to(tmp_path, write_figure, typed):
    # On the realworld corpus "Gα" and "G alpha" were expanded to "gallic acid"
    # (GA), which captions define: folded, α is "a".
    corpus = _defined(tmp_path, write_figure, "Polyphenols such as gallic acid (GA) act as antioxidants.",
                      "PMC1003__galpha", "Gα subunits activate adenylyl cyclase.", "G protein signaling")
    write_figure(corpus, "PMC1004__gdefined", "Receptors couple to the G protein alpha subunit (Gα) here.")
    write_figure(corpus, "PMC1005__gdefined", "Receptors couple to the G protein alpha subunit (Gα) there.")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        understood = ix.search(typed, limit=5, explain=True).understood.synonyms
        assert not [s for s in understood if "gallic" in s], understood
        assert [s for s in understood if "G protein alpha subunit" in s], understood
        assert "gallic acid" in " ".join(ix.search("GA", limit=5, explain=True).understood.synonyms)


@pytest.mark.parametrize("typed", ["programed death ligand 1", "programmed death-ligands 1",
                                   "fruit flies", "cyclin dependant kinases"])
def test_a_long_form_meets_its_definition_in_another_word_form(tmp_path, write_figure, typed):
    # Long forms were matched by their folded words: "programed" (a spelling
    # dictionaries allow) missed "programmed death ligand 1 (PD-L1)", and the
    # curated "fruit fly" only met "fruit flies" by the last word's plural.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, definition in enumerate(("Tumours express programmed death ligand 1 (PD-L1) on their surface.",
                                    "Cell cycle: cyclin-dependent kinase (CDK) activity rises.") * 2):
        write_figure(corpus, f"PMC100{n}__def", definition)
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert ix.search(typed, limit=1, explain=True).understood.synonyms, typed


def test_a_greek_letter_written_apart_joins_a_word_the_corpus_defines(tmp_path, write_figure):
    # Synonyms had wrapped "ER" before the letter could join it, so "ER beta"
    # searched "er" (and endoplasmic reticulum) and a "b" matching panel labels.
    corpus = _defined(tmp_path, write_figure, "Estrogen acts through the estrogen receptor (ER) here.",
                      "PMC1003__beta", "ER-beta signals in colon cells.", "ER-beta in the colon")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert ix.synonyms("ER")
        parsed = ix.search("ER beta", limit=1).parsed
        assert 'caption:"er b"' in parsed and "caption:b " not in parsed + " "
        assert ix.search("ER beta", limit=1)[0].figid == "PMC1003__beta"


@pytest.mark.parametrize("definition, short, typed", [
    # "nuclear factor kappa B" had read "factor-kappa" and a lone "b", so it
    # never met the long form of NF-κB that the corpus defines.
    ("Cytokines activate nuclear factor-κB (NF-κB) in cells.", "NF-κB", "nuclear factor kappa B"),
    # A caption's "... kappa B (RF-κB)" had been keyed "k b", the query's
    # "factor kappa B" (read as factor-κB) "kb": the pair never met a query.
    ("Stress activates ribosome factor kappa B (RF-κB) in cells.", "RF-κB", "ribosome factor kappa B"),
])
def test_a_greek_letter_and_a_letter_apart_are_one_unit_in_queries_and_captions(tmp_path, write_figure, definition,
                                                                               short, typed):
    corpus = _defined(tmp_path, write_figure, definition, "PMC1003__short", f"{short} drives genes.", f"{short} genes")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        results = ix.search(typed, limit=5, explain=True)
        assert f"factor-κB ~ {short}" in results.understood.synonyms
        assert "PMC1003__short" in {h.figid for h in results}
        assert "caption:b " not in results.parsed + " "


def test_a_family_long_form_and_a_number_stand_for_the_numbered_member(tmp_path, write_figure):
    # "Janus kinase 2" had searched JAK and "kinase-2": the JAK2 figure that
    # never spells the family out was not found.
    corpus = _defined(tmp_path, write_figure, "Cytokine receptors signal through Janus kinases (JAKs).",
                      "PMC1003__member", "JAK2 phosphorylates STAT5 in erythroid cells.", "Erythropoietin signals")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        results = ix.search("Janus kinase 2", limit=5, explain=True)
        assert "kinase-2 ~ JAK2" in results.understood.synonyms
        assert "PMC1003__member" in {h.figid for h in results}


def test_a_long_form_typed_as_one_hyphenated_word_finds_its_abbreviation(tmp_path, write_figure):
    # "interleukin-6" is one word to the parser: only runs of two words or
    # more had been looked up, so it found the figures spelling it out alone.
    corpus = _defined(tmp_path, write_figure, "Macrophages secrete interleukin-6 (IL-6) in inflamed tissue.",
                      "PMC1003__short", "IL-6 activates STAT3 in hepatocytes.", "IL-6 trans-signalling")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        results = ix.search("interleukin-6", limit=5, explain=True)
        assert "interleukin-6 ~ IL-6" in results.understood.synonyms
        assert "PMC1003__short" in {h.figid for h in results}
        # The abbreviation, hyphenated too, is still read as one, not as a long form of itself.
        assert ix.search("IL-6", limit=5, explain=True).understood.synonyms == ("IL-6 = interleukin-6",)


def test_a_long_form_typed_is_not_sought_as_a_two_letter_abbreviation(index_of):
    # RA is retinoic acid where this caption defines it, rheumatoid arthritis elsewhere:
    # "retinoic acid" had found the arthritis figure through RA.
    with index_of(("PMC1001__ra", "Retinoic acid (RA) drives differentiation.", "Retinoid signalling"),
                  ("PMC1002__arthritis", "RA synovial fibroblasts invade cartilage.", "Joint damage"),
                  ("PMC1003__mtor", "The mammalian target of rapamycin (mTOR) senses nutrients.", "Growth"),
                  ("PMC1004__short", "mTOR complexes drive growth.", "Growth control")) as ix:
        assert [h.figid for h in ix.search("retinoic acid")] == ["PMC1001__ra"]
        assert [s.text for s in ix.synonyms("retinoic acid")] == []
        assert [s.text for s in ix.synonyms("RA")] == ["Retinoic acid"]  # typed, it still finds its long form
        assert "PMC1004__short" in [h.figid for h in ix.search("mammalian target of rapamycin")]


def test_a_generation_made_before_the_synonym_database_reads_its_json_table(defined):
    # Generations made before synonyms.sqlite kept the pairs as JSON, read whole.
    corpus, ix = defined
    generation = next(ix.path.glob("gen-*"))
    with sqlite3.connect(generation / "synonyms.sqlite") as db:
        rows = db.execute("SELECT short, long, short_text, long_text, figures FROM pairs").fetchall()
    (generation / "synonyms.sqlite").unlink()
    (generation / "synonym-table.json").write_text(json.dumps({
        "format": 1, "pairs": [[s, lf, n] for s, lf, _, _, n in rows],
        "shown": {k: v for s, lf, ss, ls, _ in rows for k, v in ((s, ss), (lf, ls))}}))
    with FigureIndex.open(ix.path) as old:
        assert [s.text for s in old.synonyms("mTOR")] == ["mammalian target of rapamycin"]
        assert "PMC1004__long" in [h.figid for h in old.search("mTOR growth")]


@pytest.mark.parametrize("text, pairs", [
    # Entries "X: long form" separated by commas (a real eLife legend's) had been none.
    ("PA: phosphatidic acid, LPA: lysophosphatidic acid, G3P: glycerol-3-phosphate.",
     {("PA", "phosphatidic acid"), ("LPA", "lysophosphatidic acid"), ("G3P", "glycerol-3-phosphate")}),
    ("Abbreviations: TCR = T-cell receptor, MHC = major histocompatibility complex",
     {("TCR", "T-cell receptor"), ("MHC", "major histocompatibility complex")}),
    # Entries "X, long form" separated by commas (real legends): each ends before the next
    # abbreviation; "IL-2" had stood for "interleukin-2, CMV, cytomegalovirus".
    ("Abbreviations: IL-2, interleukin-2, CMV, cytomegalovirus; MAC, membrane attack complex, SP, S protein.",
     {("IL-2", "interleukin-2"), ("MAC", "membrane attack complex")}),
    ("HIF-1α, hypoxia inducible factor-1α, IKKB, IkB kinase β.", {("HIF-1α", "hypoxia inducible factor-1α")}),
    # A comma inside a long form is no entry's end; nor is one in a plain sentence an entry.
    ("IDO: indolamine-2,3-dioxygenase; KYN, kynurenine.", {("IDO", "indolamine-2,3-dioxygenase")}),
    ("Cells were treated, and ERK, JNK and p38 were activated, as shown.", set()),
    # Lists and numbers are no glossary (an adversarial pass's finds, from real captions).
    ("TLR4 activates MyD88, TRIF, and TRAM, leading to NF-κB activation.", set()),
    ("KAT I, II, III, Kynurenine aminotransferase; F1,6BP: fructose-1,6-bisphosphate.", set()),
    ("LH = lateral hypothalamus, VTA = ventral tegmental area, NUC. ACC. = nucleus accumbens.",
     {("LH", "lateral hypothalamus")}),
])
def test_glossary_entries_separated_by_commas(text, pairs):
    assert definitions(text) == pairs


def test_a_glossary_long_run_of_spaces_is_read_in_linear_time():
    started = time.perf_counter()
    assert not definitions((("AB," + " " * 998) * 5)[:5000])  # 2.5 s before, 2 ms now
    assert time.perf_counter() - started < 0.5


def test_a_legends_glossary_of_abbreviations_defines_them(index_of):
    # Legends list abbreviations as "TCR, T-cell receptor; ..." as often as
    # they put them in parentheses: "T-cell receptor" had never met "TCR".
    with index_of(("PMC1001__glossary", "However, antigen is shown. Abbreviations: TCR, T-cell receptor; FAs, "
                                        "focal adhesions; MHC, major histocompatibility complex.", "Antigen"),
                  ("PMC1002__tcr", "TCR-coupled kinases act first.", "Proximal TCR events"),
                  ("PMC1003__fas", "FAS ligand kills the cell.", "Death receptor FAS")) as ix:
        assert [s.text for s in ix.synonyms("TCR")] == ["T-cell receptor"]
        assert "PMC1002__tcr" in [h.figid for h in ix.search("T-cell receptor")]
        assert ix.synonyms("However") == []
        # An abbreviation defined in the plural is the abbreviation: "FAs" is not the gene FAS.
        assert [s.text for s in ix.synonyms("FA")] == ["focal adhesions"]
        assert "PMC1003__fas" not in [h.figid for h in ix.search("focal adhesions")]


def test_a_long_form_typed_in_the_singular_meets_one_defined_in_the_plural(index_of):
    # "G protein-coupled receptor" had not met the "G protein coupled receptors (GPCRs)" a caption defines.
    with index_of(("PMC1001__def", "Hormones act through G protein coupled receptors (GPCRs) at the membrane.",
                   "Hormone receptors"),
                  ("PMC1002__short", "GPCR kinases desensitise it.", "GPCR desensitisation"),
                  ("PMC1003__other", "Insulin signalling in the liver.", "Insulin")) as ix:
        # (the curated list's names follow the corpus's: "seven-transmembrane receptor")
        assert [s.text for s in ix.synonyms("G protein-coupled receptor")][:1] == ["GPCR"]
        assert "PMC1002__short" in [h.figid for h in ix.search("G protein-coupled receptor")]


def test_a_plural_abbreviation_typed_finds_its_long_form_and_a_stop_word_none(index_of):
    # Abbreviations are stored singular ("GPCRs" as GPCR), so "GPCRs" typed had
    # found no synonym; and "ORs, olfactory receptors" made the word "or" one.
    with index_of(("PMC1001__gpcr", "Abbreviations: GPCRs, G protein-coupled receptors; ORs, olfactory receptors."),
                  ("PMC1002__muscle", "Insulin in muscle.", "Muscle metabolism"),
                  ("PMC1003__olf", "Olfactory receptors in the nose.", "Smell")) as ix:
        assert [s.text for s in ix.synonyms("GPCRs") if s.weight is None] == ["G protein-coupled receptors"]
        assert "PMC1003__olf" not in {h.figid for h in ix.search("muscle or liver")}


def test_a_long_form_followed_by_receptor_also_stands_for_the_abbreviation_and_r(index_of):
    # "vascular endothelial growth factor receptor" was read as VEGF and a
    # "receptor": the figure about VEGFR2 that never spells either out ranked 16th.
    with index_of(("PMC1001__def", "The vascular endothelial growth factor (VEGF) binds its receptor.", "Factors"),
                  ("PMC1002__vegfr", "VEGFR2 signals to PLCγ and ERK.", "Signalling from VEGFR2"),
                  ("PMC1003__other", "Insulin receptor signalling in the liver.", "Insulin receptor")) as ix:
        results = ix.search("vascular endothelial growth factor receptor", explain=True)
        assert "vascular ~ VEGFR" in results.understood.synonyms
        assert [h.figid for h in results][:2] == ["PMC1001__def", "PMC1002__vegfr"]
        # Not after another word, nor for a phrase or an abbreviation that ends otherwise.
        understood = ix.search("vascular endothelial growth factor", explain=True).understood
        assert "vascular ~ VEGFR" not in understood.synonyms


def test_a_virus_named_without_virus_stands_for_its_abbreviation(index_of):
    # "hepatitis C" had found the hepatitis B figure and not the one about HCV,
    # which the corpus defines as "hepatitis C virus (HCV)" elsewhere.
    with index_of(("PMC1001__def", "The hepatitis C virus (HCV) replicates in hepatocytes.", "Liver infection"),
                  ("PMC1002__hcv", "HCV core protein binds nuclear receptors.", "HCV and nuclear receptors"),
                  ("PMC1003__hbv", "Therapies block hepatitis B and D replication.", "Hepatitis B and D")) as ix:
        results = ix.search("hepatitis C", explain=True)
        assert "hepatitis ~ HCV" in results.understood.synonyms
        assert [h.figid for h in results] == ["PMC1001__def", "PMC1002__hcv", "PMC1003__hbv"]
        # The long form typed in full is read as before; another word before "virus" is not.
        assert "hepatitis ~ HCV" in ix.search("hepatitis C virus", explain=True).understood.synonyms
        assert "hepatitis ~ HCV" not in ix.search("hepatitis B", explain=True).understood.synonyms


@pytest.mark.parametrize("letter", ["kappa", "κ", "Kappa", "kappa.", "ϰ", "(κ)"])
def test_a_greek_letter_alone_is_no_abbreviation(index_of, letter):
    # "kappa" and "κ" fold to k, which the curated list reads as potassium:
    # "kappa" had found a figure for its "potassium efflux".
    with index_of(("PMC1001__ions", "Potassium efflux activates the inflammasome."),
                  ("PMC1002__light", "Kappa light chains of B cells.", "Immunoglobulin kappa"),
                  ("PMC1003__dead", "Dead cells take up propidium iodide (PI).")) as ix:
        assert ix.synonyms(letter) == []
        results = ix.search(letter, explain=True)
        assert [h.figid for h in results] == ["PMC1002__light"]
        assert results.understood.synonyms == ()
        assert "potassium" in {s.text for s in ix.synonyms("K")}  # the Latin letter still is
        assert "propidium iodide" in {s.text for s in ix.synonyms("PI")}  # and a Greek name that does not fold


@pytest.mark.parametrize("term", ["", "   ", "\u200b", "()"])
def test_synonyms_of_no_word_is_a_usage_error(defined, term):
    # It had printed ": no synonyms defined ..." and succeeded, where `search ''` says the query is empty.
    _, ix = defined
    result = CliRunner().invoke(app, ["synonyms", term, "-i", str(ix.path)])
    assert result.exit_code == 2 and "empty term" in result.stderr and "Traceback" not in result.output
    with pytest.raises(QuerySyntaxError):
        ix.synonyms(term)
    assert ix.synonyms("  mTOR ") == ix.synonyms("mTOR")
    with pytest.raises(PfocrSearchError, match="is a string"):
        ix.synonyms(123)


def test_a_long_form_keeps_its_last_letter(realworld_index):
    # "lactate dehydrogenase A" (LDHA) had been sought as "lactate dehydrogenase",
    # its "A" a stop word: LDHA found the figures of any lactate dehydrogenase.
    with realworld_index(["PMC10530558__ijms-24-13928-g002", "PMC10033567__253_2023_12422_Fig1_HTML",
                          "PMC11220218__enm-2023-1802f1"]) as ix:
        results = ix.search("LDHA", explain=True)
        assert "LDHA = lactate dehydrogenase A" in results.understood.synonyms
        assert [h.figid for h in results] == ["PMC10530558__ijms-24-13928-g002"]


def test_a_long_forms_last_letter_is_found_where_the_index_keeps_it(index_of):
    # A capital A after a word is indexed as a name's letter, and the long form requires it.
    with index_of(("PMC1001__def", "Abbreviations: LDHA, lactate dehydrogenase A; PKM2, pyruvate kinase M2.",
                   "Tumour glycolysis"),
                  ("PMC1002__letter", "Hypoxia induces lactate dehydrogenase A in tumour cells.", "Hypoxia"),
                  ("PMC1003__family", "Lactate dehydrogenase converts pyruvate to lactate.", "Lactate")) as ix:
        assert {h.figid for h in ix.search("LDHA")} == {"PMC1001__def", "PMC1002__letter"}


def test_synonyms_command_shows_a_long_form_as_the_caption_wrote_it(realworld_index, run):
    # Its words joined by spaces had shown "indoleamine 2,3-dioxygenase" as "indoleamine 2 3-dioxygenase".
    with realworld_index(["PMC10036441__fpls-14-1142753-g001", "PMC3729336__ijtr-suppl.1-2013-047f1"]) as ix:
        path = str(ix.path)
    shown = run("synonyms", "IDO", "-i", path)
    assert shown.exit_code == 0 and "IDO = indoleamine 2,3-dioxygenase  (defined by 1 figures)" in shown.stdout
    data = json.loads(run("synonyms", "IDO1", "-i", path, "-f", "json").stdout)
    assert [s["text"] for s in data["synonyms"] if s["source"] == "corpus"] == ["indoleanime 2,3-dioxygenase 1"]


@pytest.mark.parametrize("typed, member", [("interleukin-17", "IL17"), ("interleukin 17", "IL17"),
                                           ("caspase-3", "CASP3")])
def test_a_one_word_family_name_and_a_number_stand_for_the_numbered_member(index_of, typed, member):
    # "interleukin-17 signalling" had not found the IL-17 figure: no caption
    # spelled interleukin-17 out, and "interleukin" alone has no synonym the
    # corpus defines; the curated family name's abbreviation and the number do.
    with index_of(("PMC1001__member", "IL-17A and CASP3 act downstream.", "IL-17 and caspase-3 in the skin"),
                  ("PMC1002__other", "Interleukin 6 drives inflammation.", "Interleukin signalling")) as ix:
        results = ix.search(typed, limit=5, explain=True)
        assert f"{typed.replace(' ', '-')} ~ {member}" in results.understood.synonyms
        assert [s.text for s in ix.synonyms(typed)] == [member]  # `synonyms` says so too
        assert results[0].figid == "PMC1001__member"
        # The abbreviation typed is not read as a long form of itself.
        assert not any(member in s for s in ix.search(member[:-1] + "-" + member[-1:], explain=True)
                       .understood.synonyms)


def test_a_family_name_is_the_symbol_only_with_a_number(index_of):
    # A reviewer's finds: "caspase" alone had searched CASP, which NCBI gives
    # CUX1 and CYTIP; "interleukin-8" had lost its curated names (CXCL8) to
    # IL8; any one-word curated name had taken a number ("endotoxin 4": LPS4),
    # and so had a zero or another script's digits.
    with index_of(("PMC1001__member", "IL-8 and CASP3 act downstream.", "IL-8 and caspase-3")) as ix:
        def synonyms(q):
            return ix.search(q, explain=True).understood.synonyms
        assert synonyms("caspase") == ()
        assert "interleukin-8 = CXCL8" in synonyms("interleukin-8")
        assert not any("~" in s for s in synonyms("interleukin-8"))
        for typed in ("endotoxin 4", "interleukin-0", "interleukin-\u0663", "caspase-\u0969"):
            assert synonyms(typed) == (), typed


def test_a_long_form_cut_short_gives_way_to_the_one_that_extends_it(index_of):
    # Schwartz-Hearst reads "cAMP-dependent protein kinase (PKA)" as "protein
    # kinase": on the realworld corpus every "protein kinase" query sought PKA.
    with index_of(("PMC1001__cut", "The cAMP-dependent protein kinase (PKA) acts.", "PKA"),
                  ("PMC1002__full", "Protein kinase A (PKA) phosphorylates CREB.", "PKA and CREB"),
                  ("PMC1003__full", "Protein kinase A (PKA) is cAMP-activated.", "PKA activation")) as ix:
        assert [s.text for s in ix.synonyms("protein kinase")] == []
        assert "protein kinase a" in [s.text.lower() for s in ix.synonyms("PKA")]
