"""Gene-set ranking: figures by over-representation of the query genes.

Figures are ranked as Enrichr and PFOCRummage rank them: a one-sided
hypergeometric p-value against the index's distinct genes (or one
organism's), Benjamini-Hochberg FDR and the odds ratio (`enrichment`),
computed once per distinct (overlap, figure size) pair over posting arrays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from ..config import IndexConfig
from ..engine.arrays import cached, column_reader, distinct, numeric_values
from ..engine.evaluation import matching, score, term_docs
from ..engine.schema import (
    GENE_COUNTS,
    GENE_KEYS,
    GENE_TOTAL,
    ORGANISM_GENE_KEYS,
    RECORD,
    gene_counts,
    organism_gene_term,
    unpack_record,
)
from ..genes.background import Background, Universe
from ..genes.lists import GeneSet
from ..genes.resolve import Resolution
from ..genes.tables import GeneTables
from ..sources.model import FigureRecord
from ..textkeys import normalize_symbol, organism_key
from .enrichment import benjamini_hochberg, hypergeom_log_sf_array, odds_ratio_array
from .filters import Filters
from .journals import shown_journal
from .results import GeneHit, GeneSearchResults
from .snippets import Spans, excerpt, symbol_spans
from .text import text_snippets

# Where a gene set's symbols are looked for as words, to break ties between
# equally enriched figures: the two fields that say most about a figure.
_RELEVANCE_FIELDS = ("figtitle", "caption")


def search_genes(searcher: Searcher, tables: GeneTables, config: IndexConfig, terms: Sequence[str], *,
                 limit: int, offset: int, filters: Filters, fuzzy: bool = True, require: Sequence[str] = (),
                 require_all: bool = False, text_query: query.Query | None = None,
                 background: Background | None = None, text_ties: bool = True) -> GeneSearchResults:
    """Figures ranked by how strongly they share the genes `terms` resolve to
    (see `FigureIndex.search_genes`); `text_ties=False` leaves figures tied on
    p-value and overlap in index order rather than scoring their text."""
    organism = filters.organism
    resolve = tables.resolver.resolve_all
    gq = GeneQuery(resolve(terms, organism, fuzzy=fuzzy),
                   resolve(require, organism, fuzzy=fuzzy) if require else (), require_all, organism)
    relevance = text_query if text_query is not None or not text_ties else \
        gene_text_query(searcher.schema, config, list(gq.keys().values()))
    # organism-qualified gene terms already keep to the organism
    return run_gene_search(searcher, gq, config, universe=universe(searcher, tables, organism, background),
                           relevance=relevance, text_filter=text_query, limit=limit, offset=offset,
                           filter=filters.without_organism().query(searcher))


def showing_genes(tables: GeneTables, terms: Sequence[str], organism: str | None) -> query.Query:
    """Figures showing any gene `terms` resolve to: the figures `search_genes` ranks."""
    return GeneQuery(tables.resolver.resolve_all(terms, organism), organism=organism).showing()


@dataclass(frozen=True)
class SetEnrichment:
    """One gene set of a batch, against the index."""

    name: str
    description: str
    #: Terms the set gave, before resolution.
    terms: int
    results: GeneSearchResults

    def to_dict(self) -> dict:
        """The set and its hits, JSON-ready, as every result has."""
        return {"set": self.name, "description": self.description, "terms": self.terms,
                **self.results.statistics(), "hits": self.rows()}

    def rows(self) -> list[dict]:
        """One JSON-ready row per figure: the set, the figure and its statistics."""
        return [{"set": self.name, "rank": h.rank, "figid": h.figid, "figtitle": h.figtitle, "overlap": h.overlap,
                 "set_size": self.results.query_size, "figure_genes": h.figure_genes,
                 "population": self.results.population, "pvalue": h.pvalue, "log10_pvalue": h.log10_pvalue,
                 "fdr": h.fdr, "odds_ratio": h.odds_ratio, "overlap_genes": list(h.overlap_genes)}
                for h in self.results]


def enrich_set(searcher: Searcher, tables: GeneTables, config: IndexConfig, gene_set: GeneSet, *, limit: int,
               max_fdr: float | None, filters: Filters, background: Background | None,
               fuzzy: bool = True) -> SetEnrichment:
    """One set of a batch: ranked as `search_genes` ranks, ties left in index
    order (scoring text for each of hundreds of sets costs more than it tells),
    hits above `max_fdr` dropped."""
    results = search_genes(searcher, tables, config, gene_set.terms, limit=limit, offset=0, filters=filters,
                           fuzzy=fuzzy, background=background, text_ties=False)
    if max_fdr is not None:
        results[:] = [h for h in results if h.fdr is not None and h.fdr <= max_fdr]
    return SetEnrichment(gene_set.name, gene_set.description, len(gene_set.terms), results)


def universe(searcher: Searcher, tables: GeneTables, organism: str | None,
             background: Background | None) -> Universe:
    """The index's genes (or one organism's), or the background given."""
    if background is None:
        return Universe(tables.background(organism))
    return Universe(len(background), background, len(background.keys & tables.keys(organism)))


def gene_text_query(schema, config: IndexConfig, symbols: Sequence[str]) -> query.Query | None:
    """The symbols as words in the text fields, for ranking figures that talk about them."""
    terms = []
    for name in _RELEVANCE_FIELDS:
        spec = config.fields.get(name)
        if spec is None or name not in schema:
            continue
        for symbol in symbols:  # built directly: parsing 50 quoted symbols cost more than the search
            tokens = list(schema[name].process_text(symbol, mode="query"))
            if len(tokens) == 1:
                terms.append(query.Term(name, tokens[0], boost=spec.boost))
    return query.Or(terms) if terms else None


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

    def groups(self, counted: set[str]) -> list[list[str]]:
        """The `counted` keys grouped by the term that gave them, each key in its
        first term's group, empty groups left out: a term is one gene of the
        query however many symbols it resolves to ("p53" to TP53, TP63, TP73
        and others had counted as seven genes on both sides of the test)."""
        seen: set[str] = set()
        out = []
        for resolution in (*self.resolutions, *self.required):
            keys = dict.fromkeys(map(normalize_symbol, resolution.symbols))
            group = [k for k in keys if k in counted and k not in seen]
            seen.update(group)
            if group:
                out.append(group)
        return out

    def showing(self) -> query.Query:
        """Figures showing any of the query's genes."""
        field, texts = self.field_terms(list(self.keys()))
        return query.Or([query.Term(field, t) for t in sorted(texts)]) if texts else query.NullQuery

    def field_terms(self, keys: Sequence[str]) -> tuple[str, list[str]]:
        """The field and terms by which figures show `keys`: organism-qualified
        when the query keeps to an organism, so another species' STAT3 is not counted."""
        if self.organism:
            return ORGANISM_GENE_KEYS, [organism_gene_term(self.organism, k) for k in keys]
        return GENE_KEYS, list(keys)

    def required_keys(self) -> set[str]:
        if self.require_all:
            return set(self.keys())
        return {normalize_symbol(s) for r in self.required for s in r.symbols}

    def unmet(self) -> list[str]:
        """The terms the query demands that resolved to no gene: no figure shows
        them (`require=[NOTAGENE]` had been dropped, keeping every figure)."""
        return [r.term for r in (*self.required, *(self.resolutions if self.require_all else ())) if not r.symbols]


