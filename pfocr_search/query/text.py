"""Text ranking: BM25F (with word coordination) over the configured fields,
filters applied, each hit with a caption snippet around what matched."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from whoosh import query
from whoosh.searching import Searcher

from ..arguments import string
from ..config import IndexConfig
from ..engine.evaluation import matching, score
from ..engine.schema import RECORD, unpack_record
from ..errors import QuerySyntaxError
from ..sources.model import FigureRecord
from .feedback import feedback_words, with_feedback
from .filters import Filters
from .journals import shown_journal
from .parser import one_line, quoted
from .results import GeneSearchResults, Hit, SearchResults
from .snippets import SnippetTerms, Spans, excerpt, match_spans, opening
from .spelling import GeneNames, spelling_suggestions

if TYPE_CHECKING:  # facets are imported by what counts them, not by every text search
    from .facets import Facets


def search_text(searcher: Searcher, parse: Callable[[str], query.Query], config: IndexConfig, text: str,
                q: query.Query, *, limit: int, offset: int, filters: Filters,
                genes: GeneNames, feedback: bool = False) -> SearchResults:
    """Ranked figures for query `text` (parsed as `q` by `parse`).  A query
    with words no figure holds ("hipo signalling pathway") is searched as its
    likeliest correction instead, parsed the same way (`corrected_from` and
    `suggestions` say so): those words could match nothing, so their
    corrections only add.  Measured on the realworld tuning half, against
    correcting only queries that found fewer than 3 figures: typed nDCG@10
    0.739 -> 0.798, all 0.909 -> 0.917, no kind lower (test half 0.927 -> 0.929)."""
    flt = filters.query(searcher)
    # Corrected before searching, and on every page: page 2 of a corrected
    # query is page 2 of the correction, and the typed query is not run too.
    corrected, suggestions = as_corrected(searcher, parse, config, text, genes, lambda q, typed: run_search(
        searcher, q, config, text=typed, limit=limit, offset=offset, filter=flt, feedback=feedback))
    if corrected is not None:
        corrected.suggestions, corrected.corrected_from = suggestions, text
        return corrected
    results = run_search(searcher, q, config, text=text, limit=limit, offset=offset, filter=flt, feedback=feedback)
    results.suggestions = suggestions
    return results


Found = TypeVar("Found", SearchResults, GeneSearchResults, "Facets")


def as_corrected(searcher: Searcher, parse: Callable[[str], query.Query], config: IndexConfig, text: str,
                 genes: GeneNames, find: Callable[[query.Query, str], Found]) -> tuple[Found | None, list[str]]:
    """What `find` gives for `text`'s likeliest correction (parsed, and as
    typed), if its words are in no figure and the correction finds some (else
    None), and the suggestions.  Text search, a text with genes and a text's
    facets all correct alike: "apoptossis" with genes had found nothing and
    blamed the genes, and its facets had counted no figure beside 47 hits."""
    suggestions = spelling_suggestions(searcher, config, text, genes)
    if suggestions:
        try:
            found = find(parse(suggestions[0]), suggestions[0])
        except QuerySyntaxError:  # a correction can cross a cap or turn a word into syntax
            found = None
        if found is not None and found.total:
            return found, suggestions
    return None, suggestions


def search_with_genes(searcher: Searcher, parse: Callable[[str], query.Query], config: IndexConfig, text: str,
                      q: query.Query, genes: GeneNames,
                      run: Callable[[query.Query], GeneSearchResults]) -> GeneSearchResults:
    """The figures `run` (a gene search whose figures must match a text query)
    finds for `text`, parsed as `q`, or for its correction, as `search_text` corrects."""
    def with_text(text_query: query.Query, typed: str) -> GeneSearchResults:
        found = run(text_query)
        found.query, found.parsed = typed, str(text_query)
        return found

    found, suggestions = as_corrected(searcher, parse, config, text, genes, with_text)
    if found is not None:
        found.corrected_from = text
    else:
        found = with_text(q, text)
    found.suggestions = suggestions
    return found


def facets_of(searcher: Searcher, parse: Callable[[str], query.Query], config: IndexConfig, text: str | None,
              genes: GeneNames, showing: query.Query | None, filter: query.Query | None, top: int) -> Facets:
    """Facets of the figures a text (corrected as a search corrects it) and
    `showing` (genes a figure must show) match: those a search counts."""
    from .facets import count_facets

    def count(text_query: query.Query | None, typed: str | None = None) -> Facets:
        parts = [p for p in (text_query, showing) if p is not None]
        if not parts:
            raise QuerySyntaxError("facets need a text query or genes")
        return count_facets(searcher, parts[0] if len(parts) == 1 else query.And(parts), filter, top)

    found = as_corrected(searcher, parse, config, string(text, "a query"), genes, count)[0] if text else None
    return found or count(parse(text) if text else None)


def run_search(
    searcher: Searcher,
    q: query.Query,
    config: IndexConfig,
    *,
    text: str,
    limit: int,
    offset: int = 0,
    filter: query.Query | None = None,
    feedback: bool = False,
) -> SearchResults:
    """The page of figures `q` ranks from `offset`; with `feedback`, ranked
    with the words and genes of its best figures too (`query.feedback`)."""
    typed = q
    try:
        matches = score(searcher, q)
        if filter is not None:
            matches.mask &= matching(searcher, filter)
        if feedback:
            q, matches = with_feedback(searcher, config, text, q, matches)
    except query.QueryError as exc:
        raise QuerySyntaxError(f"cannot run query {quoted(text)}: {one_line(str(exc))}") from None
    top = matches.top(offset + limit if limit else 0)
    words = _snippet_words(searcher, typed)
    hits = []
    for rank, (value, docnum) in enumerate(top[offset:], start=offset + 1):
        record = unpack_record(searcher.stored_fields(docnum)[RECORD])
        snippet, spans = _text_snippet(searcher, record, words, config.search.snippet_chars)
        hits.append(Hit.of(rank, value, record, snippet, spans, journal=shown_journal(searcher, record)))
    results = SearchResults(hits, query=text, total=matches.count, parsed=str(typed))
    results.feedback, results.ranking = feedback_words(q), q
    return results


#: Where a text hit's snippet comes from, in order of preference.
_SNIPPET_FIELDS = ("caption", "figtitle", "papertitle")


def text_snippets(searcher: Searcher, q: query.Query, chars: int) -> Callable[[FigureRecord], tuple[str, Spans]]:
    """Snippets around what `q` matched, for hits ranked another way (gene sets with text)."""
    words = _snippet_words(searcher, q)
    return lambda record: _text_snippet(searcher, record, words, chars)


def _snippet_words(searcher: Searcher, q: query.Query) -> dict[str, SnippetTerms]:
    """The query's terms (prefixes and wildcards expanded) in each snippet
    field; a phrase's words (a quoted phrase, a synonym's long form) only as
    the phrase: "nuclear factor kappa B" sought for NF-κB had marked every
    "factor" and every lone "B" of a caption, and chose the excerpt by them."""
    reader = searcher.reader()
    leaves = list(q.leaves())
    out = {}
    for name in _SNIPPET_FIELDS:
        if name in searcher.schema:
            field = searcher.schema[name]
            phrases = tuple(dict.fromkeys(tuple(leaf.words) for leaf in leaves
                                          if _adjacent_phrase(leaf) and leaf.fieldname == name))
            alone = frozenset(field.from_bytes(t) for leaf in leaves if not _adjacent_phrase(leaf)
                              for _, t in leaf.existing_terms(reader, expand=True, fieldname=name))
            out[name] = SnippetTerms(alone, phrases)
    return out


def _adjacent_phrase(leaf: query.Query) -> bool:
    """A phrase whose words stand side by side.  A sloppy one ("insulin
    signaling"~5) also matches its words apart ("insulin- and IGF-1-signaling"),
    which no run of words shows: its words are marked alone, as before phrases were."""
    return isinstance(leaf, query.Phrase) and leaf.slop <= 1


def _text_snippet(searcher: Searcher, record: FigureRecord, words: dict[str, SnippetTerms],
                  chars: int) -> tuple[str, Spans]:
    """Excerpt around the matches in the caption, else the title or paper title."""
    for name, terms in words.items():
        body = getattr(record, name)
        spans = match_spans(body, searcher.schema[name], terms)
        if spans:
            return excerpt(body, spans, chars)
    return opening(record.caption or record.figtitle, chars), ()
