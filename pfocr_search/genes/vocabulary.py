"""The gene vocabulary of an index, built at index time and stored with it.

`VocabularyCounter` accumulates, record by record (and can take a record
away again, for incremental updates), every gene symbol with its NCBI Gene
ids, organisms and how many figures show it, and which OCR words the records
map to which symbols.  It is saved beside the index (`genes.json.gz`, and the
vocabulary as lookups in `genes.sqlite`, see `store`), so opening an index
never rescans records.  `GeneVocabulary` is the whole vocabulary in memory.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..fileio import write_json
from ..sources.model import FigureRecord
from ..sources.tsv import TableError, read_table
from ..textkeys import normalize_symbol, organism_key

#: The vocabulary's counts, beside the Whoosh index of a generation.
VOCABULARY = "genes.json.gz"


@dataclass(frozen=True)
class GeneEntry:
    """A symbol in the index: its display form, NCBI Gene ids, organisms, figures."""

    symbol: str
    ids: tuple[str, ...]
    organisms: tuple[str, ...]
    figures: int


@dataclass
class GeneVocabulary:
    """Every gene symbol of an index, with the words that map to them."""

    entries: dict[str, GeneEntry] = field(default_factory=dict)
    #: normalised OCR word -> {symbol: number of figures with that mapping}
    aliases: dict[str, dict[str, int]] = field(default_factory=dict)
    #: normalised alias or previous symbol -> symbols, from an HGNC-style table
    curated: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def top(self, n: int = 10) -> list[GeneEntry]:
        return sorted(self.entries.values(), key=lambda e: (-e.figures, e.symbol))[:n]

    def keys_of(self, organism: str | None = None) -> set[str]:
        """Distinct symbol keys (all organisms, or one): the background of gene-set statistics."""
        folded = organism_key(organism) if organism else None
        return {normalize_symbol(e.symbol) for e in self.entries.values()
                if folded is None or any(organism_key(o) == folded for o in e.organisms)}


def _bump(table: dict[str, Counter[str]], key: str, item: str, sign: int) -> None:
    # Not table.setdefault(key, Counter()): that builds a Counter for every
    # gene of every record, most of them thrown away (3% of a build).
    counts = table.get(key)
    if counts is None:
        counts = table[key] = Counter()
    counts[item] += sign


class VocabularyCounter:
    """Accumulates a `GeneVocabulary` one record at a time (and can take one away)."""

    def __init__(self) -> None:
        self.figures: Counter[str] = Counter()
        self.ids: dict[str, Counter[str]] = {}
        self.organisms: dict[str, Counter[str]] = {}
        self.aliases: dict[str, Counter[str]] = {}
        self.curated: dict[str, list[str]] = {}

    def add(self, record: FigureRecord, sign: int = 1) -> None:
        # In the record's order, not a set's: the order symbols are first met
        # is the vocabulary's, and ties among an alias's symbols keep it, so a
        # set's (by string hash) had listed ADSL, Adsl in one process and
        # Adsl, ADSL in the next.
        symbols: dict[str, None] = {}
        mappings: dict[tuple[str, str], None] = {}
        for gene in record.genes:
            symbols[gene.symbol] = None
            if gene.ncbigene_id:
                _bump(self.ids, gene.symbol, gene.ncbigene_id, sign)
            if gene.organism:
                _bump(self.organisms, gene.symbol, gene.organism, sign)
            for word in gene.words:
                key = normalize_symbol(word)
                if key and key != normalize_symbol(gene.symbol):
                    mappings[key, gene.symbol] = None
        for symbol in symbols:
            self.figures[symbol] += sign
        for key, symbol in mappings:
            _bump(self.aliases, key, symbol, sign)

    def remove(self, record: FigureRecord) -> None:
        self.add(record, -1)

    def merge(self, other: "VocabularyCounter") -> None:
        """Add another counter's counts (a parallel build's shard), taking over
        its counters of keys new here: `other` is spent.  (A Counter made for
        every key, most of them new, was a fifth of a build's serial tail.)"""
        self.figures.update(other.figures)
        for name in ("ids", "organisms", "aliases"):
            mine = getattr(self, name)
            for key, counts in getattr(other, name).items():
                held = mine.get(key)
                if held is None:
                    mine[key] = counts
                else:
                    held.update(counts)

    def use_alias_file(self, path: str | None) -> None:
        """Take curated aliases from an HGNC-style table (none: keep what is held)."""
        if path:
            self.curated = {key: list(symbols) for key, symbols in load_alias_table(path).items()}

    def save(self, path: Path) -> None:
        """Write the counts (not just the vocabulary) so updates can add and remove records."""
        data = {
            "format": 1,
            "figures": self.figures,
            "ids": self.ids,
            "organisms": self.organisms,
            "aliases": self.aliases,
            "curated": self.curated,
        }
        write_json(path, data)

    @classmethod
    def from_json(cls, raw: bytes) -> "VocabularyCounter":
        """What `save` wrote (gzip-compressed JSON)."""
        data = json.loads(gzip.decompress(raw))
        counter = cls()
        counter.figures = Counter(data["figures"])
        for name in ("ids", "organisms", "aliases"):
            setattr(counter, name, {k: Counter(v) for k, v in data[name].items()})
        counter.curated = data.get("curated", {})
        return counter

    def vocabulary(self) -> GeneVocabulary:
        entries = {
            s: GeneEntry(s, _positive(self.ids.get(s)), _positive(self.organisms.get(s)), n)
            for s, n in self.figures.items() if n > 0
        }
        return GeneVocabulary(entries, self._alias_table(), self._curated_table())

    def _alias_table(self) -> dict[str, dict[str, int]]:
        """OCR word -> symbols with a positive count, most frequent first."""
        aliases = {}
        for key, counts in self.aliases.items():
            kept = {s: n for s, n in counts.most_common() if n > 0}
            if kept:
                aliases[key] = kept
        return aliases

    def _curated_table(self) -> dict[str, tuple[str, ...]]:
        """Curated aliases, keeping the symbols the index has."""
        curated = {}
        for key, symbols in self.curated.items():
            present = tuple(s for s in symbols if self.figures[s] > 0)
            if present:
                curated[key] = present
        return curated


def _positive(counter: Counter[str] | None) -> tuple[str, ...]:
    return tuple(k for k, n in counter.most_common() if n > 0) if counter else ()


def load_alias_table(path: str | Path) -> dict[str, list[str]]:
    """An HGNC-style TSV (approved symbol, alias symbols, previous symbols;
    lists comma-separated) as normalised alias -> symbols."""
    try:
        rows = read_table(path, header=False).rows
    except TableError as exc:
        raise ConfigError(f"index config: genes.alias_file: {exc}") from None
    if not rows:
        return {}
    header = [h.strip().lower() for h in rows[0]]
    has_header = any("symbol" in h for h in header)
    columns = range(1, len(header))
    table: dict[str, list[str]] = {}
    for row in rows[1:] if has_header else rows:
        if not row or not row[0].strip():
            continue
        symbol = row[0].strip()
        for column in columns:
            if column >= len(row):
                continue
            for alias in row[column].split(","):
                key = normalize_symbol(alias)
                if key and key != normalize_symbol(symbol) and symbol not in table.setdefault(key, []):
                    table[key].append(symbol)
    return table
