"""Gene terms resolved loosely, and gene-set search ranked by enrichment."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pfocr_search import ConfigError, FigureIndex
from pfocr_search.genes.resolve import GeneResolver
from pfocr_search.genes.store import GeneStore, VocabularyLookup, write_store
from pfocr_search.query.enrichment import (
    benjamini_hochberg,
    hypergeom_log_sf_array,
    odds_ratio_array,
)
from pfocr_search.textkeys import normalize_symbol


def hypergeom_log_sf(k, N, K, n) -> float:
    return float(hypergeom_log_sf_array(k, N, K, n)[0])


def hypergeom_pvalue(k, N, K, n) -> float:
    return math.exp(hypergeom_log_sf(k, N, K, n))


def odds_ratio(k, N, K, n) -> float:
    return float(odds_ratio_array(k, N, K, n)[0])

scipy_stats = pytest.importorskip("scipy.stats")


# -- resolution over the real demo corpus --------------------------------------

@pytest.mark.parametrize("term, how, expected", [
    ("STAT3", "exact", {"STAT3"}),                # exact symbol
    ("stat3", "exact", {"STAT3"}),                # case
    ("Stat5b", "exact", {"STAT5B"}),
    ("stat-5a", "normalised", {"STAT5A"}),        # hyphen
    ("STAT_5A", "normalised", {"STAT5A"}),
    ("3716", "id", {"JAK1"}),                     # NCBI Gene id, bare and prefixed
    ("NCBIGene:3716", "id", {"JAK1"}),
    ("ncbigene:7157", "id", {"TP53"}),
    ("JAK", "alias", {"JAK1", "JAK2", "JAK3", "TYK2"}),   # OCR word for a family
    ("NF-κB", "alias", {"NFKB1", "RELA"}),         # Greek, through the records' own mappings
    ("NFkB", "alias", {"NFKB1", "RELA"}),
    ("NF-кB", "alias", {"NFKB1", "RELA"}),         # Cyrillic ka
    ("STTA5A", "fuzzy", {"STAT5A"}),               # transposition typo
    ("MPAK1", "fuzzy", {"MAPK1"}),
    ("CASP", "fuzzy", {"CASP1", "CASP3"}),        # several equally close: ambiguous (CASK, less alike, after)
])
def test_resolution_table(sample_index, term, how, expected):
    resolution = sample_index.resolve([term])[0]
    assert resolution.how == how, resolution
    assert expected <= set(resolution.symbols), resolution
    assert all(0 < m.score <= 100 for m in resolution.matches)


@pytest.mark.parametrize("term, expected", [
    ("PKCα", {"PRKCA"}), ("PKCa", {"PRKCA"}), ("PKC-delta", {"PRKCD"}),
    ("PI3Kγ", {"PIK3CG"}), ("IKKβ", {"IKBKB"}), ("PKAα", {"PRKACA"}),
])
def test_a_family_with_a_greek_letter_is_the_member_named_by_it(sample_index, term, expected):
    # Typo matching had taken PKCα one edit to PKA, the protein kinase A genes.
    resolution = sample_index.resolve([term])[0]
    assert set(resolution.symbols) == expected, resolution
    assert resolution.how == "alias"


@pytest.mark.parametrize("term, organism, expected", [
    ("AMPKα", "human", {"PRKAA1", "PRKAA2"}),  # the organism's members, not the fly's AMPKalpha
    ("MTORr", None, {"MTOR", "Mtor"}), ("GRB2k", None, {"GRB2"}), ("TRAF2k", "human", {"TRAF2"}),
    ("P53d", None, {"p53"}), ("SNATs", None, {"aanat.L", "aanat.S"}),
])
def test_a_letter_after_a_name_is_a_greek_member_only_among_paralogs(sample_index, term, organism, expected):
    # OCR aliases are noisy: any letter after a name had been read as Greek, so
    # GRB2k became the fly gene drk and MTORr fly Tor, where typo matching was right.
    assert set(sample_index.resolve([term], organism)[0].symbols) == expected


@pytest.mark.parametrize("term, not_this", [("STATa", ["STAT5A"]), ("BMPa", ["BMP8A"]), ("CLa", ["C1QA"])])
def test_a_family_letter_is_not_a_numbered_subfamily(sample_index, term, not_this):
    assert list(sample_index.resolve([term])[0].symbols) != not_this


def test_spelled_greek_letters_inside_a_gene_name_meet_the_greek_ones(tmp_path):
    # The OCR word "IκBα" names NFKBIA; "IkappaBalpha" (kappa inside) had resolved to nothing.
    data = {"figid": "PMC1__ikb", "figtitle": "NF-κB", "caption": "", "year": "2020", "organisms": ["Homo sapiens"],
            "genes": [{"word": "IκBα", "symbol": "NFKBIA", "source": "hgnc_symbol", "hgnc_symbol": "NFKBIA",
                       "entrez": "4792"}]}
    (tmp_path / "PMC1__ikb.md").write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n", "utf-8")
    with FigureIndex.build([tmp_path], tmp_path / "ix") as ix:
        for typed in ("IκBα", "IkappaBalpha", "IkappaB-alpha"):
            assert set(ix.resolve([typed], fuzzy=False)[0].symbols) == {"NFKBIA"}, typed
            assert [h.figid for h in ix.search_genes([typed], fuzzy=False)] == ["PMC1__ikb"], typed


def test_p53_means_the_family_across_organisms(sample_index):
    symbols = set(sample_index.resolve(["p53"])[0].symbols)
    assert {"p53", "TP53", "Trp53"} <= symbols


def test_ambiguity_is_reported_and_orthologs_are_not_ambiguity(sample_index):
    assert sample_index.resolve(["CASP"])[0].ambiguous
    assert not sample_index.resolve(["STTA5A"])[0].ambiguous


def test_unknown_terms_are_reported_with_suggestions(sample_index):
    resolution = sample_index.resolve(["XQZW9"])[0]
    assert resolution.how == "unknown" and resolution.symbols == ()
    assert len(resolution.suggestions) == 3


def test_short_terms_never_fuzzy_match(sample_index):
    # 'JAQ' is one edit from nothing useful, and 3 letters are too short to guess.
    assert sample_index.resolve(["JAQ"])[0].how == "unknown"
    assert sample_index.resolve(["STTA5A"], fuzzy=False)[0].how == "unknown"


def test_organism_restricts_resolution(sample_index):
    fly = sample_index.resolve(["AKT"], organism="fly")[0]
    assert set(fly.symbols) == {"Akt"}
    human = sample_index.resolve(["AKT"], organism="human")[0]
    assert {"AKT1", "AKT2", "AKT3"} <= set(human.symbols) and "Akt" not in human.symbols


def test_each_symbol_is_shown_with_how_it_was_found(run, sample_index, sample_index_path):
    # "AKT" is the fly's Akt exactly and names AKT1-3 as an alias: all had been "[exact]".
    akt = sample_index.resolve(["AKT"])[0]
    assert akt.how == "exact" and akt.how_each.startswith("exact: Akt; alias: AKT1, AKT2, AKT3")
    assert sample_index.resolve(["STAT3"])[0].how_each == "exact"
    p53 = sample_index.resolve(["p53"])[0]  # past four symbols a way gives their count
    assert p53.how_each == f"exact: p53; alias: {len(p53.symbols) - 1} symbols" and len(p53.symbols) > 5
    shown = run("genes", "AKT", "STAT3", "-i", str(sample_index_path), "--limit", "1").stdout
    assert f"AKT -> {', '.join(akt.symbols)} [{akt.how_each}]" in shown and "STAT3 -> STAT3 [exact]" in shown


def test_terms_split_on_commas_and_spaces(sample_index):
    assert [r.term for r in sample_index.resolve(["STAT3,JAK1", "TP53 MTOR"])] == ["STAT3", "JAK1", "TP53", "MTOR"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_resolution_never_crashes_on_arbitrary_text(sample_index_path, text):
    with FigureIndex.open(sample_index_path) as ix:
        for resolution in ix.resolve([text]):
            assert resolution.how in ("exact", "id", "normalised", "alias", "fuzzy", "unknown")
            assert resolution.to_dict()["term"] == resolution.term


def test_a_missing_alias_file_stops_a_parallel_build_before_its_workers_start(tmp_path, corpus_copy, monkeypatch):
    from pfocr_search.build import shards

    def no_pool():
        raise AssertionError("the workers started before the alias file was read")

    monkeypatch.setattr(shards, "SHARD_MIN_FILES", 10)
    monkeypatch.setattr(shards, "worker_count", lambda workers: 2)
    monkeypatch.setattr(shards, "context", no_pool)
    config = tmp_path / "config.yaml"
    config.write_text("fields: {figtitle: {analyzer: stemmed}, genes: {analyzer: gene}}\n"
                      "genes: {alias_file: missing.tsv}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing.tsv"):
        FigureIndex.build([corpus_copy], tmp_path / "ix", config)


def test_alias_file_from_config(tmp_path, corpus_copy, monkeypatch):
    (tmp_path / "hgnc.tsv").write_text(
        "Approved symbol\tAlias symbols\tPrevious symbols\nSLC2A1\tGLUT1, GLUT\t\nMTOR\tFRAP, RAFT1\tFRAP1\n",
        encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text("fields: {figtitle: {analyzer: stemmed}, genes: {analyzer: gene}}\n"
                      "genes: {alias_file: hgnc.tsv}\n", encoding="utf-8")
    with FigureIndex.build([corpus_copy], tmp_path / "ix", config) as ix:
        glut1 = ix.resolve(["GLUT1"])[0]
        assert (glut1.how, glut1.symbols) == ("alias", ("SLC2A1",))
        assert ix.resolve(["FRAP1"])[0].symbols == ("MTOR",)
    seed = corpus_copy / "seed" / "PMC7176449__cm9-133-0959-g001.md"
    seed.write_text(seed.read_text().replace("JAK-STAT signaling pathway", "JAK-STAT pathway", 1))
    monkeypatch.chdir(corpus_copy)  # an update run from elsewhere re-reads the config-relative table
    with FigureIndex.open(tmp_path / "ix") as ix:
        assert ix.update([corpus_copy]).updated == 1
        assert ix.resolve(["GLUT1"])[0].symbols == ("SLC2A1",)
    with FigureIndex.open(tmp_path / "ix") as ix:  # stored with the index: the file is not needed
        (tmp_path / "hgnc.tsv").unlink()
        assert ix.resolve(["RAFT1"])[0].symbols == ("MTOR",)


# -- p-values -------------------------------------------------------------------

@pytest.mark.parametrize("k, N, K, n", [
    (1, 100, 10, 5), (3, 100, 10, 5), (0, 100, 10, 5), (5, 100, 10, 5), (2, 970, 11, 3),
    (10, 20000, 300, 50), (1, 20000, 5, 1), (7, 40, 10, 12), (12, 40, 12, 12),
])
def test_pvalues_match_scipy(k, N, K, n):
    expected = scipy_stats.hypergeom.sf(k - 1, N, K, n)
    assert hypergeom_pvalue(k, N, K, n) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_statistics_over_arrays_equal_one_at_a_time_and_scipy():
    rng = np.random.default_rng(7)
    N = rng.integers(50, 30000, 400)
    K = (rng.random(400) * N * 0.2).astype(np.int64)
    n = np.minimum((rng.random(400) * 300).astype(np.int64), N)
    k = np.minimum(rng.integers(0, 40, 400), np.minimum(K, n))
    got = hypergeom_log_sf_array(k, N, K, n)
    expected = scipy_stats.hypergeom.logsf(k - 1, N, K, n)
    finite = expected > -700  # scipy's logsf loses precision where p underflows
    # Absolute error near ln p = 0 (p near 1): the tail sums terms of a larger whole.
    assert got[finite] == pytest.approx(expected[finite], rel=1e-8, abs=1e-9)
    tables = np.stack([k, K - k, n - k, N - K - n + k], axis=1)
    whole = tables.min(axis=1) > 0  # the sample odds ratio is defined without a zero cell
    assert whole.sum() > 300
    assert odds_ratio_array(k, N, K, n)[whole] == pytest.approx(
        [scipy_stats.contingency.odds_ratio(t.reshape(2, 2), kind="sample").statistic for t in tables[whole]])
    with pytest.raises(ValueError):
        hypergeom_log_sf_array([1], [10], [11], [3])


def test_overlap_zero_is_p_one_and_full_overlap_is_exact():
    assert hypergeom_pvalue(0, 1000, 30, 10) == 1.0
    # Sharing all n genes: P = C(K, n) / C(N, n).
    N, K, n = 1000, 30, 10
    assert hypergeom_pvalue(n, N, K, n) == pytest.approx(math.comb(K, n) / math.comb(N, n), rel=1e-9)


def test_tiny_pvalues_keep_their_size_in_logs():
    N, n = 20000, 300
    log_p = hypergeom_log_sf(n, N, n, n)
    exact = -math.log(math.comb(N, n))  # 1 / C(N, n), about 1e-675
    assert log_p == pytest.approx(exact, rel=1e-9)
    assert -676 < log_p / math.log(10) < -674
    assert hypergeom_pvalue(n, N, n, n) == 0.0  # underflows as a double: the log does not


def test_odds_ratio_against_scipy():
    k, N, K, n = 4, 200, 20, 10
    table = [[k, K - k], [n - k, N - K - n + k]]
    assert odds_ratio(k, N, K, n) == pytest.approx(scipy_stats.contingency.odds_ratio(table, kind="sample")
                                                   .statistic)


def test_benjamini_hochberg_with_repeated_pvalues_against_scipy():
    pvalues, counts = [0.001, 0.01, 0.04, 0.3, 0.9], [3, 1, 40, 2, 100]
    expected = scipy_stats.false_discovery_control(np.repeat(pvalues, counts), method="bh")
    got = benjamini_hochberg([math.log(p) for p in pvalues], counts)
    assert np.repeat(got, counts) == pytest.approx(expected, rel=1e-12)


def test_benjamini_hochberg_against_scipy():
    pvalues = [0.01, 0.04, 0.03, 0.005, 0.5, 0.2]
    expected = scipy_stats.false_discovery_control(pvalues, method="bh")
    got = benjamini_hochberg([math.log(p) for p in pvalues])
    assert got == pytest.approx(list(expected), rel=1e-12)


# -- gene-set ranking on a hand-built corpus --------------------------------------

def write_figure(folder: Path, figid: str, genes: list[str], caption: str = "") -> None:
    data = {
        "figid": figid, "figtitle": f"Figure {figid}", "caption": caption, "year": "2020",
        "organisms": ["Homo sapiens"],
        "genes": [{"word": g, "symbol": g, "source": "hgnc_symbol", "hgnc_symbol": g, "entrez": str(i)}
                  for i, g in enumerate(genes, start=1)],
    }
    (folder / f"{figid}.md").write_text("---\n" + yaml.safe_dump(data) + "---\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hand_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hand")
    filler = [f"FILL{i}" for i in range(400)]
    write_figure(folder, "A_all_three", ["STAT3", "JAK1", "IL6"], "STAT3 is activated by JAK1 downstream of IL6.")
    write_figure(folder, "B_two_of_30", ["STAT3", "JAK1", *filler[:28]])
    write_figure(folder, "C_one_of_3", ["STAT3", "TP53", "MDM2"])
    write_figure(folder, "D_one_of_300", ["STAT3", *filler[100:399]])
    write_figure(folder, "E_none", ["TP53", "MDM2", "CDKN1A"])
    path = tmp_path_factory.mktemp("hand-ix") / "ix"
    FigureIndex.build([folder], path).close()
    with FigureIndex.open(path) as ix:
        yield ix


def test_gene_set_ranking_hand_checked(hand_index):
    results = hand_index.search_genes(["STAT3", "JAK1", "IL6"])
    assert [h.figid for h in results] == ["A_all_three", "B_two_of_30", "C_one_of_3", "D_one_of_300"]
    a, b, c, d = results
    assert (a.overlap, a.figure_genes) == (3, 3) and set(a.overlap_genes) == {"STAT3", "JAK1", "IL6"}
    assert (b.overlap, b.figure_genes, c.overlap, d.figure_genes) == (2, 30, 1, 300)
    N = results.population
    assert N == len({"STAT3", "JAK1", "IL6", "TP53", "MDM2", "CDKN1A"}) + 28 + 299
    for hit in results:
        expected = scipy_stats.hypergeom.sf(hit.overlap - 1, N, hit.figure_genes, 3)
        assert hit.pvalue == pytest.approx(expected, rel=1e-9)
        assert hit.log10_pvalue == pytest.approx(math.log10(expected), rel=1e-9)
        assert hit.score == pytest.approx(-math.log10(expected), abs=1e-4)
    expected_fdr = scipy_stats.false_discovery_control([h.pvalue for h in results], method="bh")
    assert [h.fdr for h in results] == pytest.approx(list(expected_fdr), rel=1e-9)
    assert results.total == 4  # E shares nothing and is not scored


def test_single_gene_ranks_specific_figures_first_then_text(hand_index):
    ranked = [h.figid for h in hand_index.search_genes(["STAT3"])]
    # A and C both have 3 genes; A's caption talks about STAT3.
    assert ranked == ["A_all_three", "C_one_of_3", "B_two_of_30", "D_one_of_300"]


def test_require_and_all(hand_index):
    required = hand_index.search_genes(["STAT3", "IL6", "TP53"], require=["JAK1"])
    assert [h.figid for h in required] == ["A_all_three", "B_two_of_30"]
    assert [h.figid for h in hand_index.search_genes(["STAT3", "JAK1"], require_all=True)] == [
        "A_all_three", "B_two_of_30"]
    # A demanded gene that resolves to none is shown by no figure: it had been dropped, keeping them all.
    for unmet in (dict(terms=["STAT3", "JAK1"], require=["ZZZNOGENE"]),
                  dict(terms=["STAT3", "ZZZNOGENE"], require_all=True)):
        found = hand_index.search_genes(unmet.pop("terms"), fuzzy=False, **unmet)
        assert list(found) == [] and found.total == 0 and found.unmet == ["ZZZNOGENE"]
    assert hand_index.search_genes(["STAT3", "ZZZNOGENE"], fuzzy=False).total  # not demanded: still ranked
    # Nor is a demanded gene the background leaves out (it had been dropped with the background).
    outside = hand_index.search_genes(["STAT3", "IL6"], require=["JAK1"], background=["STAT3", "IL6"])
    assert outside.total == 0 and outside.unmet == ["JAK1"]
    assert hand_index.search_genes(["STAT3", "IL6"], require=["JAK1"]).unmet == []


def test_text_query_with_genes(hand_index):
    results = hand_index.search("activated", genes=["STAT3"])
    assert [h.figid for h in results] == ["A_all_three"]
    # The text typed is the query, and each hit's text score is its: they had read "STAT3", "" and 0.0.
    assert results.query == "activated" and "activ" in results.parsed
    assert all(h.text_score > 0 for h in results)


def test_gene_search_by_organism_on_real_records(sample_index):
    fly = sample_index.search_genes(["Akt"], organism="fly", limit=50)
    assert fly and all("Drosophila melanogaster" in h.organisms for h in fly)
    human = sample_index.search_genes(["AKT1"], organism="human", limit=50)
    assert human.population < sample_index.background()
    assert all(h.overlap_genes == ("AKT1",) for h in human)


@pytest.mark.parametrize("genes", [["STAT3"], ["STAT3", "JAK1", "IL6", "TNF", "AKT1"], ["TP53", "MDM2", "CDKN1A"],
                                   ["MAPK1", "MAPK3", "RAF1", "KRAS", "EGFR", "GRB2", "SOS1", "BRAF"]])
def test_gene_ranking_pages_and_order_are_consistent(sample_index, genes):
    everything = sample_index.search_genes(genes, limit=1000)
    assert everything.total == len(everything) > 0
    keys = [(h.pvalue, -h.overlap) for h in everything]
    assert keys == sorted(keys)
    assert all(a.fdr <= b.fdr + 1e-15 for a, b in zip(everything, everything[1:]))
    assert all(h.pvalue <= h.fdr <= 1.0 for h in everything)
    for size in (1, 3, 4):
        paged = [h.figid for offset in range(0, len(everything), size)
                 for h in sample_index.search_genes(genes, limit=size, offset=offset)]
        assert paged == [h.figid for h in everything]


def test_text_search_expands_families_without_loading_the_vocabulary(sample_index_path, monkeypatch):
    with FigureIndex.open(sample_index_path) as ix:
        whole = GeneResolver(ix.vocabulary, ix.config.genes.fuzzy, ix.config.genes.alias_min_share)
        families = ix.families  # looked up in the index's gene store
        keys = [*whole.lookup.aliases, *whole.lookup.curated]
        assert keys and any(families.family(k) for k in keys)
        assert all(families.family(k) == whole.families.family(k) for k in keys)
        assert all(ix.resolver.resolve(k) == whole.resolve(k) for k in keys[:300])

    def refuse(*args, **kwargs):
        raise AssertionError("a text search parsed the whole gene vocabulary")

    monkeypatch.setattr("pfocr_search.genes.tables.VocabularyCounter.from_json", refuse)
    monkeypatch.setattr("pfocr_search.genes.tables.VocabularyLookup", refuse)
    with FigureIndex.open(sample_index_path) as ix:
        hits = ix.search("JAK STAT signaling")
        assert hits and "genes:JAK1" in hits.parsed  # the family expansion happened
        assert ix.search_genes(["STAT3", "jak-1"]) and ix.resolve(["STTA5A"])[0].symbols == ("STAT5A",)

def test_text_with_genes_highlights_the_words_that_matched(sample_index):
    results = sample_index.search("apoptosis", genes=["TP53", "BAX"])
    assert results
    for hit in results:
        assert hit.highlights and all("apoptos" in hit.snippet[a:b].lower() for a, b in hit.highlights)


def test_the_gene_store_on_disk_answers_every_lookup_as_the_vocabulary_in_memory(sample_index_path, tmp_path):
    with FigureIndex.open(sample_index_path) as ix:
        vocabulary = ix.vocabulary
    write_store(tmp_path / "genes.sqlite", vocabulary)
    disk, memory = GeneStore(tmp_path / "genes.sqlite"), VocabularyLookup(vocabulary)
    try:
        entries = list(vocabulary.entries.values())
        assert any(len(e.ids) > 1 or len(e.organisms) > 1 for e in entries)
        for entry in entries:
            symbol = entry.symbol
            assert disk.by_upper(symbol.upper()) == memory.by_upper(symbol.upper())
            assert disk.by_key(normalize_symbol(symbol)) == memory.by_key(normalize_symbol(symbol))
            assert disk.organisms(symbol) == memory.organisms(symbol)
            assert all(disk.by_id(i) == memory.by_id(i) for i in entry.ids)
        for organism in {o for e in entries for o in e.organisms} | {None, "Nomen nescio"}:
            assert disk.keys_of(organism) == memory.keys_of(organism)
            assert disk.count(organism) == len(memory.keys_of(organism))
        assert disk.fuzzy_keys() == memory.fuzzy_keys() and disk.by_id("no such id") == []
    finally:
        disk.close()


def test_the_enrichment_population_is_counted_once_per_generation(sample_index_path, monkeypatch):
    calls = []
    count = GeneStore.count
    monkeypatch.setattr(GeneStore, "count", lambda self, organism: (calls.append(organism), count(self, organism))[1])
    with FigureIndex.open(sample_index_path) as ix:
        first = [h.figid for h in ix.search_genes(["STAT3", "JAK1"])]
        assert first and [h.figid for h in ix.search_genes(["STAT3", "JAK1"])] == first
        ix.search_genes(["TP53"])
    assert calls == [None]  # a scan of the whole vocabulary at 100,000 figures: once, not per search


def test_a_name_known_in_another_organism_is_its_ortholog_not_a_typo(realworld_index):
    # PMC2773628's OCR maps IKKa to human CHUK; PMC6265005 shows mouse Chuk (as IKK1) and
    # Ikbkb (as IKKB).  Kept to mouse, the alias found nothing and typo matching had
    # answered Chuk or Ikbkb alike, one edit each: IKKα in mouse is Chuk.
    with realworld_index(["PMC2773628__cshperspect-NFK-000067_F1", "PMC6265005__WJCC-6-745-g001"]) as ix:
        for typed in ("IKKα", "IKK-alpha", "IKKa"):
            resolution = ix.resolve([typed], "mouse")[0]
            assert (resolution.how, resolution.symbols) == ("alias", ("Chuk",)), typed
        assert ix.resolve(["IKKα"])[0].symbols == ("CHUK",)
        # Named in no mouse figure: nothing, not the nearest spelling's gene.
        assert ix.resolve(["IKKα"], "rat")[0].symbols == ()


def test_equally_close_fuzzy_matches_come_most_alike_first(realworld_index):
    # PMC10035756 names IκBα (NFKBIA) and IKK (CHUK, IKBKB), never IKKα: one edit from
    # both IKBA and IKK, IKKα had listed NFKBIA first, by its spelling alone.
    with realworld_index(["PMC10035756__fonc-13-1059441-g005"]) as ix:
        resolution = ix.resolve(["IKKα"])[0]
        assert resolution.how == "fuzzy" and resolution.symbols[0] == "CHUK", resolution


def test_a_bacterial_gene_name_is_not_fuzzily_another_gene(realworld_index):
    # recA (the bacterial recombinase) is one edit from RELA, NF-κB's p65, which
    # PMC10030580 shows; lexA had so become mouse Fut4 through its alias LeX.
    with realworld_index(["PMC10030580__fimmu-14-1122057-g002"]) as ix:
        resolution = ix.resolve(["recA"])[0]
        assert resolution.how == "unknown" and "RELA" in resolution.suggestions, resolution
        assert "RELA" in ix.resolve(["RLEA"])[0].symbols  # a typo of a symbol as people write them still is


def test_a_word_that_is_a_gene_names_other_genes_only_as_often_as_its_own_figures_bear_out(tmp_path):
    # A few records' OCR had mapped "APP" to PPY and "ATM" to TPM1: a text
    # query's gene field sought them beside the gene typed, in every figure
    # holding them.  A family name, a gene of no figures itself, keeps its members.
    from pfocr_search.config import FuzzyConfig
    from pfocr_search.genes.vocabulary import GeneEntry, GeneVocabulary

    vocabulary = GeneVocabulary(
        entries={s: GeneEntry(s, (), ("Homo sapiens",), n) for s, n in
                 (("APP", 40), ("PPY", 3), ("APLP2", 6), ("JAK1", 5), ("JAK2", 4))},
        aliases={"APP": {"APLP2": 5, "PPY": 2}, "JAK": {"JAK1": 5, "JAK2": 4}})
    write_store(tmp_path / "genes.sqlite", vocabulary)
    store = GeneStore(tmp_path / "genes.sqlite")
    try:
        for lookup in (VocabularyLookup(vocabulary), store):
            assert lookup.figures("APP") == 40 and lookup.figures("JAK") == 0
            families = GeneResolver(lookup, FuzzyConfig()).families
            assert families.family("APP") == ["APLP2"]  # 5 of APP's 40 figures; PPY's 2 fall below a tenth
            assert families.family("JAK") == ["JAK1", "JAK2"]
    finally:
        store.close()


def test_symbols_list_in_the_same_order_whatever_the_string_hash(tmp_path, sample_dir):
    # A record's symbols and OCR mappings were gathered in sets: the order a
    # build met them (a vocabulary's entries, ties among aliases) followed
    # PYTHONHASHSEED, so "ADSL" resolved to ADSL, Adsl in one process and
    # Adsl, ADSL in the next.
    probe = ("import sys; from pfocr_search import FigureIndex\n"
             "with FigureIndex.build([sys.argv[1]], sys.argv[2]) as ix:\n"
             "    for r in ix.resolve(sys.argv[3:]): print(r.term, *r.symbols)\n"
             "    print(*[f'{k}:{\",\".join(ix.vocabulary.aliases[k])}' for k in sorted(ix.vocabulary.aliases)])\n")
    terms = ["ADSL", "AGFG1", "APAF1", "AR", "ASL", "BAX", "BBC3", "BCL9", "p65", "rela", "AKT"]
    out = [subprocess.run([sys.executable, "-c", probe, str(sample_dir), str(tmp_path / f"ix{seed}"), *terms],
                          capture_output=True, text=True, check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
           for seed in ("1", "2")]
    assert out[0] == out[1] and out[0].startswith("ADSL ")


def test_an_organisms_own_symbol_is_that_gene_not_the_ocrs_other_readings(realworld_index):
    # Real records map the word p53 to the fly genes p53, betaTub60D and hth (NCBI
    # synonyms), and Hpo to hpo and hop: with --organism fly, "p53" had found
    # homothorax figures and "hpo" the JAK hopscotch.  Without an organism the
    # alias expansions stay (p53 is also the family TP53, Trp53 elsewhere).
    with realworld_index(["PMC5334250__cshperspectmed-PCA-026310_F1", "PMC4448604__cshperspect-CSZ-019224_F2"]) as ix:
        fly = {r.term: r.symbols for r in ix.resolve(["p53", "hpo", "yki"], "fly")}
        assert fly == {"p53": ("p53",), "hpo": ("hpo",), "yki": ("yki",)}
        assert {"p53", "TP53"} <= set(ix.resolve(["p53"])[0].symbols)


def test_similar_counts_one_ocr_word_mapped_to_many_genes_once(realworld_index, tmp_path):
    # The Candida mating figure's OCR word "histone" maps to 47 human histone genes:
    # counted gene by gene, the most similar figures had been two sharing only
    # that word (46 of 72 genes), above the yeast pheromone figure (STE11, STE20, STE7).
    candida = "PMC4109574__cshperspectmed-HFP-019281_F1"
    strain = Path(__file__).parent / "data" / "strain"
    # The fixture copies the three real figures under tmp_path/corpus; the Candida one joins them.
    with realworld_index(["PMC2773630__cshperspect-SYM-003384_F6", "PMC7818013__JZhejiangUnivSciB-22-1-38-g001",
                          "PMC3276397__11_311_issazadeh-navikasf1"]):
        pass
    corpus = tmp_path / "corpus"
    shutil.copy(strain / "_figures" / f"{candida}.md", corpus / "_figures")
    shutil.copy(strain / "_data" / f"{candida}-genes.tsv", corpus / "_data")
    with FigureIndex.build([corpus], tmp_path / "ix2") as ix:
        hits = ix.similar(candida, limit=3)
        assert hits[0].figid == "PMC2773630__cshperspect-SYM-003384_F6"
        assert {"STE11", "STE7"} <= set(hits[0].overlap_genes)


@pytest.mark.parametrize("term", ["MAPK15", "STAT7", "IL38", "CASP13", "AKT4"])
def test_a_number_is_no_typo_a_paralog_the_index_lacks_is_not_its_neighbour(sample_index, term):
    # Numbers tell paralogs apart: MAPK15 had resolved to MAPK1 and MAPK10-12,
    # STAT7 to STAT2-5B, so a gene list's absent genes counted as others.
    resolution = sample_index.resolve([term])[0]
    assert resolution.symbols == () and resolution.suggestions  # unknown, with the closest named


def test_letters_still_slip_and_a_family_still_names_its_members(sample_index):
    assert sample_index.resolve(["STTA5A"])[0].symbols == ("STAT5A",)
    assert {"CASP1", "CASP3"} <= set(sample_index.resolve(["CASP"])[0].symbols)


@pytest.mark.parametrize("command", [("genes", "AKT", "STAT3"), ("similar", "PMC7176449__cm9-133-0959-g001")])
def test_a_gene_page_past_the_last_hit_says_how_many_share_genes(run, sample_index_path, command):
    # "no figures show these genes" had denied the figures that do.
    result = run(*command, "--offset", "100000", "-i", str(sample_index_path))
    assert result.exit_code == 0 and "share genes with the query" in result.stdout
    assert "none from this offset on: the last is rank" in result.stdout and "no figures" not in result.stdout
