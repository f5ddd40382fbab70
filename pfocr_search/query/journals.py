"""Journals: one journal, whichever of its names a figure gives.

pfocr-database records name a journal by its full title (`journal_title`,
"Cold Spring Harbor Perspectives in Biology") and its NLM abbreviation
(`journal_nlm_ta`, "Cold Spring Harb Perspect Biol"), or by the abbreviation
alone where the title is missing; older records name it only by the
abbreviation their reftext cites.  Two names some figure gives side by side
are one journal; a name no figure pairs joins the one journal it is NLM's
abbreviation of (and figures pair with no other abbreviation), or that is
NLM's abbreviation of it (`abbreviates`).

A journal is shown by its full title, the name readers know and the form
most records give, wherever some figure names it (the title most figures
give), else by its abbreviation: in facets, filter hints and hits alike
(`shown_journal`); a record itself keeps the names it was read with.  The grouping is made per reader from its
live figures, so an update that adds or removes the one figure pairing two
names regroups them with it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from ..engine.arrays import cached
from ..engine.evaluation import term_docs
from ..engine.schema import FACET_JOURNAL, journal_column_names
from ..sources.model import FigureRecord
from ..textkeys import journal_key

#: Words NLM leaves out of an abbreviation: articles, prepositions, conjunctions.
_LEFT_OUT = frozenset("a an and & at de der des die du et for für in la le of on the to und".split())
#: NLM's place of publication, added to tell apart journals of one title
#: ("Pharmaceuticals (Basel)"), and a title's subtitle, which NLM leaves out
#: ("Animals : an Open Access Journal from MDPI").
_QUALIFIER = re.compile(r"\([^)]*\)|\s:\s.*")
_WORD = re.compile(r"[^\W_]+|&")
_APOSTROPHE = re.compile(r"['’]")


def abbreviates(abbrev: str, title: str) -> bool:
    """Whether `abbrev` is NLM's abbreviation of `title`: word for word, in
    order, each word the title word's first letter and then some of its letters
    in order ("Natl": National, "Perspect": Perspectives), the title's
    articles, prepositions, conjunctions, apostrophes and subtitle left out.
    All 70 (abbreviation, title) pairs the test and benchmark records give
    hold, and no abbreviation abbreviates another pair's title.  A one-word
    title is its own abbreviation: "Cell" does not abbreviate "Cells"."""
    short, long = _words(abbrev), _words(title, as_title=True)
    if not short or len(short) != len(long):
        return False
    if len(long) == 1:
        return short == long
    return all(_shortens(a, w) for a, w in zip(short, long))


def _words(name: str, as_title: bool = False) -> list[str]:
    words = _WORD.findall(_APOSTROPHE.sub("", _QUALIFIER.sub(" ", name)).casefold())
    return [w for w in words if w not in _LEFT_OUT] if as_title else words


def initials(name: str, as_title: bool = False) -> str:
    """The first letters of the words `abbreviates` compares: an abbreviation
    and its title have the same, so a journal is compared with the few of
    the same initials, not with thousands."""
    return "".join(w[0] for w in _words(name, as_title))


def _shortens(a: str, word: str) -> bool:
    letters = iter(word)
    return a[0] == word[0] and all(c in letters for c in a)


@dataclass(frozen=True)
class Journals:
    """The journals of an index's live figures, each with every name figures give it."""

    #: Each journal as shown (full title where known), every name it goes by, and which are titles.
    shown: list[str]
    names: list[tuple[str, ...]]
    titles: list[frozenset[str]]
    #: journal_key(name) -> journal.
    by_key: dict[str, int]
    #: A facet column code (see `facets`) -> journal; codes of no journal -> len(shown).
    of_code: np.ndarray
    #: `initials` of the names of journals known by one form alone -> those journals.
    by_initials: dict[str, list[int]]

    @classmethod
    def group(cls, forms: list[tuple[str, str]], counts: np.ndarray) -> "Journals":
        """The journals of the facet codes' (full title, abbreviation) `forms`,
        `counts` the live figures of each code (codes of none are ignored)."""
        parent: dict[str, str] = {}

        def root(key: str) -> str:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        def join(a: str, b: str) -> None:
            parent[root(a)] = root(b)

        named: Counter[tuple[str, bool]] = Counter()  # (name, is a title) -> figures
        for (title, abbrev), n in zip(forms, counts.tolist()):
            keys = [journal_key(name) for name in (title, abbrev) if name]
            if not n or not keys:
                continue
            for key in keys:
                parent.setdefault(key, key)
            if len(keys) == 2:
                join(*keys)
            named.update({(name, name == title): n for name in (title, abbrev) if name})
        _join_unpaired(named, parent, root, join)
        groups: dict[str, list[tuple[int, bool, str]]] = {}
        for (name, is_title), n in named.items():
            groups.setdefault(root(journal_key(name)), []).append((n, is_title, name))
        shown, names, titles, by_key, of_root = [], [], [], {}, {}
        for key, members in sorted(groups.items()):
            of_root[key] = len(shown)
            shown.append(max(members, key=lambda m: (m[1], m[0], m[2]))[2])
            names.append(tuple(sorted({m[2] for m in members})))
            titles.append(frozenset(m[2] for m in members if m[1]))
            by_key.update({journal_key(m[2]): of_root[key] for m in members})
        of_code = np.array([by_key.get(journal_key(title or abbrev), len(shown)) if title or abbrev
                            else len(shown) for title, abbrev in forms] or [len(shown)], dtype=np.int64)
        by_initials: dict[str, list[int]] = {}
        for j, (forms, titled) in enumerate(zip(names, titles)):
            if not titled or titled == set(forms):
                for form in forms:
                    by_initials.setdefault(initials(form, as_title=bool(titled)), []).append(j)
        return cls(shown, names, titles, by_key, of_code, by_initials)

    def find(self, name: str) -> int | None:
        """The journal `name` names, or None.  A name no figure gives is the one
        journal known by abbreviations alone that NLM's rule says `name` is the
        title of (or known by titles alone, the abbreviation of): where figures
        give a journal's title, another title is a misspelling, not a match."""
        found = self.by_key.get(journal_key(name))
        if found is not None:
            return found
        ruled = {j for j in self.by_initials.get(initials(name), []) + self.by_initials.get(initials(name, True), [])
                 if not self.titles[j] and any(abbreviates(form, name) for form in self.names[j])
                 or self.titles[j] == set(self.names[j]) and any(abbreviates(name, t) for t in self.titles[j])}
        return ruled.pop() if len(ruled) == 1 else None

    def keys(self, journal: int) -> list[str]:
        """The terms of the `journal_name` field that mean `journal`."""
        return sorted({journal_key(name) for name in self.names[journal]})


