"""Synonyms biology knows but a corpus may never define: a curated list.

Captions define the abbreviations they use ("mammalian target of rapamycin
(mTOR)"), and `synonyms` mines those.  Names for the same thing that no
caption spells out side by side (the Krebs cycle is the TCA cycle, ERβ is the
gene ESR2, the Rho-associated kinase is ROCK) are listed in
`index_config/synonyms.yaml`: groups of names, each name standing for all the
others.  The list is read once, checked, and looked up with the corpus's
table (`with_curated`), at `synonyms.curated` of the weight of the words
typed (0: not used).  It is query-time only: changing it needs no rebuild.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from .engine.analysis import analyzer_for
from .errors import ConfigError
from .spellings import fold_spelling
from .synonyms import Synonym, SynonymLookups, long_key, short_key, words_key

CURATED = "synonyms.yaml"


class CuratedTable(SynonymLookups):
    """Each name of a group expands to every other name of it: a word (no
    white space: ESR2, ERβ, osteoprotegerin) as the word, a phrase as the
    phrase; looked up by the corpus's keys (`short_key`, `long_key`)."""

    def __init__(self, groups: Iterable[Iterable[str]], weight: float,
                 readings: Iterable[Iterable[str]] = (), families: Iterable[Iterable[str]] = ()) -> None:
        self._by: dict[str, dict[str, list[Synonym]]] = {"short": {}, "long": {}}
        self._families = {name.lower(): Synonym(symbol, symbol, 0, weight)
                          for symbol, *names in families for name in names}
        for group in groups:
            names = _distinct(group)
            for name in names:
                self._add(name, names, weight)
        for reading in readings:  # the first name finds the others, not they it
            names = _distinct(reading)
            self._add(names[0], names, weight)
        self.longest = max((len(k.split()) for k in self._by["long"]), default=0)

    def _add(self, name: str, names: list[str], weight: float) -> None:
        by, key = _key(name)
        found = self._by[by].setdefault(key, [])
        found += [Synonym(other, other, 0, weight) for other in names
                  if other != name and other not in {s.text for s in found}]

    def long_forms(self, word: str) -> list[Synonym]:
        # A phrase the parser joined into one word ("interferon gamma" read as
        # interferon-γ, "T-cell") is looked up as the phrase too.
        found = super().long_forms(word)
        return _others(found or (self._expansions("long", long_key([word])) if len(words_key(word)) > 1 else []),
                       word)

    def short_forms(self, words: Iterable[str]) -> list[Synonym]:
        words = list(words)  # every name, however short: the list chose them
        return _others(self._expansions("long", long_key(words)), " ".join(words))

    def _expansions(self, by: str, key: str) -> list[Synonym]:
        return self._by[by].get(key, [])

    def family(self, name: str) -> Synonym | None:
        return self._families.get(name.lower())

    def __len__(self) -> int:
        return len(self._by["short"]) + len(self._by["long"])


def _distinct(group: Iterable[str]) -> list[str]:
    """A group's names, one of each spelling: "tumour necrosis factor" is
    "tumor necrosis factor" to the index, and would have been sought twice."""
    first: dict[str, str] = {}
    for name in group:
        first.setdefault(_spelled(name), name)
    return list(first.values())


def _others(found: list[Synonym], typed: str) -> list[Synonym]:
    """`found` but the name as typed, however spelled: names sharing a key
    ("IFN-γ", "IFNG") find each other, and "IFN-γ" (or "IFN-gamma") had been
    sought again as its own synonym.  A name searched otherwise stays: the
    symbol IFNG is also sought as a gene, "IFN-γ" as a phrase."""
    own = _terms(typed)
    return [s for s in found if _terms(s.text) != own]


@lru_cache(maxsize=4096)
def _terms(name: str) -> tuple[str, ...]:
    """A name's words as text fields search them."""
    return tuple(t.text for t in analyzer_for("stemmed")(name, mode="query"))


def _spelled(name: str) -> str:
    """`name` with its words spelled as the index keeps them (`fold_spelling`)."""
    return _LETTERS.sub(lambda m: fold_spelling(m.group()), name.lower())


_LETTERS = re.compile("[a-z]+")


def _key(name: str) -> tuple[str, str]:
    """Which of a table's lookups holds `name` (a word or a phrase), and its key there."""
    return ("long", long_key([name])) if len(name.split()) > 1 else ("short", short_key(name))


class WithCurated(SynonymLookups):
    """The corpus's table, and the curated names it lacks."""

    def __init__(self, corpus: SynonymLookups, curated: CuratedTable) -> None:
        self.corpus, self.curated = corpus, curated
        self.longest = max(corpus.longest, curated.longest)

    def long_forms(self, word: str) -> list[Synonym]:
        return _union(self.corpus.long_forms(word), self.curated.long_forms(word))

    def short_forms(self, words: Iterable[str]) -> list[Synonym]:
        words = list(words)
        return _union(self.corpus.short_forms(words), self.curated.short_forms(words))

    def family(self, name: str) -> Synonym | None:
        return self.curated.family(name)


