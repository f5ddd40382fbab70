"""Reading PFOCR records in both layouts, and the mess real releases contain."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pfocr_search import FigureIndex, FigureRecord, ReadIssue, read_figure_file, read_records
from pfocr_search.errors import SourceError
from pfocr_search.sources.parse import split_front_matter
from pfocr_search.sources.values import RecordError, clean_word


def records_of(*sources) -> tuple[dict[str, FigureRecord], list[ReadIssue]]:
    items = list(read_records(sources))
    return ({i.figid: i for i in items if isinstance(i, FigureRecord)},
            [i for i in items if isinstance(i, ReadIssue)])


def test_every_sample_record_is_read_with_none_skipped(sample_dir):
    records, issues = records_of(sample_dir)
    assert issues == []
    md_files = list(sample_dir.rglob("*.md"))
    # 8 figures are in both layouts and merge into one record each.
    assert len(records) == len(md_files) - 8 == 50


def test_inline_layout_seed_record(sample_dir):
    record = read_figure_file(sample_dir / "seed" / "PMC7176449__cm9-133-0959-g001.md")
    assert record.figid == "PMC7176449__cm9-133-0959-g001"
    assert record.figtitle == "JAK-STAT signaling pathway"
    assert record.year == 2020 and isinstance(record.year, int)
    assert record.organisms == ("Homo sapiens",)
    assert record.layout == "inline"
    # 44 inline gene rows, but only 11 distinct genes: duplicates merge.
    assert record.gene_symbols == ("JAK1", "JAK2", "JAK3", "TYK2", "STAT1", "STAT5A", "STAT6", "STAT2",
                                   "STAT3", "STAT4", "STAT5B")
    stat1 = next(g for g in record.genes if g.symbol == "STAT1")
    assert stat1.ncbigene_id == "6772" and stat1.organism == "Homo sapiens"
    assert stat1.words == ("STAT",)  # '(STAT' lost its stray parenthesis
    assert record.keywords == ()  # its JSON-LD block's keywords are its genes, not the paper's
    assert "JAK1" in record.page_keywords


def test_keywords_are_the_papers_not_the_json_ld_blocks(realworld_index):
    # The JSON-LD block (schema-jsonld: '@context', '@type': Dataset, keywords)
    # lists the figure's genes' names ("Low", "Indented", "Is" are fly genes'
    # symbols); they had been read as the paper's keywords.
    figid = "PMC8707026__microorganisms-09-02422-g001"
    with realworld_index([figid]) as ix:
        record = ix.get(figid)
        assert record.keywords == ("insect symbiosis", "holobiont", "gut microbiome", "arthropod vector",
                                   "host immunity", "nutrition provisioning", "detoxification", "omics technology")
        assert {"Low", "Indented", "Is", "MAPK14", "Stat92E"} <= set(record.page_keywords)
        # Searched as before, with the paper's: a gene's name typed in lower case finds the figure.
        assert [h.figid for h in ix.search("keywords:holobiont")] == [h.figid for h in ix.search("stat92e")] == [figid]


def test_database_layout_reads_genes_tsv_for_every_organism(sample_dir):
    path = sample_dir / "new" / "_figures" / "PMC10033547__fimmu-14-1063018-g008.md"
    record = read_figure_file(path)
    assert record.layout == "pfocr-database"
    organisms = {g.organism for g in record.genes}
    assert {"Homo sapiens", "Drosophila melanogaster"} <= organisms
    assert any(g.symbol == "MTOR" and g.organism == "Homo sapiens" for g in record.genes)
    assert any(g.symbol == "Akt" and g.organism == "Drosophila melanogaster" for g in record.genes)
    assert record.keywords[:2] == ("osteoarthritis", "autophagy")
    assert record.journal == "Frontiers in Immunology"
    assert record.diseases[0].name == "cartilage" and record.diseases[0].ids == ("mesh:D002357",)
    assert any(s.endswith("-genes.tsv") for s in record.sources)


def test_same_figid_in_both_layouts_is_one_merged_record(sample_dir):
    records, _ = records_of(sample_dir)
    record = records["PMC5466160__AnnalsATS.201507-450MG_f1"]
    assert record.layout == "merged"
    # Text from the pfocr-database layout, genes from both, each with its organism.
    new = read_figure_file(sample_dir / "new" / "_figures" / "PMC5466160__AnnalsATS.201507-450MG_f1.md")
    old = read_figure_file(sample_dir / "old" / "PMC5466160__AnnalsATS.201507-450MG_f1.md")
    assert record.caption == new.caption
    pairs = {(g.symbol, g.organism) for g in record.genes}
    assert {(g.symbol, g.organism) for g in new.genes} <= pairs
    assert {(g.symbol, g.organism) for g in old.genes} <= pairs
    assert len(pairs) == len(record.genes)


def test_missing_values_never_become_text(messy_dir):
    records, issues = records_of(messy_dir)
    assert issues == []
    tnf = records["PMC5138060__nihms6118f1"]
    assert tnf.year is None  # year: ''
    assert tnf.doi == ""  # .na.character
    assert tnf.journal == "Cancer Res"  # journal_title .na.character: no journal, so its reftext's
    assert tnf.organisms[0] == "Homo sapiens"  # a string, not a list
    assert tnf.keywords == ("TNF-α", "NF-κB", "metastasis")  # block scalar with | separators
    assert tnf.figtype == "Scheme"
    assert "NA" not in tnf.gene_symbols  # a TSV row with symbol NA is dropped
    assert {"TNF", "NFKB1", "IKBKB", "Tnf"} == set(tnf.gene_symbols)
    assert next(g for g in tnf.genes if g.symbol == "TNF").words == ("TNF",)
    chemical = next(c for c in tnf.chemicals if c.name == "cyclic GMP-AMP")
    assert chemical.ids == ("mesh:C000589078", "CHEBI:75947")
    assert "TNF" in {c.name for c in tnf.chemicals}  # name NA falls back to the OCR word
    # the name the figure matched, not ChEBI's systematic one (a real row of PMC12121910)
    assert next(c for c in tnf.chemicals if c.ids == ("chebi:58095",)).name == "L-phenylalanine"
    empty = records["PMC9999001__empty"]
    assert (empty.figtitle, empty.caption, empty.papertitle, empty.organisms, empty.genes) == ("", "", "", (), ())
    assert empty.year == 2019


def test_inline_record_in_figures_folder_is_told_by_content(messy_dir):
    record = read_figure_file(messy_dir / "_figures" / "PMC9999002__inline-in-figures.md")
    assert record.layout == "inline"
    assert record.gene_symbols == ("JAK2",)  # hgnc_symbol NA and a non-mapping row are dropped
    assert record.genes[0].ncbigene_id == "3717"
    assert record.year == 2021  # 2021.0
    assert record.organisms == ("Homo sapiens",)  # ['NA'] dropped; genes are HGNC (human)
    assert record.figtype == "Graphical abstract"


@pytest.mark.parametrize("reftext, journal", [
    ("Wei Cao, et al. PLoS Biol. 2007 Oct;5(10):e248.", "PLoS Biol"),
    ("Anthony J. Muslin. Clin Sci (Lond). ;115(7):203-218.", "Clin Sci (Lond)"),
    ("T. Peter Lopez, et al. Proc Natl Acad Sci U S A. 2013 May 28;110(22):E2019-E2027.", "Proc Natl Acad Sci U S A"),
    ("Sina Tavakoli, et al. Radiology.  April 2017;283(1):87-97.", "Radiology"),
    ("Pengpeng Li, et al. eLife. 2013;2:e00378.", "eLife"),
    ("Yishay Szekely, et al. Can J Cardiol. 2023 Mar 24 ", "Can J Cardiol"),
    # Not PMC's shape, or no journal in it: none rather than a wrong one.
    ("Anthony J. Muslin. 2008;115:1-2.", ""), ("T. Peter Lopez, et al. 2013;110:1.", ""),
    ("J. Smith. J. Biol. Chem. 2001;276:1.", ""), ("see the paper", ""), ("", ""),
])
def test_an_old_layout_record_names_its_journal_in_its_reftext(tmp_path, reftext, journal):
    # Old-layout records have no journal field: they had no journal, for filters and facets alike.
    path = tmp_path / "PMC1__f1.md"
    path.write_text(f"---\nfigid: PMC1__f1\nreftext: '{reftext}'\ngenes: []\n---\n", "utf-8")
    record = read_figure_file(path)
    assert record.layout == "inline" and record.journal == journal


@pytest.mark.parametrize("name, reason", [
    ("no_front_matter.md", "no YAML front matter"),
    ("bad_yaml.md", "bad YAML front matter"),
    ("no_figid.md", "no figid"),
    ("list_front_matter.md", "not a mapping"),
    ("unclosed.md", "not closed"),
    ("genes_wrong_type.md", "'genes' should be a list"),
    ("figid_list.md", "'figid' should be one identifier"),
    ("empty.md", "empty file"),
])
def test_unreadable_records_are_reported_with_path_and_reason(broken_dir, name, reason):
    with pytest.raises(RecordError, match=reason):
        read_figure_file(broken_dir / name)
    _, issues = records_of(broken_dir / name)
    assert len(issues) == 1 and issues[0].path.endswith(name) and reason in issues[0].reason
    # The reason is the record's, not a wrapped exception's ("bad YAML front matter: RecordError: ...").
    assert "Error" not in issues[0].reason
    assert reason.startswith("bad YAML") or "YAML front matter:" not in issues[0].reason


def test_non_utf8_and_huge_files_are_skipped(tmp_path):
    (tmp_path / "latin1.md").write_bytes(b"---\nfigid: PMC1__x\ncaption: caf\xe9\n---\n")
    huge = tmp_path / "huge.md"
    with huge.open("wb") as fh:
        fh.seek(9 * 1024 * 1024)
        fh.write(b"\n")
    _, issues = records_of(tmp_path)
    reasons = {Path(i.path).name: i.reason for i in issues}
    assert "not UTF-8" in reasons["latin1.md"]
    assert "too large" in reasons["huge.md"]


def test_same_layout_figid_clash_is_a_conflict_first_path_wins(sample_dir, messy_dir):
    items = list(read_records([sample_dir, messy_dir]))
    conflicts = [i for i in items if isinstance(i, ReadIssue) and i.kind == "conflict"]
    assert len(conflicts) == 1 and "PMC5138060__nihms6118f1" in conflicts[0].reason
    kept = [i for i in items if isinstance(i, FigureRecord) and i.figid == "PMC5138060__nihms6118f1"]
    assert len(kept) == 1


def test_missing_source_is_an_error(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        list(read_records([tmp_path / "nope"]))


def test_symlink_loop_does_not_hang(tmp_path, sample_dir):
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "a.md").write_text((sample_dir / "seed" / "PMC7176449__cm9-133-0959-g001.md").read_text())
    records, issues = records_of(tmp_path)
    assert list(records) == ["PMC7176449__cm9-133-0959-g001"] and issues == []


@pytest.mark.skipif(sys.platform != "linux", reason="a file name of any bytes is Linux's")
def test_a_name_that_is_not_utf8_is_skipped_and_named_not_fatal(tmp_path, sample_dir):
    # One such name anywhere under a source (an old zip, a Latin-1 system) had
    # failed every index run with "internal error: UnicodeEncodeError".
    from pfocr_search import FigureIndex

    corpus = tmp_path / "corpus"
    shutil.copytree(sample_dir / "seed", corpus)
    seed = next(corpus.glob("*.md")).read_bytes()
    root = os.fsencode(corpus)
    open(root + b"/caf\xe9.md", "wb").write(seed)
    os.mkdir(root + b"/sub\xff")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        assert len(ix) == 1
        assert [(i.path.endswith("caf\ufffd.md"), i.reason) for i in ix.report.skipped] == [
            (True, "its name is not UTF-8: rename it")]
        assert [i.path.endswith("sub\ufffd") for i in ix.report.warnings] == [True]
    with pytest.raises(SourceError, match="not UTF-8"):
        FigureIndex.build([os.fsdecode(root + b"/sub\xff")], tmp_path / "ix2")


def test_round_trip_through_dict(sample_dir):
    for item in read_records([sample_dir]):
        assert FigureRecord.from_dict(item.to_dict()) == item


def test_front_matter_is_only_between_the_first_two_markers():
    assert split_front_matter("---\na: 1\n---\nbody\n---\nb: 2\n") == "a: 1"


@pytest.mark.parametrize("word, clean", [("(STAT", "STAT"), ("AKT,", "AKT"), (".....IDO", "IDO"),
                                         ("ref(2)P", "ref(2)P"), ("NF-κB", "NF-κB"), ("--", "")])
def test_clean_word(word, clean):
    assert clean_word(word) == clean


_yaml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(caption=_yaml_text, title=_yaml_text, year=st.one_of(st.none(), st.integers(), _yaml_text),
       body=_yaml_text)
def test_arbitrary_text_never_crashes_the_reader(tmp_path, caption, title, year, body):
    import yaml

    front = yaml.safe_dump({"figid": "PMC1__fuzz", "caption": caption, "figtitle": title, "year": year},
                           allow_unicode=True)
    path = tmp_path / "fuzz.md"
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    record = read_figure_file(path)
    assert record.figid == "PMC1__fuzz"
    assert record.year is None or 1000 <= record.year <= 9999
    assert "\x00" not in record.caption


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_are_read_or_reported(tmp_path, raw):
    path = tmp_path / "raw.md"
    path.write_bytes(raw)
    try:
        read_figure_file(path)
    except RecordError as exc:
        assert str(exc)


@pytest.mark.parametrize("caption, lead", [
    ("Autophagy pathway. Autophagy is a regulated process.", "Autophagy pathway."),
    ("Schematic of the JAK/STAT pathway (Fig. 2). IL-6 binds gp130.", "Schematic of the JAK/STAT pathway (Fig. 2)."),
    ("TGF-β signalling, e.g. in fibrosis. (A) Smad2/3.", "TGF-β signalling, e.g. in fibrosis."),
    ("A. thaliana ABA signalling in guard cells. ABA binds PYR.", "A. thaliana ABA signalling in guard cells."),
    ("no sentence end here", "no sentence end here"),
    ("", ""),
])
def test_the_lead_is_the_captions_first_sentence(caption, lead):
    assert FigureRecord(figid="x", caption=caption).text_of("lead") == lead


# The rule as first written, checking before each stop what precedes it.
_READABLE_END = re.compile(r"(?<!\bFig)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\b[A-Za-z])[.!?](?=\s+[A-Z(\[])")


@given(st.text(alphabet="Figevsx.!?AB([ \n", max_size=40) | st.text(max_size=40))
def test_the_lead_ends_where_the_rule_as_written_says(caption):
    end = _READABLE_END.search(caption)
    lead = caption[:end.start() + 1] if end else caption
    assert FigureRecord(figid="x", caption=caption).text_of("lead") == lead[:300]


_SCALARS = st.one_of(st.sampled_from(["2019", "1999", "12", "yes", "No", "null", "~", "NA", "1.5e3", ".inf",
                                       "2023-02-01", "0x1F", "+12", "-", "<<", "=", "é", "σ"]),
                     st.text(max_size=20))


@given(st.one_of(
    st.dictionaries(st.text(max_size=8), st.one_of(_SCALARS, st.lists(_SCALARS, max_size=4),
                                                   st.dictionaries(_SCALARS, _SCALARS, max_size=3)), max_size=6)
    .map(lambda d: __import__("yaml").safe_dump(d, allow_unicode=True, default_style=None)),
    st.lists(_SCALARS, min_size=1, max_size=6).map(
        lambda words: "".join(f"k{i}: {w}\n" for i, w in enumerate(words)) + "other: [" + ", ".join(words) + "]"),
    st.text(max_size=60)))
def test_front_matter_loader_reads_what_libyamls_safe_loader_reads(text):
    # The loader takes plain words as text without resolving and constructing
    # each; on anything at all it must give what CSafeLoader gives, or fail as it does.
    import yaml

    from pfocr_search.sources import parse

    def load(loader):
        try:
            return ("ok", repr(yaml.load(text, Loader=loader)))
        except Exception as exc:  # noqa: BLE001 - either loader may fail; they must fail alike
            return ("error", type(exc).__name__)

    assert load(parse._FrontMatterLoader) == load(yaml.CSafeLoader)


def test_character_entities_are_their_characters(tmp_path):
    # A 2003 JCI figure writes its Greek letters as ISO entities (TGF-&bgr;, IFN-&ggr;); read
    # as written, "TGF-β" had never found it and `show` printed "&bgr;".
    data = Path(__file__).parent / "data" / "entities"
    record = read_figure_file(next(data.glob("*.md")))
    assert "TGF-β/Smad pathway" in record.caption and "IFN-γ" in record.caption and "&" not in record.caption
    assert "TGF-β" in record.figtitle
    with FigureIndex.build([data], tmp_path / "ix") as ix:
        assert [h.figid for h in ix.search('"IFN-γ inhibits"')] == [record.figid]
        assert ix.search("caption:bgr OR figtitle:bgr").total == 0


@pytest.mark.parametrize("raw, clean", [("5 &mgr;M", "5 μM"), ("&Dgr;Np63", "ΔNp63"), ("&eegr; &OHgr; &sfgr;", "η Ω ς"),
                                        ("a &amp; b, &#946;-catenin, &beta;", "a & b, β-catenin, β"),
                                        ("R&D, &foo; and &", "R&D, &foo; and &"),
                                        # HTML5 names that need no semicolon are words here (an adversarial pass).
                                        ("Wnt&notch, synthesis&degradation, mRNA&microRNA",
                                         "Wnt&notch, synthesis&degradation, mRNA&microRNA"),
                                        ("co&shy;activator", "coactivator")])
def test_entity_forms(raw, clean):
    from pfocr_search.sources.values import text
    assert text(raw, "caption") == clean


def test_a_page_block_of_another_shape_costs_its_keywords_not_the_figure(tmp_path):
    # The JSON-LD block is the page's: keywords given as a mapping had skipped the whole figure.
    path = tmp_path / "PMC1__fig1.md"
    path.write_text("---\nfigid: PMC1__fig1\nfigtitle: Insulin signaling\nschema-jsonld:\n  keywords:\n"
                    "    genes: [INSR]\n---\n", "utf-8")
    record = read_figure_file(path)
    assert record.figtitle == "Insulin signaling" and record.page_keywords == ()
