"""The Python API: build, open, search, get, stats."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from pfocr_search import (
    ConfigMismatchError,
    FigureIndex,
    Hit,
    IndexNotFoundError,
    PfocrSearchError,
    QuerySyntaxError,
    StrictModeError,
    UnknownFigureError,
    UnknownFilterError,
    load_config,
)
from pfocr_search.config import parse_config

JAK_STAT = {"PMC7176449__cm9-133-0959-g001", "PMC4034077__pharmaceuticals-03-03478-g001"}


def figids(results) -> list[str]:
    return [h.figid for h in results]


def test_every_sample_record_is_indexed(sample_index, sample_dir):
    assert len(sample_index) == 50
    assert "PMC7176449__cm9-133-0959-g001" in sample_index


def test_jak_stat_query_ranks_jak_stat_figures_first(sample_index):
    results = sample_index.search("JAK STAT signaling")
    assert set(figids(results)[:2]) == JAK_STAT
    assert all(isinstance(h, Hit) for h in results)
    assert [h.rank for h in results] == list(range(1, len(results) + 1))
    assert results[0].score >= results[1].score >= results[-1].score
    assert results.total >= len(results)


def test_hit_carries_record_fields_and_a_highlighted_snippet(sample_index):
    hit = sample_index.search("cGAS STING")[0]
    assert hit.figid == "PMC10037406__12276_2023_965_Fig5_HTML"
    assert hit.year == 2023 and hit.pmcid == "PMC10037406"
    assert hit.url.startswith("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC10037406/")
    assert hit.highlights
    marked = {hit.snippet[a:b].lower() for a, b in hit.highlights}
    assert marked & {"cgas", "sting", "cgas-sting"}
    assert hit.to_dict()["figid"] == hit.figid


@pytest.mark.parametrize("word", ["mitochondria", "signaling", "apoptosis"])
def test_title_match_outranks_caption_only_match(sample_index, word):
    hits = sample_index.search(word, limit=100)
    stem = word[:6]
    title_ranks = [h.rank for h in hits if stem in h.figtitle.lower()]
    caption_only = [h.rank for h in hits if stem not in h.figtitle.lower() and stem not in h.papertitle.lower()]
    assert title_ranks and caption_only
    assert max(title_ranks) < min(caption_only)


def test_gene_symbol_query_finds_figures_that_show_the_gene(sample_index):
    hits = sample_index.search("genes:STAT3", limit=50)
    assert "PMC7176449__cm9-133-0959-g001" in figids(hits)
    assert all("STAT3" in h.genes for h in hits)
    loose = sample_index.search("genes:stat-3", limit=50)
    assert figids(loose) == figids(hits)


def test_greek_and_ascii_spellings_find_the_same_figures(sample_index):
    assert set(figids(sample_index.search('"NF-κB"'))) == set(figids(sample_index.search('"NF-kB"')))
    assert "PMC5138060__nihms6118f1" in figids(sample_index.search("NFkB"))


def test_query_language(sample_index):
    both = figids(sample_index.search("autophagy AND mtor", limit=50))
    either = figids(sample_index.search("autophagy OR mtor", limit=50))
    assert set(both) < set(either)
    assert "PMC7176449__cm9-133-0959-g001" not in figids(sample_index.search("stat3 NOT jak", limit=50))
    assert figids(sample_index.search('"JAK-STAT signaling pathway"'))[0] == "PMC7176449__cm9-133-0959-g001"
    assert "PMC4047923__cddis201436f3" in figids(sample_index.search("casp*", limit=50))
    years = {h.year for h in sample_index.search("year:[2010 TO 2012]", limit=100)}
    assert years and years <= {2010, 2011, 2012}


@pytest.mark.parametrize("text", ["*:* NOT cancer", "*:* AND NOT cancer", "NOT cancer AND *:*", "NOT cancer",
                                  "(*:*) NOT cancer", "*:* OR *:* NOT cancer", "(*:* AND *:*) NOT cancer"])
def test_everything_but_is_every_figure_without_the_excluded_word(sample_index, text):
    # Whoosh's normalising turned a group holding *:* into *:*, and the NOT went with it.
    everything = set(figids(sample_index.search("*:*", limit=100)))
    cancer = set(figids(sample_index.search("cancer", limit=100)))
    assert cancer and cancer < everything
    found = sample_index.search(text, limit=100)
    assert found.total == len(everything - cancer) and set(figids(found)) == everything - cancer


@pytest.mark.parametrize("text", ["*:* AND autophagy", "(*:*) AND autophagy", "(*:* OR cancer) AND autophagy"])
def test_match_everything_and_words_is_the_words(sample_index, text):
    # A group that matches everything narrows like *:* itself: Whoosh's normalising made it *:*.
    assert figids(sample_index.search(text, limit=100)) == figids(sample_index.search("autophagy", limit=100))


def test_chemicals_and_diseases_are_searchable_fields(sample_index):
    assert figids(sample_index.search("diseases:cartilage")) == ["PMC10033547__fimmu-14-1063018-g008"]
    assert "PMC2631308__JCI0938420.f1" in figids(sample_index.search("chemicals:glucose"))


def test_filters_by_organism_and_year(sample_index):
    fly = sample_index.search("autophagy", organism="fly", limit=50)
    assert fly and all(any("Drosophila" in o for o in h.organisms) for h in fly)
    assert figids(fly) == figids(sample_index.search("autophagy", organism="Drosophila melanogaster", limit=50))
    recent = sample_index.search("signaling", years=(2020, None), limit=50)
    assert recent and all(h.year and h.year >= 2020 for h in recent)
    assert sample_index.search("signaling", years=(1900, 1901)) == []


@pytest.mark.parametrize("common, figid", [("rice", "PMC10036441__fpls-14-1142753-g001"),
                                            ("tomato", "PMC4936558__PP_PP201600282DR2_f6"),
                                            ("tobacco", "PMC10036441__fpls-14-1142753-g001")])
def test_a_crop_is_filtered_by_its_common_name(sample_index, common, figid):
    # "--organism rice" had been "no figure in the index has organism 'rice'".
    named = sample_index.search("signaling OR pathway OR plant", organism=common, limit=50)
    assert figid in figids(named)
    scientific = {"rice": "Oryza sativa", "tomato": "Solanum lycopersicum", "tobacco": "Nicotiana tabacum"}[common]
    assert figids(named) == figids(sample_index.search("signaling OR pathway OR plant", organism=scientific, limit=50))


def test_paging_with_offset(sample_index):
    everything = figids(sample_index.search("signaling", limit=20))
    assert figids(sample_index.search("signaling", limit=5, offset=5)) == everything[5:10]


@pytest.mark.parametrize("bad", ["", "   ", "gene:STAT3", "year:abc", "titel:autophagy", "Genes:STAT3 tax:plant"])
def test_bad_queries_are_clear_errors(sample_index, bad):
    with pytest.raises(QuerySyntaxError) as info:
        sample_index.search(bad)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("slip, meant", [('"JAK STAT', "JAK STAT"), ("(autophagy", "autophagy"),
                                         ("autophagy)", "autophagy"), ("autophagy AND", "autophagy"),
                                         ("OR autophagy", "autophagy"),
                                         # Habits: a question ("signaling?" had been a pattern, one
                                         # letter after "signaling"), a web search's +, word-processor
                                         # typography in names.
                                         ("JAK STAT signaling?", "JAK STAT signaling"),
                                         ("what activates STAT3 ??", "what activates STAT3"),
                                         ("+STAT3 +JAK2", "STAT3 JAK2"), ("IL−6", "IL-6"), ("ERK½", "ERK1/2"),
                                         ("ERK1\u20442", "ERK1/2"), ("JAK\u200b STAT\ufeff", "JAK STAT")])
def test_forgivable_slips_are_searched_as_what_was_meant(sample_index, slip, meant):
    got, expected = sample_index.search(slip), sample_index.search(meant)
    assert got and [(h.figid, h.score) for h in got] == [(h.figid, h.score) for h in expected]


@pytest.mark.parametrize("typed, meant", [("JAK-STAT: signaling pathway", "JAK-STAT signaling pathway"),
                                          ("STAT3:JAK2", "STAT3 JAK2"), ("IL-6:STAT3", "IL-6 STAT3"),
                                          ("BCR::ABL1 JAK2", "BCR ABL1 JAK2")])
def test_a_colon_after_a_word_that_names_no_field_is_punctuation(sample_index, typed, meant):
    # A pasted title ("Autophagy: A challengeable paradox in cancer treatment"), a complex
    # ("Keap1:Nrf2") or a fusion ("BCR::ABL1") had been refused as an unknown field.
    got, expected = sample_index.search(typed), sample_index.search(meant)
    assert got and [(h.figid, h.score) for h in got] == [(h.figid, h.score) for h in expected]


def test_get_and_unknown_figid(sample_index):
    record = sample_index.get("PMC7176449__cm9-133-0959-g001")
    assert record.figtitle == "JAK-STAT signaling pathway" and len(record.genes) == 11
    with pytest.raises(UnknownFigureError, match="no figure") as nope:
        sample_index.get("PMC0__nope")
    assert "did you mean" not in str(nope.value)


@pytest.mark.parametrize("typed", ["PMC7176449", "pmc7176449", "PMC7176449__", "PMC7176449__cm9-133-0959-g01",
                                   "pmc7176449__CM9-133-0959-G001"])
def test_an_unknown_figid_names_the_figures_it_may_mean(sample_index, typed):
    # A paper's PMCID or a typo in a figure's name: the error names the figid to use.
    with pytest.raises(UnknownFigureError, match=r"did you mean PMC7176449__cm9-133-0959-g001\?$"):
        sample_index.get(typed)


def test_a_figid_in_another_case_names_its_figure(index_of):
    # Figids were compared case-sensitively: "...NIHMSFIGURE7" scored under the cut-off
    # against every figure, and the hint listed the paper's first five figures, not the seventh.
    figures = [(f"PMC1001__nihmsfigure{n}", "Insulin in muscle.") for n in range(1, 8)]
    with index_of(*figures) as ix:
        for typed in ("PMC1001__NIHMSFIGURE7", "pmc1001__NihmsFigure7"):
            with pytest.raises(UnknownFigureError, match=r"did you mean PMC1001__nihmsfigure7\?$") as nope:
                ix.get(typed)
            assert nope.value.suggestions == ("PMC1001__nihmsfigure7",) and nope.value.parameter == "figid"


def test_stats_names_organisms_as_records_do(tmp_path, sample_dir):
    # Stats had rebuilt names from their lower-case terms: "Escherichia coli
    # str. k-12 substr. mg1655", where facets said "K-12 substr. MG1655".  A
    # strain now counts with its species (tests/test_organisms.py), named so.
    seed = next((sample_dir / "seed").glob("*.md"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, organism in enumerate(["Escherichia coli str. K-12 substr. MG1655", "Homo sapiens", "Homo sapiens"]):
        text = seed.read_text("utf-8").replace(seed.stem, f"PMC100{n}__fig").replace("- Homo sapiens", f"- {organism}")
        (corpus / f"PMC100{n}__fig.md").write_text(text, "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        organisms = dict(ix.stats().organisms)
        assert organisms["Escherichia coli"] == 1
        assert organisms == dict(ix.facets("jak").organisms)


def test_stats(sample_index):
    stats = sample_index.stats(top=5)
    assert stats.records == 50
    assert stats.genes > 500
    # gene searches count their population in distinct genes: stats says both, so the two agree
    assert stats.distinct_genes == sample_index.search_genes(["STAT3"]).population < stats.genes
    assert len(stats.top_genes) == 5 and stats.top_genes[0].figures >= stats.top_genes[-1].figures
    assert stats.organisms[0] == ("Homo sapiens", 44)
    assert stats.years == (1997, 2023)
    assert stats.size_bytes > 0
    assert stats.to_dict()["records"] == 50


def test_open_missing_index(tmp_path):
    with pytest.raises(IndexNotFoundError, match="no index"):
        FigureIndex.open(tmp_path / "nothing")
    with pytest.raises(IndexNotFoundError, match="not a pfocr-search index"):
        FigureIndex.open(tmp_path)


def test_index_path_from_environment(monkeypatch, sample_index_path):
    monkeypatch.setenv("PFOCR_SEARCH_INDEX", str(sample_index_path))
    with FigureIndex.open() as ix:
        assert len(ix) == 50


def test_open_with_other_schema_config_is_refused(sample_index_path):
    data = load_config().to_dict()
    data["fields"]["figtitle"]["boost"] = 10.0
    with FigureIndex.open(sample_index_path, parse_config(data)) as ix:
        assert ix.config.fields["figtitle"].boost == 10.0
    data["fields"]["caption"]["analyzer"] = "text"
    data["fields"]["caption"]["spelling"] = False  # a text field's words are its spelling words
    with pytest.raises(ConfigMismatchError, match="--rebuild"):
        FigureIndex.open(sample_index_path, parse_config(data))


def test_config_decides_indexed_fields(tmp_path, sample_dir):
    config = parse_config({"fields": {"figtitle": {"analyzer": "stemmed"}, "genes": {"analyzer": "gene"}}})
    with FigureIndex.build([sample_dir], tmp_path / "ix", config) as ix:
        assert ix.search("JAK STAT")
        assert ix.search("Janus") == []  # only in captions, which this config does not index
        with pytest.raises(QuerySyntaxError, match="unknown field 'caption'"):
            ix.search("caption:janus")


def test_strict_build_failure_leaves_the_existing_index_untouched(tmp_path, sample_dir, broken_dir):
    path = tmp_path / "ix"
    FigureIndex.build([sample_dir / "seed"], path).close()
    with pytest.raises(StrictModeError, match="could not be read"):
        FigureIndex.build([sample_dir, broken_dir], path, strict=True)
    with FigureIndex.open(path) as ix:
        assert len(ix) == 1 and ix.search("JAK")
    assert len(list(path.glob("gen-*"))) == 1


def test_failed_first_build_leaves_no_folder_behind(tmp_path, sample_dir, broken_dir):
    # A folder holding only a lock had looked like an index to whoever listed it.
    path = tmp_path / "new" / "ix"
    with pytest.raises(StrictModeError):
        FigureIndex.build([sample_dir, broken_dir], path, strict=True)
    assert not path.exists()
    with pytest.raises(IndexNotFoundError):
        FigureIndex.open(path)
    FigureIndex.build([sample_dir], path).close()  # and the next run builds it as if for the first time
    assert (path / "pfocr-index.json").is_file()


def test_an_index_of_no_figures_answers_every_question_empty(tmp_path, sample_dir):
    # A folder with no records builds an index of none; stats, gene search,
    # facets and journal filters had then ended in "internal error" (Whoosh's
    # reader of an empty index has no columns), and the server in a 500.
    empty = tmp_path / "notes"
    empty.mkdir()
    (empty / "README.txt").write_text("no records here", "utf-8")
    with FigureIndex.build([empty], tmp_path / "ix") as ix:
        assert len(ix) == 0 and ix.stats().records == 0 and ix.stats().years == (None, None)
        assert ix.search_genes(["STAT3"]).total == 0
        assert ix.search("insulin", genes=["STAT3"]).total == 0
        assert ix.facets("insulin").total == 0 and ix.facets(genes=["STAT3"]).organisms == []
        assert [len(s.results) for s in ix.enrich({"set": ["STAT3", "JAK1"]})] == [0]
        with pytest.raises(UnknownFilterError):
            ix.search("insulin", journal="Nature")
    # Emptied by an update, it no longer reports the years of the figures it lost.
    one = tmp_path / "one"
    shutil.copytree(sample_dir / "seed", one)
    with FigureIndex.build([one], tmp_path / "ix1") as ix:
        assert ix.stats().years == (2020, 2020)
        for path in one.glob("*.md"):
            path.unlink()
        ix.update([one])
        assert len(ix) == 0 and ix.stats().years == (None, None)


def test_lenient_build_reports_and_skips_unreadable_records(tmp_path, sample_dir, broken_dir):
    with FigureIndex.build([sample_dir, broken_dir], tmp_path / "ix") as ix:
        assert ix.report.indexed == 50
        assert len(ix.report.skipped) == 8
        assert all(issue.reason for issue in ix.report.skipped)
        assert "skipped 8" in ix.report.summary()


def test_rebuild_replaces_and_cleans_old_generations(tmp_path, sample_dir):
    path = tmp_path / "ix"
    for _ in range(3):
        FigureIndex.build([sample_dir / "seed"], path).close()
    assert len(list(path.glob("gen-*"))) == 2  # current + the one before, for readers still on it


def test_concurrent_searches_from_threads(sample_index):
    expected = {q: figids(sample_index.search(q)) for q in ("JAK STAT", "autophagy", "genes:MTOR", "apoptosis")}
    errors: list[BaseException] = []

    def worker(q: str) -> None:
        try:
            for _ in range(20):
                assert figids(sample_index.search(q)) == expected[q]
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(q,)) for q in expected for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.parametrize("typo, fixed", [("apoptossis", "apoptosis"),
                                         ("mitochondira", "mitochondria"),
                                         ("insluin resistance", "insulin resistance"),
                                         ("STTA5A", "STAT5A"),
                                         # two letters swapped: one edit from the word meant
                                         ("mitochondrail", "mitochondrial"),
                                         # stop words are never "corrected" (were "tnf", "al")
                                         ("The apoptossis", "The apoptosis"),
                                         # more than five candidates a field, the most frequent as
                                         # searched (GNAQ and PRKDC had won)
                                         ("gnaab", "ganab"), ("prkec signaling", "prkce signaling")])
def test_words_no_figure_holds_are_corrected(sample_index, typo, fixed):
    # Whether or not the rest of the query finds figures ("resistance" does):
    # a word the index lacks matches nothing, its correction only adds.
    results = sample_index.search(typo)
    assert results.suggestions == [fixed]
    assert (results.corrected_from, results.query) == (typo, fixed)
    assert [h.figid for h in results] == [h.figid for h in sample_index.search(fixed)]


def test_a_two_letter_word_is_not_corrected_to_a_fragment(sample_index):
    # "Xq" had become "x3", and on other records "Gq" (the G protein) "g".
    results = sample_index.search("Xq")
    assert (results.suggestions, results.corrected_from, results.total) == ([], None, 0)


def test_every_page_of_a_corrected_query_is_a_page_of_the_correction(sample_index):
    # Page 2 had been the typed query's ("hipo ...") under page 1's correction.
    first, second = (sample_index.search("hipo signalling pathway", limit=3, offset=k) for k in (0, 3))
    both = sample_index.search("hipo signalling pathway", limit=6)
    assert first.query == second.query == both.query == "hippo signalling pathway"
    assert second.corrected_from == "hipo signalling pathway"
    assert [h.figid for h in first] + [h.figid for h in second] == [h.figid for h in both]

def test_no_suggestions_when_the_query_finds_plenty(sample_index):
    assert sample_index.search("signaling pathway").suggestions == []


def test_stop_words_are_not_typos(sample_index):
    # Stop words have no postings: they read as unknown words and were
    # "corrected" to the nearest gene or word ("insulin al glucose").
    assert sample_index.search("insulin and glucose", limit=1).suggestions == []
    assert sample_index.search("role of the immune system in the liver", limit=1).suggestions == []


def test_facets_count_every_match_not_a_page(sample_index):
    found = sample_index.facets("signaling")
    assert found.total == sample_index.search("signaling", limit=1).total
    assert sum(n for _, n in found.decades) == found.total
    assert dict(found.organisms)["Homo sapiens"] >= 1
    by_genes = sample_index.facets(genes=["MTOR"], organism="human")
    assert by_genes.total == 8 and dict(by_genes.organisms)["Homo sapiens"] == 8
    with pytest.raises(QuerySyntaxError):
        sample_index.facets()


def test_undated_figures_are_counted_in_the_decades_as_figures_of_no_journal_are(tmp_path, sample_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, year in (("PMC5905998__pone.0195989.g001.md", "year: '2018'"),
                       ("PMC10038327__uxac107f0004.md", "year: '2023'")):
        text = (sample_dir / "new" / "_figures" / name).read_text("utf-8")
        assert year in text
        (corpus / name).write_text(text.replace(year, "year: ''") if "2023" in year else text, "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        found = ix.facets("*:*")
        assert found.total == 2 and found.decades == [("2010s", 1), ("(undated)", 1)] and found.years == [(2018, 1)]


def test_a_reversed_year_range_is_refused_not_answered_with_nothing(sample_index):
    for call in (lambda: sample_index.search("signaling", years=(2020, 2010)),
                 lambda: sample_index.search_genes(["STAT3"], years=(2020, 2010)),
                 lambda: sample_index.facets("signaling", years=(2020, 2010))):
        with pytest.raises(PfocrSearchError, match="FROM is after TO"):
            call()


@pytest.mark.parametrize("bad", [{"limit": 0}, {"limit": -1}, {"limit": 2.5}, {"offset": -5, "limit": 3}])
def test_a_page_the_cli_and_server_refuse_is_refused_by_the_api_too(sample_index, bad):
    # limit=-1 had dropped the last hit; offset=-5 returned the last five whatever the limit.
    for call in (sample_index.search, sample_index.similar):
        with pytest.raises(PfocrSearchError, match="limit|offset"):
            call("signaling" if call == sample_index.search else sample_index.every_figid()[0], **bad)
    with pytest.raises(PfocrSearchError, match="limit|offset"):
        sample_index.search_genes(["STAT3"], **bad)


@pytest.mark.parametrize("call", [
    lambda ix: ix.search(5), lambda ix: ix.search(b"signaling"), lambda ix: ix.facets(5),
    lambda ix: ix.search("signaling", organism=5), lambda ix: ix.search("signaling", journal=5),
    lambda ix: ix.search("signaling", filters="human"), lambda ix: ix.search("signaling", years="2015:2020"),
    lambda ix: ix.search("signaling", years=2015), lambda ix: ix.search("signaling", years=("a", "b")),
    lambda ix: ix.search("signaling", years=(2010, 10000)), lambda ix: ix.get(None),
    lambda ix: ix.search_genes([None]), lambda ix: ix.search_genes(5), lambda ix: ix.stats(top=-1)])
def test_arguments_of_the_wrong_kind_are_one_clear_error(sample_index, call):
    # Each had failed deep inside with Python's own AttributeError, TypeError or ValueError.
    with pytest.raises(PfocrSearchError) as raised:
        call(sample_index)
    assert "\n" not in str(raised.value) and type(raised.value) is PfocrSearchError


def test_one_source_given_as_a_string_is_one_path(tmp_path, sample_dir):
    # "records" had been read letter by letter: "source does not exist: r".
    with FigureIndex.build(str(sample_dir / "seed"), tmp_path / "ix") as ix:
        assert len(ix) == 1


def test_years_are_four_digit_in_every_interface(sample_index, run, sample_index_path):
    # --year had refused "1:2" while the server and the API took years=(0, 0).
    assert sample_index.search("signaling", years=(1000, 9999)).total > 0
    with pytest.raises(PfocrSearchError, match="from 1000 to 9999"):
        sample_index.search("signaling", years=(0, 0))
    refused = run("search", "signaling", "-i", str(sample_index_path), "--year", "1:2")
    assert refused.exit_code == 2 and "four-digit" in refused.stderr and len(refused.stderr.splitlines()) == 1


def test_years_as_a_dataframe_gives_them_are_years(sample_index):
    # A pandas column with a missing value holds floats (2010.0) and NaN; () is no range.
    dated = sample_index.search("signaling", years=(2010, None)).total
    for given in ((2010.0, None), (np.float64(2010), float("nan")), ("2010", None), [np.int64(2010), None]):
        assert sample_index.search("signaling", years=given).total == dated
    assert sample_index.search("signaling", years=()).total == sample_index.search("signaling").total


def test_one_gene_given_as_a_string_is_one_term(sample_index):
    # "STAT3" had been searched as S, T, A, T and 3.
    one, listed = sample_index.search_genes("STAT3"), sample_index.search_genes(["STAT3"])
    assert [r.term for r in one.resolutions] == ["STAT3"]
    assert [h.figid for h in one] == [h.figid for h in listed] and listed.total
    with_text = [sample_index.search("signaling", genes=genes).total for genes in ("STAT3", ["STAT3"])]
    assert with_text[0] == with_text[1]
    assert [r.term for r in sample_index.resolve("STAT3")] == ["STAT3"]
    # A blank term is none, as on the command line; numpy's integers are whole numbers.
    assert [r.term for r in sample_index.search_genes(["STAT3", "", "  "]).resolutions] == ["STAT3"]
    assert len(sample_index.search_genes(["STAT3"], limit=np.int64(2))) == 2


@pytest.mark.parametrize("organism", ["human", "mouse", "rat"])
def test_facets_of_genes_count_the_figures_gene_search_finds(sample_index, organism):
    # Another species' STAT3 is not this organism's: both must use organism-qualified gene terms.
    symbols = sorted({g.symbol for figid in sample_index.every_figid() for g in sample_index.get(figid).genes})
    differ = [s for s in symbols
              if sample_index.facets(genes=[s], organism=organism).total
              != sample_index.search_genes([s], organism=organism).total]
    assert len(symbols) > 500 and differ == []


def test_similar_figures(sample_index):
    results = sample_index.similar("PMC4665079__cshperspect-SIG-006080_F6", limit=5)
    assert len(results) == 5 and all(h.figid != "PMC4665079__cshperspect-SIG-006080_F6" for h in results)
    # Overlap counts the figure's words (one OCR word mapped to many genes is one): 9 here.
    assert results[0].overlap > 6 and results[0].figid in {"PMC5466160__AnnalsATS.201507-450MG_f1",
                                                             "PMC10033547__fimmu-14-1063018-g008"}
    no_genes = sample_index.similar("PMC10036181__jbm-2023-30-1-1f4", limit=3)
    assert len(no_genes) == 3 and all(h.figid != "PMC10036181__jbm-2023-30-1-1f4" for h in no_genes)
    paged = sample_index.similar("PMC10036181__jbm-2023-30-1-1f4", limit=2, offset=1)
    assert [h.figid for h in paged] == [h.figid for h in no_genes[1:3]] and paged[0].rank == 2
    page2 = sample_index.similar("PMC4665079__cshperspect-SIG-006080_F6", limit=3, offset=2)
    assert [h.figid for h in page2] == [h.figid for h in results[2:5]]


def test_public_api_is_exported_typed_and_documented():
    import inspect

    import pfocr_search

    assert all(hasattr(pfocr_search, name) for name in pfocr_search.__all__)
    for name in ("FigureIndex", "Hit", "GeneHit", "Resolution", "Facets", "UpdateReport", "FigureRecord"):
        assert inspect.getdoc(getattr(pfocr_search, name)), name
    for method in ("build", "sync", "open", "update", "search", "search_genes", "resolve", "similar", "facets",
                   "get", "stats"):
        func = getattr(pfocr_search.FigureIndex, method)
        assert inspect.getdoc(func) and inspect.signature(func).return_annotation is not inspect.Signature.empty
    assert (Path(pfocr_search.__file__).parent / "py.typed").is_file()


def test_journal_filter_matches_the_name_facets_list_whatever_its_letters(tmp_path, sample_dir):
    """Journals are indexed and looked up with one key: a name with ß (which
    case-folds to ss) is found by the name facets show, in any case."""
    figure = sample_dir / "new" / "_figures" / "PMC10033547__fimmu-14-1063018-g008.md"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / figure.name).write_text(figure.read_text("utf-8").replace(
        "journal_title: Frontiers in Immunology", "journal_title: Weiße Blätter der Immunologie"), "utf-8")
    with FigureIndex.build([corpus], tmp_path / "ix") as ix:
        listed = ix.facets("autophagy").journals
        assert listed == [("Weiße Blätter der Immunologie", 1)]
        for name in ("Weiße Blätter der Immunologie", "WEISSE BLÄTTER DER IMMUNOLOGIE", " weiße  blätter der immunologie"):
            assert [h.figid for h in ix.search("autophagy", journal=name)] == [figure.stem], name
        with pytest.raises(UnknownFilterError, match="did you mean 'Weiße Blätter der Immunologie'"):
            ix.search("autophagy", journal="Blätter der Immunologie")


def test_old_layout_figures_are_filtered_and_counted_by_the_journal_their_reftext_names(sample_index, run,
                                                                                       sample_index_path):
    # Old-layout records have only a reftext ("Wei Cao, et al. PLoS Biol. 2007 ..."): no
    # journal filter found them and facets counted them as "(unknown)".
    assert sample_index.get("PMC1971124__pbio.0050248.g004").journal == "PLoS Biol"
    assert [h.figid for h in sample_index.search("signaling", journal="PLoS Biol")] == ["PMC1971124__pbio.0050248.g004"]
    assert ("J Clin Invest", 2) in sample_index.facets("*:*", top=100).journals
    found = run("search", "signaling", "-i", str(sample_index_path), "-f", "tsv", "--fields", "figid",
                "--journal", "J Clin Invest").stdout.splitlines()
    assert sorted(found[1:]) == ["PMC1451216__JCI0628535.f1", "PMC2631308__JCI0938420.f1"]


def test_an_organism_no_figure_has_is_an_error_naming_the_closest(sample_index):
    # It had matched nothing, silently: an empty page, or "not found" for every gene.
    for call in (lambda o: sample_index.search("signaling", organism=o), lambda o: sample_index.resolve(["STAT3"], o),
                 lambda o: sample_index.search_genes(["STAT3"], organism=o), lambda o: sample_index.background(o),
                 lambda o: sample_index.enrich({"s": ["STAT3"]}, organism=o),
                 lambda o: sample_index.facets("signaling", organism=o)):
        with pytest.raises(UnknownFilterError, match=r"organism 'humna'; did you mean 'human'\?"):
            call("humna")
        with pytest.raises(UnknownFilterError, match="did you mean 'Mus musculus'"):
            call("Mus musclus")
        call("mouse")
        call("  ")  # blank, as an empty form field: no filter, in every interface


def test_a_blank_organism_or_journal_is_no_filter(sample_index, run, sample_index_path):
    assert len(sample_index.search("signaling", organism=" ", journal="\t")) == len(sample_index.search("signaling"))
    assert run("search", "signaling", "-i", str(sample_index_path), "--organism", "   ").exit_code == 0


def _typed_gene_terms(q) -> set[str]:
    """Gene-field terms of a parsed query that stand for typed words (not family members)."""
    from whoosh import query as wq

    if isinstance(q, wq.DisjunctionMax):
        return set()
    if isinstance(q, wq.Term):
        return {q.text} if q.fieldname == "genes" else set()
    return set().union(*(_typed_gene_terms(c) for c in q.children())) if not q.is_leaf() else set()


@pytest.mark.parametrize("text, genes", [
    ("role of the immune system", set()),
    ("insulin and glucose", set()),
    ("cells that can set the clock", set()),
    ("Wnt signaling", {"WNT"}),
    ("stat3 and jak1 in cancer", {"STAT3", "JAK1"}),
    ("JAK STAT signaling", {"JAK", "STAT"}),
    ("genes:set the clock", {"SET"}),
])
def test_only_words_written_as_gene_symbols_search_the_gene_field(sample_index, text, genes):
    from pfocr_search.query.parser import parse_query

    assert _typed_gene_terms(parse_query(sample_index._parser, text)) == genes


def test_a_corrected_query_is_ranked_as_if_typed_proximity_included(sample_index_path):
    data = load_config().to_dict()
    data["search"]["proximity"] = 2.0
    with FigureIndex.open(sample_index_path, parse_config(data)) as ix:
        corrected = ix.search("insulinn signalng", limit=10)
        assert corrected.corrected_from == "insulinn signalng" and len(corrected.query.split()) == 2
        typed = ix.search(corrected.query, limit=10)
        assert [(h.figid, round(h.score, 6)) for h in corrected] == [(h.figid, round(h.score, 6)) for h in typed]


@pytest.mark.parametrize("compound, part, gene", [("TGF-β", "tgf", "TGF"), ("β-catenin", "catenin", "CTNNB1")])
def test_a_split_word_is_one_concept_not_its_letters(sample_index, compound, part, gene):
    # Whoosh OR'ed the parts: "TGF-β" found every figure with a "b" (a panel
    # label, "Beta-AR"), and "IFN-γ" three figures with a "g" though no demo
    # figure names IFN-γ.  (The curated synonyms name β-catenin's gene, CTNNB1.)
    assert sample_index.search("IFN-γ").total == 0
    hits = sample_index.search(compound, limit=50)
    assert hits.total > 0
    for hit in hits:
        record = sample_index.get(hit.figid)
        text = " ".join((record.figtitle, record.caption, record.papertitle, *record.keywords,
                         *record.page_keywords)).casefold()
        assert part in text or gene.casefold() in text or any(g.symbol.upper().startswith(gene)
                                                             for g in record.genes), hit.figid


def test_words_joined_by_a_hyphen_count_in_full_and_symbol_parts_at_half(sample_index):
    # "sterol-sensing", "cell-death": a user could as well have typed the words
    # apart; the parts of a symbol ("TGF-β") alone are weak evidence.
    def lines(q):
        results = sample_index.search(q, limit=1, explain=True)
        return "\n".join(results.explanations[results[0].figid].lines())
    words, symbol = lines("cell-death"), lines("TGF-β")
    assert 'caption:"cell death"' in words and "caption:death (BM25F" in words
    assert not re.search(r"caption:(cell|death) \(BM25F[^\n]*boost 0\.5\)", words)
    assert 'caption:"tgf b"' in symbol and re.search(r"caption:tgf \(BM25F[^\n]*boost 0\.5\)", symbol)


def test_words_joined_by_a_hyphen_have_their_parts_coordinated_across_fields(index_of):
    # The parts were built field by field and Whoosh's normalising merged them
    # into the word's plain OR: one part alone scored as if it were the word,
    # so a figure about drug resistance outranked one about insulin resistance.
    with index_of(("PMC1001__insulin", "Insulin acts on muscle; resistance develops over years in many tissues."),
                  ("PMC1002__drugs", "Resistant strains resist drugs; resistance spreads.",
                   "Resistance and resistant bacteria")) as ix:
        results = ix.search("insulin-resistant", explain=True)
        assert [h.figid for h in results] == ["PMC1001__insulin", "PMC1002__drugs"]
        lines = "\n".join(results.explanations["PMC1002__drugs"].lines())
        assert "coordination: 1 of 2 query words matched" in lines
        # Typed apart or joined, a word's parts are searched alike.
        assert "caption:insulin" in results.parsed and "genes:" not in results.parsed


def test_a_number_inside_a_compound_is_no_part_of_its_own(index_of):
    # "MYB-12" had found, through its part "12", a figure whose only "12" was
    # a tRNA's name: a lone number (a panel, a step, a reference) says nothing.
    with index_of(("PMC1001__myb", "MYB-12 activates flavonol synthase in grape."),
                  ("PMC1002__trna", "Regulators of motility bind tRNA:Asp-GTC-1-12 in the operon."),
                  ("PMC1003__myb", "The MYB family of factors.")) as ix:
        results = ix.search("MYB-12")
        assert [h.figid for h in results] == ["PMC1001__myb", "PMC1003__myb"]
        assert "caption:12" not in results.parsed and "caption:myb^0.5" in results.parsed


@pytest.mark.parametrize("apart, together, phrase", [("ER beta", "ER-beta", '"er b"'),
                                                      ("PPAR γ signaling", "PPAR-γ signaling", '"ppar g"'),
                                                      ("IL 6 release", "IL-6 release", '"il 6"'),
                                                      ("p 53", "p-53", '"p 53"'),
                                                      ("NF kappa B", "NF-κB", '"nf kb"'),
                                                      ("TGF beta I receptor", "TGF-beta I receptor", '"tgf b"')])
def test_a_letter_or_number_written_apart_belongs_to_the_word_before(sample_index, apart, together, phrase):
    # "ER beta" searched "er" and "b", the letter matching every panel label "(B)".
    parsed = sample_index.search(apart, limit=1).parsed
    assert parsed == sample_index.search(together, limit=1).parsed
    assert f"caption:{phrase}" in parsed  # one concept: its phrase, not a word and a lone letter


@pytest.mark.parametrize("spelled", ["G beta gamma", "G β γ", "G-beta gamma", "Gβ γ"])
def test_two_greek_letters_written_apart_are_the_pair_figures_write(sample_index, spelled):
    # "G beta gamma" had read as G-β and a lone "gamma", never meeting the
    # caption's "Gβγ subunits" (PMC100008).
    results = sample_index.search(spelled, limit=3)
    assert results.parsed == sample_index.search("Gβγ", limit=1).parsed
    assert results[0].figid == "PMC100008__mb2411709009"


@pytest.mark.parametrize("typed", ["Galphaq", "G alpha q", "G-alpha-q", "G α q", "Gαq"])
def test_a_g_proteins_alpha_subunit_and_class_letter_are_one_name(index_of, typed):
    # "Galphaq" and "G alpha q" had found nothing where "Gαq" found the figure
    # (PMC1052007, by a fresh-records pass): a letter after a spelled Greek
    # letter was left a word's, and "q" apart a lone letter.
    with index_of(("PMC1001__gq", "Angiotensin II signals through Gαq and PLCβ to raise calcium."),
                  ("PMC1002__gs", "Gαs raises cAMP in cardiomyocytes.")) as ix:
        assert [h.figid for h in ix.search(typed, limit=3)] == ["PMC1001__gq"]
        assert [h.figid for h in ix.search(typed.replace("q", "s"), limit=3)] == ["PMC1002__gs"]


@pytest.mark.parametrize("typed", ["G alpha s, G alpha q", "IL 6, IL 10; TNF", "PPAR gamma.", "ERK 1/2, p38"])
def test_a_letter_written_apart_joins_its_word_before_a_comma(sample_index, typed):
    # "G alpha s, G alpha i and G alpha q subunits" (a judged query) had left "s," a
    # word of its own, searched in every field, and Gαs unsought.
    plain = sample_index.search(typed.replace(",", "").replace(";", "").replace(".", ""), limit=1).parsed
    assert sample_index.search(typed, limit=1).parsed == plain
    assert "caption:s " not in plain + " " and "caption:6 " not in plain + " "


@pytest.mark.parametrize("typed", ["Galpha q", "Gα q", "Galphaq"])
def test_a_g_proteins_class_letter_written_apart_is_not_corrected_away(tmp_path, typed):
    # Two real figures: "Galpha q" had been corrected to "alpha q" (PMC2651818's
    # chemical "Alpha-D-glucose" holds "alpha"), missing PMC1052007's Gαq.
    with FigureIndex.build([Path(__file__).parent / "data" / "gq"], tmp_path / "ix") as ix:
        results = ix.search(typed, limit=3)
        assert results.corrected_from is None and [h.figid for h in results][:1] == ["PMC1052007__JCI0524159.f1"]


@pytest.mark.parametrize("typed, read_as", [("IL 6 beta", "IL-6 beta"), ("ER beta 2", "ER-beta 2"),
                                             ("NF kappa B alpha", "NF-κB alpha"),
                                             # isoforms, not a pair: "αβ" folds as "ab", amyloid-β's form
                                             ("PKC alpha beta", "PKC-alpha beta"),
                                             ("IFN alpha beta", "IFN-alpha beta")])
def test_only_a_greek_letter_after_a_letter_and_a_greek_letter_chains(sample_index, typed, read_as):
    # A number, or κB, before a Greek letter is not half of a pair.
    assert sample_index.search(typed, limit=1).parsed == sample_index.search(read_as, limit=1).parsed


@pytest.mark.parametrize("typed", ["PKC µ beta", "G ϐ γ", "p-ϑ Ω", "G-µ beta", "G beta ϰ"])
def test_greek_look_alikes_beside_greek_letters_are_searched_not_a_crash(sample_index, typed):
    # The micro sign and the Greek symbol forms had matched the letters' pattern
    # but not their table: "internal error: TypeError" (HTTP 500).
    sample_index.search(typed, limit=1)


@pytest.mark.parametrize("apart, together", [("ERK 1/2", "ERK1/2"), ("ERK 1 / 2", "ERK1/2"), ("ERK1 / 2", "ERK1/2"),
                                             ("ERK1 /2", "ERK1/2"), ("p44 / 42 MAPK", "p44/42 MAPK"),
                                             ("Smad 2/3", "Smad2/3")])
def test_a_slashed_number_written_apart_is_the_name_written_together(slashed_index, apart, together):
    # "ERK 1/2" searched ERK, 1 and 2, and ranked other figures than "ERK1/2".
    assert slashed_index.search(apart, limit=1).parsed == slashed_index.search(together, limit=1).parsed


@pytest.fixture()
def slashed_index(index_of):
    # Real captions (PMC5490411, PMC3220353) write both "Smad 2/3" and "ERK1/2".
    with index_of(("PMC1001__spaced", "This then leads to the phosphorylation of R-Smads (Smad 2/3 for the TGFβ "
                                      "subfamily; Smad 1/5/8 for the BMP subfamily)."),
                  ("PMC1002__joined", "Ras-GTP ultimately activates ERK1/2 and Smad2/3, which mediates GLUT4 "
                                      "transcription."),
                  ("PMC1003__other", "Smad4 and ERK5 and ERK 7 in the nucleus, p44/42 MAPK.")) as ix:
        yield ix


def test_a_slashed_number_finds_the_name_written_with_or_without_a_space(slashed_index):
    # "Smad2/3" had not found "Smad 2/3": the index holds its parts apart.
    for typed in ("Smad2/3", "Smad 2/3", "Smad 2 / 3"):
        ranked = [h.figid for h in slashed_index.search(typed)]
        assert set(ranked[:2]) == {"PMC1001__spaced", "PMC1002__joined"}, typed
    assert [h.figid for h in slashed_index.search("ERK 1/2")][:1] == ["PMC1002__joined"]


def test_paralog_numbers_written_apart_belong_to_the_word_before(index_of):
    # "ERK 1/2" searched "erk" and the phrase "1 2", so a caption's "ERK1/2"
    # (erk1, 2) counted as "ERK" at most; it reads as "ERK1/2", the genes too.
    with index_of(("PMC1001__erk", "Growth factors activate ERK1/2, Smad2/3 and Smad1/5/8 in fibroblasts."),
                  ("PMC1002__panel", "Panels 1/2 of ERK signaling.")) as ix:
        for apart, together in (("ERK 1/2", "ERK1/2"), ("Smad 2/3", "Smad2/3"), ("Smad 1/5/8", "Smad1/5/8")):
            assert ix.search(apart, limit=1).parsed == ix.search(together, limit=1).parsed, apart
        assert 'caption:"erk1 2"' in ix.search("ERK 1/2").parsed
        assert ix.search("ERK 1/2")[0].figid == "PMC1001__erk"


def test_a_greek_letter_joined_to_its_word_reads_as_written_apart(index_of):
    # "PPARgamma" searched "pparg" alone, so the figure about the "PPARs"
    # that "PPAR gamma" finds through its part "ppar" was missed.
    with index_of(("PMC1001__ppars", "Ligands of the PPARs in fat.", "PPAR signalling"),
                  ("PMC1002__pparg", "PPARγ, TNF-α and GSK3β in adipocytes, not the microbiota.")) as ix:
        for joined, apart in (("PPARgamma", "PPAR gamma"), ("PPARγ", "PPAR γ"), ("TNFalpha", "TNF alpha"),
                              ("GSK3beta", "GSK3 beta")):
            assert ix.search(joined).parsed == ix.search(apart).parsed, joined
        assert {h.figid for h in ix.search("PPARgamma")} == {"PMC1001__ppars", "PMC1002__pparg"}
        # A word that merely ends in a letter's name is one word.
        assert '"' not in ix.search("microbiota").parsed


def test_a_letter_alone_or_after_a_number_stays_a_word(sample_index):
    for text in ("beta", "2 5", "alpha beta"):
        assert "-" not in sample_index.search(text, limit=1).parsed


def test_function_words_are_not_searched(sample_index):
    # "its" stemmed to "it" and was scored as a title word.
    parsed = sample_index.search("its receptor both which", limit=1).parsed
    assert ":it" not in parsed and "both" not in parsed and "which" not in parsed and "receptor" in parsed


def test_a_misspelt_greek_letter_is_corrected_to_the_letter(index_of):
    # The index holds Greek letters folded ("λ" as "l"), never their names,
    # so "lamda" had been corrected to the gene LAMP1.
    with index_of(("PMC1001__ifn", "Interferon-λ signalling in epithelia."),
                  ("PMC1002__lamp", "LAMP1 marks lysosomes in interferon responses.")) as ix:
        results = ix.search("interferon lamda", limit=3)
        assert results.corrected_from == "interferon lamda"
        assert 'caption:"interferon l"' in results.parsed and "LAMP1" not in results.parsed
        assert results[0].figid == "PMC1001__ifn"


def test_an_abbreviation_the_index_lacks_is_not_read_as_another(index_of):
    # One edit from BER (base excision repair) is BCR, the B-cell receptor.
    with index_of(("PMC1001__ber", "Base excision repair of oxidised bases.", "NEIL2 in base excision repair"),
                  ("PMC1002__bcr", "Antigen receptors of B cells.", "BCR signalling in B cells")) as ix:
        results = ix.search("base excision repair (BER)")
        assert results.corrected_from is None and "bcr" not in results.parsed.lower()
        assert results[0].figid == "PMC1001__ber"
        # A longer word written as a symbol is still one slip from the word meant,
        # but not one character for another: NEIL3 is NEIL2's paralog, NCED not "need".
        assert ix.search("NEILL2 excision").query == "neil2 excision"
        assert ix.search("NEIL3 excision").corrected_from is None


def test_a_symbol_is_not_respelled_as_a_word_one_character_apart(index_of):
    # NCED (the carotenoid cleavage enzyme) had become "need", FLD1 (a yeast gene
    # written "Δfld1") the word "flt1"; a slip that drops or doubles a letter still mends.
    with index_of(("PMC1001__need", "Plants need carotenoid precursors.", "Carotenoid supply"),
                  ("PMC1002__flt", "Flt1 binds VEGF in methanol-fixed cells.", "VEGF receptors"),
                  ("PMC1003__apo", "Apoptosis of hepatocytes.", "Apoptosis")) as ix:
        for typed in ("NCED carotenoid", "FLD1 methanol"):
            assert ix.search(typed).corrected_from is None, typed
        assert ix.search("FLLT1 methanol").query == "flt1 methanol"
        # A long word in capitals is a word typed loudly, not a symbol: a wrong letter still mends.
        assert ix.search("APOPTOZIS").query == "apoptosis" and ix.search("ApoptoZis").query == "apoptosis"


def test_a_short_word_is_not_corrected_to_one_two_edits_away_nor_a_pattern_at_all(index_of):
    # In an index without "hippo", "hipo" had become "ho" (two edits, half
    # the word), and the pattern "casp*" had become "ca2*".
    with index_of(("PMC1001__ho", "Keap1-Nrf2/HO-1 signalling in lung injury.", "HO-1 signalling"),
                  ("PMC1002__casp", "Caspase-1 cleaves gasdermin D.", "Ca2 and caspase signalling")) as ix:
        for typed in ("hipo signalling", "casp* signalling"):
            results = ix.search(typed)
            assert results.corrected_from is None and results.query == typed, typed
        assert [h.figid for h in ix.search("casp*")] == ["PMC1002__casp"]


@pytest.mark.parametrize("typed", ["alphabet", "minutes", "help or hinder", "morphine shrinks"])
def test_a_correct_word_no_figure_holds_is_not_rewritten_as_another_two_edits_away(sample_index, typed):
    # The demo corpus lacks these words: "alphabet" had become "Alpha-re",
    # "minutes" "minus", "hinder" "higher", "shrinks" "sinks".
    results = sample_index.search(typed)
    assert (results.corrected_from, results.suggestions) == (None, []), results.suggestions


def test_a_words_letters_typed_out_of_order_are_one_slip(index_of):
    # "double strand brake repair" had become "braf" (two edits): "break" is as far by edits.
    with index_of(("PMC1001__dsb", "DNA double strand break repair by homologous recombination and NHEJ."),
                  ("PMC1002__braf", "BRAF and MEK in melanoma.")) as ix:
        results = ix.search("double strand brake repair")
        assert results.suggestions == ["double strand break repair"]
        assert [h.figid for h in results] == ["PMC1001__dsb"]


def test_a_british_spelling_the_index_lacks_is_searched_as_the_american(index_of):
    # "homoeostasis" differs from "homeostasis" in its fourth letter, which
    # the nearest-word search keeps, so it was never corrected.  (Spellings
    # `spellings` folds, "oestrogen" and "haemoglobin", need no correction.)
    with index_of(("PMC1001__estrogen", "Estrogen receptor signalling and hemoglobin in anemia homeostasis.")) as ix:
        results = ix.search("homoeostasis")
        assert results.corrected_from == "homoeostasis" and [h.figid for h in results] == ["PMC1001__estrogen"]
        for typed in ("oestrogen receptor", "haemoglobin anaemia"):
            results = ix.search(typed)
            assert results.corrected_from is None and [h.figid for h in results] == ["PMC1001__estrogen"]


def test_a_symbol_whose_numbered_forms_the_index_holds_is_not_a_typo(index_of):
    # "mTORC" searches mTORC1 and mTORC2: it had been "corrected" to mtorc1
    # (and "CXCR" to cxcr6) once no lead kept a cut-off "mTORC" for it.
    with index_of(("PMC1001__mtorc", "mTORC1 and mTORC2 in growth, and CXCR4 on T cells."),
                  ("PMC1002__other", "Insulin signalling in the liver.")) as ix:
        for typed in ("mTORC", "CXCR"):
            results = ix.search(typed)
            assert results.corrected_from is None and [h.figid for h in results] == ["PMC1001__mtorc"], typed


def test_a_symbol_also_finds_its_numbered_forms_below_itself(index_of):
    # "mTOR" had never met "mTORC1", nor "ERK" "ERK1/2".
    with index_of(("PMC1001__mtorc1", "mTORC1 and ERK1/2 in growth."),
                  ("PMC1002__mtor", "mTOR in growth."),
                  ("PMC1003__motor", "Motor proteins in growth.")) as ix:
        assert [h.figid for h in ix.search("mTOR")] == ["PMC1002__mtor", "PMC1001__mtorc1"]
        assert [h.figid for h in ix.search("ERK")] == ["PMC1001__mtorc1"]
        assert [h.figid for h in ix.search("motor")] == ["PMC1003__motor"]  # a word, not a symbol


def test_a_spelled_greek_letter_after_a_digit_and_a_letter_is_read_apart(index_of):
    # "PI3Kγ" was read as "PI3K-γ" and "PI3Kgamma" as one unknown word.
    with index_of(("PMC1001__pi3k", "PI3K-γ in neutrophils."), ("PMC1002__other", "Insulin in muscle.")) as ix:
        assert [h.figid for h in ix.search("PI3Kgamma")] == [h.figid for h in ix.search("PI3Kγ")] == ["PMC1001__pi3k"]


def test_spelled_greek_letters_inside_a_symbol_meet_the_greek_ones(index_of):
    # "IkappaBalpha" stayed one word no figure holds, where "IκBα" found the figure:
    # only one spelled letter, or kappa and one letter (kappaB), was read.
    with index_of(("PMC1001__ikb", "IκBα is degraded after IκB kinase β (IKKβ) phosphorylates it."),
                  ("PMC1002__spelled", "IkappaBalpha and IkappaBbeta bind NF-kappaB."),
                  ("PMC1003__other", "Insulin in muscle.")) as ix:
        for typed, greek in (("IkappaBalpha", "IκBα"), ("IkappaBbeta", "IκBβ"), ("IKKbeta", "IKKβ")):
            spelled = [h.figid for h in ix.search(typed)]
            assert spelled == [h.figid for h in ix.search(greek)] and spelled, typed
        assert {h.figid for h in ix.search("IκBα")} == {"PMC1001__ikb", "PMC1002__spelled"}
        assert {h.figid for h in ix.search("NFkappaB")} == {"PMC1002__spelled"}
        # The caption's definition of IKKβ is IKKbeta's too.
        assert ix.search("IKKbeta", explain=True).understood.synonyms == ("IKKbeta = IκB kinase β",)


@pytest.mark.parametrize("word", ["alphabet", "betaine", "deltamethrin", "Kappaphycus", "betacoronavirus",
                                  "Tibetan", "microbiota", "cytomegalovirus"])
def test_words_holding_a_greek_letters_name_keep_their_meaning(index_of, word):
    # Spelled letters are read inside symbols (IkappaBalpha), never inside words.
    with index_of(("PMC1001__word", f"The {word} figure."), ("PMC1002__other", "Insulin in muscle.")) as ix:
        results = ix.search(word, explain=True)
        assert [h.figid for h in results] == ["PMC1001__word"]
        assert f"caption:{word.lower()[:6]}" in results.understood.parsed
        assert results.understood.corrected_from is None


def test_letters_spelled_with_nothing_else_are_a_word(index_of):
    # "alphabeta" was folded to "ab", the fold of "Aβ": "alphabeta T cells" found amyloid-β figures.
    with index_of(("PMC1001__abeta", "Aβ aggregates in Alzheimer disease."),
                  ("PMC1002__tcells", "Alphabeta T cells and gammadelta T cells patrol the gut.")) as ix:
        for typed in ("alphabeta", "gammadelta"):
            assert [h.figid for h in ix.search(typed)] == ["PMC1002__tcells"], typed
        assert [h.figid for h in ix.search("Aβ")] == ["PMC1001__abeta"]


def test_an_ion_written_with_its_charge_is_the_ion(index_of):
    # "K+" lost its charge and searched "k": hnRNP K and K. lactis ranked for it.
    with index_of(("PMC1001__k", "Potassium efflux through K+ channels."), ("PMC1002__hnrnp", "hnRNP K binds RNA."),
                  ("PMC1003__lactis", "K. lactis and S. cerevisiae mate."),
                  ("PMC1004__ca", "Ca2+ release from the ER."), ("PMC1005__caplus", "Ca++ influx into the cell."),
                  ("PMC1006__ca2", "CA2 is a carbonic anhydrase."), ("PMC1007__cd4", "CD4+ T cells respond.")) as ix:
        hits = ix.search("K+")
        assert [h.figid for h in hits] == ["PMC1001__k"]
        # (the curated list's name for it is marked too)
        assert [hits[0].snippet[a:b] for a, b in hits[0].highlights] == ["Potassium", "K+"]
        for typed in ("Ca2+", "Ca++", "Ca²⁺"):
            assert {h.figid for h in ix.search(typed)} == {"PMC1004__ca", "PMC1005__caplus"}, typed
        assert "PMC1004__ca" in [h.figid for h in ix.search("Ca2")]  # the bare symbol still finds it
        for typed in ("CD4", "CD4+"):  # a marker-positive cell is no ion: read as before
            assert [h.figid for h in ix.search(typed)] == ["PMC1007__cd4"], typed


def test_a_negative_ion_written_with_its_charge_is_the_ion(index_of):
    # "Cl−" and "HCO3−" lost their charge: "Cl-" searched every "Cl" (Cl-dependent, BCl-2)
    # and "O2−" every "O2" (oxygen).  The first caption is PMC9692616's, as written.
    with index_of(("PMC1001__hco3", "Na+/K+-ATPase and the Na+/HCO3− cotransporter on the basolateral membranes; "
                                    "activation of the mitochondrial Ang II/AT1aR/O2−signaling."),
                  ("PMC1002__cl", "CFTR conducts Cl- and HCO3-; the Cl-/HCO3- exchanger and Cl⁻ channels."),
                  ("PMC1003__o2", "O2 sensing by PHD2 under hypoxia."),
                  ("PMC1004__dep", "Cl-dependent transport and BCl-2 in type I- and II-interferon signaling.")) as ix:
        for typed in ("HCO3−", "HCO3-", "HCO₃⁻"):
            assert {h.figid for h in ix.search(typed)} == {"PMC1001__hco3", "PMC1002__cl"}, typed
        for typed in ("Cl-", "Cl−", "Cl⁻"):
            assert [h.figid for h in ix.search(typed)] == ["PMC1002__cl"], typed
        assert [h.figid for h in ix.search("O2−")] == ["PMC1001__hco3"]
        # An ion is no gene symbol: "Cl-" had searched genes:CL, "Ca2+" genes:CA2 (carbonic anhydrase 2).
        for typed in ("Cl-", "Cl−", "Ca2+", "K+"):
            assert "genes:" not in ix.search(typed, explain=True).understood.parsed, typed
        hit = ix.search("HCO3−")[0]
        assert {hit.snippet[a:b] for a, b in hit.highlights} <= {"HCO3−", "HCO3-"} and hit.highlights
        # A hyphen joining a word is no charge: "Cl-dependent" is the word it was; I- and F- stay letters.
        assert [h.figid for h in ix.search("Cl-dependent")][:1] == ["PMC1004__dep"]
        assert "PMC1004__dep" in [h.figid for h in ix.search("type I")]


@pytest.mark.parametrize("typed, protein", [("pSTAT3", "STAT3"), ("p-STAT3", "STAT3"), ("p-ERK", "ERK"),
                                            ("pERK", "ERK"), ("phospho-JAK2", "JAK2"), ("pERK1/2", "ERK1/2"),
                                            ("c-Myc", "Myc"), ("c-Fos", "Fos"), ("STAT3+", "STAT3")])
def test_a_protein_in_a_state_is_the_protein(sample_index, typed, protein):
    # "p-ERK" and "pERK" had been PERK (EIF2AK3, the ER-stress kinase); "pSTAT3" had found
    # nothing; "c-Myc" searched no gene, where "Myc" is MYC; "CD8+" only genes:CD8+.
    assert sample_index.search(typed, limit=1).parsed == sample_index.search(protein, limit=1).parsed


@pytest.mark.parametrize("typed, other", [("PERK", "ERK"), ("pH", "H"), ("p-value", "value")])
def test_a_p_before_no_protein_or_a_capital_p_is_the_word_as_typed(sample_index, typed, other):
    assert sample_index.search(typed, limit=1).parsed != sample_index.search(other, limit=1).parsed


def test_an_ions_charge_in_parentheses_is_the_ion(index_of):
    # MEDLINE's "Ca(2+)" had read as "ca" and a group "(2+)": genes:CA and
    # every "2", so "Ca(2+) homoeostasis" ranked insect symbiosis first.
    with index_of(("PMC1001__ca", "Ca2+ release from the ER raises cytosolic Ca2+."),
                  ("PMC1002__medline", "Ca(2+) influx and Na(+)/K(+)-ATPase; Cl(-) channels open."),
                  ("PMC1003__two", "CA2 and 2 other enzymes.")) as ix:
        for typed in ("Ca(2+)", "Ca2+"):
            results = ix.search(typed, explain=True)
            assert {h.figid for h in results} == {"PMC1001__ca", "PMC1002__medline"}, typed
            assert "genes:" not in results.understood.parsed, typed
        for typed in ("Na(+)", "Na+", "K(+)", "Cl(-)", "Cl−"):
            assert [h.figid for h in ix.search(typed)] == ["PMC1002__medline"], typed
        hit = ix.search("Ca2+ influx")[0]
        assert hit.figid == "PMC1002__medline" and "Ca(2+)" in {hit.snippet[a:b] for a, b in hit.highlights}
        assert [h.figid for h in ix.search("(Ca(2+) OR CA2) release")][:1] == ["PMC1001__ca"]  # groups still group


def test_nf_kappa_b_written_apart_is_nf_kb(index_of):
    # MEDLINE spells NF-κB "NF-kappa B": as a query it had searched "NF-k"
    # and a lone "B" (every panel label), and a caption so written was never
    # found by "NF-κB".
    with index_of(("PMC1001__kb", "TNF activates NF-kappa B through IKK."),
                  ("PMC1002__greek", "IKK frees NF-κB from IκBα."),
                  ("PMC1003__b", "Panel B: B cells and the NF-Y factor.")) as ix:
        for typed in ("NF-kappa B", "NF-κ B", "NF-κB", "NF kappa B", "NF-kappaB"):
            results = ix.search(typed)
            assert results.parsed == ix.search("NF-κB").parsed, typed
            assert {h.figid for h in results[:2]} == {"PMC1001__kb", "PMC1002__greek"}, typed  # NF-Y's "NF" after
        hit = next(h for h in ix.search("NF-κB") if h.figid == "PMC1001__kb")
        assert [hit.snippet[a:b] for a, b in hit.highlights] == ["NF-kappa B"]


def test_an_ion_joined_to_a_word_is_still_the_ion(index_of):
    # "Na+K+-ATPase" read "Na+" as "na", and "WNT/Ca2+signaling" joined "Ca2" to WNT:
    # the queries "Na+" and "Ca2+" (which seek the charged form alone) missed both.
    with index_of(("PMC1001__nak", "The Na+K+-ATPase pumps ions."),
                  ("PMC1002__wnt", "Noncanonical WNT/Ca2+signaling is initiated by Frizzled.")) as ix:
        assert [h.figid for h in ix.search("Na+")] == ["PMC1001__nak"]
        assert [h.figid for h in ix.search("Ca2+")] == ["PMC1002__wnt"]
        assert [h.figid for h in ix.search('"Ca2+ signaling"')] == ["PMC1002__wnt"]
        assert [h.figid for h in ix.search("WNT/Ca2+")] == ["PMC1002__wnt"]
        for typed in ("Ca2+", "WNT"):  # each highlighted, though a slash joins them
            hit = ix.search(typed)[0]
            assert [hit.snippet[a:b] for a, b in hit.highlights] == [typed], typed


def test_a_greek_letter_with_a_number_stays_joined(index_of):
    # "PLCγ1" read as "PLC-γ1" searched its part "g1": a G1-arrest figure ranked second.
    with index_of(("PMC1001__plc", "PLCγ1 hydrolyses PIP2."), ("PMC1002__g1", "G1 arrest after DNA damage.")) as ix:
        for typed in ("PLCγ1", "PLCgamma1"):
            assert [h.figid for h in ix.search(typed)] == ["PMC1001__plc"], typed


def test_numbered_forms_are_a_family_not_a_series_nor_a_stem(index_of):
    # A query with no wildcard had failed with the wildcard cap's error on
    # thousands of miRNAs, and "SARS" (stemmed "sar") matched SAR1.
    series = " ".join(f"miR{n}" for n in range(1, 5000))
    with index_of(("PMC1001__mirs", f"MicroRNAs: {series}."), ("PMC1002__sar1", "SAR1 in COPII vesicles."),
                  ("PMC1003__host", "MIR host genes."), ("PMC1004__sars", "SARS coronavirus entry.")) as ix:
        assert [h.figid for h in ix.search("MIR host genes")][0] == "PMC1003__host"
        assert [h.figid for h in ix.search("SARS")] == ["PMC1004__sars"]


def test_an_american_spelling_the_index_lacks_is_searched_as_the_british(index_of):
    # "cesarean" is one letter from "caesarean": found by no correction before.
    # (Spellings `spellings` folds, "heme" and "tumor", need no correction.)
    with index_of(("PMC1001__haem", "Haem synthesis and tumour growth in leukaemia after caesarean delivery.")) as ix:
        results = ix.search("cesarean")
        assert (results.corrected_from, results.query) == ("cesarean", "caesarean")
        assert [h.figid for h in results] == ["PMC1001__haem"]
        for typed in ("heme synthesis", "tumor", "leukemia"):
            results = ix.search(typed)
            assert results.corrected_from is None and [h.figid for h in results] == ["PMC1001__haem"]


def test_an_operator_is_never_read_as_a_word_with_a_number(sample_index):
    # "NOT 97" had been one unknown word for spelling (as "IL 6" is one word),
    # so four typos and an exclusion counted five unknown words: no correction.
    results = sample_index.search("apoptossis mitochondira autophagyy inflamation NOT 97", limit=1)
    assert results.query == "apoptosis mitochondria autophagy inflammation NOT 97"


def test_similar_counts_the_same_total_whatever_the_page(sample_index):
    # The word-alike figures had been counted among those fetched for the page: 1, 11, 21, 33...
    figid = "PMC5466160__AnnalsATS.201507-450MG_f1"
    totals = {sample_index.similar(figid, n).total for n in (1, 5, 20, 60)}
    assert len(totals) == 1
    total = totals.pop()
    paged = [h.figid for offset in range(0, total + 5, 7) for h in sample_index.similar(figid, 7, offset=offset)]
    assert len(paged) == len(set(paged)) == total


def test_an_index_folder_named_with_uri_characters_opens(tmp_path, sample_dir):
    # genes.sqlite and synonyms.sqlite are opened by URI: "ix#1" had read as a damaged file.
    with FigureIndex.build([sample_dir], tmp_path / "ix#1?%") as ix:
        assert ix.search("mTOR") and ix.search_genes(["MTOR"]) and ix.synonyms("mTOR") is not None


def test_a_typo_of_a_word_only_captions_hold_is_corrected(index_of):
    # Suggestions came from titles and keywords only: "lipidaton" stayed as typed.
    with index_of(("PMC1001__lc3", "ATG16L1 drives LC3 lipidation on membranes.", "Noncanonical autophagy"),
                  ("PMC1002__other", "Insulin signalling in the liver.")) as ix:
        results = ix.search("LC3 lipidaton")
        assert results.corrected_from == "LC3 lipidaton" and results.query == "LC3 lipidation"


def test_a_word_found_only_in_passing_counts_in_part_for_coordination(index_of):
    # "damage" once in a long caption had counted as fully as in a title, so a
    # figure about DNA binding outranked one about DNA damage for "DNA damage"
    # (15.4 against 6.1 before; now 5.6 against 6.1).
    filler = " ".join(f"Kinase{i} phosphorylates substrate{i} in the nucleus." for i in range(12))
    others = [(f"PMC20{i:02d}__other", f"Insulin signal {i} in the liver.", "Insulin") for i in range(12)]
    with index_of(("PMC1001__binding", f"NFKB binds DNA. {filler} Stress can damage cells.", "NFKB DNA binding"),
                  ("PMC1002__damage", "Checkpoints arrest the cycle. DNA damage activates ATM, and DNA damage "
                                      "signals persist.", "Genome maintenance"), *others) as ix:
        results = ix.search("DNA damage", explain=True)
        assert [h.figid for h in results] == ["PMC1002__damage", "PMC1001__binding"]
        lines = "\n".join(results.explanations["PMC1001__binding"].lines())
        assert "1 only in passing, counted in part" in lines


def test_a_word_before_a_greek_letter_or_number_written_apart_is_corrected(index_of):
    # A word and a letter or number after it ("PPAR γ", "complex 2") are read
    # as one unit, which the index held whenever it held the letter: typos
    # before one ("intereron gamma", "comelex 2") had gone uncorrected.
    with index_of(("PMC1001__ifn", "Interferon gamma and polycomb repressive complex 2 in macrophages.", "IFN"),
                  ("PMC1002__other", "Kinases in the liver.", "Kinases")) as ix:
        for typed, meant in (("intereron gamma", "interferon gamma"), ("repressive comelex 2", "repressive complex 2"),
                             ("intereron γ", "interferon γ")):
            results = ix.search(typed)
            assert (results.corrected_from, results.query) == (typed, meant)
            assert [h.figid for h in results] == ["PMC1001__ifn"]
        assert ix.search("interferon gamma").corrected_from is None


def test_a_made_up_british_spelling_is_no_correction(index_of):
    # British forms are made by putting "a" or "o" before an "e": a typo's
    # such form whose stem the index held ("deficiiaency", stemmed as
    # "deficiency" is) had been offered as the word meant.
    with index_of(("PMC1001__imd", "The immune deficiency pathway of flies.", "Imd pathway")) as ix:
        results = ix.search("immune deficiiency")
        assert (results.corrected_from, results.query) == ("immune deficiiency", "immune deficiency")


def test_a_symbol_before_a_greek_letter_written_apart_is_no_typo(index_of):
    # Read alone, "PPAR" of "PPAR γ" is a word the index lacks, and "did you
    # mean" had offered the gene PPARA: a symbol and its letter are one name.
    with index_of(("PMC1001__pparg", "PPARG and PPARA regulate lipid genes.", "PPARG")) as ix:
        assert ix.search("PPAR γ signaling").corrected_from is None


def test_of_equally_near_corrections_the_one_found_with_the_other_words_wins(index_of):
    # "transferming" is one slip from "transforming" and from "transferring",
    # which shares a longer start and had won: "transferming growth factor
    # beta" was searched as "transferring growth factor beta".
    with index_of(("PMC1001__tgf", "Transforming growth factor beta signals through Smads.", "TGF-β"),
                  ("PMC1002__rna", "Transferring RNA between cells.", "Transfer")) as ix:
        results = ix.search("transferming growth factor beta")
        assert results.query == "transforming growth factor beta"
        assert ix.search("transferming").query == "transferring"  # no other words: the longer shared start


def test_a_deletion_mutant_is_found_by_its_gene(index_of):
    # "Δfld1 strain" had been found only as "Δfld1" or "dfld1": Δ folded into the word.
    with index_of(("PMC1001__fld", "Methanol uptake in the control and Δfld1 strains.", "Methanol use"),
                  ("PMC1002__cftr", "ΔF508-CFTR misfolds in airway cells.", "CFTR folding"),
                  ("PMC1003__names", "Stabilised δ-catenin binds δEF1.", "Delta names")) as ix:
        for typed, figid in (("fld1", "PMC1001__fld"), ('"fld1 strains"', "PMC1001__fld"), ("Δfld1", "PMC1001__fld"),
                             ("F508", "PMC1002__cftr"), ('"ΔF508-CFTR misfolds"', "PMC1002__cftr")):
            assert [h.figid for h in ix.search(typed)] == [figid], typed
        hit = ix.search("fld1")[0]
        assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Δfld1"]
        # A small δ starts names, not deletions: δEF1 is not EF1, nor δ-catenin a second "catenin".
        assert not ix.search("EF1") and not ix.search('"stabilised catenin"')
