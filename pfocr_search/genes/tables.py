"""The gene tables stored with one generation of an index, loaded when first needed.

A text query needs only the alias table (which words name gene families),
a small part of the whole; gene queries need the vocabulary and a resolver
built over it.  Each is read once per generation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

from ..config import IndexConfig
from ..errors import IndexNotFoundError
from .resolve import FUZZY, NORMALISED, GeneFamilies, GeneResolver
from .vocabulary import ALIASES, VOCABULARY, GeneVocabulary, VocabularyCounter

T = TypeVar("T")


class GeneTables:
    """Vocabulary, families and resolver of the generation in `folder`."""

    def __init__(self, folder: Path, config: IndexConfig) -> None:
        self.folder, self.config = folder, config
        self._vocabulary: GeneVocabulary | None = None
        self._families: GeneFamilies | None = None
        self._resolver: GeneResolver | None = None
        self._backgrounds: dict[str | None, int] = {}

    @property
    def vocabulary(self) -> GeneVocabulary:
        if self._vocabulary is None:
            path = self.folder / VOCABULARY
            self._vocabulary = _read_stored(path, lambda: VocabularyCounter.load(path).vocabulary()) \
                if path.is_file() else GeneVocabulary()
        return self._vocabulary

    @property
    def families(self) -> GeneFamilies:
        if self._families is None:
            path = self.folder / ALIASES
            share = self.config.genes.alias_min_share
            self._families = _read_stored(path, lambda: GeneFamilies.load(path, share)) \
                if path.is_file() else self.resolver.families
        return self._families

    @property
    def resolver(self) -> GeneResolver:
        if self._resolver is None:
            self._resolver = GeneResolver(self.vocabulary, self.config.genes.fuzzy, self.config.genes.alias_min_share)
        return self._resolver

    def family(self, key: str) -> list[str]:
        """Gene keys a normalised word names as a family or alias (for text queries)."""
        return self.families.family(key)

    def background(self, organism: str | None = None) -> int:
        """Distinct genes in the index (or one organism): the enrichment population."""
        if organism not in self._backgrounds:
            self._backgrounds[organism] = len(self.vocabulary.keys_of(organism))
        return self._backgrounds[organism]

    def spelled_symbol(self, word: str) -> str | None:
        """A word that resolves to one gene symbol only loosely (normalised,
        fuzzy) -> that symbol, for 'did you mean'."""
        resolution = self.resolver.resolve(word)
        if resolution.how in (NORMALISED, FUZZY) and len(resolution.symbols) == 1:
            return resolution.symbols[0]
        return None


def _read_stored(path: Path, load: Callable[[], T]) -> T:
    """`load()` of a file stored with the index; a damaged one is an
    IndexNotFoundError that says to rebuild, not an internal error."""
    try:
        return load()
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise IndexNotFoundError(f"{path} is damaged ({type(exc).__name__}: {exc}); "
                                 "rebuild the index with --rebuild") from None