def run_gene_search(
    searcher: Searcher,
    gq: GeneQuery,
    config: IndexConfig,
    *,
    universe: Universe,
    relevance: query.Query | None,
    text_filter: query.Query | None,
    limit: int,
    offset: int = 0,
    filter: query.Query | None = None,
) -> GeneSearchResults:
    """Rank figures by over-representation of the query genes.

    `relevance` scores figures for tie-breaks (the gene symbols as text, or a
    text query); `text_filter`, when given, must also match.  With a
    background, only its genes count: in the query, in each figure, and as
    the population.
    """
    keys = asked = gq.keys()
    outside = []
    if universe.background is not None:
        outside = [symbol for key, symbol in keys.items() if key not in universe.background.keys]
        keys = {key: symbol for key, symbol in keys.items() if key in universe.background.keys}
    demanded = gq.required_keys()
    required = demanded & set(keys)
    # A gene `require` names that the background leaves out is counted in no figure.
    unmet = gq.unmet() + ([] if gq.require_all else [asked[k] for k in demanded - required])
    key_list = list(keys)
    field, terms = gq.field_terms(key_list)
    size = searcher.reader().doc_count_all()
    shown = [term_docs(searcher, field, term) for term in terms]
    at = {key: i for i, key in enumerate(key_list)}
    groups = gq.groups(set(keys))
    # Each figure counts the query's terms it shows a gene of, once each.
    by_group = [shown[at[g[0]]] if len(g) == 1 else distinct(np.concatenate([shown[at[k]] for k in g]))
                for g in groups]
    found = np.bincount(np.concatenate(by_group), minlength=size) if by_group else np.zeros(size, dtype=np.int64)
    candidate = (found > 0) & (not unmet)
    demanded_groups = [docs for g, docs in zip(groups, by_group) if required & set(g)]
    for group_docs in demanded_groups:
        has = np.zeros(size, dtype=bool)
        has[group_docs] = True
        candidate &= has
    restrict = [f for f in (filter, text_filter) if f is not None]
    if restrict:
        candidate &= matching(searcher, query.And(restrict) if len(restrict) > 1 else restrict[0])
    snippet_of = text_snippets(searcher, text_filter, config.search.snippet_chars) if text_filter is not None \
        else None
    docs = np.flatnonzero(candidate)
    found = found[docs]
    sizes = np.maximum(_figure_sizes(searcher, gq.organism, docs, universe.background), found)
    table = _EnrichmentTable.of(found, sizes, universe.population, len(groups), len(demanded_groups))
    # With a text query the text scores are shown on every hit, not only computed to break ties.
    page, scores = _page(searcher, relevance, docs, found, sizes, table, offset + limit, text_filter is not None)
    hits = []
    for rank, i in enumerate(page[offset:offset + limit].tolist(), start=offset + 1):
        docnum, j = int(docs[i]), table.pair[i]
        overlap = [keys[k] for k, d in zip(key_list, shown) if _holds(d, docnum)]
        record = unpack_record(searcher.stored_fields(docnum)[RECORD])
        snippet, spans = snippet_of(record) if snippet_of else _gene_snippet(record, overlap,
                                                                             config.search.snippet_chars)
        lp = float(table.logp[j])
        hits.append(GeneHit.of(rank, -lp / _LN10 if lp else 0.0, record, snippet, spans,
                               journal=shown_journal(searcher, record),
                               overlap_genes=tuple(overlap), overlap=int(found[i]), figure_genes=int(sizes[i]),
                               pvalue=math.exp(lp), log10_pvalue=lp / _LN10, fdr=float(table.fdr[j]),
                               odds_ratio=float(table.ratio[j]),
                               text_score=round(float(scores[i]), 4) if scores is not None else 0.0))
    return GeneSearchResults(hits, resolutions=[*gq.resolutions, *gq.required], population=universe.population,
                             query_size=len(groups), background=universe.background, background_known=universe.known,
                             outside_background=outside, unmet=unmet, total=int(docs.size),
                             query=" ".join(r.term for r in gq.resolutions))


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
          sizes: np.ndarray, table: _EnrichmentTable, k: int,
          scored: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Candidates (indices) in rank order, at least the first `k` of them:
    by p-value, then overlap, then text relevance (computed only when figures
    tie on the first two, or `scored`), then fewer genes, then index order."""
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
    if relevance is not None and (tied or scored):
        scores = score(searcher, relevance).scores[docs]
        order = np.lexsort((docs[chosen], sizes[chosen], -scores[chosen], -overlap, logp))
    else:
        order = np.lexsort((docs[chosen], sizes[chosen], -overlap, logp))
    return chosen[order], scores


def _figure_sizes(searcher: Searcher, organism: str | None, docs: np.ndarray,
                  background: Background | None = None) -> np.ndarray:
    """How many genes each figure shows (of one organism, if given; of the background, if given)."""
    reader = searcher.reader()
    if background is not None:
        return _background_sizes(searcher, organism, background)[docs]
    if organism:
        column, key = column_reader(reader, GENE_COUNTS), organism_key(organism)
        return np.array([gene_counts(column[d]).get(key, 0) for d in docs.tolist()], dtype=np.int64)
    totals = numeric_values(reader, GENE_TOTAL, "I")
    if totals is None:
        column = column_reader(reader, GENE_TOTAL)
        return np.array([column[d] for d in docs.tolist()], dtype=np.int64)
    return totals[docs].astype(np.int64)


def _background_sizes(searcher: Searcher, organism: str | None, background: Background) -> np.ndarray:
    """Every figure's number of background genes: counted once per reader and
    background from the postings of the background genes (a batch of gene
    sets shares the count)."""
    def count() -> np.ndarray:
        field = ORGANISM_GENE_KEYS if organism else GENE_KEYS
        size = searcher.reader().doc_count_all()
        docs = [term_docs(searcher, field, organism_gene_term(organism, k) if organism else k)
                for k in sorted(background.keys)]
        return np.bincount(np.concatenate(docs), minlength=size) if docs else np.zeros(size, dtype=np.int64)

    return cached(searcher.reader(), f"background sizes:{organism}:{hash(background.keys)}:{len(background)}", count)


_LN10 = math.log(10.0)


def _gene_snippet(record: FigureRecord, symbols: Sequence[str], chars: int) -> tuple[str, Spans]:
    """Excerpt around the mentions of the shared genes in the caption."""
    return excerpt(record.caption or record.figtitle, symbol_spans(record.caption, symbols), chars)
