"""A field's words within a few edits of a typed one, as `Searcher.suggest` finds them.

Whoosh's `ReaderCorrector` walks `terms_within` in Python: a Levenshtein
automaton over one segment's words, or a Damerau-Levenshtein distance per
word over several segments' words: the 581 lookups of 50 typo queries took
0.93 s CPU at 100,000 (synthetic) figures.  Here rapidfuzz compares the words
sharing the prefix, 0.08 s, and the candidates are Whoosh's to the word.  The
words are read once per reader (a reader is one generation of the index: an
update opens another): read afresh for each lookup, 0.21 s.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections import OrderedDict

from whoosh.reading import IndexReader, SegmentReader

#: Word lists kept per reader, the most recently used (a query of four unknown
#: words asks for 28 at most, seven fields each): a list is the words of
#: one spelling field under one first letter (a prefix of "s" in a caption
#: field is about a tenth of its words).
CACHED_PREFIXES = 32

_CACHE: "weakref.WeakKeyDictionary[IndexReader, OrderedDict[tuple[str, str], list[str]]]" = \
    weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def suggest(reader: IndexReader, fieldname: str, text: str, limit: int = 5, maxdist: int = 2,
            prefix: int = 0) -> list[str]:
    """What `reader.corrector(fieldname).suggest(text, limit, maxdist, prefix)`
    returns, the same words in the same order."""
    metric = _metric(reader)
    if metric is None:  # a reader whose own search this does not mirror: Whoosh's answer
        return reader.corrector(fieldname).suggest(text, limit=limit, maxdist=maxdist, prefix=prefix)
    from rapidfuzz import process

    sugfield = reader.schema[fieldname].spelling_fieldname(fieldname)
    if type(reader).terms_within is SegmentReader.terms_within:  # which maps the field again
        sugfield = reader.schema[sugfield].spelling_fieldname(sugfield)
    words = _words(reader, sugfield, text[:prefix])
    near = process.extract(text, words, scorer=metric, score_cutoff=maxdist, limit=None)
    # ReaderCorrector's score: every word within `maxdist` scores alike but
    # for its frequency in the field itself (not its spelling field), 1 for
    # none; its heap keeps the `limit` largest (score, word) pairs.
    scored = [(0 - (maxdist + (1.0 / (reader.frequency(fieldname, word) or 1) * 0.5)), word)
              for word, _, _ in near]
    return [word for _, word in sorted(heapq.nlargest(limit, scored), key=lambda x: (0 - x[0], x[1]))]


def _metric(reader: IndexReader):
    """The distance `reader.terms_within` measures, or None for a reader of its own."""
    from rapidfuzz.distance import OSA, Levenshtein

    within = type(reader).terms_within
    if within is SegmentReader.terms_within:
        # Its automaton (whoosh.automata.lev) has no transposition arc: a swap is two edits.
        return Levenshtein.distance
    if within is IndexReader.terms_within:
        # A MultiReader's: whoosh.support.levenshtein.damerau_levenshtein, the
        # restricted (optimal string alignment) distance.
        return OSA.distance
    return None


def _words(reader: IndexReader, fieldname: str, prefix: str) -> list[str]:
    """The field's words starting with `prefix`, in term order."""
    key = (fieldname, prefix)
    with _LOCK:
        lists = _CACHE.get(reader)
        if lists is None:
            lists = _CACHE[reader] = OrderedDict()
        words = lists.get(key)
        if words is not None:
            lists.move_to_end(key)
            return words
    field = reader.schema[fieldname]
    words = [field.from_bytes(b) for b in reader.expand_prefix(fieldname, prefix)]
    with _LOCK:
        lists[key] = words
        while len(lists) > CACHED_PREFIXES:
            lists.popitem(last=False)
    return words
