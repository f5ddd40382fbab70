"""Queries and ranking.

A query string is Whoosh's query language (AND/OR/NOT, "phrases",
``field:value``, wildcards, ``year:[2010 TO 2020]``) over the configured
fields, each with its configured boost, ranked by BM25F.  Field names the
index does not have are an error rather than silently searched as text, so a
typo like ``gene:STAT3`` (for ``genes:``) is caught.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any, Sequence

from whoosh import highlight, qparser, query
from whoosh.fields import Schema
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from .config import IndexConfig
from .errors import QuerySyntaxError
from .records import FigureRecord
from .schema import RECORD, STRUCTURAL_FIELDS, organism_key, unpack_record

_OPEN, _CLOSE = "\x02", "\x03"
_MARKED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.S)


@dataclass(frozen=True)
class Hit:
    """One ranked figure."""

    rank: int
    figid: str
    score: float
    figtitle: str
    year: int | None
    organisms: tuple[str, ...]
    genes: tuple[str, ...]
    pmcid: str
    figlink: str
    url: str
    papertitle: str
    journal: str
    #: A short caption excerpt around the matched terms.
    snippet: str
    #: (start, end) character spans of matched terms within `snippet`.
    highlights: tuple[tuple[int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["highlights"] = [list(span) for span in self.highlights]
        return data


class SearchResults(list):
    """The hits of one search (a list of `Hit`), with what the search found overall."""

    def __init__(self, hits: Sequence[Hit] = (), *, query: str = "", total: int = 0,
                 parsed: str = "", suggestions: Sequence[str] = ()) -> None:
        super().__init__(hits)
        self.query = query
        #: Matching figures in the index (not just this page).
        self.total = total
        #: The query as Whoosh understood it.
        self.parsed = parsed
        #: "Did you mean" alternatives when the query found little.
        self.suggestions = list(suggestions)


class _StrictFieldsPlugin(qparser.FieldsPlugin):
    """``field:`` prefixes must name fields of the index."""

    def __init__(self) -> None:
        super().__init__(remove_unknown=False)

    def do_fieldnames(self, parser, group):
        for node in group:
            if isinstance(node, qparser.syntax.FieldnameNode) and node.fieldname not in parser.schema:
                known = ", ".join(sorted(parser.schema.names()))
                raise QuerySyntaxError(f"unknown field {node.fieldname!r} in query (fields: {known}); "
                                       f"put the term in quotes to search it as text")
        return super().do_fieldnames(parser, group)


def build_parser(schema: Schema, config: IndexConfig) -> qparser.QueryParser:
    fields = [name for name in config.fields if name in schema]
    # Plain OR, not OrGroup.factory(): Whoosh's coordination bonus multiplies
    # by (terms - 1) / terms over *existing field terms*, so a word found in
    # one field only scores 0.  BM25F's sum already favours matching more words.
    group = qparser.AndGroup if config.search.default_operator == "and" else qparser.OrGroup
    parser = qparser.MultifieldParser(fields, schema, fieldboosts=config.boosts(), group=group)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.add_plugin(_StrictFieldsPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query:
    if not text or not text.strip():
        raise QuerySyntaxError("empty query: give words, gene symbols or field:value terms")
    q = _exclusions_exclude(parser.parse(_forgive(text)))
    for node in _walk(q):
        error = getattr(node, "error", None)
        if error:
            raise QuerySyntaxError(f"cannot understand query {text!r}: {error}")
    return q


def _forgive(text: str) -> str:
    """Slips people make when typing queries, mended so they search as text:
    an unclosed quote, unbalanced parentheses, a dangling operator."""
    if text.count('"') % 2:
        at = text.rfind('"')
        text = text[:at] + text[at + 1:]
    depth = 0
    kept = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                continue
            depth -= 1
        kept.append(ch)
    text = "".join(kept) + ")" * depth
    return _DANGLING.sub("", text) or text


_DANGLING = re.compile(r"^\s*(?:AND|OR|ANDNOT|ANDMAYBE)\s+|\s+(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\s*$")


def _exclusions_exclude(q: query.Query) -> query.Query:
    """Under the default OR, ``stat3 NOT jak`` parses as "stat3, or anything
    without jak"; users mean "stat3, but not jak" (Lucene's SHOULD/MUST_NOT)."""
    if q.is_leaf():
        return q
    q = q.apply(_exclusions_exclude)
    if not isinstance(q, query.Or):
        return q
    negated = [c.query for c in q.subqueries if isinstance(c, query.Not)]
    if not negated:
        return q
    kept = [c for c in q.subqueries if not isinstance(c, query.Not)]
    if not kept:
        return query.Not(query.Or(negated))
    positive = kept[0] if len(kept) == 1 else query.Or(kept, boost=q.boost)
    return query.AndNot(positive, negated[0] if len(negated) == 1 else query.Or(negated))


