"""A leaf query's hits as sparse arrays: (global docnums, ascending; scores).

What `evaluation` adds into a query's dense score vector where they fall: a
term's postings, an exact phrase's documents, and the best of several of
these (DisjunctionMax, what a compound word like "HIV-related" becomes in
each field).  Filling a dense vector of every figure for each of a query's
dozens of these, only to add it into the query's, cost more than reading them.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from whoosh import query
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from .arrays import (
    PhraseOccurrences,
    PositionalPostings,
    doc_member,
    field_lengths,
    live_docs,
    live_mask,
    numeric_column,
    phrase_occurrences,
    term_positions,
    term_postings,
)
from .codec import ArrayPositions
from .weighting import ArrayBM25F

Hits = tuple[np.ndarray, np.ndarray]
NO_HITS: Hits = (np.zeros(0, dtype=np.int64), np.zeros(0))
#: An occurrence key's position (its low 32 bits; the docnum is above).
_POSITION = 0xFFFFFFFF


class Scorer(Protocol):
    """What scoring a leaf needs of `evaluation`'s scorer."""

    searcher: Searcher
    reader: IndexReader
    scored: bool
    weighting: ArrayBM25F
    #: A query's phrase reads: (field, segment offset) -> {word: postings},
    #: and (field, offset, words) -> `PhraseOccurrences`.
    phrases: dict


def sparse_hits(s: Scorer, q: query.Query) -> Hits | None:
    """The hits of a term, a simple phrase or a DisjunctionMax of these; None
    for other queries (and phrases without an array form), before reading any."""
    if not _has_sparse_form(s.searcher.schema, q):
        return None
    if type(q) is query.Term:
        return term_hits(s, q)
    if type(q) is query.Phrase:
        return phrase_hits(s, q)
    return dismax_hits(s, q)


def _has_sparse_form(schema, q: query.Query) -> bool:
    """Whether `q` has sparse hits, known without reading postings: a query
    that turns out to have none is then evaluated as a whole, not read twice."""
    if type(q) is query.Term:
        return True
    if type(q) is query.Phrase:
        return (q.slop == 1 and bool(q.words) and q.fieldname in schema
                and isinstance(schema[q.fieldname].format, ArrayPositions))
    if type(q) is query.DisjunctionMax:
        return all(_has_sparse_form(schema, sub) for sub in q.subqueries)
    return False


def term_hits(s: Scorer, q: query.Term) -> Hits:
    """A term's live documents (global docnums, ascending) and their scores."""
    schema = s.searcher.schema
    if q.fieldname not in schema:
        return NO_HITS
    try:
        tbytes = schema[q.fieldname].to_bytes(q.text)
    except ValueError:
        return NO_HITS
    return postings(s, q.fieldname, tbytes, q.boost)


def postings(s: Scorer, fieldname: str, tbytes: bytes, boost: float = 1.0) -> Hits:
    """A term's hits given as its field and bytes, scores times `boost`."""
    docs, scores = [], []
    for leaf, offset in s.reader.leaf_readers():
        ids, weights = term_postings(leaf, fieldname, tbytes)
        alive = live_mask(leaf)
        if alive is not None and ids.size:
            keep = alive[ids]
            ids, weights = ids[keep], weights[keep]
        if not ids.size:
            continue
        docs.append(ids + offset)
        if s.scored:
            lengths = field_lengths(leaf, fieldname)[ids]
            scores.append(s.weighting.score_postings(s.searcher, fieldname, tbytes, weights, lengths) * boost)
    if not docs:
        return NO_HITS
    if len(docs) == 1:
        return docs[0], scores[0] if s.scored else NO_HITS[1]
    return np.concatenate(docs), np.concatenate(scores) if s.scored else NO_HITS[1]



