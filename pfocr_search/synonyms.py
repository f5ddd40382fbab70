"""Synonyms the corpus itself defines: abbreviations and their long forms.

Captions define their abbreviations: "… the mammalian target of rapamycin
(mTOR) …".  `definitions()` finds such pairs with the Schwartz–Hearst
algorithm (Schwartz & Hearst, PSB 2003: the short form in parentheses, the
long form the shortest run of preceding words whose letters hold the short
form's characters in order, its first at a word start), and in the
glossaries legends end with ("Abbreviations: TCR, T-cell receptor; ..."),
an abbreviation defined in the plural ("FAs") as itself ("FA").  `SynonymCounter`
counts, per pair, the figures that define it, as records are added and
removed (so incremental updates keep the table right), and is stored with
the index; `SynonymTable` answers what a query word or phrase also means:
the pairs defined by at least `min_figures` figures, each long form of an
abbreviation that has at least `min_share` of its definitions.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Iterable

from .errors import IndexNotFoundError
from .fileio import HeldFile, open_sqlite, write_json, write_sqlite
from .sources.model import FigureRecord
from .engine.stemming import porter_with_exceptions
from .legends import is_legend_key
from .spellings import fold_spelling
from .textkeys import GREEK_NAMES, fold_greek_names, fold_text, greek_letter, join_letters, sharp_s_as_beta

#: Stored beside the index, in each generation: the counts (for updates), and
#: the pairs kept, which queries look words up in (generations made before
#: the database kept them as JSON, `SYNONYM_TABLE`, read whole).
SYNONYMS = "synonyms.json"
SYNONYM_DB = "synonyms.sqlite"
SYNONYM_TABLE = "synonym-table.json"
# An abbreviation in parentheses: 2-10 characters, at most two words, with a letter.
_PAREN = re.compile(r"\(([^()]{2,10})\)")
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
_PART = re.compile(r"\w+")


def words_key(text: str) -> tuple[str, ...]:
    """How a phrase is matched: its folded word parts ('Mitogen-activated protein' ->
    ('mitogen', 'activated', 'protein')), letters spelled out as the Greek
    ones (IKKbeta is IKKβ, which captions define), British spellings as
    the index keeps them (a caption's "tumour necrosis factor (TNF)" defines
    TNF for a query's "tumor necrosis factor")."""
    return tuple(fold_spelling(fold_greek_names(part)) for part in _PART.findall(fold_text(text)))


def long_key(words: Iterable[str]) -> str:
    """How a long form, given as its words, is matched: its folded word parts, in
    the singular and Porter-stemmed (with biology's exceptions), so a query's "G
    protein-coupled receptor" meets the "G protein coupled receptors (GPCRs)" a
    caption defines, and "programed death ligand 1" (a spelling dictionaries
    allow) the "programmed death ligand 1"; letters apart as one ("kappa B": κB)."""
    return " ".join(join_letters([_stem(p) for w in words for p in words_key(w)]))


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    # In the singular first: Porter stems "flies" "fli" but "fly" "fly".
    return porter_with_exceptions(_singular_word(word))


def _singular_word(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def short_key(text: str) -> str:
    """How an abbreviation is matched: folded, its parts joined ('IFN-γ' -> 'ifn g' -> 'ifng').
    A short one written with a Greek letter ("Gα", "Aβ", "G-alpha") is marked: folded it
    is another abbreviation (GA, gallic acid; Ab, antibody), which "Gα" had been expanded to."""
    key = "".join(words_key(text))
    return key + _GREEK_MARK if len(key) <= _GREEK_MARKED and _writes_greek(text, key) else key


def _writes_greek(text: str, key: str) -> bool:
    """Whether `text` writes a Greek letter, as itself or spelled out (then its key is not its letters)."""
    return _GREEK.search(text) is not None or key != "".join(_PART.findall(fold_text(text)))


#: Keys this long or shorter keep a Greek letter's mark (see `short_key`); longer ones carry
#: their meaning in the rest ("TNFa" is TNF-α wherever a caption writes it so).
_GREEK_MARKED = 3
_GREEK_MARK = "*"
_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")


def _valid_short(form: str) -> bool:
    # An upper-case letter keeps out parenthesised words ("(left)", "(red)").
    return len(form.split()) <= 2 and form[0].isalnum() and any(c.isupper() for c in form)


def _long_form(short: str, found_words: list[re.Match[str]]) -> str | None:
    """Schwartz–Hearst: the shortest tail of `found_words` (`_WORD` matches)
    that holds `short`'s letters and digits in order, matching right to left,
    the first at a word start (both folded, so IFN-γ is found in "interferon
    gamma"); as the text wrote it (`_as_written`)."""
    words = [w.group() for w in found_words]
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
    first = lower.count(" ", 0, t + 1)
    found = " ".join(words[first:])
    # A long form holding the abbreviation ("DSF-family signals (DSF)") names a kind of it, not what it stands for.
    if len(found) <= len(short) or short_key(short) in words_key(found):
        return None
    return _as_written(found_words[first:]) or found


def _as_written(words: list[re.Match[str]]) -> str | None:
    """The text from the first of `words` to the last, white space made one
    space: their words joined by spaces had shown "indolamine-2,3-dioxygenase"
    as "indolamine-2 3-dioxygenase" (keys are its words either way); None
    where it holds a bracket it does not open ("(TANK)-binding": "TANK)-binding").
    A sharp s that stands for β is shown as β ("transforming growth factor ß")."""
    text = sharp_s_as_beta(" ".join(words[0].string[words[0].start():words[-1].end()].split()))
    depths = list(accumulate((c in "([{") - (c in ")]}") for c in text)) or [0]
    return text if min(depths) >= 0 and depths[-1] == 0 else None


# A glossary entry, as legends list their abbreviations: "Abbreviations: TCR,
# T-cell receptor; MHC, major histocompatibility complex." (also "TCR: ..."
# and "TCR = ..."), between a list's separators.  Entries written "PA:
# phosphatidic acid, LPA: lysophosphatidic acid" follow each other after a
# comma and a space, hold none ("VTA = ventral tegmental area, NUC. ACC. =
# ..." is not "area NUC"), and end at the comma before the next; so does
# an entry "IL-2, interleukin-2, CMV, cytomegalovirus" before an abbreviation
# and a comma (its long form had been all the rest); a list "I,
# II, III, Kynurenine aminotransferase" or "MyD88, TRIF, and TRAM" has none.
# A long form starts with a word: white space after the separator is the
# separator's, never tried again as the long form's start (a run of spaces
# had made the match quadratic).
_SHORT = r"(?P<short>[^\W_][^\s,;:()=]{1,9})"
_GLOSSARY = (
    re.compile(rf"(?:^|[;:]|\.\s)\s*{_SHORT}\s*,\s+(?P<long>[^;:.()=\s][^;:.()=]{{2,119}}?)\s*"
               rf"(?=;|\.(?:\s|$)|$|,\s(?=(?:[^\s,;:()=]*?[A-Z\d]){{2}})[^\W_][^\s,;:()=]{{1,9}},\s)"),
    re.compile(rf"(?:^|[;:]|\.\s|,\s)\s?{_SHORT}\s?[:=]\s+(?P<long>[^;:.()=,\s](?:[^;:.()=,]|,(?!\s)){{2,119}}?)"
               rf"\s?(?=;|,\s[^\W_][^\s,;:()=]{{1,9}}\s?[:=]\s|\.(?:\s|$)|$)"),
)


def definitions(text: str) -> set[tuple[str, str]]:
    """(short form, long form) pairs a text defines: a long form with its
    abbreviation in parentheses after it, or an entry of a glossary list
    (not a legend's key to its colours and marks)."""
    return {pair for pair in _definitions(text) if not is_legend_key(pair[0], words_key(pair[1]))}


def _definitions(text: str) -> set[tuple[str, str]]:
    pairs = set()
    for match in (m for glossary in _GLOSSARY for m in glossary.finditer(text)):
        short, words = match.group("short"), list(_WORD.finditer(match.group("long")))
        # Abbreviation-like (two capitals or digits: "TCR", "mTOR", "IL-6"), so
        # a sentence's first word before a comma ("However, ...") is not one.
        if (_valid_short(short) and sum(c.isupper() or c.isdigit() for c in short) >= 2
                and len(words) <= min(len(short) + 5, 2 * len(short))):
            found = _long_form(short, words)
            if found and len(words_key(found)) >= 2:
                pairs.add((_singular(short), found))
    for match in _PAREN.finditer(text):
        short = match.group(1).strip()
        if not short or not _valid_short(short):
            continue
        before = list(_WORD.finditer(text[max(0, match.start() - 200):match.start()]))
        limit = min(len(short) + 5, 2 * len(short))
        found = _long_form(short, before[-limit:]) if before else None
        if found and len(words_key(found)) >= 2:
            pairs.add((_singular(short), found))
    return pairs


def _singular(short: str) -> str:
    """An abbreviation defined in the plural ("FAs", "TLRs") as the abbreviation:
    "FAs" searched as written is the gene FAS."""
    return short[:-1] if len(short) > 2 and short[-1] == "s" and short[-2].isupper() else short


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
            key = (short_key(short), long_key([long]))
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
        _write_db(folder / SYNONYM_DB, _kept(counted, min_figures, min_share), self.shown)

    @classmethod
    def from_json(cls, text: bytes | str) -> "SynonymCounter":
        data = json.loads(text)
        counter = cls()
        counter.pairs = Counter({tuple(k.split("\t", 1)): n for k, n in data["pairs"].items()})  # type: ignore[misc]
        counter.shown = dict(data["shown"])
        return counter


def _kept(pairs: dict[tuple[str, str], int], min_figures: int, min_share: float) -> list[tuple[tuple[str, str], int]]:
    """The pairs defined by at least `min_figures` figures and `min_share` of their abbreviation's definitions,
    most defined first, but a long form that another as often defined extends: Schwartz-Hearst reads "cAMP-dependent
    protein kinase (PKA)" as "protein kinase", and every "protein kinase" query had sought PKA."""
    longs: dict[str, list[tuple[str, int]]] = {}
    for (short, long), n in pairs.items():
        longs.setdefault(short, []).append((long, n))
    return [(pair, n) for pair, n in sorted(pairs.items(), key=lambda x: (-x[1], x[0]))
            if n >= min_figures and n >= min_share * sum(m for _, m in longs[pair[0]])
            and not any(other.startswith(pair[1] + " ") and m >= n for other, m in longs[pair[0]])]


@dataclass(frozen=True)
class Synonym:
    """One expansion: the other form, how it is spelled, how many figures
    define the pair, and its weight if not the corpus's (`curated`)."""

    key: str
    text: str
    figures: int
    weight: float | None = None


#: The shortest abbreviation a long form typed is also sought as: a two-letter
#: one stands for many things (RA is retinoic acid where a caption defines it,
#: rheumatoid arthritis in other figures), and "retinoic acid" had pulled those in.
MIN_SOUGHT_SHORT = 3


class SynonymLookups:
    """What a query word or phrase also means, given the pairs by either key."""

    #: The longest long form, in words: how far a query is looked at for one.
    longest: int = 0

    def long_forms(self, word: str) -> list[Synonym]:
        """What an abbreviation stands for ('mTOR' -> mammalian target of rapamycin);
        one typed in the plural ('GPCRs') as the abbreviation, which is how
        definitions store it, before the word as typed ('FAs' is not FAS)."""
        # A Greek letter alone ("kappa", "κ", "ϰ", "kappa.") folds to k, which the curated list
        # reads as potassium; names that do not fold ("PI", "tau") stay abbreviations.
        letters = "".join(c for c in word if c.isalpha()).lower()
        if letters in GREEK_NAMES or (len(letters) == 1 and greek_letter(letters)):
            return []
        single = _singular(word)
        found = self._expansions("short", short_key(single)) if single != word else []
        return found or self._expansions("short", short_key(word))

    def short_forms(self, words: Iterable[str]) -> list[Synonym]:
        """The abbreviations of a phrase given as its words, of at least `MIN_SOUGHT_SHORT` characters."""
        found = self._expansions("long", long_key(words))
        return [s for s in found if len(s.text) >= MIN_SOUGHT_SHORT]

    def _expansions(self, by: str, key: str) -> list[Synonym]:
        raise NotImplementedError

    def family(self, name: str) -> Synonym | None:
        """The symbol of the numbered family a one-word name names ("interleukin": IL), if listed."""
        return None


class SynonymTable(SynonymLookups):
    """Which abbreviations and long forms stand for each other in this corpus
    (the pairs `SynonymCounter.save` kept), in memory."""

    def __init__(self, pairs: Iterable[tuple[str, str, int]] = (), shown: dict[str, str] | None = None) -> None:
        shown = shown or {}
        self._by: dict[str, dict[str, list[Synonym]]] = {"short": {}, "long": {}}
        for short, long, n in pairs:
            self._by["short"].setdefault(short, []).append(Synonym(long, shown.get(long, long), n))
            self._by["long"].setdefault(long, []).append(Synonym(short, shown.get(short, short), n))
        self.longest = max((len(k.split()) for k in self._by["long"]), default=0)

    @classmethod
    def from_json(cls, text: bytes | str) -> "SynonymTable":
        """The table as generations before `SYNONYM_DB` stored it."""
        data = json.loads(text)
        return cls(((s, lf, n) for s, lf, n in data["pairs"]), data["shown"])

    def _expansions(self, by: str, key: str) -> list[Synonym]:
        return self._by[by].get(key, [])

    def __len__(self) -> int:
        return len(self._by["short"])


_DB_SCHEMA = """
CREATE TABLE pairs (short TEXT NOT NULL, long TEXT NOT NULL, short_text TEXT NOT NULL, long_text TEXT NOT NULL,
                    figures INTEGER NOT NULL);
CREATE INDEX pairs_short ON pairs (short);
CREATE INDEX pairs_long ON pairs (long);
CREATE TABLE facts (longest INTEGER NOT NULL, abbreviations INTEGER NOT NULL);
"""
# The other form's key, its spelling and the figures defining the pair, most defined first.
_EXPANSIONS = {"short": "SELECT long, long_text, figures FROM pairs WHERE short = ? ORDER BY rowid",
               "long": "SELECT short, short_text, figures FROM pairs WHERE long = ? ORDER BY rowid"}


def _write_db(path: Path, kept: list[tuple[tuple[str, str], int]], shown: dict[str, str]) -> None:
    """The pairs kept as `SYNONYM_DB` at `path`, replacing it atomically."""
    def fill(db: sqlite3.Connection) -> None:
        db.executemany("INSERT INTO pairs VALUES (?, ?, ?, ?, ?)",
                       ((s, lf, shown.get(s, s), shown.get(lf, lf), n) for (s, lf), n in kept))
        db.execute("INSERT INTO facts VALUES (?, ?)", (max((len(lf.split()) for (_, lf), _ in kept), default=0),
                                                       len({s for (s, _), _ in kept})))

    write_sqlite(path, _DB_SCHEMA, fill)


class SynonymDatabase(SynonymLookups):
    """The same lookups, answered by `SYNONYM_DB` (opened read-only): a query
    asks for its own words only.  Parsing the table whole took 1 s for
    110,000 pairs, what a corpus of 100,000 figures defines."""

    def __init__(self, path: Path) -> None:
        self._db = open_sqlite(path)
        self.longest, self._count = self._db.execute("SELECT longest, abbreviations FROM facts").fetchone()

    def _expansions(self, by: str, key: str) -> list[Synonym]:
        return [Synonym(*row) for row in self._db.execute(_EXPANSIONS[by], (key,))]

    def __len__(self) -> int:
        return self._count

    def close(self) -> None:
        self._db.close()


class StoredSynonyms:
    """The synonym table of one generation: `SYNONYM_DB`, or in a generation
    made before it, the JSON table read when a query first needs it through a
    file opened with the generation (see `genes.tables`)."""

    def __init__(self, folder: Path) -> None:
        path = folder / SYNONYM_DB
        try:
            self._db = SynonymDatabase(path) if path.is_file() else None
        except (sqlite3.Error, TypeError) as exc:  # not a database, or no facts row
            raise IndexNotFoundError.damaged(path, exc) from None
        self._file = HeldFile(folder / SYNONYM_TABLE) if self._db is None else None
        self._table: SynonymTable | None = None

    @property
    def table(self) -> SynonymLookups:
        if self._db is not None:
            return self._db
        if self._table is None:
            self._table = self._file.load(SynonymTable.from_json, SynonymTable)
        return self._table

    def close(self) -> None:
        for held in (self._db, self._file):
            if held is not None:
                held.close()
