"""Gene symbols: normalisation, the gene vocabulary of an index, and resolving
what people type to the symbols an index holds.

`normalize_symbol` is the one definition of when two spellings of a gene
symbol are the same (``NF-κB``, ``NFKB``, ``nf-kb``); the index's gene field
analyzer and every lookup use it.  `GeneVocabulary` is built at index time
from the records (symbols, their NCBI Gene ids, how many figures show them,
and which OCR words the records map to which symbols) and stored next to the
index, so opening an index never rescans records.  `GeneResolver` turns a
typed term into symbols: exact symbol or NCBI Gene id, normalised form,
alias (OCR words the records map to symbols, and an optional HGNC alias
table), and last a fuzzy match with rapidfuzz; every answer says how.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .config import FuzzyConfig
from .errors import ConfigError
from .records import FigureRecord, organism_key

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


@lru_cache(maxsize=1 << 18)
def fold_text(text: str) -> str:
    """Case-folded `text` with compatibility forms unified, accents dropped
    (ZÁP70 -> zap70) and Greek and Cyrillic look-alike letters as Latin ones."""
    if text.isascii():  # most words: nothing to decompose or fold beyond case
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold().translate(_LETTER_FOLD)


_GREEK_NAMES = {"alpha": "a", "beta": "b", "gamma": "g", "delta": "d", "epsilon": "e", "kappa": "k",
                "theta": "q", "zeta": "z", "iota": "i", "lambda": "l", "sigma": "s", "omega": "w"}
_NAMES = "|".join(sorted(_GREEK_NAMES, key=len, reverse=True))
# A Greek letter spelled out, alone or where symbols carry one: HIF-1alpha,
# NF-kappaB, GSK3beta, TNFalpha, IFNgamma (prefix: up to 4 letters, or ending in a digit).
_SPELLED = re.compile(rf"^(?P<pre>[a-z]{{0,4}}|[a-z0-9]*\d)(?:(?P<name>{_NAMES})\d*|kappa[a-z]\d*)$")


def fold_greek_names(token: str) -> str:
    """Lower-case `token` with a spelled-out Greek letter as the letter itself
    ('beta' -> 'b', 'kappab' -> 'kb', 'gsk3beta' -> 'gsk3b'), so spellings
    meet the Greek forms that `fold_text` maps to the same Latin letter."""
    match = _SPELLED.match(token)
    if not match:
        return token
    pre = match.group("pre")
    name = match.group("name") or "kappa"
    return pre + _GREEK_NAMES[name] + token[len(pre) + len(name):]


@lru_cache(maxsize=1 << 17)  # symbols repeat across figures; called per gene per record
def normalize_symbol(text: str) -> str:
    """The key under which gene-symbol spellings meet: upper-case, Greek and
    Cyrillic folded to Latin (spelled-out letters too: GSK3beta = GSK3β = GSK3B),
    hyphens, dots, underscores and spaces removed."""
    return fold_greek_names(_SYMBOL_JUNK.sub("", fold_text(text))).upper()


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
                if folded is None or any(o.casefold() == folded for o in e.organisms)}


class VocabularyCounter:
    """Accumulates a `GeneVocabulary` one record at a time (and can take one away)."""

    def __init__(self) -> None:
        self.figures: Counter[str] = Counter()
        self.ids: dict[str, Counter[str]] = {}
        self.organisms: dict[str, Counter[str]] = {}
        self.aliases: dict[str, Counter[str]] = {}
        self.curated: dict[str, list[str]] = {}

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
        _write_json(path, data)
        _write_json(path.with_name(ALIASES), {"format": 1, "aliases": self._alias_table(),
                                              "curated": self._curated_table()})

    @classmethod
    def load(cls, path: Path) -> "VocabularyCounter":
        data = json.loads(path.read_text("utf-8"))
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


#: The alias table alone, beside the vocabulary: what expanding a text
#: query's words to gene families needs, a small part of the whole to load.
ALIASES = "aliases.json"


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), "utf-8")
    tmp.replace(path)


class GeneFamilies:
    """The genes a word names as an alias or family, from the index's own OCR
    mappings and any curated table (JAK -> JAK1, JAK2, JAK3, TYK2)."""

    def __init__(self, aliases: dict[str, dict[str, int]], curated: dict[str, tuple[str, ...]],
                 min_share: float = 0.1) -> None:
        self.aliases, self.curated, self.min_share = aliases, curated, min_share

    @classmethod
    def load(cls, path: Path, min_share: float = 0.1) -> "GeneFamilies":
        data = json.loads(path.read_text("utf-8"))
        return cls(data["aliases"], {k: tuple(v) for k, v in data["curated"].items()}, min_share)

    def matches(self, key: str) -> list[GeneMatch]:
        """Symbols mapped from `key`: each OCR mapping seen at least `min_share`
        as often as the most frequent one (scored by its share), then curated ones."""
        counts = self.aliases.get(key, {})
        matches = []
        if counts:
            top = max(counts.values())
            total = sum(counts.values())
            matches = [GeneMatch(s, ALIAS, 100.0 * n / total) for s, n in
                       sorted(counts.items(), key=lambda x: (-x[1], x[0])) if n >= self.min_share * top]
        matches += [GeneMatch(s, ALIAS, 90.0) for s in self.curated.get(key, ())]
        return matches

    def family(self, key: str) -> list[str]:
        """Keys of the genes an already-normalised word names; [] for short or unknown words."""
        if len(key) < 3:
            return []
        return list(dict.fromkeys(normalize_symbol(m.symbol) for m in self.matches(key)))


def _positive(counter: Counter[str] | None) -> tuple[str, ...]:
    return tuple(k for k, n in counter.most_common() if n > 0) if counter else ()


def load_alias_table(path: str | Path) -> dict[str, list[str]]:
    """An HGNC-style TSV (approved symbol, alias symbols, previous symbols;
    lists comma-separated) as normalised alias -> symbols."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"index config: genes.alias_file: cannot read {path}: {exc}") from None
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


