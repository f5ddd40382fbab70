"""Queries and ranking.

A query string is Whoosh's query language (AND/OR/NOT, "phrases",
``field:value``, wildcards, ``year:[2010 TO 2020]``) over the configured
fields, each with its configured boost, ranked by BM25F.  Field names the
index does not have are an error rather than silently searched as text, so a
typo like ``gene:STAT3`` (for ``genes:``) is caught.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence

import numpy as np
from whoosh import qparser, query
from whoosh.fields import Schema
from whoosh.searching import Searcher

from .config import IndexConfig
from .enrichment import benjamini_hochberg, hypergeom_log_sf_array, odds_ratio_array
from .errors import QuerySyntaxError
from .genes import Resolution, normalize_symbol
from .postings import cached, numeric_values
from .records import FigureRecord, organism_key
from .schema import (
    FACETS,
    GENE_COUNTS,
    GENE_KEYS,
    GENE_TOTAL,
    ORGANISM_GENE_KEYS,
    RECORD,
    gene_counts,
    journal_key,
    organism_gene_term,
    unpack_record,
)
from .scoring import ArrayBM25F, WordCoordOr, matching, score, term_docs
from .snippets import Spans, excerpt, match_spans, opening, symbol_spans


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


@dataclass(frozen=True)
class GeneHit(Hit):
    """A figure ranked for a gene set: `score` is -log10 of the p-value."""

    #: Query genes the figure shows, how many, and the figure's gene count.
    overlap_genes: tuple[str, ...] = ()
    overlap: int = 0
    figure_genes: int = 0
    #: One-sided hypergeometric p-value, its log10 (exact where p underflows),
    #: Benjamini-Hochberg FDR over the figures scored, and the odds ratio.
    pvalue: float = 1.0
    log10_pvalue: float = 0.0
    fdr: float = 1.0
    odds_ratio: float = 1.0
    #: BM25F relevance of the figure's text to the genes (or to the text query).
    text_score: float = 0.0


class SearchResults(list):
    """The hits of one search (a list of `Hit`), with what the search found overall."""

    def __init__(self, hits: Sequence[Hit] = (), *, query: str = "", total: int = 0,
                 parsed: str = "", suggestions: Sequence[str] = ()) -> None:
        super().__init__(hits)
        self.query = query
        #: Matching figures in the index, not just this page.
        self.total = total
        #: The query as Whoosh understood it.
        self.parsed = parsed
        #: "Did you mean" alternatives when the query found little.
        self.suggestions = list(suggestions)
        #: The query as typed, when it found nothing and these are the hits of
        #: its likeliest correction (`query`) instead.
        self.corrected_from: str | None = None


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


def _coord_group(power: float) -> type:
    query_class = type("WordCoordOr", (WordCoordOr,), {"power": power})
    return type("WordCoordOrGroup", (qparser.OrGroup,), {"qclass": query_class})


class GeneAwareParser(qparser.QueryParser):
    """Whoosh's multi-field parser, plus two rewrites of what it parses.

    * A word whose gene-symbol form is a family or alias name in the index's
      vocabulary (Wnt, STING, PI3K, ERK, NF-kB) also matches the genes it
      names, as one alternative (the best-matching gene counts, not their sum),
      so figures that draw the genes rank with figures that name them.
    * ``a NOT b`` under the default OR means "a but not b".
    """

    def __init__(self, fields, schema, *, fieldboosts=None, expand_gene: Callable[[str], Sequence[str]] | None = None,
                 gene_boost: float = 1.0, **kwargs) -> None:
        super().__init__(None, schema, **kwargs)
        self.add_plugin(qparser.MultifieldPlugin(fields, fieldboosts=fieldboosts))
        self.fieldnames = list(fields)
        self.expand_gene = expand_gene
        self.gene_boost = gene_boost

    def parse(self, text, normalize=True, debug=False):
        q = _exclusions_exclude(super().parse(text, normalize=normalize, debug=debug))
        if self.expand_gene is not None and "genes" in self.fieldnames:
            q = q.accept(self._expand)
        return q

    def _expand(self, node: query.Query) -> query.Query:
        if not (isinstance(node, query.Term) and node.fieldname == "genes" and isinstance(node.text, str)):
            return node
        keys = [k for k in self.expand_gene(node.text) if k != node.text]
        if not keys:
            return node
        genes = query.DisjunctionMax([query.Term("genes", k, boost=node.boost * self.gene_boost) for k in keys])
        return query.Or([node, genes])


def build_parser(schema: Schema, config: IndexConfig, exclude: Sequence[str] = (),
                 expand_gene: Callable[[str], Sequence[str]] | None = None) -> qparser.QueryParser:
    fields = [name for name in config.fields if name in schema and name not in exclude]
    group = qparser.AndGroup if config.search.default_operator == "and" else _coord_group(config.search.coordination)
    parser = GeneAwareParser(fields, schema, fieldboosts=config.boosts(), group=group, expand_gene=expand_gene,
                             gene_boost=config.search.gene_alias_boost)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.add_plugin(_StrictFieldsPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query:
    if not text or not text.strip():
        raise QuerySyntaxError("empty query: give words, gene symbols or field:value terms")
    q = parser.parse(_forgive(text))
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
    positive = kept[0] if len(kept) == 1 else type(q)(kept, boost=q.boost)
    return query.AndNot(positive, negated[0] if len(negated) == 1 else query.Or(negated))


def _walk(q: query.Query):
    yield q
    if q.is_leaf():
        return
    for child in q.children():
        yield from _walk(child)


def make_filter(organism: str | None = None, years: tuple[int | None, int | None] | None = None,
                journal: str | None = None) -> query.Query | None:
    """The filter for an organism name (scientific or common), a year range and a journal."""
    parts: list[query.Query] = []
    if organism:
        parts.append(query.Term("organism", organism_key(organism)))
    if journal:
        parts.append(query.Term("journal_name", journal_key(journal)))
    if years and (years[0] is not None or years[1] is not None):
        parts.append(query.NumericRange("year", years[0], years[1]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else query.And(parts)


@dataclass(frozen=True)
class Facets:
    """Counts of all the figures a query matches, by organism, decade, year and journal."""

    total: int
    organisms: list[tuple[str, int]]
    decades: list[tuple[str, int]]
    years: list[tuple[int, int]]
    journals: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, **{name: [list(pair) for pair in getattr(self, name)]
                                        for name in ("organisms", "decades", "years", "journals")}}


def count_facets(searcher: Searcher, q: query.Query, filter: query.Query | None, top: int = 10) -> Facets:
    """Facet counts over every match."""
    mask = matching(searcher, q)
    if filter is not None:
        mask &= matching(searcher, filter)
    table = cached(searcher.reader(), "facets", lambda: _FacetTable.read(searcher.reader()))
    docs = np.flatnonzero(mask)
    years = table.years[docs]
    year_values, year_counts = np.unique(years[years > 0], return_counts=True)
    by_year = list(zip(year_values.tolist(), year_counts.tolist()))
    decades: Counter[str] = Counter()
    for year, n in by_year:
        decades[f"{year // 10 * 10}s"] += n
    organisms = _most_common(table.organism_names, table.organism_codes[mask[table.organism_docs]], top)
    journals = _most_common(table.journal_names, table.journals[docs], top)
    return Facets(int(docs.size), organisms, sorted(decades.items()), by_year, journals)


def _most_common(names: list[str], codes: np.ndarray, top: int) -> list[tuple[str, int]]:
    counts = np.bincount(codes, minlength=len(names))
    ranked = sorted((-n, names[i]) for i, n in enumerate(counts.tolist()) if n)
    return [(name, -n) for n, name in ranked[:top]]


@dataclass(frozen=True)
class _FacetTable:
    """What facets count, for every document, as arrays (read once per reader)."""

    years: np.ndarray
    journals: np.ndarray
    journal_names: list[str]
    #: One row per (document, organism) pair.
    organism_docs: np.ndarray
    organism_codes: np.ndarray
    organism_names: list[str]

    @classmethod
    def read(cls, reader) -> "_FacetTable":
        column = reader.column_reader(FACETS)
        years, journals, organism_docs, organism_codes = [], [], [], []
        journal_codes: dict[str, int] = {}
        organism_index: dict[str, int] = {}
        for docnum in range(reader.doc_count_all()):
            data = json.loads(column[docnum] or b"{}")
            years.append(data.get("y") or 0)
            journals.append(journal_codes.setdefault(data.get("j") or "(unknown)", len(journal_codes)))
            for name in data.get("o") or ["(none)"]:
                organism_docs.append(docnum)
                organism_codes.append(organism_index.setdefault(name, len(organism_index)))
        return cls(np.array(years, dtype=np.int64), np.array(journals, dtype=np.int64), list(journal_codes),
                   np.array(organism_docs, dtype=np.int64), np.array(organism_codes, dtype=np.int64),
                   list(organism_index))


def weighting(config: IndexConfig) -> ArrayBM25F:
    per_field = {f"{name}_B": b for name, b in config.scoring.field_b.items()}
    return ArrayBM25F(B=config.scoring.b, K1=config.scoring.k1, **per_field)


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
        matches = score(searcher, q)
        if filter is not None:
            matches.mask &= matching(searcher, filter)
    except query.QueryError as exc:
        raise QuerySyntaxError(f"cannot run query {text!r}: {exc}") from None
    top = matches.top(offset + limit if limit else 0)
    words = _snippet_words(searcher, q)
    hits = []
    for rank, (value, docnum) in enumerate(top[offset:], start=offset + 1):
        record = unpack_record(searcher.stored_fields(docnum)[RECORD])
        snippet, spans = _text_snippet(searcher, record, words, config.search.snippet_chars)
        hits.append(_make_hit(rank, value, record, snippet, spans))
    return SearchResults(hits, query=text, total=matches.count, parsed=str(q))


#: Where a text hit's snippet comes from, in order of preference.
_SNIPPET_FIELDS = ("caption", "figtitle", "papertitle")


def _snippet_words(searcher: Searcher, q: query.Query) -> dict[str, frozenset[str]]:
    """The query's terms (prefixes and wildcards expanded) in each snippet field."""
    reader = searcher.reader()
    out = {}
    for name in _SNIPPET_FIELDS:
        if name in searcher.schema:
            field = searcher.schema[name]
            out[name] = frozenset(field.from_bytes(t) for _, t in q.existing_terms(reader, expand=True, fieldname=name))
    return out


