"""Synonyms the corpus itself defines: abbreviations and their long forms.

Captions define their abbreviations: "… the mammalian target of rapamycin
(mTOR) …".  `definitions()` finds such pairs with the Schwartz–Hearst
algorithm (Schwartz & Hearst, PSB 2003: the short form in parentheses, the
long form the shortest run of preceding words whose letters hold the short
form's characters in order, its first at a word start).  `SynonymCounter`
counts, per pair, the figures that define it, as records are added and
removed (so incremental updates keep the table right), and is stored with
the index; `SynonymTable` answers what a query word or phrase also means:
the pairs defined by at least `min_figures` figures, each long form of an
abbreviation that has at least `min_share` of its definitions.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .fileio import HeldFile, write_json
from .sources.model import FigureRecord
from .textkeys import fold_text

#: Stored beside the index, in each generation: the counts (for updates), and
#: the pairs kept (what queries load: a small part of the counts).
SYNONYMS = "synonyms.json"
SYNONYM_TABLE = "synonym-table.json"
# An abbreviation in parentheses: 2-10 characters, at most two words, with a letter.
_PAREN = re.compile(r"\(([^()]{2,10})\)")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_PART = re.compile(r"\w+")


def words_key(text: str) -> tuple[str, ...]:
    """How a phrase is matched: its folded word parts ('Mitogen-activated protein' ->
    ('mitogen', 'activated', 'protein'))."""
    return tuple(_PART.findall(fold_text(text)))


def short_key(text: str) -> str:
    """How an abbreviation is matched: folded, its parts joined ('IFN-γ' -> 'ifn g' -> 'ifng')."""
    return "".join(words_key(text))


def _valid_short(form: str) -> bool:
    # An upper-case letter keeps out parenthesised words ("(left)", "(red)").
    return len(form.split()) <= 2 and form[0].isalnum() and any(c.isupper() for c in form)


def _long_form(short: str, words: list[str]) -> str | None:
    """Schwartz–Hearst: the shortest tail of `words` that holds `short`'s
    letters and digits in order, matching right to left, the first at a word
    start (both folded, so IFN-γ is found in "interferon gamma")."""
    chars = [c for c in fold_text(short) if c.isalnum()]
    lower = " ".join(fold_text(w) for w in words)
    s, t = len(chars) - 1, len(lower) - 1
    while s >= 0:
        c = chars[s]
        while t >= 0 and (lower[t] != c or (s == 0 and t > 0 and lower[t - 1].isalnum())):
            t -= 1
        if t < 0:
            return None
        s -= 1
        t -= 1
    found = " ".join(words[lower.count(" ", 0, t + 1):]).strip(" ,;:")
    return found if len(found) > len(short) and short.lower() not in found.lower().split() else None


def definitions(text: str) -> set[tuple[str, str]]:
    """(short form, long form) pairs a text defines."""
    pairs = set()
    for match in _PAREN.finditer(text):
        short = match.group(1).strip()
        if not short or not _valid_short(short):
            continue
        before = _WORD.findall(text[max(0, match.start() - 200):match.start()])
        limit = min(len(short) + 5, 2 * len(short))
        found = _long_form(short, before[-limit:]) if before else None
        if found and len(words_key(found)) >= 2:
            pairs.add((short, found))
    return pairs


def record_definitions(record: FigureRecord) -> set[tuple[str, str]]:
    """What one figure's title, caption and paper title define."""
    return definitions(" . ".join((record.figtitle, record.caption, record.papertitle)))


