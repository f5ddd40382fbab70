"""What an index holds: records, genes, organisms, years, size, configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whoosh.searching import Searcher

from .arguments import count
from .config import IndexConfig
from .engine.storage import Manifest, directory_size
from .genes.tables import GeneTables
from .genes.vocabulary import GeneEntry
from .query.facets import NO_ORGANISM, organism_counts, year_range


@dataclass(frozen=True)
class IndexStats:
    """What an index holds."""

    path: str
    records: int
    genes: int
    #: Distinct genes, orthologs spelled alike (IL6, Il6) counted once: the
    #: population of gene-set p-values, as `genes` and `enrich` report it.
    distinct_genes: int
    top_genes: list[GeneEntry]
    #: Every organism with its figure count, most figures first.
    organisms: list[tuple[str, int]]
    years: tuple[int | None, int | None]
    size_bytes: int
    built_at: float
    config: IndexConfig

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "records": self.records,
            "genes": self.genes,
            "distinct_genes": self.distinct_genes,
            "top_genes": [{"symbol": g.symbol, "figures": g.figures} for g in self.top_genes],
            "organisms": [{"organism": o, "figures": n} for o, n in self.organisms],
            "years": list(self.years),
            "size_bytes": self.size_bytes,
            "built_at": self.built_at,
            "config": self.config.to_dict(),
        }


def index_stats(searcher: Searcher, tables: GeneTables, manifest: Manifest, path: str, config: IndexConfig,
                top: int) -> IndexStats:
    top = count(top, "top")
    organisms = [(name, n) for name, n in organism_counts(searcher) if name != NO_ORGANISM]
    vocabulary = tables.vocabulary
    return IndexStats(
        path=path,
        records=searcher.doc_count(),
        genes=len(vocabulary.entries),
        distinct_genes=tables.background(None),
        top_genes=vocabulary.top(top),
        organisms=organisms,
        years=year_range(searcher),
        size_bytes=directory_size(tables.folder),
        built_at=manifest.built_at,
        config=config,
    )
