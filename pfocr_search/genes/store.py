"""The gene vocabulary as lookups: in memory, or on disk in SQLite.

Resolving a few typed terms needs a few lookups, not the whole vocabulary:
at 100,000 figures (about 100,000 symbols) parsing the vocabulary's JSON and indexing
it took 2 s of a one-shot `pfocr-search genes`.  So each generation also
stores its vocabulary as `genes.sqlite` (symbols, their normalised and
upper-case forms and figure counts, NCBI ids, organisms, alias counts, curated aliases, and the
keys fuzzy matching scans), opened read-only with the generation and queried
per term.  `VocabularyLookup` answers the same questions from a
`GeneVocabulary` in memory (an index without the file, or a test).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Iterator

from ..fileio import open_sqlite, write_sqlite
from ..textkeys import normalize_symbol, organism_key
from .vocabulary import GeneVocabulary

GENES_DB = "genes.sqlite"

_SCHEMA = """
CREATE TABLE symbols (symbol TEXT PRIMARY KEY, upper TEXT, key TEXT, organisms TEXT NOT NULL,
                      figures INTEGER NOT NULL);
CREATE INDEX symbols_upper ON symbols (coalesce(upper, symbol));
CREATE INDEX symbols_key ON symbols (coalesce(key, symbol));
CREATE TABLE organisms (n INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE ids (id TEXT PRIMARY KEY, symbols TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE aliases (key TEXT NOT NULL, symbol TEXT NOT NULL, figures INTEGER NOT NULL);
CREATE INDEX aliases_key ON aliases (key);
CREATE TABLE curated (key TEXT NOT NULL, symbol TEXT NOT NULL);
CREATE INDEX curated_key ON curated (key);
CREATE TABLE organism_keys (organism TEXT PRIMARY KEY, keys TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE fuzzy (keys TEXT NOT NULL);
"""


def write_store(path: Path, vocabulary: GeneVocabulary) -> None:
    """`vocabulary` as `genes.sqlite` at `path`, replacing it atomically."""
    write_sqlite(path, _SCHEMA, lambda db: _write_tables(db, vocabulary))


def _write_tables(db: sqlite3.Connection, vocabulary: GeneVocabulary) -> None:
    entries = vocabulary.entries.values()
    _write_symbols(db, vocabulary)
    # One row an id or organism, its symbols or keys joined by newlines in
    # vocabulary order: a row each took 8.4 of 21 MB at 100,000 figures.
    db.executemany("INSERT INTO ids VALUES (?, ?)", _joined((i, e.symbol) for e in entries for i in e.ids))
    db.executemany("INSERT INTO aliases VALUES (?, ?, ?)",
                   ((k, s, n) for k, counts in vocabulary.aliases.items() for s, n in counts.items()))
    db.executemany("INSERT INTO curated VALUES (?, ?)",
                   ((k, s) for k, symbols in vocabulary.curated.items() for s in symbols))
    db.executemany("INSERT INTO organism_keys VALUES (?, ?)",
                   _joined((organism_key(o), normalize_symbol(e.symbol)) for e in entries for o in e.organisms))
    db.execute("INSERT INTO fuzzy VALUES (?)", ("\n".join(_fuzzy_keys(vocabulary)),))


def _write_symbols(db: sqlite3.Connection, vocabulary: GeneVocabulary) -> None:
    """A row a symbol: its upper-case form and key only where they differ from
    it (most do not), its organisms as numbers of the organisms table."""
    numbers: dict[str, int] = {}
    rows = []
    for e in vocabulary.entries.values():
        upper, key = e.symbol.upper(), normalize_symbol(e.symbol)
        organisms = ",".join(str(numbers.setdefault(o, len(numbers))) for o in e.organisms)
        rows.append((e.symbol, None if upper == e.symbol else upper, None if key == e.symbol else key, organisms,
                     e.figures))
    db.executemany("INSERT INTO symbols VALUES (?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO organisms VALUES (?, ?)", ((n, o) for o, n in numbers.items()))


def _joined(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """(name, its distinct values joined by newlines, first seen first): gene
    symbols and ids hold no whitespace (`sources.values` collapses it)."""
    grouped: dict[str, dict[str, None]] = {}
    for name, value in pairs:
        grouped.setdefault(name, {})[value] = None
    return ((name, "\n".join(values)) for name, values in grouped.items())


def _fuzzy_keys(vocabulary: GeneVocabulary) -> list[str]:
    """What fuzzy matching scans: symbol keys, then alias and curated keys."""
    keys = dict.fromkeys(normalize_symbol(s) for s in vocabulary.entries)
    keys.update(dict.fromkeys((*vocabulary.aliases, *vocabulary.curated)))
    return list(keys)


class VocabularyLookup:
    """The lookups resolution needs, from a vocabulary in memory."""

    def __init__(self, vocabulary: GeneVocabulary) -> None:
        self.vocabulary = vocabulary
        self.aliases: Mapping[str, dict[str, int]] = vocabulary.aliases
        self.curated: Mapping[str, tuple[str, ...]] = vocabulary.curated
        self._upper: dict[str, list[str]] = {}
        self._key: dict[str, list[str]] = {}
        self._id: dict[str, list[str]] = {}
        for symbol, entry in vocabulary.entries.items():
            self._upper.setdefault(symbol.upper(), []).append(symbol)
            self._key.setdefault(normalize_symbol(symbol), []).append(symbol)
            for ident in entry.ids:
                self._id.setdefault(ident, []).append(symbol)

    def by_upper(self, upper: str) -> list[str]:
        return self._upper.get(upper, [])

    def by_key(self, key: str) -> list[str]:
        return self._key.get(key, [])

    def by_id(self, ident: str) -> list[str]:
        return self._id.get(ident, [])

    def figures(self, key: str) -> int:
        return sum(self.vocabulary.entries[s].figures for s in self.by_key(key))

    def organisms(self, symbol: str) -> tuple[str, ...]:
        entry = self.vocabulary.entries.get(symbol)
        return entry.organisms if entry else ()

    def fuzzy_keys(self) -> list[str]:
        return _fuzzy_keys(self.vocabulary)

    def keys_of(self, organism: str | None) -> set[str]:
        return self.vocabulary.keys_of(organism)


class GeneStore:
    """The same lookups, answered by `genes.sqlite` (opened read-only)."""

    def __init__(self, path: Path) -> None:
        self._db = open_sqlite(path)
        self._db.execute("SELECT symbol FROM symbols LIMIT 1").fetchall()  # a damaged file fails here, not mid-query
        self.aliases = _AliasTable(self._db)
        self.curated = _CuratedTable(self._db)
        self._fuzzy: list[str] | None = None
        self._organisms = dict(self._db.execute("SELECT n, name FROM organisms"))

    def _symbols(self, sql: str, value: str) -> list[str]:
        return [row[0] for row in self._db.execute(sql, (value,))]

    def by_upper(self, upper: str) -> list[str]:
        return self._symbols("SELECT symbol FROM symbols WHERE coalesce(upper, symbol) = ? ORDER BY rowid", upper)

    def by_key(self, key: str) -> list[str]:
        return self._symbols("SELECT symbol FROM symbols WHERE coalesce(key, symbol) = ? ORDER BY rowid", key)

    def by_id(self, ident: str) -> list[str]:
        return self._lines("SELECT symbols FROM ids WHERE id = ?", ident)

    def figures(self, key: str) -> int:
        """Figures holding a symbol of this key (IL6 and il6 each counted)."""
        return self._db.execute("SELECT coalesce(sum(figures), 0) FROM symbols WHERE coalesce(key, symbol) = ?",
                                (key,)).fetchone()[0]

    def _lines(self, sql: str, value: str) -> list[str]:
        row = self._db.execute(sql, (value,)).fetchone()
        return row[0].split("\n") if row else []

    def organisms(self, symbol: str) -> tuple[str, ...]:
        row = self._db.execute("SELECT organisms FROM symbols WHERE symbol = ?", (symbol,)).fetchone()
        return tuple(self._organisms[int(n)] for n in row[0].split(",")) if row and row[0] else ()

    def fuzzy_keys(self) -> list[str]:
        if self._fuzzy is None:
            blob = self._db.execute("SELECT keys FROM fuzzy").fetchone()
            self._fuzzy = blob[0].split("\n") if blob and blob[0] else []
        return self._fuzzy

    def keys_of(self, organism: str | None) -> set[str]:
        if organism is None:
            return {row[0] for row in self._db.execute("SELECT DISTINCT coalesce(key, symbol) FROM symbols")}
        return set(self._organism_keys(organism))

    def count(self, organism: str | None) -> int:
        if organism is None:
            return self._db.execute("SELECT COUNT(DISTINCT coalesce(key, symbol)) FROM symbols").fetchone()[0]
        return len(self._organism_keys(organism))

    def _organism_keys(self, organism: str) -> list[str]:
        return self._lines("SELECT keys FROM organism_keys WHERE organism = ?", organism_key(organism))

    def close(self) -> None:
        self._db.close()


class _AliasTable(Mapping):
    """normalised OCR word -> {symbol: figures}, read per word."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __getitem__(self, key: str) -> dict[str, int]:
        rows = self._db.execute("SELECT symbol, figures FROM aliases WHERE key = ? ORDER BY figures DESC, rowid",
                                (key,)).fetchall()
        if not rows:
            raise KeyError(key)
        return dict(rows)

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._db.execute("SELECT DISTINCT key FROM aliases ORDER BY key"))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(DISTINCT key) FROM aliases").fetchone()[0]


class _CuratedTable(_AliasTable):
    """normalised alias -> symbols, from an HGNC-style table."""

    def __getitem__(self, key: str) -> tuple[str, ...]:
        rows = self._db.execute("SELECT symbol FROM curated WHERE key = ? ORDER BY rowid", (key,)).fetchall()
        if not rows:
            raise KeyError(key)
        return tuple(row[0] for row in rows)

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._db.execute("SELECT DISTINCT key FROM curated ORDER BY key"))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(DISTINCT key) FROM curated").fetchone()[0]