# -- resolution ----------------------------------------------------------------

EXACT, IDENTIFIER, NORMALISED, ALIAS, FUZZY, UNKNOWN = "exact", "id", "normalised", "alias", "fuzzy", "unknown"
_GENE_ID = re.compile(r"^(?:ncbigene:|entrez:|geneid:)?(\d+)$", re.I)


@dataclass(frozen=True)
class GeneMatch:
    """One symbol a term resolved to, how, and how well (0-100)."""

    symbol: str
    how: str
    score: float


@dataclass(frozen=True)
class Resolution:
    """What a typed gene term was understood as."""

    term: str
    matches: tuple[GeneMatch, ...] = ()
    #: Closest symbols, for a term that resolved to nothing.
    suggestions: tuple[str, ...] = ()

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(m.symbol for m in self.matches)

    @property
    def how(self) -> str:
        return self.matches[0].how if self.matches else UNKNOWN

    @property
    def ambiguous(self) -> bool:
        """A fuzzy match with several equally close, different genes (orthologs
        spelled alike, IL6 and il6, count as one)."""
        return self.how == FUZZY and len({normalize_symbol(m.symbol) for m in self.matches}) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "how": self.how,
            "symbols": list(self.symbols),
            "scores": [round(m.score, 1) for m in self.matches],
            "ambiguous": self.ambiguous,
            "suggestions": list(self.suggestions),
        }


