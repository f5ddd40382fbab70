"""Snippets mark the words Whoosh's own highlighter marks.

Search highlights with `_WordHighlighter`, which analyses each distinct
caption word once instead of re-analysing every hit's caption; these tests
compare the words it marks with Whoosh's highlighter on the same hits.
"""

from __future__ import annotations

import re

import pytest
from whoosh import highlight
from whoosh.searching import Results

from pfocr_search.schema import RECORD, unpack_record
from pfocr_search.scoring import score
from pfocr_search.search import _MarkFormatter, _WordHighlighter, build_parser, parse_query
from test_scoring import QUERIES, _searcher

MARKED = re.compile("\x02(.*?)\x03")


@pytest.fixture(scope="module")
def searcher(sample_index_path):
    searcher, config = _searcher(sample_index_path)
    yield searcher, build_parser(searcher.schema, config)
    searcher.close()


def _marked(searcher, q, top, i, highlighter, field="caption") -> list[str]:
    results = Results(searcher, q, top, highlighter=highlighter)
    # One fragment as long as the text: every match is marked.
    results.fragmenter = highlight.ContextFragmenter(maxchars=10**6, surround=10**6)
    results.formatter = _MarkFormatter()
    body = getattr(unpack_record(searcher.stored_fields(top[i][1])[RECORD]), field)
    return sorted(m.lower() for m in MARKED.findall(results[i].highlights(field, text=body, top=1)))


@pytest.mark.parametrize("text", [q for q in QUERIES if "*" not in q]
                         + ["nf-kb", "jak-stat", "il-6 signaling", "tgf-beta", "pi3k/akt", "il6", "NF-κB"])
def test_marks_the_words_whoosh_marks(searcher, text):
    searcher, parser = searcher
    q = parse_query(parser, text)
    top = score(searcher, q).top(10)
    for i in range(len(top)):
        for field in ("caption", "figtitle"):
            assert _marked(searcher, q, top, i, _WordHighlighter(), field) == \
                _marked(searcher, q, top, i, None, field), (text, i, field)


def test_compound_parts_are_marked_alone(searcher):
    searcher, parser = searcher
    q = parse_query(parser, "stat")
    top = score(searcher, q).top(10)
    marked = [word for i in range(len(top)) for word in _marked(searcher, q, top, i, _WordHighlighter())]
    assert "stat" in marked and not any("-" in word for word in marked)
