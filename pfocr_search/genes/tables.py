"""The gene tables stored with one generation of an index, loaded when first needed.

A text query needs only the alias table (which words name gene families),
a small part of the whole; gene queries need the vocabulary and a resolver
built over it.  Each is read once per generation, from a file opened when the
generation was: another process's updates may delete the generation's
folder meanwhile, and an open file still reads what it held.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Callable, TypeVar

from ..config import IndexConfig
from ..errors import IndexNotFoundError
from .resolve import FUZZY, NORMALISED, GeneFamilies, GeneResolver
from .vocabulary import ALIASES, VOCABULARY, GeneVocabulary, VocabularyCounter

T = TypeVar("T")


class GeneTables:
    """Vocabulary, families and resolver of the generation in `folder`."""

    def __init__(self, folder: Path, config: IndexConfig) -> None:
        self.folder, self.config = folder, config
        self._files = {name: _open(folder / name) for name in (VOCABULARY, ALIASES)}
        self._vocabulary: GeneVocabulary | None = None
        self._families: GeneFamilies | None = None
        self._resolver: GeneResolver | None = None
        self._keys: dict[str | None, set[str]] = {}

    @property
    def vocabulary(self) -> GeneVocabulary:
        if self._vocabulary is None:
            self._vocabulary = self._read(VOCABULARY, lambda text: VocabularyCounter.from_json(text).vocabulary()) \
                if self._files[VOCABULARY] else GeneVocabulary()
        return self._vocabulary

    @property
    def families(self) -> GeneFamilies:
        if self._families is None:
            share = self.config.genes.alias_min_share
            self._families = self._read(ALIASES, lambda text: GeneFamilies.from_json(text, share)) \
                if self._files[ALIASES] else self.resolver.families
        return self._families

    def _read(self, name: str, load: Callable[[bytes], T]) -> T:
        """`load()` of a file stored with the index; a damaged one is an
        IndexNotFoundError that says to rebuild, not an internal error."""
        fh = self._files[name]
        try:
            fh.seek(0)
            return load(fh.read())
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise IndexNotFoundError(f"{self.folder / name} is damaged ({type(exc).__name__}: {exc}); "
                                     "rebuild the index with --rebuild") from None

    def close(self) -> None:
        for fh in self._files.values():
            if fh is not None:
                fh.close()

    @property
    def resolver(self) -> GeneResolver:
        if self._resolver is None:
            self._resolver = GeneResolver(self.vocabulary, self.config.genes.fuzzy, self.config.genes.alias_min_share)
        return self._resolver

    def family(self, key: str) -> list[str]:
        """Gene keys a normalised word names as a family or alias (for text queries)."""
        return self.families.family(key)

    def keys(self, organism: str | None = None) -> set[str]:
        """The distinct gene keys of the index (or one organism)."""
        if organism not in self._keys:
            self._keys[organism] = self.vocabulary.keys_of(organism)
        return self._keys[organism]

    def background(self, organism: str | None = None) -> int:
        """Distinct genes in the index (or one organism): the enrichment population."""
        return len(self.keys(organism))

    def spelled_symbol(self, word: str) -> str | None:
        """A word that resolves to one gene symbol only loosely (normalised,
        fuzzy) -> that symbol, for 'did you mean'."""
        resolution = self.resolver.resolve(word)
        if resolution.how in (NORMALISED, FUZZY) and len(resolution.symbols) == 1:
            return resolution.symbols[0]
        return None


def _open(path: Path) -> BinaryIO | None:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        return None
