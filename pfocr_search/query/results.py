"""The typed results of a search: hits and the lists that carry them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Sequence

from ..genes.background import Background
from ..genes.resolve import Resolution
from ..sources.model import FigureRecord


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

    @classmethod
    def of(cls, rank: int, score: float, record: FigureRecord, snippet: str,
           spans: tuple[tuple[int, int], ...], journal: str | None = None, **extra: Any) -> "Hit":
        """The hit for `record` (a `GeneHit` takes its statistics as `extra`);
        `journal` as facets show it (see `facets.shown_journal`), else the record's."""
        return cls(rank=rank, figid=record.figid, score=round(score, 4), figtitle=record.figtitle,
                   year=record.year, organisms=record.organisms, genes=record.gene_symbols, pmcid=record.pmcid,
                   figlink=record.figlink, url=record.url, papertitle=record.papertitle,
                   journal=record.journal if journal is None else journal, snippet=snippet, highlights=spans, **extra)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["highlights"] = [list(span) for span in self.highlights]
        return data


@dataclass(frozen=True)
class GeneHit(Hit):
    """A figure ranked for a gene set: `score` is -log10 of the p-value (of a
    figure alike in words only, which has none, its text's score)."""

    #: How many query genes the figure shows, its own gene count, and which genes.
    overlap: int = 0
    figure_genes: int = 0
    overlap_genes: tuple[str, ...] = ()
    #: One-sided hypergeometric p-value, its log10 (exact where p underflows),
    #: Benjamini-Hochberg FDR over the figures scored, and the odds ratio.
    #: None for a figure alike in words only (`similar`, `overlap` 0): no test
    #: was made of it, and p = 1 had read as one that failed.
    pvalue: float | None = None
    log10_pvalue: float | None = None
    fdr: float | None = None
    odds_ratio: float | None = None
    #: BM25F relevance of the figure's text to the genes (or to the text query);
    #: of a figure alike in words only, its `score`.
    text_score: float = 0.0

    @classmethod
    def from_hit(cls, hit: Hit, **extra: Any) -> "GeneHit":
        return cls(**{f.name: getattr(hit, f.name) for f in fields(Hit)}, **extra)


@dataclass
class Understood:
    """How a query was read (a search with explain=True)."""

    #: The query as Whoosh understood it: fields, boosts, expansions.
    parsed: str
    #: The query as typed, when its correction ranked the hits instead.
    corrected_from: str | None
    #: Abbreviations and long forms it was also sought as ("mTOR = mammalian target of rapamycin").
    synonyms: tuple[str, ...]
    #: Words it sought as the genes they name: word -> gene keys.
    gene_families: dict[str, tuple[str, ...]]
    #: Words and genes learnt from the best figures, which also ranked the hits.
    feedback: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
        #: "Did you mean": the query with its words no figure holds corrected.
        self.suggestions = list(suggestions)
        #: The query as typed, when it had words no figure holds and these are
        #: the hits of its likeliest correction (`query`) instead.
        self.corrected_from: str | None = None
        #: Words and genes learnt from the best figures, which also rank the
        #: figures found, at a low weight (pseudo-relevance feedback).
        self.feedback: list[str] = []
        #: The query that ranked the hits: `parsed`, with the feedback added.
        self.ranking: Any = None
        #: With explain=True: figid -> why it scores what it does, and the query
        #: as understood (parsed, corrected, synonyms and gene families added).
        self.explanations: dict[str, Any] = {}
        self.understood: Understood | None = None


class GeneSearchResults(SearchResults):
    """Gene-set hits (`GeneHit`), with how each query term was resolved and
    the numbers every p-value came from: p = P(X >= hit.overlap) for
    X ~ Hypergeometric(`population`, hit.figure_genes, `query_size`)."""

    def __init__(self, hits: Sequence[GeneHit] = (), *, resolutions: Sequence[Resolution] = (),
                 population: int = 0, query_size: int = 0, background: Background | None = None,
                 background_known: int = 0, outside_background: Sequence[str] = (), words_only: int = 0,
                 unmet: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(hits, **kwargs)
        self.resolutions = list(resolutions)
        #: Of `total`, the figures alike in words only, after those sharing genes (`similar`).
        self.words_only = words_only
        #: N: distinct genes of the index (or organism), or of the background given.
        self.population = population
        #: n: the query's distinct genes, after resolution and the background.
        self.query_size = query_size
        #: The background given, if any; how many of its genes the index has;
        #: the query genes that are not in it (and so were not counted).
        self.background = background
        self.background_known = background_known
        self.outside_background = list(outside_background)
        #: Genes every hit must show (`require`, `require_all`) that no gene
        #: counted here answers: why there are no hits.
        self.unmet = list(unmet)

    def why_none(self) -> str:
        """What to say when no figure shows the genes: which required gene is none, if one is."""
        if not self.unmet:
            return "no figures show these genes"
        where = "the background" if self.background is not None else "the index"
        verb = "is" if len(self.unmet) == 1 else "are"
        return f"no figures show these genes: {', '.join(self.unmet)} {verb} required but no gene of {where}"

    def statistics(self) -> dict[str, Any]:
        """The numbers behind every p-value of these results, and how many of
        `total` share no gene (`words_only`), JSON-ready."""
        data: dict[str, Any] = {"population": self.population, "query_size": self.query_size,
                                "words_only": self.words_only}
        if self.background is not None:
            data["background"] = {"given": len(self.background), "known_to_index": self.background_known,
                                  "query_genes_outside": self.outside_background}
        return data


def searched_text(typed: str, results: SearchResults) -> str:
    """The text a search's hits matched, for facets over the same figures: the
    correction a text search fell back on; with genes (gene-set results, whose
    `query` is the gene terms) the text as typed."""
    return typed if isinstance(results, GeneSearchResults) else results.query