class GeneResolver:
    """Resolves typed gene terms against one index's vocabulary.

    Lookups are dictionary hits except the last, fuzzy, step, which runs
    rapidfuzz's optimal-string-alignment distance (a swap of two letters is
    one edit: STTA5A -> STAT5A) over the normalised keys, in C.
    """

    def __init__(self, vocabulary: GeneVocabulary, fuzzy: FuzzyConfig, alias_min_share: float = 0.1) -> None:
        self.vocabulary = vocabulary
        self.fuzzy = fuzzy
        self.families = GeneFamilies(vocabulary.aliases, vocabulary.curated, alias_min_share)
        self._upper: dict[str, list[str]] = {}
        self._by_key: dict[str, list[str]] = {}
        self._by_id: dict[str, list[str]] = {}
        for symbol, entry in vocabulary.entries.items():
            self._upper.setdefault(symbol.upper(), []).append(symbol)
            self._by_key.setdefault(normalize_symbol(symbol), []).append(symbol)
            for ident in entry.ids:
                self._by_id.setdefault(ident, []).append(symbol)
        # Fuzzy candidates: symbol keys and alias keys, each pointing at symbols.
        self._fuzzy_targets: dict[str, list[str]] = {k: list(v) for k, v in self._by_key.items()}
        for key in (*vocabulary.aliases, *vocabulary.curated):
            self._fuzzy_targets.setdefault(key, [])
        self._fuzzy_keys = list(self._fuzzy_targets)

    def resolve(self, term: str, organism: str | None = None, *, fuzzy: bool = True) -> Resolution:
        """Resolve one term; `organism` keeps only symbols seen in that organism."""
        term = term.strip()
        key = normalize_symbol(term)
        if not key:
            return Resolution(term)
        keep = self._organism_filter(organism)
        for step in (self._exact_or_alias, self._normalised_or_alias, self._alias_only):
            matches = [m for m in step(term, key) if keep(m.symbol)]
            if matches:
                return Resolution(term, tuple(_dedupe(matches)))
        if fuzzy:
            matches = [m for m in self._fuzzy(key, organism) if keep(m.symbol)]
            if matches:
                return Resolution(term, tuple(_dedupe(matches)))
        return Resolution(term, (), self.suggest(key, organism))

    def resolve_all(self, terms: Iterable[str], organism: str | None = None, *,
                    fuzzy: bool = True) -> list[Resolution]:
        return [self.resolve(t, organism, fuzzy=fuzzy) for t in split_terms(terms)]

    # Each dictionary step adds the alias expansions of the same key: "AKT"
    # is a fly symbol (Akt) but people typing it mean the family AKT1-3, and
    # "p53" is a fly symbol too, while its figures say TP53 and Trp53.

    def _exact_or_alias(self, term: str, key: str) -> list[GeneMatch]:
        ident = _GENE_ID.match(term)
        if ident:
            return [GeneMatch(s, IDENTIFIER, 100.0) for s in self._by_id.get(ident.group(1), [])]
        exact = self._upper.get(term.upper(), [])
        if not exact:
            return []
        return [GeneMatch(s, EXACT, 100.0) for s in exact] + self._aliases(key)

    def _normalised_or_alias(self, term: str, key: str) -> list[GeneMatch]:
        found = self._by_key.get(key, [])
        if not found:
            return []
        return [GeneMatch(s, NORMALISED, 95.0) for s in found] + self._aliases(key)

    def _alias_only(self, term: str, key: str) -> list[GeneMatch]:
        return self._aliases(key)

    def _aliases(self, key: str) -> list[GeneMatch]:
        return self.families.matches(key)

    def _fuzzy(self, key: str, organism: str | None) -> list[GeneMatch]:
        edits = self.fuzzy.max_edits(len(key))
        if edits == 0:
            return []
        found = process.extract(key, self._fuzzy_keys, scorer=OSA.distance, score_cutoff=edits,
                                limit=self.fuzzy.max_candidates * 4)
        best: list[GeneMatch] = []
        best_distance = None
        keep = self._organism_filter(organism)
        for candidate, distance, _ in sorted(found, key=lambda x: (x[1], x[0])):
            score = fuzz.ratio(key, candidate)
            if score < self.fuzzy.min_score:
                continue
            symbols = [s for s in self._targets(candidate) if keep(s)]
            if not symbols:
                continue
            if best_distance is None:
                best_distance = distance
            if distance > best_distance:
                break
            best += [GeneMatch(s, FUZZY, score) for s in symbols]
        return best[: self.fuzzy.max_candidates]

    def _targets(self, key: str) -> list[str]:
        direct = self._fuzzy_targets.get(key) or []
        return direct or [m.symbol for m in self._aliases(key)]

    def suggest(self, key: str, organism: str | None = None, limit: int = 3) -> tuple[str, ...]:
        """The symbols closest to `key`, however far (for 'did you mean')."""
        keep = self._organism_filter(organism)
        out: list[str] = []
        for candidate, _, _ in process.extract(key, self._fuzzy_keys, scorer=fuzz.ratio, limit=limit * 4):
            out += [s for s in self._targets(candidate) if keep(s) and s not in out]
            if len(out) >= limit:
                break
        return tuple(out[:limit])

    def _organism_filter(self, organism: str | None):
        if not organism:
            return lambda symbol: True
        folded = organism_key(organism)
        entries = self.vocabulary.entries
        return lambda symbol: symbol in entries and any(o.casefold() == folded for o in entries[symbol].organisms)


def _dedupe(matches: Iterable[GeneMatch]) -> list[GeneMatch]:
    seen: dict[str, GeneMatch] = {}
    for m in matches:
        seen.setdefault(m.symbol, m)
    return list(seen.values())


def split_terms(terms: Iterable[str]) -> list[str]:
    """Gene terms as given on a command line or in a list: 'A,B C' -> [A, B, C]."""
    out = []
    for item in terms:
        out.extend(t for t in re.split(r"[,;\s]+", item) if t)
    return out