def numbered_forms(table: SynonymLookups, words: list[str]) -> list[Synonym]:
    """A family's name and a member's number ("Janus kinase 2", "matrix
    metalloproteinase 9", "interleukin-17") stand for the family's
    abbreviation and the number (JAK2, MMP9, IL17), as gene symbols and
    captions write them.  One word is a family's name only as the list's
    `families` give it, and only if the word with its number has no names of
    its own ("interleukin-8": IL-8, CXCL8)."""
    if len(words) >= 2 and _MEMBER.fullmatch(words[-1]):  # as the query parser reads "kinase 2": "kinase-2"
        words = [*words[:-2], f"{words[-2]}-{words[-1]}"]
    member = _NUMBERED.fullmatch(words[-1]) if words else None
    if member is None:
        return []
    if len(words) > 1:
        names = table.short_forms([*words[:-1], member[1]])
    else:
        found = None if table.long_forms(words[0]) else table.family(member[1])
        names = [found] if found else []
    return [replace(s, text=s.text + member[2], key=s.key + member[2].lower())
            for s in names if s.text.isalnum() and s.text[-1].isalpha()]


#: A member's number (a letter may follow: IL12B), and a word written with it ("kinase-2").
_MEMBER = re.compile(r"[1-9][0-9]?[A-Za-z]?")
_NUMBERED = re.compile(r"(\w*[^\W\d])-(" + _MEMBER.pattern + ")")


def _union(corpus: list[Synonym], curated: list[Synonym]) -> list[Synonym]:
    seen = {long_key([s.text]) for s in corpus}
    return corpus + [s for s in curated if long_key([s.text]) not in seen]


def with_curated(corpus: SynonymLookups, weight: float) -> SynonymLookups:
    """`corpus`, and the curated list at `weight` (0: `corpus` alone)."""
    return WithCurated(corpus, curated_table(weight)) if weight > 0 else corpus


@lru_cache(maxsize=4)
def curated_table(weight: float) -> CuratedTable:
    text = _list_text()
    return CuratedTable(parse_groups(text), weight, parse_readings(text), parse_families(text))


def _list_text() -> str:
    # Read as a file where it is one: importlib.resources cost a one-shot search 14 ms.
    path = Path(__file__).resolve().parent / "index_config" / CURATED
    if path.is_file():
        return path.read_text("utf-8")
    from importlib import resources  # pragma: no cover - a zipped install

    return resources.files("pfocr_search.index_config").joinpath(CURATED).read_text("utf-8")


def parse_groups(text: str, source: str = CURATED) -> list[list[str]]:
    """Every group of a curated list, `groups` then `concepts`, checked."""
    data = _loaded(text, source)
    return _checked(data, "groups", source) + _checked(data, "concepts", source, required=False)


def parse_readings(text: str, source: str = CURATED) -> list[list[str]]:
    """The list's `readings`, checked: a typed name and what it is read as too,
    one way ("signal transduction" is signaling; "signaling" is not always that)."""
    return _checked(_loaded(text, source), "readings", source, required=False)


def parse_families(text: str, source: str = CURATED) -> list[list[str]]:
    """The list's `families`, checked: a numbered family's symbol (letters and
    digits, ending in a letter, as IL17 is IL and 17) and its one-word names,
    which stand for the symbol only with a member's number."""
    families = _checked(_loaded(text, source), "families", source, required=False)
    for i, (symbol, *names) in enumerate(families):
        if not (symbol.isalnum() and symbol[-1].isalpha()) or not all(_FAMILY_NAME.fullmatch(n) for n in names):
            raise ConfigError(f"{source}: families[{i}]: expected a symbol (letters and digits, ending in a letter) "
                              f"and one-word names of letters, got {[symbol, *names]!r}")
    return families


_FAMILY_NAME = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def concept_words() -> frozenset[str]:
    """The `short_key`s of the one-word names of the list's `concepts` (TCA,
    EMT, CRC): names of no gene, whatever OCR maps the words to."""
    data = _loaded(_list_text(), CURATED)
    return frozenset(short_key(name) for group in _checked(data, "concepts", CURATED, required=False)
                     for name in group if len(name.split()) == 1)


@lru_cache(maxsize=1)
def curated_words() -> frozenset[str]:
    """Every word of the list's names, lower-cased, hyphenated ones whole and
    in parts: words biology uses that an index may never hold ("inositol
    trisphosphate"), which spelling must not take for slips."""
    text = _list_text()
    names = parse_groups(text) + parse_readings(text) + parse_families(text)
    words = (w.lower() for group in names for name in group for w in name.split())
    return frozenset(part for w in words for part in (w, *w.split("-")) if part)


@lru_cache(maxsize=4)
def _loaded(text: str, source: str) -> Any:
    """The list's JSON (inside YAML, lines starting with "#" its comments:
    read without a YAML parser, which a one-shot search does not load), read
    once for its groups, readings, families and concept words (not changed by them)."""
    try:
        return json.loads("\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: not the JSON this list is written in ({exc})") from None


def _checked(data: Any, key: str, source: str, required: bool = True) -> list[list[str]]:
    """The list's `key`, checked: a list of lists of two or more names, each
    name at most eight words."""
    groups = data.get(key, None if required else []) if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ConfigError(f"{source}: expected a mapping with a list `{key}`")
    for i, group in enumerate(groups):
        if (not isinstance(group, list) or len(group) < 2
                or not all(isinstance(n, str) and n.strip() and len(n.split()) <= 8 for n in group)):
            raise ConfigError(f"{source}: {key}[{i}]: expected a list of two or more names (words or phrases of "
                              f"at most eight words), got {group!r}")
    return [[" ".join(n.split()) for n in group] for group in groups]
