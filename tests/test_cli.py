"""The pfocr-search CLI through typer's CliRunner: every command, format and error path."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pfocr_search import FigureIndex, __version__
from pfocr_search.errors import PfocrSearchError
from pfocr_search.options import parse_years


def assert_one_line_error(result, code: int, text: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and text in lines[0], result.stderr


def test_index_sample_then_search(run, tmp_path):
    path = str(tmp_path / "ix")
    result = run("index", "--sample", "--index", path)
    assert result.exit_code == 0, result.output
    assert "50 figures (added 50, updated 0, removed 0, unchanged 0, skipped 0)" in result.stdout
    result = run("search", "JAK STAT signaling", "--index", path)
    assert result.exit_code == 0
    assert "PMC7176449__cm9-133-0959-g001" in result.stdout
    assert "JAK-STAT signaling pathway" in result.stdout


def test_an_index_of_no_figures_answers_without_an_internal_error(run, tmp_path):
    (tmp_path / "notes").mkdir()
    path = str(tmp_path / "ix")
    built = run("index", str(tmp_path / "notes"), "--index", path)
    assert built.exit_code == 0 and "no figure record file (<figid>.md) was found" in built.output
    for args in (["stats"], ["genes", "STAT3"], ["search", "insulin", "--facets"],
                 ["search", "insulin", "--genes", "STAT3"]):
        result = run(*args, "--index", path)
        assert result.exit_code == 0 and "internal error" not in result.output, (args, result.output)
    assert_one_line_error(run("search", "insulin", "--journal", "Nature", "--index", path), 2, "journal")


def test_index_reports_skipped_records_and_strict_fails(run, tmp_path, sample_dir, broken_dir):
    path = str(tmp_path / "ix")
    result = run("index", str(sample_dir / "seed"), str(broken_dir), "--index", path)
    assert result.exit_code == 0
    assert "1 figures (added 1, updated 0, removed 0, unchanged 0, skipped 8)" in result.stdout
    assert "no_figid.md: no figid" in result.stderr
    result = run("index", str(sample_dir), str(broken_dir), "--index", path, "--strict")
    assert_one_line_error(result, 1, "--strict")
    with FigureIndex.open(path) as ix:
        assert len(ix) == 1


def test_index_needs_a_source(run, tmp_path):
    assert_one_line_error(run("index", "--index", str(tmp_path / "ix")), 2, "SOURCE")
    assert_one_line_error(run("index", str(tmp_path / "missing"), "--index", str(tmp_path / "ix")), 2,
                          "does not exist")


def test_index_with_bad_config_names_the_key(run, tmp_path, sample_dir):
    config = tmp_path / "bad.yaml"
    config.write_text("fields:\n  figtitle: {analyzer: stemmed, bost: 3}\n", encoding="utf-8")
    result = run("index", str(sample_dir / "seed"), "--index", str(tmp_path / "ix"), "--config", str(config))
    assert_one_line_error(result, 2, "fields.figtitle.bost")


def test_index_location_from_environment(run, tmp_path, sample_dir):
    env = {"PFOCR_SEARCH_INDEX": str(tmp_path / "envix")}
    assert run("index", str(sample_dir / "seed"), env=env).exit_code == 0
    result = run("search", "JAK", "--format", "tsv", env=env)
    assert result.exit_code == 0 and "PMC7176449" in result.stdout


def test_search_json_lines(run, sample_index_path):
    result = run("search", "JAK STAT signaling", "--index", str(sample_index_path), "--format", "json", "-n", "3")
    assert result.exit_code == 0
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(hits) == 3
    for key in ("figid", "figtitle", "year", "score", "organisms", "genes", "pmcid", "figlink", "snippet"):
        assert key in hits[0]
    assert hits[0]["rank"] == 1 and hits[0]["score"] >= hits[1]["score"]


def test_search_tsv(run, sample_index_path):
    result = run("search", "autophagy", "-i", str(sample_index_path), "-f", "tsv")
    lines = result.stdout.splitlines()
    header = lines[0].split("\t")
    assert header[:3] == ["rank", "figid", "score"]
    rows = [line.split("\t") for line in lines[1:]]
    assert rows and all(len(r) == len(header) for r in rows)


def test_search_filters(run, sample_index_path):
    result = run("search", "signaling", "-i", str(sample_index_path), "-f", "json", "--year", "2020:", "-n", "50",
                 "--organism", "human")
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and all(h["year"] >= 2020 and "Homo sapiens" in h["organisms"] for h in hits)


def test_a_common_name_the_index_lacks_names_its_species_not_a_look_alike(run, sample_index_path):
    # By its species' spelling, "sheep" (Ovis aries) had been offered Bos taurus.
    result = run("search", "signaling", "-i", str(sample_index_path), "--organism", "sheep")
    assert result.exit_code == 2 and result.stderr.strip() == "error: no figure in the index has organism 'sheep' (Ovis aries)"


@pytest.mark.parametrize("command", [("search", "signaling"), ("genes", "STAT3"), ("similar", "PMC7176449__cm9-133-0959-g001")])
def test_an_unknown_organism_is_one_line_naming_the_closest(run, sample_index_path, command):
    result = run(*command, "-i", str(sample_index_path), "--organism", "zebrafihs")
    assert result.exit_code != 0 and not result.stdout
    assert result.stderr.strip() == "error: no figure in the index has organism 'zebrafihs'; did you mean 'zebrafish'?"


@pytest.mark.parametrize("typed", ["gene", "serch", "shwo"])
def test_an_unknown_command_is_offered_the_closest_once(run, typed):
    # typer and click each added their "Did you mean".
    result = run(typed, "x")
    assert result.exit_code == 2 and result.stderr.count("Did you mean") == 1, result.stderr


def test_no_command_prints_the_help_and_nothing_else(run):
    result = run()
    assert result.exit_code == 2 and "Usage" in result.stdout and result.stderr == ""


def test_search_no_hits_says_so(run, sample_index_path):
    result = run("search", "zzzzqqq", "-i", str(sample_index_path))
    assert result.exit_code == 0 and "no figures match" in result.stdout


def test_a_page_past_the_last_hit_says_how_many_match(run, sample_index_path):
    # "no figures match" had denied the figures that do, a page earlier.
    with FigureIndex.open(sample_index_path) as ix:
        total = ix.search("JAK STAT", limit=1).total
    assert 0 < total < 400
    result = run("search", "JAK STAT", "--offset", "400", "-i", str(sample_index_path))
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{total} figure(s) match JAK STAT, none from this offset on: the last is rank {total}"


@pytest.mark.parametrize("args, text", [
    (("search", "gene:STAT3"), "unknown field 'gene'"),
    (("search", "year:abc"), "not a valid number"),
    (("search", "autophagy", "--year", "20x0"), "--year"),
    (("search", "autophagy", "--year", "2020:2010"), "FROM is after TO"),
    (("search", "autophagy", "--format", "xml"), "--format"),
    (("show", "PMC0__nope"), "no figure 'PMC0__nope'"),
    # Usage errors too: typer had drawn a boxed panel under two lines of usage.
    (("search", "nlrp3", "--limit", "0"), "'--limit' / '-n': 0 is not in the range x>=1. (see pfocr-search search --help)"),
    (("search", "nlrp3", "--limit", "many"), "'many' is not a valid integer"),
    (("search", "nlrp3", "--bogus"), "No such option '--bogus'"),
    (("similar",), "Missing argument 'FIGID'"),
    (("serch", "nlrp3"), "No such command 'serch'. Did you mean 'search'"),
])
def test_user_errors_are_one_line_exit_2(run, sample_index_path, args, text):
    assert_one_line_error(run(*args, "--index", str(sample_index_path)), 2, text)


@pytest.mark.parametrize("command", [("search", "x"), ("show", "x"), ("stats",)])
def test_missing_index_is_one_line_exit_2(run, tmp_path, command):
    assert_one_line_error(run(*command, "--index", str(tmp_path / "none")), 2, "no index at")


def test_show_formats(run, sample_index_path):
    figid = "PMC7176449__cm9-133-0959-g001"
    data = json.loads(run("show", figid, "-i", str(sample_index_path), "-f", "json").stdout)
    assert data["figid"] == figid and len(data["genes"]) == 11 and data["year"] == 2020
    table = run("show", figid, "-i", str(sample_index_path)).stdout
    assert "JAK-STAT signaling pathway" in table and "STAT3" in table
    tsv = run("show", figid, "-i", str(sample_index_path), "-f", "tsv").stdout.splitlines()
    assert tsv[0] == "field\tvalue" and any(line.startswith("genes (Homo sapiens)\t") for line in tsv)
    # The table shows every field JSON has (genes by organism, the URL derived).
    shown = {line.split("\t")[0] for line in tsv[1:]}
    missing = set(data) - shown - {"genes", "chemicals", "diseases"}
    assert not missing, missing


def test_stats_formats(run, sample_index_path):
    text = run("stats", "-i", str(sample_index_path)).stdout
    assert "records: 50" in text and "Homo sapiens (44)" in text
    # 55 organisms (strains with their species: E. coli PBA5, S. cerevisiae S288C,
    # Cucumis sativus var. sativus): the table names the ten with most figures and counts the rest.
    organisms = next(line for line in text.splitlines() if line.startswith("organisms: "))
    assert organisms.count("(") == 10 and organisms.endswith("and 45 more")
    assert "figtitle" not in text and "--format json" in text  # the config is there, not dumped here
    data = json.loads(run("stats", "-i", str(sample_index_path), "-f", "json").stdout)
    assert data["records"] == 50 and data["years"] == [1997, 2023]
    assert len(data["organisms"]) == 55 and "figtitle" in data["config"]["fields"]
    assert "records\t50" in run("stats", "-i", str(sample_index_path), "-f", "tsv").stdout


def test_version_and_help(run):
    assert run("--version").stdout.strip() == f"pfocr-search {__version__}"
    for command in ("index", "search", "show", "stats"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout


def test_unexpected_errors_are_one_line_unless_debug(run, sample_index_path, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(FigureIndex, "search", boom)
    result = run("search", "x", "-i", str(sample_index_path))
    assert result.exit_code == 3 and "disk on fire" in result.stderr and "--debug" in result.stderr
    assert "Traceback" not in result.output
    result = run("--debug", "search", "x", "-i", str(sample_index_path))
    assert isinstance(result.exception, RuntimeError)


@pytest.mark.parametrize("text, expected", [
    ("2010:2020", (2010, 2020)), ("2010:", (2010, None)), (":2020", (None, 2020)), ("2015", (2015, 2015)),
    (None, None),
])
def test_parse_years(text, expected):
    assert parse_years(text) == expected


@pytest.mark.parametrize("text", ["abc", ":", "2020:20", "1:2"])
def test_parse_years_rejects(text):
    with pytest.raises(PfocrSearchError):
        parse_years(text)


def test_genes_table_shows_resolution_then_hits(run, sample_index_path):
    result = run("genes", "STAT3", "stat-5a", "STTA5A", "XQZW9", "-i", str(sample_index_path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("gene terms") < out.index("share genes with the query")
    for text in ("normalised", "fuzzy", "not found", "did you mean", "PMC7176449__cm9-133-0959-g001"):
        assert text in out


def test_genes_json_has_a_leading_resolution_object(run, sample_index_path):
    result = run("genes", "JAK", "STAT3", "-i", str(sample_index_path), "-f", "json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["type"] == "resolution"
    assert {t["term"]: t["how"] for t in lines[0]["terms"]} == {"JAK": "alias", "STAT3": "exact"}
    hits = lines[1:]
    assert hits and all(h["type"] == "hit" for h in hits)
    for key in ("figid", "overlap", "overlap_genes", "figure_genes", "pvalue", "fdr", "odds_ratio", "log10_pvalue"):
        assert key in hits[0]
    assert [h["pvalue"] for h in hits] == sorted(h["pvalue"] for h in hits)


def test_genes_tsv_and_options(run, sample_index_path):
    result = run("genes", "STAT3", "JAK1", "-i", str(sample_index_path), "-f", "tsv", "--all")
    rows = result.stdout.splitlines()
    assert rows[0].startswith("rank\tfigid\toverlap")
    assert [r.split("\t")[1] for r in rows[1:]] == ["PMC7176449__cm9-133-0959-g001"]
    assert "# STAT3 -> STAT3 [exact]" in result.stderr
    result = run("genes", "STTA5A", "-i", str(sample_index_path), "-f", "tsv", "--no-fuzzy")
    assert result.stdout.splitlines() == [result.stdout.splitlines()[0]]
    assert "not found" in result.stderr
    result = run("genes", "STAT3", "-i", str(sample_index_path), "-f", "tsv", "--require", "JAK1")
    assert len(result.stdout.splitlines()) == 2
    # No hits because a required gene is none: the line says which, as "no figures show these genes" had not.
    result = run("genes", "STAT3", "-i", str(sample_index_path), "--require", "ZZZNOGENE", "--no-fuzzy")
    assert result.exit_code == 0
    assert "no figures show these genes: ZZZNOGENE is required but no gene of the index" in result.stdout
    # An empty argument is no gene term, as empty standard input is none ("0 query gene(s)", exit 0).
    assert_one_line_error(run("genes", "", " ", "-i", str(sample_index_path)), 2, "give gene terms")


def test_search_with_genes_option(run, sample_index_path):
    result = run("search", "signaling", "--genes", "STAT3,JAK1", "-i", str(sample_index_path), "-f", "json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["type"] == "resolution" and lines[1]["figid"] == "PMC7176449__cm9-133-0959-g001"


def test_a_query_that_finds_nothing_shows_its_correction(run, sample_index_path):
    result = run("search", "apoptossis", "-i", str(sample_index_path), "-f", "tsv")
    assert result.exit_code == 0
    assert "showing results for: apoptosis (corrected from: apoptossis, which has words no figure holds)" \
        in result.stderr
    assert "PMC4047923__cddis201436f3" in result.stdout


def test_a_query_with_a_word_no_figure_holds_is_corrected(run, sample_index_path):
    # "palladacycle" alone found the figure; "aminaton" could only add nothing.
    result = run("search", "palladacycle aminaton", "-i", str(sample_index_path), "-f", "tsv")
    assert "showing results for: palladacycle amination" in result.stderr
    assert "PMC10029719__cs3c00075_0011" in result.stdout


ANSI_OR_BOX = ("\x1b[", "┏", "│", "━")


def test_piped_output_is_plain_text(run, sample_index_path):
    for args in (("search", "JAK STAT"), ("genes", "STAT3", "JAK1"), ("similar", "PMC7176449__cm9-133-0959-g001"),
                 ("show", "PMC7176449__cm9-133-0959-g001"), ("stats",)):
        result = run(*args, "-i", str(sample_index_path))
        assert result.exit_code == 0, result.output
        assert not any(mark in result.stdout for mark in ANSI_OR_BOX), args
    assert "1. JAK-STAT signaling pathway (2020)" in run("search", "JAK-STAT signaling pathway", "-i",
                                                         str(sample_index_path)).stdout


def test_similar_shares_genes_first_then_text(run, sample_index_path):
    result = run("similar", "PMC5466160__AnnalsATS.201507-450MG_f1", "-i", str(sample_index_path), "-f", "json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    hits = [h for h in lines if h.get("type") == "hit"]
    assert hits and "PMC5466160__AnnalsATS.201507-450MG_f1" not in [h["figid"] for h in hits]
    sharing = [h["overlap"] > 0 for h in hits]
    assert sharing == sorted(sharing, reverse=True)  # every gene-sharing figure before word-alike ones
    assert lines[0]["type"] == "resolution" and lines[0]["words_only"] >= sharing.count(False)
    top = hits[0]
    assert top["overlap"] >= 6 and {"MTOR", "BECN1"} <= set(top["overlap_genes"])  # overlap: the figure's words
    assert_one_line_error(run("similar", "PMC0__nope", "-i", str(sample_index_path)), 2, "no figure")
    # The count of figures sharing genes is of those alone: word-alike ones had been counted in it.
    plain = run("similar", "PMC5466160__AnnalsATS.201507-450MG_f1", "-i", str(sample_index_path), "--limit", "50")
    shown = re.findall(r"shared (\d+)/", plain.stdout)
    # A word-alike figure shows its score: "shared 0/0 p=1 FDR=1" had said nothing.
    alike = re.findall(r"alike in words only, score [\d.e+-]+$", plain.stdout, re.M)
    header = plain.stdout.splitlines()[0]
    said = re.match(r"(\d+) figure\(s\) share genes.*?(?:; (\d+) more alike in words only)?$", header)
    assert said and int(said.group(1)) == len(shown) and all(int(n) > 0 for n in shown)
    assert int(said.group(2) or 0) >= len(alike) > 0  # counted over the index, not the page
    listed = run("similar", "PMC5466160__AnnalsATS.201507-450MG_f1", "-i", str(sample_index_path), "--limit", "50",
                 "-f", "json").stdout.splitlines()
    assert json.loads(listed[0])["words_only"] == int(said.group(2))


def test_a_figure_alike_in_words_only_has_no_p_value(run, sample_index_path):
    # JSON had given such a figure pvalue 1.0 and fdr 1.0, a test failed, where none was made.
    figid = "PMC5466160__AnnalsATS.201507-450MG_f1"
    listed = run("similar", figid, "-i", str(sample_index_path), "--limit", "50", "-f", "json").stdout.splitlines()
    hits = [json.loads(line) for line in listed[1:]]
    alike = [h for h in hits if h["overlap"] == 0]
    assert alike and all(h["pvalue"] is h["fdr"] is h["log10_pvalue"] is h["odds_ratio"] is None
                         and h["text_score"] == h["score"] > 0 for h in alike)
    assert all(0 < h["pvalue"] <= h["fdr"] <= 1 for h in hits if h["overlap"])
    tsv = run("similar", figid, "-i", str(sample_index_path), "--limit", "50", "-f", "tsv").stdout.splitlines()
    assert [row.split("\t")[4] for row in tsv[1:] if row.split("\t")[2] == "0"] == [""] * len(alike)
    with FigureIndex.open(sample_index_path) as ix:  # the typed hits say the same
        typed = [h for h in ix.similar(figid, 50) if not h.overlap]
        assert [h.figid for h in typed] == [h["figid"] for h in alike]
        assert all(h.pvalue is None and h.fdr is None for h in typed)


def test_gmt_output_parses_back(run, sample_index_path):
    result = run("genes", "MTOR", "BECN1", "-i", str(sample_index_path), "-f", "gmt", "-n", "5")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows and all(len(r) >= 3 for r in rows)
    for name, url, *genes in rows:
        title, source, figid = name.split("%")
        assert source == "PFOCR" and url == f"https://pfocr.wikipathways.org/figures/{figid}.html"
        assert {"MTOR", "BECN1"} & set(genes) and len(genes) == len(set(genes))
    one = run("show", "PMC7176449__cm9-133-0959-g001", "-i", str(sample_index_path), "-f", "gmt").stdout
    assert one.split("\t")[2:] == ["JAK1", "JAK2", "JAK3", "TYK2", "STAT1", "STAT5A", "STAT6", "STAT2", "STAT3",
                                   "STAT4", "STAT5B\n"]
    assert_one_line_error(run("stats", "-i", str(sample_index_path), "-f", "gmt"), 2, "gmt")


def test_fields_and_output_file(run, sample_index_path, tmp_path):
    target = tmp_path / "hits.tsv"
    result = run("search", "autophagy", "-i", str(sample_index_path), "-f", "tsv", "--fields", "figid,score,year",
                 "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    lines = target.read_text().splitlines()
    assert lines[0] == "figid\tscore\tyear" and len(lines) > 1 and all(len(l.split("\t")) == 3 for l in lines)
    data = json.loads(run("search", "autophagy", "-i", str(sample_index_path), "-f", "json", "--fields",
                          "figid,genes").stdout.splitlines()[0])
    assert set(data) == {"figid", "genes"}
    assert_one_line_error(run("search", "autophagy", "-i", str(sample_index_path), "-f", "json", "--fields",
                              "figid,nonsense"), 2, "nonsense")
    # Checked before a line is written (the gene search's resolution line had come first),
    # and never ignored: a table has its own layout.
    bad = run("genes", "STAT3", "-i", str(sample_index_path), "-f", "json", "--fields", "nope")
    assert bad.exit_code == 2 and bad.stdout == "" and "nope" in bad.stderr
    assert_one_line_error(run("search", "autophagy", "-i", str(sample_index_path), "--fields", "figid"), 2,
                          "json or tsv")
    assert_one_line_error(run("search", "x", "-i", str(sample_index_path), "--output", str(tmp_path / "no" / "f")),
                          2, "cannot write")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize("command", [["search", "signaling"], ["show", "PMC100008__mb2411709009", "-f", "json"]])
def test_output_to_a_full_disk_is_one_line(run, sample_index_path, command):
    # Writing the index to a full disk said so in one line; --output had said "internal error" (exit 3).
    assert_one_line_error(run(*command, "--index", str(sample_index_path), "--output", "/dev/full"), 2,
                          "cannot write /dev/full: No space left on device")


def test_output_into_a_pipe_or_dash_is_written_through_not_replaced(run, sample_index_path, tmp_path):
    # A file moved over --output had replaced a FIFO (and, as root, /dev/null) with a regular file.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = run("search", "autophagy", "-i", str(sample_index_path), "-f", "tsv", "--output", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0 and stat.S_ISFIFO(fifo.stat().st_mode)
    assert received and received[0].startswith("rank\tfigid") and len(received[0].splitlines()) > 1
    # "-" is standard output, as it is standard input for gene lists.
    dash = run("search", "autophagy", "-i", str(sample_index_path), "-f", "tsv", "--output", "-")
    assert dash.stdout.startswith("rank\tfigid") and not (Path.cwd() / "-").exists()
    # /dev/stdout too: resolved, it named a pipe that does not exist, or reopened truncated a file appended to.
    out = run("search", "autophagy", "-i", str(sample_index_path), "-f", "tsv", "--output", "/dev/stdout")
    assert out.exit_code == 0 and out.stdout == dash.stdout


@pytest.mark.parametrize("stored", ["genes.json.gz", "synonyms.json"])
def test_an_update_over_damaged_counts_says_rebuild_and_keeps_the_index(run, tmp_path, corpus_copy, stored):
    path = tmp_path / "ix"
    assert run("index", str(corpus_copy), "--index", str(path)).exit_code == 0
    (next(path.glob("gen-*")) / stored).write_text('{"figures": {"STAT3": ')
    figure = next(corpus_copy.rglob("_figures/*.md"))
    figure.write_text(figure.read_text("utf-8").replace("caption:", "caption: Zebrafinch", 1), "utf-8")
    assert_one_line_error(run("index", str(corpus_copy), "--index", str(path)), 2, "rebuild")
    assert run("search", "signaling", "--index", str(path)).exit_code == 0


@pytest.mark.parametrize("command", [["search", "autophagy"], ["genes", "MTOR,ULK1"]])
def test_tsv_with_facets_is_one_table_and_the_facets_are_notes(run, sample_index_path, command):
    # The facet rows (3 columns) had followed the hits (10 or 12) on stdout, read as hits by any TSV reader.
    result = run(*command, "-i", str(sample_index_path), "-f", "tsv", "--facets")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) > 1 and {len(row) for row in rows} == {len(rows[0])}
    assert "# facet\tvalue\tfigures" in result.stderr and "# organisms\tHomo sapiens\t" in result.stderr


def test_facets_and_journal_filter(run, sample_index_path):
    result = run("search", "autophagy", "-i", str(sample_index_path), "--facets")
    assert "facets over 4 figure(s):" in result.stdout
    assert "organisms: Homo sapiens (3)" in result.stdout and "decades: 2010s (2), 2020s (2)" in result.stdout
    assert "Frontiers in Immunology (1)" in result.stdout
    data = json.loads(run("genes", "MTOR", "-i", str(sample_index_path), "-f", "json", "--facets")
                      .stdout.splitlines()[-1])
    assert data["type"] == "facets" and data["total"] == 8
    narrowed = run("search", "autophagy", "-i", str(sample_index_path), "-f", "tsv", "--journal",
                   "frontiers in immunology").stdout.splitlines()
    assert [line.split("\t")[1] for line in narrowed[1:]] == ["PMC10033547__fimmu-14-1063018-g008"]
    # A misspelt journal: the hint names journals as facets list them, not as lower-case terms.
    mistyped = run("search", "autophagy", "-i", str(sample_index_path), "--journal", "Fronteirs in Immunology")
    assert_one_line_error(mistyped, 2, "did you mean 'Frontiers in Immunology'")


def test_a_gzip_file_with_damaged_data_says_rebuild(run, tmp_path):
    path = tmp_path / "ix"
    assert run("index", "--sample", "--index", str(path)).exit_code == 0
    counts = next(path.glob("gen-*")) / "genes.json.gz"
    whole = counts.read_bytes()
    counts.write_bytes(whole[:10] + b"\xff" * (len(whole) - 10))  # the header intact, the data not
    assert_one_line_error(run("stats", "--index", str(path)), 2, "rebuild")


@pytest.mark.parametrize("stored, command", [("genes.sqlite", ("search", "JAK STAT")),
                                             ("genes.sqlite", ("genes", "STAT3")),
                                             ("genes.json.gz", ("stats",)),
                                             ("synonyms.sqlite", ("search", "mTOR")),
                                             ("_MAIN_*.toc", ("search", "JAK STAT")),
                                             ("_MAIN_*.toc", ("serve", "--port", "0")),
                                             ("sources.json.gz", ("index", "--sample"))])
def test_damaged_index_files_say_rebuild(run, tmp_path, stored, command):
    path = tmp_path / "ix"
    assert run("index", "--sample", "--index", str(path)).exit_code == 0
    generation = next(path.glob("gen-*"))
    next(generation.glob(stored)).write_text('{"format": 1, "aliases": [')
    assert_one_line_error(run(*command, "--index", str(path)), 2, "rebuild")


_TEXT_SEARCH_SKIPS = ("rapidfuzz", "pfocr_search.query.genesets", "pfocr_search.query.facets",
                      "pfocr_search.query.explain", "pfocr_search.query.similar", "pfocr_search.stats")


@pytest.mark.parametrize("command, skipped", [(["search", '"jak stat" signaling'], _TEXT_SEARCH_SKIPS),
                                              (["genes", "STAT3", "jak1"], ())])
def test_a_one_shot_command_imports_only_what_it_uses(sample_index_path, command, skipped):
    # YAML (a config file), numpy.ma (np.unique's first call), the build and record-parsing
    # code and the web stack are each tens of milliseconds a one-shot command would pay;
    # a text search of known words needs no fuzzy matching, gene sets, facets or explanations.
    # Its objects are left frozen at exit: walking them again at shutdown took a sixth of its time.
    probe = ("import gc, sys; from pfocr_search.cli import main; sys.argv = ['pfocr-search', *sys.argv[1:]]\n"
             "try: main()\nexcept SystemExit: pass\n"
             "print(gc.get_freeze_count() > 0)\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'starlette', 'uvicorn', 'rich')\n"
             f"             or m == 'numpy.ma' or m.startswith(('pfocr_search.build.', 'pfocr_search.sources.parse',"
             f" *{skipped!r}))))")
    done = subprocess.run([sys.executable, "-c", probe, *command, "--index", str(sample_index_path), "--limit", "3"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().splitlines()[-2:] == ["True", "[]"], done.stderr


def test_a_figures_table_given_by_name_is_its_figures_not_a_broken_record(run, tmp_path, sample_dir):
    # Given beside its figure file, the TSV had been read as a figure file: "no YAML front matter",
    # skipped (and under --strict, the run failed).
    figure = sample_dir / "new" / "_figures" / "PMC10025411__fncel-17-1105247-g0001.md"
    table = sample_dir / "new" / "_data" / "PMC10025411__fncel-17-1105247-g0001-genes.tsv"
    path = str(tmp_path / "ix")
    built = run("index", str(figure), str(table), "--index", path, "--strict")
    assert built.exit_code == 0 and "skipped 0" in built.output and "warning" not in built.output, built.output
    shown = run("show", figure.stem, "--index", path, "-f", "json")
    assert str(table) in shown.stdout and '"genes": []' not in shown.stdout
    alone = run("index", str(table), "--index", str(tmp_path / "ix2"))
    assert "not used: no figure file" in alone.output