class SynonymCounter:
    """Figures defining each (short form, long form) pair, by their keys,
    with the spelling seen first for display."""

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.shown: dict[str, str] = {}

    def add(self, record: FigureRecord, sign: int = 1) -> None:
        # Sorted: which of a figure's spellings is shown (and expanded) must
        # not depend on the set's order, which changes from run to run.
        for short, long in sorted(record_definitions(record)):
            key = (short_key(short), " ".join(words_key(long)))
            self.pairs[key] += sign
            self.shown.setdefault(key[0], short)
            self.shown.setdefault(key[1], long)

    def remove(self, record: FigureRecord) -> None:
        self.add(record, -1)

    def merge(self, other: "SynonymCounter") -> None:
        self.pairs.update(other.pairs)
        for key, text in other.shown.items():
            self.shown.setdefault(key, text)

    def save(self, folder: Path, min_figures: int, min_share: float) -> None:
        """The counts, and beside them the table of pairs kept, in `folder`."""
        counted = {pair: n for pair, n in self.pairs.items() if n > 0}
        used = {key for pair in counted for key in pair}
        write_json(folder / SYNONYMS, {"format": 1, "pairs": {"\t".join(p): n for p, n in counted.items()},
                                       "shown": {k: v for k, v in self.shown.items() if k in used}})
        kept = _kept(counted, min_figures, min_share)
        write_json(folder / SYNONYM_TABLE, {"format": 1, "pairs": [[s, lf, n] for (s, lf), n in kept],
                                            "shown": {k: self.shown[k] for pair, _ in kept for k in pair}})

    @classmethod
    def from_json(cls, text: bytes | str) -> "SynonymCounter":
        data = json.loads(text)
        counter = cls()
        counter.pairs = Counter({tuple(k.split("\t", 1)): n for k, n in data["pairs"].items()})  # type: ignore[misc]
        counter.shown = dict(data["shown"])
        return counter


def _kept(pairs: dict[tuple[str, str], int], min_figures: int, min_share: float) -> list[tuple[tuple[str, str], int]]:
    """The pairs defined by at least `min_figures` figures and `min_share` of
    their abbreviation's definitions, most defined first."""
    totals: Counter[str] = Counter()
    for (short, _), n in pairs.items():
        totals[short] += n
    return [(pair, n) for pair, n in sorted(pairs.items(), key=lambda x: (-x[1], x[0]))
            if n >= min_figures and n >= min_share * totals[pair[0]]]


@dataclass(frozen=True)
class Synonym:
    """One expansion: the other form, how it is spelled, and how many figures define the pair."""

    key: str
    text: str
    figures: int


#: The shortest abbreviation a long form typed is also sought as.
MIN_SOUGHT_SHORT = 3


class SynonymTable:
    """Which abbreviations and long forms stand for each other in this corpus
    (the pairs `SynonymCounter.save` kept)."""

    def __init__(self, pairs: Iterable[tuple[str, str, int]] = (), shown: dict[str, str] | None = None) -> None:
        shown = shown or {}
        self._long: dict[str, list[Synonym]] = {}
        self._short: dict[str, list[Synonym]] = {}
        for short, long, n in pairs:
            self._long.setdefault(short, []).append(Synonym(long, shown.get(long, long), n))
            self._short.setdefault(long, []).append(Synonym(short, shown.get(short, short), n))
        #: The longest long form, in words: how far a query is looked at for one.
        self.longest = max((len(k.split()) for k in self._short), default=0)

    @classmethod
    def from_json(cls, text: bytes | str) -> "SynonymTable":
        data = json.loads(text)
        return cls(((s, lf, n) for s, lf, n in data["pairs"]), data["shown"])

    def long_forms(self, word: str) -> list[Synonym]:
        """What an abbreviation stands for ('mTOR' -> mammalian target of rapamycin)."""
        return self._long.get(short_key(word), [])

    def short_forms(self, words: Iterable[str]) -> list[Synonym]:
        """The abbreviations of a phrase given as its words, of at least
        `MIN_SOUGHT_SHORT` characters: a two-letter one stands for many
        things (RA is retinoic acid where a caption defines it, rheumatoid
        arthritis in other figures), and "retinoic acid" had pulled those in."""
        found = self._short.get(" ".join(p for w in words for p in words_key(w)), [])
        return [s for s in found if len(s.text) >= MIN_SOUGHT_SHORT]

    def __len__(self) -> int:
        return len(self._long)


class StoredSynonyms:
    """The synonym table of one generation, read when a query first needs it
    through a file opened with the generation (see `genes.tables`)."""

    def __init__(self, folder: Path) -> None:
        self._file = HeldFile(folder / SYNONYM_TABLE)
        self._table: SynonymTable | None = None

    @property
    def table(self) -> SynonymTable:
        if self._table is None:
            self._table = self._file.load(SynonymTable.from_json, SynonymTable)
        return self._table

    def close(self) -> None:
        self._file.close()
