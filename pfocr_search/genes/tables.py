"""The gene tables stored with one generation of an index, opened with it.

Resolving terms and expanding a text query's words to gene families look
terms up in `genes.sqlite` (see `store`), a connection opened with the
generation: another process's updates may delete the generation's folder
meanwhile, and an open file still reads what it held.  The whole vocabulary
(`genes.json.gz`) is parsed only for what needs all of it: `stats()` and the
`vocabulary` property.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..config import IndexConfig
from ..errors import IndexNotFoundError
from ..fileio import HeldFile
from .resolve import FUZZY, NORMALISED, GeneFamilies, GeneResolver
from .store import GENES_DB, GeneStore, VocabularyLookup
from .vocabulary import VOCABULARY, GeneVocabulary, VocabularyCounter


class GeneTables:
    """Vocabulary, families and resolver of the generation in `folder`."""

    def __init__(self, folder: Path, config: IndexConfig) -> None:
        self.folder, self.config = folder, config
        self._counts = HeldFile(folder / VOCABULARY)
        try:
            self._store: GeneStore | None = GeneStore(folder / GENES_DB) if (folder / GENES_DB).is_file() else None
        except sqlite3.Error as exc:
            raise IndexNotFoundError.damaged(folder / GENES_DB, exc) from None
        self._vocabulary: GeneVocabulary | None = None
        self._resolver: GeneResolver | None = None
        self._keys: dict[str | None, set[str]] = {}
        self._background: dict[str | None, int] = {}

    @property
    def vocabulary(self) -> GeneVocabulary:
        """The whole vocabulary, parsed from `genes.json.gz` when first asked for."""
        if self._vocabulary is None:
            self._vocabulary = self._counts.load(lambda text: VocabularyCounter.from_json(text).vocabulary(),
                                                 GeneVocabulary)
        return self._vocabulary

    @property
    def resolver(self) -> GeneResolver:
        if self._resolver is None:
            lookup = self._store if self._store is not None else VocabularyLookup(self.vocabulary)
            self._resolver = GeneResolver(lookup, self.config.genes.fuzzy, self.config.genes.alias_min_share)
        return self._resolver

    @property
    def families(self) -> GeneFamilies:
        return self.resolver.families

    def family(self, key: str) -> list[str]:
        """Gene keys a normalised word names as a family or alias (for text queries)."""
        return self.families.family(key)

    def symbol(self, key: str) -> bool:
        """Whether a normalised word is a gene symbol of this index (not only an alias)."""
        return bool(self.resolver.lookup.by_key(key))

    def known(self, key: str) -> bool:
        """Whether a normalised word is a gene symbol or alias of this index."""
        lookup = self.resolver.lookup
        return bool(lookup.by_key(key)) or key in lookup.aliases

    def keys(self, organism: str | None = None) -> set[str]:
        """The distinct gene keys of the index (or one organism)."""
        if organism not in self._keys:
            self._keys[organism] = self.resolver.lookup.keys_of(organism)
        return self._keys[organism]

    def background(self, organism: str | None = None) -> int:
        """Distinct genes in the index (or one organism): the enrichment population,
        counted once per generation (at 100,000 figures, a scan of 10 ms a gene search)."""
        if organism not in self._background:
            self._background[organism] = (self._store.count(organism) if self._store is not None
                                           else len(self.keys(organism)))
        return self._background[organism]

    def spelled_symbol(self, word: str) -> str | None:
        """A word that resolves to one gene symbol only loosely (normalised,
        fuzzy) -> that symbol, for 'did you mean'."""
        resolution = self.resolver.resolve(word, suggest=False)  # suggestions would be thrown away
        if resolution.how in (NORMALISED, FUZZY) and len(resolution.symbols) == 1:
            return resolution.symbols[0]
        return None

    def close(self) -> None:
        self._counts.close()
        if self._store is not None:
            self._store.close()

