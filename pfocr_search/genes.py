"""Gene symbols: normalisation and the gene vocabulary of an index.

`normalize_symbol` is the one definition of when two spellings of a gene
symbol are the same (``NF-κB``, ``NFKB``, ``nf-kb``); the index's gene field
analyzer and every lookup use it.  `GeneVocabulary` is built at index time
from the records (symbols, their NCBI Gene ids, how many figures show them,
and which OCR words the records map to which symbols) and stored next to the
index, so opening an index never rescans records.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .records import FigureRecord

# Greek letters as they stand in gene symbols (PKCθ = PRKCQ, GSK3β = GSK3B),
# and Cyrillic letters that look like Latin ones (OCR and copy-paste produce
# NF-кB with a Cyrillic ka).  Lower-case only: callers case-fold first.
_LETTER_FOLD = str.maketrans({
    "α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "ϵ": "e", "ζ": "z", "η": "h",
    "θ": "q", "ϑ": "q", "ι": "i", "κ": "k", "ϰ": "k", "λ": "l", "μ": "m", "ν": "n",
    "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "u",
    "φ": "f", "ϕ": "f", "χ": "c", "ψ": "y", "ω": "w",
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
})
_SYMBOL_JUNK = re.compile(r"[\s\-_.\u2010-\u2015·']+")


def fold_text(text: str) -> str:
    """Case-folded `text` with compatibility forms unified, accents dropped
    (ZÁP70 -> zap70) and Greek and Cyrillic look-alike letters as Latin ones."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_LETTER_FOLD)


def normalize_symbol(text: str) -> str:
    """The key under which gene-symbol spellings meet: upper-case, Greek and
    Cyrillic folded to Latin, hyphens, dots, underscores and spaces removed."""
    return _SYMBOL_JUNK.sub("", fold_text(text)).upper()


@dataclass(frozen=True)
class GeneEntry:
    """A symbol in the index: its display form, NCBI Gene ids, organisms, figures."""

    symbol: str
    ids: tuple[str, ...]
    organisms: tuple[str, ...]
    figures: int


@dataclass
class GeneVocabulary:
    """Every gene symbol of an index, with the OCR words that map to them."""

    entries: dict[str, GeneEntry] = field(default_factory=dict)
    #: normalised OCR word -> {symbol: number of figures with that mapping}
    aliases: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: Iterable[FigureRecord]) -> "GeneVocabulary":
        counter = VocabularyCounter()
        for record in records:
            counter.add(record)
        return counter.vocabulary()

    def top(self, n: int = 10) -> list[GeneEntry]:
        return sorted(self.entries.values(), key=lambda e: (-e.figures, e.symbol))[:n]

class VocabularyCounter:
    """Accumulates a `GeneVocabulary` one record at a time (and can take one away)."""

    def __init__(self) -> None:
        self.figures: Counter[str] = Counter()
        self.ids: dict[str, Counter[str]] = {}
        self.organisms: dict[str, Counter[str]] = {}
        self.aliases: dict[str, Counter[str]] = {}

    def add(self, record: FigureRecord, sign: int = 1) -> None:
        symbols: set[str] = set()
        mappings: set[tuple[str, str]] = set()
        for gene in record.genes:
            symbols.add(gene.symbol)
            if gene.ncbigene_id:
                self.ids.setdefault(gene.symbol, Counter())[gene.ncbigene_id] += sign
            if gene.organism:
                self.organisms.setdefault(gene.symbol, Counter())[gene.organism] += sign
            for word in gene.words:
                key = normalize_symbol(word)
                if key and key != normalize_symbol(gene.symbol):
                    mappings.add((key, gene.symbol))
        for symbol in symbols:
            self.figures[symbol] += sign
        for key, symbol in mappings:
            self.aliases.setdefault(key, Counter())[symbol] += sign

    def remove(self, record: FigureRecord) -> None:
        self.add(record, -1)

    def save(self, path: Path) -> None:
        """Write the counts (not just the vocabulary) so updates can add and remove records."""
        data = {
            "format": 1,
            "figures": self.figures,
            "ids": self.ids,
            "organisms": self.organisms,
            "aliases": self.aliases,
        }
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "VocabularyCounter":
        data = json.loads(path.read_text("utf-8"))
        counter = cls()
        counter.figures = Counter(data["figures"])
        for name in ("ids", "organisms", "aliases"):
            setattr(counter, name, {k: Counter(v) for k, v in data[name].items()})
        return counter

    def vocabulary(self) -> GeneVocabulary:
        entries = {
            s: GeneEntry(s, _positive(self.ids.get(s)), _positive(self.organisms.get(s)), n)
            for s, n in self.figures.items() if n > 0
        }
        aliases = {}
        for key, counts in self.aliases.items():
            kept = {s: n for s, n in counts.most_common() if n > 0}
            if kept:
                aliases[key] = kept
        return GeneVocabulary(entries, aliases)


def _positive(counter: Counter[str] | None) -> tuple[str, ...]:
    return tuple(k for k, n in counter.most_common() if n > 0) if counter else ()