def _walk(q: query.Query):
    yield q
    if q.is_leaf():
        return
    for child in q.children():
        yield from _walk(child)


def make_filter(organism: str | None = None, years: tuple[int | None, int | None] | None = None) -> query.Query | None:
    """The filter for an organism name (scientific or common) and a year range."""
    parts: list[query.Query] = []
    if organism:
        parts.append(query.Term("organism", organism_key(organism)))
    if years and (years[0] is not None or years[1] is not None):
        parts.append(query.NumericRange("year", years[0], years[1]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


def weighting(config: IndexConfig) -> BM25F:
    per_field = {f"{name}_B": b for name, b in config.scoring.field_b.items()}
    return BM25F(B=config.scoring.b, K1=config.scoring.k1, **per_field)


class _MarkFormatter(highlight.Formatter):
    between = " … "

    def format_token(self, text, token, replace=False):
        return _OPEN + highlight.get_text(text, token, replace) + _CLOSE


def run_search(
    searcher: Searcher,
    q: query.Query,
    config: IndexConfig,
    *,
    text: str,
    limit: int,
    offset: int = 0,
    filter: query.Query | None = None,
) -> SearchResults:
    try:
        results = searcher.search(q, limit=offset + limit if limit else None, filter=filter, terms=True)
    except query.QueryError as exc:
        raise QuerySyntaxError(f"cannot run query {text!r}: {exc}") from None
    results.fragmenter = highlight.ContextFragmenter(maxchars=config.search.snippet_chars, surround=60)
    results.formatter = _MarkFormatter()
    hits = []
    for i, hit in enumerate(results):
        if i < offset:
            continue
        record = unpack_record(hit[RECORD])
        snippet, spans = _snippet(hit, record, config.search.snippet_chars)
        hits.append(_make_hit(i + 1, float(hit.score or 0.0), record, snippet, spans))
    return SearchResults(hits, query=text, total=len(results), parsed=str(q))


def _snippet(hit, record: FigureRecord, chars: int) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Caption excerpt around the matches, else the caption's opening."""
    for name in ("caption", "figtitle", "papertitle"):
        body = getattr(record, name)
        if body and name in hit.searcher.schema:
            marked = hit.highlights(name, text=body, top=1)
            if marked:
                return _unmark(marked, body)
    body = record.caption or record.figtitle
    return (body if len(body) <= chars else body[:chars].rsplit(" ", 1)[0] + " …"), ()


def _unmark(marked: str, body: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    plain, spans, pos = [], [], 0
    for match in _MARKED.finditer(marked):
        plain.append(marked[pos:match.start()])
        start = sum(map(len, plain))
        plain.append(match.group(1))
        spans.append((start, start + len(match.group(1))))
        pos = match.end()
    plain.append(marked[pos:])
    snippet = "".join(plain)
    if not body.startswith(snippet[:20]):
        snippet, spans = "… " + snippet, [(a + 2, b + 2) for a, b in spans]
    if not body.endswith(snippet[-20:]):
        snippet += " …"
    return snippet, tuple(spans)


def _make_hit(rank: int, score: float, record: FigureRecord, snippet: str,
              spans: tuple[tuple[int, int], ...]) -> Hit:
    return Hit(
        rank=rank,
        figid=record.figid,
        score=round(score, 4),
        figtitle=record.figtitle,
        year=record.year,
        organisms=record.organisms,
        genes=record.gene_symbols,
        pmcid=record.pmcid,
        figlink=record.figlink,
        url=record.url,
        papertitle=record.papertitle,
        journal=record.journal,
        snippet=snippet,
        highlights=spans,
    )


def field_help(config: IndexConfig) -> dict[str, str]:
    """Every field a query may name, with what it holds."""
    out = {name: f"{spec.analyzer} text, boost {spec.boost:g}" for name, spec in config.fields.items()}
    out.update(STRUCTURAL_FIELDS)
    return out