def _join_unpaired(named: Counter, parent: dict[str, str], root, join) -> None:
    """Join each journal known only by abbreviations to the one journal whose
    title they abbreviate, where exactly one does and figures pair that title
    with no other abbreviation: NLM gives a journal one, and "Cell Res" (Cell
    Research) also reads as "Cell Reports", "Mol Cell" as "Molecules and Cells"."""
    titled: dict[str, list[str]] = {}  # root -> its titles
    for (name, is_title) in named:
        if is_title:
            titled.setdefault(root(journal_key(name)), []).append(name)
    # root -> its abbreviations, as `abbreviates` reads them (no place: "Front Endocrinol (Lausanne)").
    abbreviated: dict[str, set[tuple[str, ...]]] = {}
    for (name, is_title) in named:
        if not is_title and root(journal_key(name)) in titled:
            abbreviated.setdefault(root(journal_key(name)), set()).add(tuple(_words(name)))
    by_initials: dict[str, list[tuple[str, str]]] = {}
    for key, titles in titled.items():
        for title in titles:
            by_initials.setdefault(initials(title, as_title=True), []).append((key, title))
    untitled: dict[str, list[str]] = {}
    for (name, is_title) in named:
        key = root(journal_key(name))
        if not is_title and key not in titled:
            untitled.setdefault(key, []).append(name)
    for key, abbrevs in untitled.items():
        matches = {other for abbrev in abbrevs for other, title in by_initials.get(initials(abbrev), ())
                   if abbreviates(abbrev, title)
                   and (other not in abbreviated or tuple(_words(abbrev)) in abbreviated[other])}
        if len(matches) == 1:
            join(key, matches.pop())


def shown_journal(searcher: Searcher, record: FigureRecord) -> str:
    """The journal of a hit as facets show it: a record that names only the
    NLM abbreviation is shown by the full title other figures pair with it.
    Looked up per hit (the abbreviation's figures, until one names a title),
    not by grouping every journal, which a one-shot search would pay for."""
    if record.journal_title or not record.journal_abbrev:
        return record.journal
    known = cached(searcher.reader(), "journal titles", dict)
    key = journal_key(record.journal_abbrev)
    if key not in known:
        column = searcher.reader().column_reader(FACET_JOURNAL)
        titles = (journal_column_names(column[int(d)])[0] for d in term_docs(searcher, "journal_name", key)[:100])
        known[key] = next((t for t in titles if t), record.journal)
    return known[key]