def _text_snippet(searcher: Searcher, record: FigureRecord, words: dict[str, frozenset[str]],
                  chars: int) -> tuple[str, Spans]:
    """Excerpt around the matches in the caption, else the title or paper title."""
    for name, field_words in words.items():
        body = getattr(record, name)
        spans = match_spans(body, searcher.schema[name], field_words)
        if spans:
            return excerpt(body, spans, chars)
    return opening(record.caption or record.figtitle, chars), ()


class GeneSearchResults(SearchResults):
    """Gene-set hits (`GeneHit`), with how each query term was resolved."""

    def __init__(self, hits: Sequence[GeneHit] = (), *, resolutions: Sequence[Resolution] = (),
                 background: int = 0, **kwargs: Any) -> None:
        super().__init__(hits, **kwargs)
        self.resolutions = list(resolutions)
        #: Distinct genes in the index (or organism): the statistics' population.
        self.background = background


@dataclass(frozen=True)
class GeneQuery:
    """A resolved gene-set query."""

    resolutions: Sequence[Resolution]
    required: Sequence[Resolution] = ()
    require_all: bool = False
    organism: str | None = None

    def keys(self) -> dict[str, str]:
        """Query gene keys -> display symbol (required genes included)."""
        out: dict[str, str] = {}
        for resolution in (*self.resolutions, *self.required):
            for symbol in resolution.symbols:
                key = normalize_symbol(symbol)
                # Show the human (all upper-case) spelling when orthologs share a key.
                if key not in out or (symbol.isupper() and not out[key].isupper()):
                    out[key] = symbol
        return out

    def required_keys(self) -> set[str]:
        if self.require_all:
            return set(self.keys())
        return {normalize_symbol(s) for r in self.required for s in r.symbols}


