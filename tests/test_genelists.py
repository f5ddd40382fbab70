"""Gene lists from files and pipes, GMT batches, backgrounds, and the statistics behind them."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest

from pfocr_search import PfocrSearchError
from pfocr_search.genes import lists
from pfocr_search.genes.lists import GeneListError, parse_gmt, parse_list, read_gene_list, read_gmt
from pfocr_search.query.enrichment import benjamini_hochberg, hypergeom_log_sf_array
from pfocr_search.textkeys import normalize_symbol

scipy_stats = pytest.importorskip("scipy.stats")


# -- reading lists and GMT files ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "STAT3\nJAK1\nIL6R\n",
    "STAT3,JAK1, IL6R",
    "STAT3\tJAK1\tIL6R\n",
    "# DE genes, FDR < 0.05\n\ngene\nSTAT3\nJAK1 IL6R\n",
    "\ufeffSymbol\r\nSTAT3\r\nJAK1\r\nIL6R\r\n",
])
def test_a_list_is_genes_whatever_separates_them(text):
    assert parse_list(text) == ["STAT3", "JAK1", "IL6R"]


def test_a_de_table_gives_its_named_column():
    tsv = "gene_id\tsymbol\tlog2FC\tpadj\nENSG1\tSTAT3\t2.1\t0.001\nENSG2\tJAK1\t-1.3\t0.01\nENSG3\t\t0.2\t0.5\n"
    assert parse_list(tsv, column="symbol") == ["STAT3", "JAK1"]
    csv = 'gene_id,"Symbol",padj\r\nENSG1,"STAT3",0.001\r\nENSG2,JAK1,0.01\r\n'
    assert parse_list(csv, column="symbol") == ["STAT3", "JAK1"]
    with pytest.raises(GeneListError, match=r"no column 'gene_name' .*columns: gene_id, symbol"):
        parse_list(tsv, column="gene_name")


def test_thousands_of_terms_are_fine(sample_index):
    terms = [f"GENE{i}" for i in range(3000)] + ["STAT3", "JAK1"]
    assert parse_list("\n".join(terms)) == terms
    results = sample_index.search_genes(terms, 5)
    assert results and results.query_size == 2 and len(results.resolutions) == len(terms)


@pytest.mark.parametrize("raw, message", [
    (b"", "holds no genes"),
    (b"# only a comment\n\n", "holds no genes"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"STAT3\n\xff\xfeJAK1\n", "not UTF-8"),
])
def test_bad_list_files_are_one_line_errors(tmp_path, raw, message):
    path = tmp_path / "list.txt"
    path.write_bytes(raw)
    with pytest.raises(GeneListError, match=message) as info:
        read_gene_list(path)
    assert "\n" not in str(info.value)


def test_an_oversized_list_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(lists, "MAX_LIST_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_text("STAT3\n" * 1000, "utf-8")
    with pytest.raises(GeneListError, match="larger than"):
        read_gene_list(path)
    with pytest.raises(GeneListError, match="standard input: larger than"):
        read_gene_list("-", stdin=io.BytesIO(b"STAT3\n" * 1000))


def test_gmt_sets_with_only_a_name_are_skipped_and_repeated_names_renamed():
    text = "\ufeffJAKSTAT\tdesc\tSTAT3\tJAK1\r\nEMPTY\r\nEMPTY2\tdescription only\r\n\r\nJAKSTAT\tagain\tTP53\r\n"
    batch = parse_gmt(text, "sets.gmt")
    assert [(s.name, s.terms) for s in batch.sets] == [("JAKSTAT", ["STAT3", "JAK1"]), ("JAKSTAT (2)", ["TP53"])]
    assert len(batch.notes) == 3 and "EMPTY" in batch.notes[0] and "kept as 'JAKSTAT (2)'" in batch.notes[2]
    with pytest.raises(GeneListError, match="no gene sets"):
        parse_gmt("ONLY_A_NAME\n")


def test_gmt_from_standard_input():
    batch = read_gmt("-", stdin=io.BytesIO(b"A\t\tSTAT3\tJAK1\nB\t\tMTOR\n"))
    assert [s.name for s in batch.sets] == ["A", "B"]


# -- statistics against scipy ---------------------------------------------------------------

def test_random_hypergeometric_tails_and_fisher_exact_agree_with_scipy():
    rng = np.random.default_rng(14)
    N = rng.integers(20, 20000, 300)
    K = (rng.random(300) * N).astype(np.int64)
    n = (rng.random(300) * N).astype(np.int64)  # sets larger than the figure included
    low, high = np.maximum(0, n + K - N), np.minimum(n, K)
    k = low + (rng.random(300) * (high - low + 1)).astype(np.int64)
    got = np.exp(hypergeom_log_sf_array(k, N, K, n))
    expected = scipy_stats.hypergeom.sf(k - 1, N, K, n)
    assert got == pytest.approx(expected, rel=1e-7, abs=1e-300)
    for row in range(0, 300, 10):
        a, b = int(k[row]), int(n[row] - k[row])
        c, d = int(K[row] - k[row]), int(N[row] - K[row] - n[row] + k[row])
        fisher = scipy_stats.fisher_exact([[a, b], [c, d]], alternative="greater").pvalue
        assert got[row] == pytest.approx(fisher, rel=1e-6, abs=1e-300)


def test_edge_cases_overlap_zero_full_overlap_and_underflow():
    assert hypergeom_log_sf_array(0, 100, 10, 5)[0] == 0.0  # P(X >= 0) = 1
    assert hypergeom_log_sf_array(6, 100, 10, 5)[0] == -math.inf  # more than the set holds: impossible
    log_p = hypergeom_log_sf_array(400, 40000, 400, 400)[0]  # 400 of 400 from 40,000: about 1e-1000
    assert log_p / math.log(10) == pytest.approx(-math.log10(math.comb(40000, 400)), rel=1e-9)


def test_benjamini_hochberg_matches_a_table_checked_by_hand_and_scipy():
    # p sorted: 0.005 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4); p*m/rank = .02, .02, .04, .04; running min from the top.
    pvalues = [0.01, 0.04, 0.03, 0.005]
    got = benjamini_hochberg(np.log(pvalues))
    assert got == pytest.approx([0.02, 0.04, 0.04, 0.02], rel=1e-12)
    ties = [0.01, 0.01, 0.5, 0.01]
    assert benjamini_hochberg(np.log(ties)) == pytest.approx(scipy_stats.false_discovery_control(ties), rel=1e-12)
    rng = np.random.default_rng(3)
    random_p = rng.random(200) ** 3
    assert benjamini_hochberg(np.log(random_p)) == pytest.approx(scipy_stats.false_discovery_control(random_p),
                                                                 rel=1e-9)


# -- a background, and the four numbers behind every p-value ---------------------------------

def _figure_keys(ix, figid: str) -> set[str]:
    return {normalize_symbol(g.symbol) for g in ix.get(figid).genes}


@pytest.mark.parametrize("use_background", [False, True])
def test_every_hit_carries_what_its_p_value_came_from(sample_index, use_background):
    query = ["STAT3", "JAK1", "JAK2", "IL6", "MTOR", "TP53", "AKT1", "BAX"]
    every = sorted(sample_index.genes.keys())
    background = every[::2] + ["STAT3", "JAK1", "NOT_A_GENE_OF_THE_INDEX"] if use_background else None
    results = sample_index.search_genes(query, 20, background=background)
    assert results
    universe = {normalize_symbol(t) for t in background} if use_background else None
    counted = {normalize_symbol(s) for r in results.resolutions for s in r.symbols}
    if universe is not None:
        assert results.population == len(universe) and results.background_known == len(universe) - 1
        assert set(map(normalize_symbol, results.outside_background)) == counted - universe
        counted &= universe
    else:
        assert results.population == sample_index.background()
    # Each term is one gene of the query, whatever symbols it resolves to (each symbol in its first term).
    groups, seen = [], set()
    for r in results.resolutions:
        group = {normalize_symbol(s) for s in r.symbols} & counted - seen
        seen |= group
        groups += [group] if group else []
    assert results.query_size == len(groups)
    for hit in results:
        keys = _figure_keys(sample_index, hit.figid)
        if universe is not None:
            keys &= universe
        assert hit.figure_genes == len(keys) and hit.overlap == sum(bool(keys & g) for g in groups)
        expected = scipy_stats.hypergeom.sf(hit.overlap - 1, results.population, hit.figure_genes,
                                            results.query_size)
        assert hit.pvalue == pytest.approx(expected, rel=1e-7)


def test_a_background_that_drops_every_query_gene_finds_nothing_and_says_why(sample_index):
    results = sample_index.search_genes(["STAT3", "JAK1"], background=["MTOR", "TP53"])
    assert not results and results.query_size == 0 and results.population == 2
    assert sorted(results.outside_background) == ["JAK1", "STAT3"]


def test_enrich_runs_every_set_with_one_index(sample_index):
    batch = {"jakstat": ["STAT3", "JAK1", "JAK2", "STAT1"], "autophagy": ["MTOR", "BECN1", "ULK1", "ATG5"],
             "nothing": ["QQZZ1", "QQZZ2"]}
    seen = []
    out = sample_index.enrich(batch, 3, max_fdr=0.05, progress=lambda done, total: seen.append((done, total)))
    assert [s.name for s in out] == list(batch) and seen[-1] == (3, 3)
    jakstat, autophagy, nothing = out
    assert jakstat.results[0].figid == "PMC7176449__cm9-133-0959-g001"
    assert all(h.fdr <= 0.05 for s in out for h in s.results) and len(autophagy.results) <= 3
    assert nothing.results.query_size == 0 and not nothing.results
    single = sample_index.search_genes(batch["autophagy"], 3)
    assert [(h.figid, h.pvalue) for h in autophagy.results] == \
        [(h.figid, h.pvalue) for h in single if h.fdr <= 0.05][:len(autophagy.results)]


# -- the command line ----------------------------------------------------------------------

def test_genes_from_a_file_standard_input_and_a_table_column(run, sample_index_path, tmp_path):
    listing = tmp_path / "de.tsv"
    listing.write_text("symbol\tpadj\nSTAT3\t0.01\nJAK1\t0.02\n", "utf-8")
    by_column = run("genes", "--file", str(listing), "--column", "symbol", "-i", str(sample_index_path), "-f", "json")
    by_stdin = run("genes", "-", "-i", str(sample_index_path), "-f", "json", input="STAT3\nJAK1\n")
    by_args = run("genes", "STAT3", "JAK1", "-i", str(sample_index_path), "-f", "json")
    assert by_column.exit_code == by_stdin.exit_code == by_args.exit_code == 0, by_column.output
    assert by_column.stdout == by_stdin.stdout == by_args.stdout
    head = json.loads(by_args.stdout.splitlines()[0])
    assert head["type"] == "resolution" and head["query_size"] == 2 and head["population"] > 0


def test_a_long_list_is_summarised_on_the_terminal(run, sample_index_path, tmp_path):
    listing = tmp_path / "long.txt"
    listing.write_text("\n".join(["STAT3", "JAK1", "MTOR", "NOTAGENE1", "STTA5A"] + [f"QQ{i}X" for i in range(30)]),
                       "utf-8")
    result = run("genes", "--file", str(listing), "-i", str(sample_index_path))
    assert result.exit_code == 0, result.output
    assert "35 gene terms:" in result.stdout and "not found (31): NOTAGENE1" in result.stdout
    assert "QQ29X" in result.stdout and "STAT3 ->" not in result.stdout


@pytest.mark.parametrize("args, message", [
    (("genes",), "give gene terms"),
    (("genes", "--column", "symbol"), "--column needs --file"),
    (("genes", "--file", "/nonexistent/list.txt"), "cannot read"),
    (("enrich", "/nonexistent/sets.gmt"), "cannot read"),
    # A folder had been called "not a regular file (a pipe, device or socket)".
    (("genes", "--file", "/"), "a folder, not a file"),
])
def test_gene_list_mistakes_are_one_line(run, sample_index_path, args, message):
    result = run(*args, "-i", str(sample_index_path))
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_enrich_writes_one_row_per_set_and_figure(run, sample_index_path, tmp_path):
    gmt = tmp_path / "sets.gmt"
    gmt.write_text("JAKSTAT\tcytokines\tSTAT3\tJAK1\tJAK2\nEMPTY\nNONE\tx\tQQZZ1\nJAKSTAT\tagain\tMTOR\tBECN1\n",
                   "utf-8")
    background = tmp_path / "measured.txt"
    background.write_text("STAT3\nJAK1\nMTOR\nBECN1\nULK1\nTP53\n", "utf-8")
    result = run("enrich", str(gmt), "-i", str(sample_index_path), "-n", "2", "--background", str(background))
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    header, body = rows[0], rows[1:]
    assert header[:8] == ["set", "rank", "figid", "figtitle", "overlap", "set_size", "figure_genes", "population"]
    assert {r[0] for r in body} == {"JAKSTAT", "JAKSTAT (2)"} and all(r[7] == "6" for r in body)
    assert "background_given" in header and "'EMPTY' has no genes" in result.stderr
    assert "kept as 'JAKSTAT (2)'" in result.stderr and "set 'NONE': none of its 1 gene term(s)" in result.stderr
    assert "background: 6 genes given" in result.stderr
    as_json = run("enrich", "-", "-i", str(sample_index_path), "-f", "json", input=gmt.read_text("utf-8"))
    objects = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [o["set"] for o in objects if o["type"] == "set"] == ["JAKSTAT", "NONE", "JAKSTAT (2)"]
    hit = next(o for o in objects if o["type"] == "hit")
    assert {"set", "figid", "overlap", "set_size", "figure_genes", "pvalue", "fdr", "odds_ratio",
            "overlap_genes"} <= set(hit)


def test_long_lists_skip_suggestions_for_unknown_terms(sample_index):
    short = sample_index.resolve(["STTTAT3X", "QQZZ9"])
    assert all(r.suggestions for r in short)
    long = sample_index.resolve(["STAT3"] + [f"QQZZ{i}" for i in range(40)])
    assert long[0].symbols == ("STAT3",) and not any(r.suggestions for r in long[1:])


def test_enrich_from_python_checks_what_the_command_line_checks(sample_index):
    # (name, terms) pairs are sets too (they had raised AttributeError); max_fdr is a share;
    # an empty background is refused; each result has to_dict(); and a set of unknown genes
    # stays unknown (typo matching had made FOO1 into FOXO1).
    pairs = sample_index.enrich([("jak", ["JAK1", "STAT3"]), ("unknown", ["FOO1", "BAR2", "BAZ3"])])
    assert [r.name for r in pairs] == ["jak", "unknown"] and pairs[0].results.total and not pairs[1].results
    assert json.loads(json.dumps(pairs[0].to_dict()))["hits"][0]["set"] == "jak"
    for bad in (float("nan"), -1, 2):
        with pytest.raises(PfocrSearchError, match="max_fdr"):
            sample_index.enrich({"jak": ["JAK1"]}, max_fdr=bad)
    with pytest.raises(PfocrSearchError, match="background holds no genes"):
        sample_index.enrich({"jak": ["JAK1"]}, background=[])
    with pytest.raises(PfocrSearchError, match="gene set"):
        sample_index.enrich([42])
    assert sample_index.enrich({"u": ["FOO1"]}, fuzzy=True)[0].results.resolutions[0].symbols  # asked for


def test_table_columns_read_as_csv_and_gmt_names_never_collide():
    # A quoted cell "MAPK1, MAPK3" had been cut at its comma; R's write.csv names the
    # row names' column "" (--column "" had read the whole table, numbers as gene ids);
    # a spreadsheet's CSV may separate by semicolons; and a second "a" had been renamed
    # "a (2)" beside a set already called so.
    assert parse_list('symbol,padj\n"MAPK1, MAPK3",1\nSTAT3,0.5\n', column="symbol") == ["MAPK1", "MAPK3", "STAT3"]
    assert parse_list('"","baseMean","padj"\n"TP53",7157,0.01\n"JAK1",3716,0.2\n', column="") == ["TP53", "JAK1"]
    assert parse_list("symbol;padj\nSTAT3;0,01\nJAK1;0,2\n", column="symbol") == ["STAT3", "JAK1"]
    sets = parse_gmt("a\td\tX\na (2)\td\tY\na\td\tZ\n")
    assert [s.name for s in sets.sets] == ["a", "a (2)", "a (3)"]


def test_one_term_is_one_gene_of_the_query_however_many_symbols_it_names(sample_index):
    # "p53" names TP53, Trp53, TP63, TP73 and others in the OCR mappings: it had counted
    # as seven query genes, and a figure drawing several of them as several shared genes.
    one = sample_index.search_genes(["p53"])
    assert len(one.resolutions[0].symbols) > 1 and one.query_size == 1
    assert one and all(h.overlap == 1 <= len(h.overlap_genes) for h in one)
    both = sample_index.search_genes(["p53", "MTOR"])
    assert both.query_size == 2 and max(h.overlap for h in both) <= 2
    # Demanding every term means a gene of each, not every symbol each names.
    assert sample_index.search_genes(["p53"], require_all=True).total == one.total
