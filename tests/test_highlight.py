"""Snippets mark the words Whoosh's own highlighter marks, in a window that holds them.

`snippets.match_spans` analyses each distinct word once instead of
re-analysing every hit's caption as Whoosh's highlighter does; these tests
compare the words it marks with Whoosh's highlighter on the same hits.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_scoring import QUERIES, _searcher
from whoosh import highlight, query
from whoosh.searching import Results

from pfocr_search.engine.evaluation import score
from pfocr_search.engine.schema import RECORD, unpack_record
from pfocr_search.query.parser import build_parser, parse_query
from pfocr_search.query.snippets import SnippetTerms, excerpt, match_spans, standalone
from pfocr_search.query.text import _snippet_words


class _Marks(highlight.Formatter):
    def format_token(self, text, token, replace=False):
        return "\x02" + highlight.get_text(text, token, replace) + "\x03"


@pytest.fixture(scope="module")
def searcher(sample_index_path):
    searcher, config = _searcher(sample_index_path)
    yield searcher, build_parser(searcher.schema, config)
    searcher.close()


def _whoosh_marked(searcher, q, top, i, body, field) -> list[str]:
    results = Results(searcher, q, top)
    # One fragment as long as the text: every match is marked.
    results.fragmenter = highlight.ContextFragmenter(maxchars=10**6, surround=10**6)
    results.formatter = _Marks()
    return sorted(m.lower() for m in re.findall("\x02(.*?)\x03", results[i].highlights(field, text=body, top=1)))


@pytest.mark.parametrize("text", [q for q in QUERIES if "*" not in q]
                         + ["nf-kb", "jak-stat", "il-6 signaling", "tgf-beta", "pi3k/akt", "il6", "NF-κB"])
def test_marks_the_words_whoosh_marks(searcher, text):
    searcher, parser = searcher
    q = parse_query(parser, text)
    words = _snippet_words(searcher, q)
    top = score(searcher, q).top(10)
    # A phrase's words are marked only as the phrase (below), where Whoosh
    # marks each anywhere: compared without the phrases (but a sloppy one's, marked alone).
    no_phrases = q.accept(lambda node: query.NullQuery if isinstance(node, query.Phrase) and node.slop <= 1
                          else node)
    marked_any = False
    for i, (_, docnum) in enumerate(top):
        record = unpack_record(searcher.stored_fields(docnum)[RECORD])
        for field in ("caption", "figtitle"):
            body = getattr(record, field)
            alone = SnippetTerms(words[field].alone)
            ours = sorted(body[a:b].lower() for a, b in match_spans(body, searcher.schema[field], alone))
            assert ours == _whoosh_marked(searcher, no_phrases, top, i, body, field), (text, i, field)
            marked_any |= bool(match_spans(body, searcher.schema[field], words[field]))
    assert marked_any or not top or text in NOT_IN_TEXT


# Queries whose top hits match no caption or title words.
NOT_IN_TEXT = {"genes:STAT3 genes:JAK1", "year:[2015 TO 2020]", "NOT pathway", "il6",
               '"fe-s biogenesis"'}  # in a paper title: the caption's lone "s" is no match


def test_compound_parts_are_marked_alone(searcher):
    searcher, parser = searcher
    field = searcher.schema["caption"]
    body = "JAK-STAT signalling and IL-6 release"
    assert [body[a:b] for a, b in match_spans(body, field, SnippetTerms(frozenset({"stat"})))] == ["STAT"]
    assert [body[a:b] for a, b in match_spans(body, field, SnippetTerms(frozenset({"il6"})))] == ["IL-6"]


def test_a_phrases_words_are_marked_only_as_the_phrase(searcher):
    # A real sweep: for "NF-κB", also sought as the "nuclear factor kappa B"
    # its captions define, a caption's excerpt was chosen by a lone "β", a
    # "B cell" and a "factor".
    searcher, parser = searcher
    q = parse_query(parser, 'NF-κB "nuclear factor kappa B"')
    words = _snippet_words(searcher, q)["caption"]
    assert ("nuclear", "factor", "kb") in words.phrases and "factor" not in words.alone
    body = ("IKK/NF-κB signaling pathways. Nuclear factor kappa B is held by IκBα. Lymphotoxin β receptor, "
            "B cell-activating factor.")
    marked = [body[a:b] for a, b in match_spans(body, searcher.schema["caption"], words)]
    assert marked == ["NF-κB", "Nuclear factor kappa B"]


def test_excerpt_holds_the_densest_run_of_matches():
    body = ("The opening sentence says nothing relevant at all. " * 8 + "STAT3 and JAK1 drive it; "
            + "filler words go here. " * 20 + "Late STAT3 mention.")
    spans = [m.span() for m in re.finditer(r"STAT3|JAK1", body)]
    snippet, shown = excerpt(body, spans, 120)
    assert snippet.startswith("… ") and snippet.endswith(" …") and len(snippet) <= 124
    assert [snippet[a:b] for a, b in shown] == ["STAT3", "JAK1"]
    assert excerpt("short STAT3 text", [(6, 11)], 120) == ("short STAT3 text", ((6, 11),))


@given(st.text(alphabet="ab STAT3-.,", min_size=1, max_size=400), st.integers(min_value=20, max_value=220))
def test_excerpt_spans_point_at_the_matches(body, chars):
    spans = [m.span() for m in re.finditer(r"STAT3", body)]
    snippet, shown = excerpt(body, spans, chars)
    assert all(snippet[a:b] == "STAT3" for a, b in shown)
    if spans:
        assert shown  # the densest run is always shown


_EDGE_BEFORE = r"(?<![\w\-/\u2010-\u2015])"
_EDGE_AFTER = r"(?![\w\-/\u2010-\u2015])"


@given(st.text(alphabet="ab κ1-/\u2013\u2015 .,_", max_size=80), st.data())
def test_standalone_words_are_what_a_pattern_between_edges_finds(body, data):
    """`standalone` scans the words once instead of compiling a pattern of
    them for each hit: the same spans as that pattern, whatever the text."""
    # A word: letters, or a compound's; "κ b" ("kappa B") is one, κB.
    word = r"\w+(?:[-/\u2010-\u2015]\w+)*(?:(?<=κ)[ \t](?=[Bb]\b)[Bb])?"
    found = sorted(set(re.findall(word, body)))
    words = set(data.draw(st.lists(st.sampled_from(found), unique=True))) if found else set()
    edged = re.compile(_EDGE_BEFORE + f"(?:{word})" + _EDGE_AFTER)
    expected = [m.span() for m in re.finditer(word, body) if m.group(0) in words and edged.match(body, m.start())
                and edged.match(body, m.start()).end() == m.end()]
    assert [m.span() for m in standalone(body, words)] == expected


def test_a_sloppy_phrases_words_are_marked_where_it_matches_them_apart(searcher):
    # A real caption (PMC3941218) that '"insulin signaling"~5' ranks second: the phrase
    # matches its words apart, and the excerpt had marked nothing ("Insulin-", a word
    # left hanging on a hyphen, is marked as Whoosh marks it: not at all).
    searcher, parser = searcher
    words = _snippet_words(searcher, parse_query(parser, '"insulin signaling"~5'))["caption"]
    body = "Insulin- and IGF-1-signaling pathways. Activation of insulin and IGF-1 receptors"
    marked = [body[a:b] for a, b in match_spans(body, searcher.schema["caption"], words)]
    assert marked == ["signaling", "insulin"]


def test_a_phrase_longer_than_a_hits_caption_marks_nothing_there(index_of):
    # A figure found by another word whose caption is the phrase's start, shorter
    # than the phrase: its words had been looked up past the caption's end.
    with index_of(("PMC1__fig1", "The fatty acid beta oxidation pathway."),
                  ("PMC2__fig2", "Fatty acid.", "Insulin")) as ix:
        found = {h.figid: h for h in ix.search('"fatty acid beta oxidation" OR insulin')}
        assert set(found) == {"PMC1__fig1", "PMC2__fig2"}
        assert not any(found["PMC2__fig2"].snippet[a:b].lower().startswith("fatty")
                       for a, b in found["PMC2__fig2"].highlights)