def run_gene_search(
    searcher: Searcher,
    gq: GeneQuery,
    config: IndexConfig,
    *,
    background: int,
    relevance: query.Query | None,
    text_filter: query.Query | None,
    limit: int,
    offset: int = 0,
    filter: query.Query | None = None,
) -> GeneSearchResults:
    """Rank figures by over-representation of the query genes.

    `relevance` scores figures for tie-breaks (the gene symbols as text, or a
    text query); `text_filter`, when given, must also match.
    """
    keys = gq.keys()
    key_list = list(keys)
    field = ORGANISM_GENE_KEYS if gq.organism else GENE_KEYS
    size = searcher.reader().doc_count_all()
    shown = [term_docs(searcher, field, organism_gene_term(gq.organism, k) if gq.organism else k) for k in key_list]
    found = np.bincount(np.concatenate(shown), minlength=size) if shown else np.zeros(size, dtype=np.int64)
    candidate = found > 0
    for key in gq.required_keys():
        has = np.zeros(size, dtype=bool)
        has[shown[key_list.index(key)]] = True
        candidate &= has
    restrict = [f for f in (filter, text_filter) if f is not None]
    if restrict:
        candidate &= matching(searcher, query.And(restrict) if len(restrict) > 1 else restrict[0])
    docs = np.flatnonzero(candidate)
    found = found[docs]
    sizes = np.maximum(_figure_sizes(searcher, gq.organism, docs), found)
    table = _EnrichmentTable.of(found, sizes, background, len(keys), len(gq.required_keys()))
    page, scores = _page(searcher, relevance, docs, found, sizes, table, offset + limit)
    hits = []
    for rank, i in enumerate(page[offset:offset + limit].tolist(), start=offset + 1):
        docnum, j = int(docs[i]), table.pair[i]
        overlap = [keys[k] for k, d in zip(key_list, shown) if _holds(d, docnum)]
        record = unpack_record(searcher.stored_fields(docnum)[RECORD])
        snippet, spans = _gene_snippet(record, overlap, config.search.snippet_chars)
        lp = float(table.logp[j])
        base = _make_hit(rank, -lp / _LN10 if lp else 0.0, record, snippet, spans)
        hits.append(GeneHit(**{f: getattr(base, f) for f in Hit.__dataclass_fields__},
                            overlap_genes=tuple(overlap), overlap=len(overlap), figure_genes=int(sizes[i]),
                            pvalue=math.exp(lp), log10_pvalue=lp / _LN10, fdr=float(table.fdr[j]),
                            odds_ratio=float(table.ratio[j]),
                            text_score=round(float(scores[i]), 4) if scores is not None else 0.0))
    return GeneSearchResults(hits, resolutions=[*gq.resolutions, *gq.required], background=background,
                             total=int(docs.size), query=" ".join(r.term for r in gq.resolutions))


