"""Every query string gets results or one clear error, quickly.

Each crash shape here was an "internal error" (exit 3) in the CLI and a raw
exception in the API; each long query took seconds to minutes.  A query is
now answered or refused with one `QuerySyntaxError` line, and caps on its
length, terms, nesting and spelling work bound its time whatever the index
size.  The fuzz tests throw arbitrary text and query-language fragments at
every entry point: only `PfocrSearchError`s may come out.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pfocr_search.engine.schema import INTERNAL_FIELDS
from pfocr_search.errors import PfocrSearchError, QuerySyntaxError
from pfocr_search.query.parser import (
    MAX_NESTING,
    MAX_PATTERN_TERMS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
)
from pfocr_search.query.plugins import MAX_QUERY_PATTERNS
from pfocr_search.query.spelling import MAX_SPELLED_LENGTH, MAX_SPELLED_WORDS

#: Wall-clock budget for any one query on the demo index.
SECOND = 1.0

CRASH_SHAPES = {
    "leading-greater-than": ">2010",
    "leading-less-than": "<2010",
    "relation-opening-a-group": "apoptosis (>=2010)",
    "doubled-not": "a NOT NOT b",
    "not-then-and": "a NOT AND b",
    "doubled-andnot": "a ANDNOT ANDNOT b",
    "doubled-andmaybe": "a ANDMAYBE ANDMAYBE b",
    "doubled-require": "a REQUIRE REQUIRE b",
    "internal-field-record": "record:x",
    "internal-field-facets": "facets:x",
    "internal-field-genecount": "genecount:x",
    "internal-field-genetotal": "genetotal:[1 TO 5]",
    "spelling-field": "spell_figtitle:signaling",
    "empty-range-on-column": "facets:[ TO ]",
    "nested-500-parentheses": "(" * 500 + "STAT3" + ")" * 500,
}


def one_line(message: str) -> bool:
    return bool(message) and len(message.splitlines()) == 1 and "\n" not in message


def timed(call) -> tuple[object, float]:
    """`call()`'s result (or the PfocrSearchError it raised) and its seconds."""
    start = time.perf_counter()
    try:
        out = call()
    except PfocrSearchError as exc:
        out = exc
    return out, time.perf_counter() - start


# -- the crash shapes: one clear error in the API and the CLI -----------------------------


@pytest.mark.parametrize("text", CRASH_SHAPES.values(), ids=CRASH_SHAPES.keys())
def test_crash_shape_is_one_query_error_in_the_api(sample_index, text):
    for call in (sample_index.search, sample_index.facets,
                 lambda t: sample_index.search(t, genes=["STAT3"])):
        with pytest.raises(QuerySyntaxError) as info:
            call(text)
        assert one_line(str(info.value)), str(info.value)


@pytest.mark.parametrize("text", CRASH_SHAPES.values(), ids=CRASH_SHAPES.keys())
def test_crash_shape_is_exit_2_with_one_line_in_the_cli(run, sample_index_path, text):
    result = run("search", "--index", str(sample_index_path), "--", text)
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "internal error" not in result.output and "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr


@pytest.mark.parametrize("text", ["genes:", "genes: STAT3", "STAT3 year:", "(caption:)"])
def test_a_field_name_without_its_value_is_refused(sample_index, text):
    # "genes:" alone (or before a space) had searched the word "genes", and
    # "caption:" alone nothing: a field's value must follow its colon.
    with pytest.raises(QuerySyntaxError, match=r"needs its value right after the colon, as in \w+:"):
        sample_index.search(text)


def test_a_field_name_with_its_value_searches_it(sample_index):
    assert sample_index.search("genes:STAT3").total == sample_index.search("genes:stat3").total > 0


def test_unknown_field_message_lists_only_fields_a_query_may_name(sample_index):
    with pytest.raises(QuerySyntaxError) as info:
        sample_index.search("gene:STAT3")
    listed = str(info.value).split("fields: ")[1].split(")")[0].split(", ")
    assert {"figtitle", "caption", "genes", "figid", "year", "organism", "journal_name", "ncbigene",
            "pmcid", "doi", "figtype"} <= set(listed)
    assert not set(listed) & set(INTERNAL_FIELDS) and not [f for f in listed if f.startswith("spell_")]


def test_the_fields_users_name_still_search(sample_index):
    assert sample_index.search("figid:PMC7176449__cm9-133-0959-g001").total == 1
    assert sample_index.search("year:>2015 AND genes:STAT3").total > 0
    assert sample_index.search("STAT3 AND NOT JAK1").total > 0  # the one operator pair that reads as meant


def test_a_chain_of_binary_operators_parses_in_linear_time(sample_index):
    # Whoosh parsed each side of ANDNOT twice: 16 in a chain took 2**16 parses (about 20 s).
    for operator in ("ANDNOT", "ANDMAYBE", "REQUIRE"):
        results, seconds = timed(lambda op=operator: sample_index.search("STAT3" + f" {op} JAK1" * 16))
        assert not isinstance(results, PfocrSearchError) and seconds < SECOND, (operator, seconds)


