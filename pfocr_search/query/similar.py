"""Figures like a given figure: sharing its genes first, then its words."""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from ..config import IndexConfig
from ..engine.evaluation import matching
from ..genes.background import Universe
from ..genes.resolve import GeneMatch, Resolution
from ..sources.model import FigureRecord, Gene
from ..textkeys import normalize_symbol, organism_key
from .filters import Filters
from .genesets import GeneQuery, run_gene_search
from .results import GeneHit, GeneSearchResults, Hit, SearchResults
from .text import run_search


def similar_figures(searcher: Searcher, config: IndexConfig, record: FigureRecord, *, background: int,
                    limit: int, offset: int, filters: Filters) -> SearchResults:
    """Figures most like `record`: sharing its genes first (ranked by
    enrichment, shared genes on every hit), then its title and caption words.
    A figure with no genes gets the text alone (plain `Hit`s)."""
    organism = filters.organism
    genes = [g for g in record.genes
             if not organism or (g.organism and organism_key(g.organism) == organism_key(organism))]
    terms = _terms_by_word(genes)
    text_q = _key_terms_query(searcher, config, record)
    exclude = query.Not(query.Term("figid", record.figid))
    extra = filters.query(searcher)
    flt = exclude if extra is None else query.And([exclude, extra])
    label = f"similar to {record.figid}"
    if not terms:
        if text_q is None:
            return SearchResults(query=label)
        return run_search(searcher, text_q, config, text=label, limit=limit, offset=offset, filter=flt)
    gq = GeneQuery(terms, organism=organism)
    by_genes = run_gene_search(searcher, gq, config, universe=Universe(background), relevance=text_q, text_filter=None,
                               limit=limit + offset, filter=flt)
    by_text: Sequence[Hit] = []
    words_only = 0
    if text_q is not None:
        # Counted over the index, not over the hits fetched: the total had grown with the page size.
        sharing = matching(searcher, gq.showing())
        words_only = int(np.count_nonzero(matching(searcher, query.And([text_q, flt])) & ~sharing))
    if len(by_genes) < limit + offset and words_only:
        # Enough word-alike figures to fill the page even if all of the
        # gene-sharing ones are among them.
        by_text = run_search(searcher, text_q, config, text=label, limit=2 * (limit + offset), filter=flt)
    return _then_text(by_genes, by_text, limit, offset, label, words_only)


def _terms_by_word(genes: Sequence[Gene]) -> list[Resolution]:
    """The figure's genes as query terms, one a word of the figure: a term is
    one gene however many symbols it names, and one OCR word mapped to many
    genes ("histone" to 47 of them, "PAPA" to GLI3, PAPPA, ASAP2, PAPOLA) is one
    word of the figure.  Counted gene by gene, a yeast mating figure had been
    most like two figures sharing nothing but the word histone (46 genes),
    above the pheromone figure sharing STE11, STE20 and STE7."""
    terms: dict[str, dict[str, None]] = {}
    for gene in genes:
        key = normalize_symbol(gene.symbol)
        if key:
            word = min(filter(None, map(normalize_symbol, gene.words)), default=key)
            terms.setdefault(word, {})[key] = None
    return [Resolution(word, tuple(GeneMatch(k, "exact", 100.0) for k in keys)) for word, keys in terms.items()]


def _key_terms_query(searcher: Searcher, config: IndexConfig, record: FigureRecord) -> query.Query | None:
    """The figure's most distinctive title and caption words, as an OR query."""
    subqueries = []
    for name, text, count in (("figtitle", record.figtitle, 6), ("caption", record.caption, 10)):
        if text and name in searcher.schema:
            for term, _weight in searcher.key_terms_from_text(name, text, numterms=count):
                subqueries.append(query.Term(name, term, boost=config.fields[name].boost))
    return query.Or(subqueries) if subqueries else None


def _then_text(by_genes: GeneSearchResults, by_text: Sequence[Hit], limit: int, offset: int,
               label: str, words_only: int) -> GeneSearchResults:
    """Figures sharing genes first, then figures alike in words only."""
    shown = {h.figid for h in by_genes}
    rest = [GeneHit.from_hit(h, figure_genes=len(h.genes), text_score=h.score) for h in by_text
            if h.figid not in shown]
    merged = [*by_genes, *rest][offset:offset + limit]
    hits = [replace(h, rank=i) for i, h in enumerate(merged, start=offset + 1)]
    return GeneSearchResults(hits, resolutions=[], population=by_genes.population, query_size=by_genes.query_size,
                             query=label, total=by_genes.total + words_only, words_only=words_only)