def _holds(sorted_docs: np.ndarray, docnum: int) -> bool:
    at = int(np.searchsorted(sorted_docs, docnum))
    return at < sorted_docs.size and int(sorted_docs[at]) == docnum


@dataclass(frozen=True)
class _EnrichmentTable:
    """The statistics of each distinct (overlap, figure size) pair among the
    candidates (a common gene's 60,000 candidates have a few hundred), and
    which pair each candidate has."""

    found: np.ndarray
    logp: np.ndarray
    ratio: np.ndarray
    fdr: np.ndarray
    #: Per candidate: its row in the arrays above.
    pair: np.ndarray

    @classmethod
    def of(cls, found: np.ndarray, sizes: np.ndarray, background: int, n: int, r: int) -> "_EnrichmentTable":
        keys, pair, counts = np.unique((found.astype(np.int64) << 32) | sizes, return_inverse=True,
                                       return_counts=True)
        pair_found, pair_size = keys >> 32, keys & 0xFFFFFFFF
        N = np.maximum(np.maximum(background, pair_size), n)
        logp = hypergeom_log_sf_array(pair_found - r, N - r, pair_size - r, n - r)
        ratio = odds_ratio_array(pair_found - r, N - r, pair_size - r, n - r)
        return cls(pair_found, logp, ratio, benjamini_hochberg(logp, counts), pair.reshape(-1))