def test_nesting_under_the_cap_is_answered(sample_index):
    text = "(" * MAX_NESTING + "STAT3" + ")" * MAX_NESTING
    assert sample_index.search(text).total == sample_index.search("STAT3").total
    with pytest.raises(QuerySyntaxError, match=f"at most {MAX_NESTING}"):
        sample_index.search("(" + text + ")")


# -- long queries: answered or refused within a second -----------------------------------


def test_a_10000_character_word_is_refused_quickly_naming_the_cap(sample_index):
    error, seconds = timed(lambda: sample_index.search("x" * 10_000))
    assert isinstance(error, QuerySyntaxError) and f"{MAX_QUERY_CHARS:,}" in str(error) and one_line(str(error))
    assert seconds < SECOND


def test_a_100000_character_query_is_refused_quickly_naming_the_cap(sample_index):
    text = ("apoptosis " * 10_000)[:100_000]
    error, seconds = timed(lambda: sample_index.search(text))
    assert isinstance(error, QuerySyntaxError) and one_line(str(error))
    assert str(MAX_QUERY_TERMS) in str(error) or f"{MAX_QUERY_CHARS:,}" in str(error)
    assert seconds < SECOND
    error, seconds = timed(lambda: sample_index.search("x" * 100_000))
    assert isinstance(error, QuerySyntaxError) and f"{MAX_QUERY_CHARS:,}" in str(error) and seconds < SECOND


def test_1000_ored_terms_are_refused_quickly_naming_the_cap(sample_index):
    error, seconds = timed(lambda: sample_index.search(" OR ".join(f"w{i}" for i in range(1000))))
    assert isinstance(error, QuerySyntaxError) and f"at most {MAX_QUERY_TERMS}" in str(error)
    assert one_line(str(error)) and seconds < SECOND


def test_queries_at_the_caps_are_answered_within_a_second(sample_index):
    at_caps = {
        "longest word": "x" * MAX_QUERY_CHARS,
        "most terms": " OR ".join(f"zq{i}" for i in range(MAX_QUERY_TERMS)),
        "most misspelt words": " ".join(["apoptossis", "signalng", "pathwya", "inflamation"][:MAX_SPELLED_WORDS]),
        "longest spelt word": "phosphatidylinositoll" + "x" * (MAX_SPELLED_LENGTH - 21),
        "known words": " ".join(["signaling", "pathway", "apoptosis", "STAT3", "JAK1"] * (MAX_QUERY_TERMS // 5)),
    }
    for name, text in at_caps.items():
        results, seconds = timed(lambda t=text: sample_index.search(t))
        assert seconds < SECOND, (name, seconds)
        assert not isinstance(results, PfocrSearchError), (name, results)


def test_wildcards_and_ranges_standing_for_the_whole_vocabulary_are_refused_quickly(sample_index):
    # 26 open ranges took 4.4 s on the demo index; "*" took 8 s at 100,000 figures.
    broad = {"every word": "*", "open range": "[a TO]", "open ranges": " ".join(f"[{c} TO]" for c in "0123"),
             "patterns over the cap": " ".join(f"{c}*" for c in "abcdefghijklmnopqrstuvwxyz"[:MAX_QUERY_PATTERNS + 1])}
    for name, text in broad.items():
        for call in (sample_index.search, sample_index.facets, lambda t: sample_index.search(t, genes=["STAT3"])):
            error, seconds = timed(lambda c=call, t=text: c(t))
            assert isinstance(error, QuerySyntaxError) and one_line(str(error)) and seconds < SECOND, (name, error)
    assert f"{MAX_PATTERN_TERMS:,}" in str(timed(lambda: sample_index.search("[a TO]"))[0])
    assert f"at most {MAX_QUERY_PATTERNS}" in str(timed(lambda: sample_index.search(broad["patterns over the cap"]))[0])


@pytest.mark.parametrize("text", ["*kinase", "?AT3", "x-*qa", "figid:*"])
def test_a_leading_wildcard_is_refused_even_after_analysis(sample_index, text):
    # A leading wildcard scans every indexed word of every field: a cost no cap bounds.
    with pytest.raises(QuerySyntaxError, match=r"\*:\*"):
        sample_index.search(text)


def test_everyday_wildcards_and_ranges_still_search(sample_index):
    for text in ("casp*", "ST?T3", "genes:(STAT* OR JAK?)", "figid:PMC*", "apoptosis year:[2010 TO 2020]",
                 "year:>2015", "*:*"):
        results, seconds = timed(lambda t=text: sample_index.search(t))
        assert not isinstance(results, PfocrSearchError) and results.total > 0 and seconds < SECOND, text


def test_a_long_or_query_is_never_corrected_into_another(sample_index):
    misspelt = ["apoptossis", "signalng", "pathwya", "inflamation", "autophagyy", "receptr", "kinasse", "cancr"]
    text = " OR ".join(misspelt)
    assert len(misspelt) > MAX_SPELLED_WORDS
    results, seconds = timed(lambda: sample_index.search(text))
    assert results.corrected_from is None and results.suggestions == [] and results.query == text
    assert seconds < SECOND


def test_a_short_typo_is_still_corrected(sample_index):
    results = sample_index.search("apoptossis")
    assert results.corrected_from == "apoptossis" and results.query == "apoptosis"


def test_a_correction_past_the_length_cap_leaves_the_query_as_typed(sample_index):
    # Words over MAX_SPELLED_LENGTH are kept as typed; "apoptoss" is corrected
    # to the longer "apoptosis", which takes the query one character past the cap.
    text = "apoptoss " + "q" * (MAX_QUERY_CHARS - len("apoptoss "))
    results = sample_index.search(text)
    assert results.total == 0 and results.corrected_from is None and results.query == text
    assert results.suggestions and results.suggestions[0].startswith("apoptosis ")


# -- fuzz: only PfocrSearchError comes out -------------------------------------------------

PIECES = [
    "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO", '"', "'", "(", ")", "[", "]", "{", "}", ":",
    "^", "^2", "^1e400", "~", "~2", "*", "?", ">", "<", ">=", "<=", "=<", "=", "-", "+", "\\", "/", "|", "&",
    "!", "*:*", "record:", "facets:", "genecount:", "genetotal:", "orggene:", "spell_figtitle:", "year:",
    "figid:", "genes:", "caption:", "figtitle:", "organism:", "journal_name:", "ncbigene:", "doi:", "bogus:",
    "[ TO ]", "[2010 TO 2015]", "{2010 TO 2015]", "[a TO]", "[TO 5]", "year:>2010", "casp*", "*kinase",
    "ST?T3", "STAT3", "JAK", "apoptosis", "NF-κB", "IL-6", "2010", "human", "ß", "İ", "\x00", "\ufeff",
    "\u2028", "\x85", "🧬", "e\u0301", "\u202e", "ﬁ", "Ⅸ", "x" * 300, "STAT3" * 40, "y" * 2500, "(" * 30, ")" * 30,
]
#: Query-language fragments, glued with or without spaces.
LANGUAGE = st.lists(st.tuples(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)),
                              st.sampled_from([" ", " ", "", "\t", "\n"])),
                    max_size=16).map(lambda parts: "".join(a + b for a, b in parts))