def phrase_hits(s: Scorer, q: query.Phrase) -> Hits | None:
    """Adjacent words (slop 1), scored as Whoosh's SpanNear2: the sum of the
    words' scores, times the phrase's boost; as `term_hits` gives a term's.
    None if the phrase has no array form (a slop, positions of another format)."""
    schema = s.searcher.schema
    if not _has_sparse_form(schema, q):
        return None
    field = schema[q.fieldname]
    try:
        words = [field.to_bytes(w) for w in q.words]
    except ValueError:
        return NO_HITS
    # A lead is its caption's start: its phrases are the caption's that end
    # within it, found from the positions the caption's phrase reads anyway.
    source = getattr(field, "prefix_of", None)
    docs, scores = [], []
    for leaf, offset in s.reader.leaf_readers():
        # A synonym's long form is sought in every field, where a word is
        # often missing: then no word's positions are read.
        if not all((q.fieldname, w) in leaf for w in words):
            continue
        found = _occurrences(s, leaf, offset, source or q.fieldname, words)
        if found is None:
            return None
        if source:
            found, weights = _in_prefix(leaf, q.fieldname, field.format.field_boost, found, words)
        else:
            found, weights = _in_field(leaf, found, words, s.phrases[(q.fieldname, offset)])
        if not found.size:
            continue
        docs.append(found + offset)
        if s.scored:
            # Every word is in every one of these documents: its postings
            # there are the documents, in order.
            lengths = field_lengths(leaf, q.fieldname)[found]
            total = np.zeros(found.size)
            for w in words:
                total += s.weighting.score_postings(s.searcher, q.fieldname, w, weights[w], lengths)
            scores.append(total * q.boost if q.boost != 1.0 else total)
    if not docs:
        return NO_HITS
    return np.concatenate(docs), np.concatenate(scores) if s.scored else NO_HITS[1]


def _occurrences(s: Scorer, leaf, offset: int, fieldname: str, words: list[bytes]) -> PhraseOccurrences | None:
    """Where `words` occur in a row in a segment's field, read once a query
    (`s.phrases` keeps each word's postings by field and segment)."""
    key = (fieldname, offset, tuple(words))
    if key in s.phrases:
        return s.phrases[key]
    read = s.phrases.setdefault((fieldname, offset), {})
    # A word said twice ("pathways pathway" stems so) is read once.
    for w in dict.fromkeys(words):
        if w not in read:
            read[w] = term_positions(leaf, fieldname, w)
    if any(read[w] is None for w in words):
        return None
    return s.phrases.setdefault(key, phrase_occurrences(words, {w: read[w] for w in words}))


def _in_field(leaf, found: PhraseOccurrences, words: list[bytes],
              read: dict[bytes, PositionalPostings]) -> tuple[np.ndarray, dict[bytes, np.ndarray]]:
    """The live documents holding the phrase, and each word's weights there."""
    docs = live_docs(leaf, found.ends)
    return docs, {w: read[w].weights[doc_member(read[w].ids, docs)] for w in words}


def _in_prefix(leaf, fieldname: str, boost: float, found: PhraseOccurrences,
               words: list[bytes]) -> tuple[np.ndarray, dict[bytes, np.ndarray]]:
    """`_in_field` for a field that is another's first `span` positions (a
    column of its own): the occurrences before the span, and the weights its
    own postings would give, counted from them (stored as float32)."""
    span = numeric_column(leaf, fieldname, "H")
    ends = found.ends
    if span is None or not ends.size:
        return NO_HITS[0], {}
    docs = live_docs(leaf, ends[(ends & _POSITION) < span[ends >> 32]])
    # A word's occurrences in a document's span are the keys from docnum << 32
    # up to its span: counted by bisecting, not by masking every key.
    starts = docs << 32
    stops = starts | span[docs].astype(np.int64)
    weights = {}
    for w in words:
        keys = found.words[w]
        counts = np.searchsorted(keys, stops) - np.searchsorted(keys, starts)
        weights[w] = (counts * boost).astype(np.float32).astype(np.float64)
    return docs, weights


def dismax_hits(s: Scorer, q: query.DisjunctionMax) -> Hits | None:
    """Each document's best score among the subqueries holding it (plus
    `tiebreak` times the rest of their sum), times the boost when there are
    several, as Whoosh's DisjunctionMax matcher scores; None unless every
    subquery has sparse hits."""
    if not _has_sparse_form(s.searcher.schema, q):
        return None
    parts = [sparse_hits(s, sub) for sub in q.subqueries]
    ids = np.concatenate([p[0] for p in parts]) if parts else NO_HITS[0]
    if not ids.size:
        return NO_HITS
    # Stable: each document's scores stay in subquery order, summed as the dense sum was.
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    starts = np.flatnonzero(np.concatenate(([True], ids[1:] != ids[:-1])))
    if not s.scored:
        return ids[starts], NO_HITS[1]
    scores = np.concatenate([p[1] for p in parts])[order]
    best = np.maximum.reduceat(scores, starts)
    if q.tiebreak:
        best = best + q.tiebreak * (np.add.reduceat(scores, starts) - best)
    if len(q.subqueries) > 1 and q.boost != 1.0:
        best *= q.boost
    return ids[starts], best