def _page(searcher: Searcher, relevance: query.Query | None, docs: np.ndarray, found: np.ndarray,
          sizes: np.ndarray, table: _EnrichmentTable, k: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Candidates (indices) in rank order, at least the first `k` of them:
    by p-value, then overlap, then text relevance (computed only when figures
    tie on the first two), then fewer genes, then index order."""
    if not docs.size:
        return np.zeros(0, dtype=np.int64), None
    # Pairs in rank order; keep those up to the k-th candidate, with its ties.
    ranked = np.lexsort((-table.found, table.logp))
    counts = np.bincount(table.pair, minlength=table.logp.size)[ranked]
    last = ranked[min(int(np.searchsorted(np.cumsum(counts), k)), ranked.size - 1)]
    kept = (table.logp < table.logp[last]) | ((table.logp == table.logp[last]) & (table.found >= table.found[last]))
    chosen = np.flatnonzero(kept[table.pair])
    logp, overlap = table.logp[table.pair[chosen]], found[chosen]
    pairs = np.flatnonzero(kept).tolist()
    tied = chosen.size > len(pairs) or len({(table.logp[j], table.found[j]) for j in pairs}) < len(pairs)
    scores = None
    if relevance is not None and tied:
        scores = score(searcher, relevance).scores[docs]
        order = np.lexsort((docs[chosen], sizes[chosen], -scores[chosen], -overlap, logp))
    else:
        order = np.lexsort((docs[chosen], sizes[chosen], -overlap, logp))
    return chosen[order], scores


def _figure_sizes(searcher: Searcher, organism: str | None, docs: np.ndarray) -> np.ndarray:
    """How many genes each figure shows (of one organism, if given)."""
    reader = searcher.reader()
    if organism:
        column, key = reader.column_reader(GENE_COUNTS), organism_key(organism)
        return np.array([gene_counts(column[d]).get(key, 0) for d in docs.tolist()], dtype=np.int64)
    totals = numeric_values(reader, GENE_TOTAL, "I")
    if totals is None:
        column = reader.column_reader(GENE_TOTAL)
        return np.array([column[d] for d in docs.tolist()], dtype=np.int64)
    return totals[docs].astype(np.int64)


_LN10 = math.log(10.0)


def _gene_snippet(record: FigureRecord, symbols: Sequence[str], chars: int) -> tuple[str, Spans]:
    """Excerpt around the mentions of the shared genes in the caption."""
    return excerpt(record.caption or record.figtitle, symbol_spans(record.caption, symbols), chars)


_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
# Digits or two capitals: STTA5A, MPAK1, TGFb (spell these as genes first).
_GENE_LIKE = re.compile(r"\d|[A-Z].*[A-Z]")


def spelling_suggestions(searcher: Searcher, config: IndexConfig, text: str, resolve_gene) -> list[str]:
    """'Did you mean' for a query that found little: each word the index has
    never seen is replaced by the closest indexed word, or, for a word that
    looks like a gene symbol, by the symbol it resolves to."""
    fields = [n for n, f in config.fields.items() if f.analyzer != "gene" and n in searcher.schema]
    spelled = [n for n in fields if config.fields[n].spelling or config.fields[n].analyzer == "text"]
    changed = False
    out = []
    pos = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        out.append(text[pos:match.start()])
        pos = match.end()
        if word in _OPERATORS or text[match.end():match.end() + 1] == ":" or _known(searcher, fields, word):
            out.append(word)
            continue
        if _GENE_LIKE.search(word):
            better = resolve_gene(word) or _closest_word(searcher, spelled, word)
        else:
            better = _closest_word(searcher, spelled, word) or resolve_gene(word)
        changed |= bool(better) and better.lower() != word.lower()
        out.append(better or word)
    out.append(text[pos:])
    return ["".join(out)] if changed else []


def _known(searcher: Searcher, fields: Sequence[str], word: str) -> bool:
    for name in (*fields, "genes"):
        if name not in searcher.schema:
            continue
        for term in searcher.schema[name].process_text(word, mode="query"):
            if searcher.doc_frequency(name, term):
                return True
    return False


def _closest_word(searcher: Searcher, fields: Sequence[str], word: str) -> str | None:
    best: tuple[int, str] | None = None
    folded = word.lower()
    for name in fields:
        for suggestion in searcher.suggest(name, folded, limit=1, maxdist=2, prefix=1):
            frequency = searcher.doc_frequency(searcher.schema[name].spelling_fieldname(name), suggestion) or 1
            if best is None or frequency > best[0]:
                best = (frequency, suggestion)
    return best[1] if best else None


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
