"""What an index counts over its records beside the Whoosh index: the gene
vocabulary and the corpus's synonyms.  Both are kept as counts, so adding and
removing records (incremental updates, figid clashes, merges) keeps them
exactly as a fresh build would make them."""

from __future__ import annotations

from pathlib import Path

from ..config import IndexConfig
from ..fileio import load_index_file
from ..genes.store import GENES_DB, write_store
from ..genes.vocabulary import VOCABULARY, VocabularyCounter
from ..sources.model import FigureRecord
from ..synonyms import SYNONYMS, SynonymCounter


class Tallies:
    """The gene vocabulary and synonym counts of one generation."""

    def __init__(self, genes: VocabularyCounter | None = None, synonyms: SynonymCounter | None = None) -> None:
        self.genes = genes or VocabularyCounter()
        self.synonyms = synonyms or SynonymCounter()

    def add(self, record: FigureRecord) -> None:
        self.genes.add(record)
        self.synonyms.add(record)

    def remove(self, record: FigureRecord) -> None:
        self.genes.remove(record)
        self.synonyms.remove(record)

    def merge(self, other: "Tallies") -> None:
        """Add a shard's tallies, which are spent: their counters are taken over."""
        self.genes.merge(other.genes)
        self.synonyms.merge(other.synonyms)

    def use_alias_file(self, path: str | None) -> None:
        self.genes.use_alias_file(path)

    def save(self, folder: Path, config: IndexConfig) -> None:
        """The counts (for later updates), and what queries read: the gene
        vocabulary as lookups and the synonym table."""
        self.genes.save(folder / VOCABULARY)
        write_store(folder / GENES_DB, self.genes.vocabulary())
        self.synonyms.save(folder, config.synonyms.min_figures, config.synonyms.min_share)

    @classmethod
    def load(cls, folder: Path) -> "Tallies":
        genes = load_index_file(folder / VOCABULARY, VocabularyCounter.from_json, lambda: None)
        return cls(genes, load_index_file(folder / SYNONYMS, SynonymCounter.from_json, SynonymCounter))