ANY_TEXT = st.one_of(st.text(max_size=80), st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
#: The sample index is opened per test, not per example: the fixture warning does not apply.
FIXTURE = [HealthCheck.function_scoped_fixture]


def only_user_errors(call, *args, **kwargs) -> None:
    try:
        call(*args, **kwargs)
    except PfocrSearchError as exc:
        assert one_line(str(exc)), repr(str(exc))


@settings(max_examples=700, deadline=None, database=None, suppress_health_check=FIXTURE)
@given(text=ANY_TEXT)
def test_fuzz_arbitrary_text_as_a_query(sample_index, text):
    only_user_errors(sample_index.search, text)
    only_user_errors(sample_index.facets, text)


@settings(max_examples=1000, deadline=None, database=None, suppress_health_check=FIXTURE)
@given(text=LANGUAGE, organism=st.sampled_from([None, "human", "mouse"]))
def test_fuzz_query_language_pieces(sample_index, text, organism):
    only_user_errors(sample_index.search, text, organism=organism)
    only_user_errors(sample_index.facets, text, organism=organism)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=FIXTURE)
@given(text=LANGUAGE, terms=st.lists(st.one_of(ANY_TEXT, LANGUAGE), max_size=5))
def test_fuzz_gene_terms(sample_index, text, terms):
    only_user_errors(sample_index.search_genes, terms)
    only_user_errors(sample_index.resolve, terms)
    only_user_errors(sample_index.facets, genes=terms)
    only_user_errors(sample_index.search, text, genes=terms)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=FIXTURE)
@given(figid=st.one_of(ANY_TEXT, LANGUAGE), journal=st.one_of(st.none(), ANY_TEXT))
def test_fuzz_similar(sample_index, figid, journal):
    only_user_errors(sample_index.similar, figid)
    only_user_errors(sample_index.similar, "PMC7176449__cm9-133-0959-g001", journal=journal)


def test_a_lone_surrogate_in_any_term_finds_nothing_or_one_line(sample_index, run, sample_index_path):
    # A command-line byte that is not UTF-8 reaches Python as a lone surrogate;
    # gene terms, figids and organisms holding one had failed with a raw
    # UnicodeEncodeError (CLI: "internal error", exit 3).
    odd = "\udcff"
    assert sample_index.search_genes([odd], fuzzy=False).total == 0
    assert sample_index.search_genes(["STAT3", odd], require=[odd]).unmet == ["\ufffd"]
    assert odd not in sample_index
    only_user_errors(sample_index.get, odd)
    only_user_errors(sample_index.similar, odd)
    only_user_errors(sample_index.search, "insulin", organism=odd)
    only_user_errors(sample_index.synonyms, odd + "TNF")
    for args in (["genes", odd], ["show", odd], ["similar", odd], ["search", "insulin", "--genes", odd],
                 ["search", "insulin", "--organism", odd], ["genes", "STAT3", "--require", odd]):
        result = run(*args, "--index", str(sample_index_path))
        assert result.exit_code in (0, 2) and "internal error" not in result.output, (args, result.output)
