"""Evaluating parsed queries over whole posting arrays.

Whoosh scores a query by walking a tree of matcher objects one document at a
time in Python; an OR of three words over eight fields at 100,000 figures
took 1.5 s that way.  Here the same parsed query is scored a posting list at
a time: each term's postings are read as arrays (`postings`), scored by the
weighting model in one numpy expression, and combined per query node over a
dense score vector, which puts the same query under 30 ms.

The scores are Whoosh's own: `weighting.ArrayBM25F` is Whoosh's BM25F with
an array form of the same formula, node semantics follow Whoosh's matchers (sums for
OR/AND, max for DisjunctionMax, constant 1 for NOT, the words' sum for an
exact phrase, matched by intersecting position arrays; prefixes and
wildcards score as the OR of their terms), and what this module has no
array form for (sloppy phrases, spans, ...) is
scored by Whoosh's matchers themselves, segment by segment, and joined in as
arrays.  `WordCoordOr`'s coordination (scores scaled by the share of query
words matched) is applied here.  Where Whoosh's AndNot and Not matchers
return excluded documents (nested under an OR, or in a segment with
deletions), these arrays do not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from whoosh import query
from whoosh.fields import NUMERIC
from whoosh.searching import Searcher

from .arrays import live_mask
from .hits import Hits, dismax_hits, phrase_hits, postings, sparse_hits, term_hits
from .weighting import ArrayBM25F
from .whoosh_internals.queries import compiled_range, expanded_terms, range_terms

_NULL = type(query.NullQuery)


class WordCoordOr(query.Or):
    """OR over a query's words, each figure's score multiplied by
    (words it matches / words in the query) ** `power`, each word counting 1
    or, with `idf_weighted`, its idf over the figures it matches.

    A word's BM25 scores from several fields add up, so a common word in a
    boosted title ("signaling") can outweigh a rare one that matters ("Wnt");
    scaling by the share of words matched (Lucene's classic coordination
    factor) puts figures that match all the words first.  Counting words by
    idf keeps that from punishing a figure about "AMPK" that never says
    "signaling" as hard as one that says "signaling" but never "AMPK".
    Whoosh's matchers score it as a plain OR; `score()` applies the factor.
    """

    power = 1.0
    idf_weighted = False
    #: A word a figure scores below `mention` times the word's idf for (one
    #: passing mention in a long caption) counts that share of itself (0: whole).
    mention = 0.0


@dataclass
class Matches:
    """Which documents a query matches, and their scores (dense, by docnum)."""

    mask: np.ndarray
    scores: np.ndarray

    @property
    def count(self) -> int:
        return int(np.count_nonzero(self.mask))

    def top(self, k: int) -> list[tuple[float, int]]:
        """The `k` best (score, docnum) pairs, best first; ties by docnum, as Whoosh orders them."""
        docs = np.flatnonzero(self.mask)
        scores = self.scores[docs]
        if 0 < k < docs.size:
            # Keep every document tied with the k-th score, then order exactly.
            kth = np.partition(scores, docs.size - k)[docs.size - k]
            keep = scores >= kth
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))
        if k:
            order = order[:k]
        return [(float(scores[i]), int(docs[i])) for i in order]


def score(searcher: Searcher, q: query.Query, *, scored: bool = True) -> Matches:
    """Every document `q` matches, with its score (`scored=False`: scores are 0)."""
    return _Scorer(searcher, scored).run(q)


def matching(searcher: Searcher, q: query.Query) -> np.ndarray:
    """The documents `q` matches, as a boolean mask by docnum."""
    return _Scorer(searcher, False).run(q).mask


def term_docs(searcher: Searcher, fieldname: str, text: str) -> np.ndarray:
    """The live documents holding a term, ascending."""
    return term_hits(_Scorer(searcher, False), query.Term(fieldname, text))[0]


class _Scorer:
    def __init__(self, searcher: Searcher, scored: bool) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        # Postings here skip deleted documents, so a word's idf counts live ones on both sides.
        self.live_count = self.reader.doc_count()
        self.scored = scored
        self.weighting = searcher.weighting
        self.phrases: dict = {}
        if scored and not isinstance(self.weighting, ArrayBM25F):
            raise TypeError("array scoring needs an ArrayBM25F searcher weighting")

    def empty(self) -> Matches:
        return Matches(np.zeros(self.size, dtype=bool), np.zeros(self.size))

    def of_hits(self, hits: Hits) -> Matches:
        ids, scores = hits
        out = self.empty()
        out.mask[ids] = True
        if self.scored:
            out.scores[ids] = scores
        return out

    def run(self, q: query.Query) -> Matches:
        if isinstance(q, _NULL):
            return self.empty()
        handler = _HANDLERS.get(type(q))
        if handler is None:
            handler = next((h for cls, h in _HANDLERS.items() if isinstance(q, cls)), _fallback)
        return handler(self, q)

    def live(self) -> np.ndarray:
        mask = np.ones(self.size, dtype=bool)
        for leaf, offset in self.reader.leaf_readers():
            alive = live_mask(leaf)
            if alive is not None:
                mask[offset:offset + alive.size] &= alive
        return mask


def _term(s: _Scorer, q: query.Term) -> Matches:
    return s.of_hits(term_hits(s, q))


def _phrase(s: _Scorer, q: query.Phrase) -> Matches:
    hits = phrase_hits(s, q)
    return _fallback(s, q) if hits is None else s.of_hits(hits)


def _children(s: _Scorer, q: query.CompoundQuery) -> list[Matches]:
    return [s.run(sub) for sub in q.subqueries]


def _boosted(q: query.CompoundQuery, m: Matches) -> Matches:
    # Whoosh boosts a compound's matcher only when it has several children.
    if len(q.subqueries) > 1 and q.boost != 1.0:
        m.scores *= q.boost
    return m


def _or(s: _Scorer, q: query.Or) -> Matches:
    if q.minmatch or q.scale:
        return _fallback(s, q)
    out = s.empty()
    coordinated = s.scored and isinstance(q, WordCoordOr) and len(q.subqueries) > 1
    matched = np.zeros(s.size) if coordinated else None
    total = 0.0
    for sub in q.subqueries:
        # A term's, a phrase's or a best-of's hits are added where they fall:
        # materialising each of a query's dozens of field terms as a dense
        # vector cost more than reading them.
        hits = sparse_hits(s, sub)
        if hits is not None:
            ids, scores = hits
            out.mask[ids] = True
            if s.scored:
                out.scores[ids] += scores
            if coordinated:
                weight = word_weight(q, len(ids), s.live_count)
                matched[ids] += weight * word_share(q, scores, len(ids), s.live_count)
                total += weight
            continue
        part = s.run(sub)
        out.mask |= part.mask
        if s.scored:
            out.scores += part.scores
        if coordinated:
            weight = word_weight(q, part.count, s.live_count)
            matched += part.mask * weight * word_share(q, part.scores, part.count, s.live_count)
            total += weight
    if coordinated:
        out.scores *= (matched / total) ** q.power
    return _boosted(q, out)


def word_share(q: WordCoordOr, scores, df: int, n: int):
    """How much of itself a query word matching `df` of `n` figures counts for
    in coordination where it scores `scores`: 1, or with `mention`, the share
    of `mention` times its idf the score reaches.  Found once in a long
    caption, "damage" counted as fully as in a title, and "NFKB DNA binding ...
    degradation" ranked second for "DNA damage"."""
    if not q.mention:
        return 1.0
    return np.minimum(1.0, scores / (q.mention * _idf(df, n)))


def word_weight(q: WordCoordOr, df: int, n: int) -> float:
    """What a query word matching `df` of `n` figures counts for in `q`'s
    coordination: 1, or its BM25 idf."""
    return _idf(df, n) if q.idf_weighted else 1.0


def _idf(df: int, n: int) -> float:
    """BM25's idf of a word matching `df` of `n` figures."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _and(s: _Scorer, q: query.And) -> Matches:
    parts = _children(s, q)
    if not parts:
        return s.empty()
    mask = np.logical_and.reduce([p.mask for p in parts])
    scores = np.where(mask, np.add.reduce([p.scores for p in parts]), 0.0)
    return _boosted(q, Matches(mask, scores))


def _dismax(s: _Scorer, q: query.DisjunctionMax) -> Matches:
    hits = dismax_hits(s, q)
    if hits is not None:
        return s.of_hits(hits)
    parts = _children(s, q)
    if not parts:
        return s.empty()
    mask = np.logical_or.reduce([p.mask for p in parts])
    best = np.max([np.where(p.mask, p.scores, -np.inf) for p in parts], axis=0)
    scores = np.where(mask, best, 0.0)
    if q.tiebreak:
        scores = scores + q.tiebreak * (np.add.reduce([p.scores for p in parts]) - scores)
    return _boosted(q, Matches(mask, scores))


def _and_not(s: _Scorer, q: query.AndNot) -> Matches:
    positive = s.run(q.a)
    negative = _Scorer(s.searcher, False).run(q.b)
    positive.mask &= ~negative.mask
    positive.scores[~positive.mask] = 0.0
    return positive


def _and_maybe(s: _Scorer, q: query.AndMaybe) -> Matches:
    required, optional = s.run(q.a), s.run(q.b)
    required.scores += np.where(required.mask & optional.mask, optional.scores, 0.0)
    return required


def _require(s: _Scorer, q: query.Require) -> Matches:
    scored = s.run(q.a)
    scored.mask &= _Scorer(s.searcher, False).run(q.b).mask
    scored.scores[~scored.mask] = 0.0
    return scored


def _not(s: _Scorer, q: query.Not) -> Matches:
    excluded = _Scorer(s.searcher, False).run(q.query).mask
    mask = s.live() & ~excluded
    return Matches(mask, mask.astype(np.float64) if s.scored else np.zeros(s.size))


def _every(s: _Scorer, q: query.Every) -> Matches:
    """``*:*``: every live figure, at Whoosh's constant score (its boost); a
    fielded ``field:*`` is Whoosh's to find, by reading the field's terms."""
    if q.fieldname is not None:
        return _fallback(s, q)
    mask = s.live()
    return Matches(mask, np.where(mask, q.boost, 0.0) if s.scored else np.zeros(s.size))


def _multi_term(s: _Scorer, q: query.MultiTerm) -> Matches:
    """Prefixes, wildcards, term ranges, fuzzy terms: the OR of the terms they
    expand to, each scored as a term, times the query's boost.

    (Whoosh picks a matcher by index size and clause count, and scores the
    same prefix that way on a large index but 1 for every match on a small
    one; one rule here, whatever the size.)"""
    out = s.empty()
    field = q.field()
    for tbytes in expanded_terms(q, s.reader):
        ids, scores = postings(s, field, tbytes, q.boost)
        out.mask[ids] = True
        if s.scored:
            out.scores[ids] += scores
    return out


def _numeric_range(s: _Scorer, q: query.NumericRange) -> Matches:
    """Whoosh's constant score (its boost) for every figure whose value is in
    the range, found by the exact values' terms.  Whoosh's own tiers of
    coarser terms are wrong for an unsigned 32-bit field ranging from low
    or open values: their top tier covers every value, so `year:[TO 2002]`
    matched 2023.  A field holds few distinct values (years): reading each
    one's postings costs little."""
    field = s.searcher.schema[q.fieldname] if q.fieldname in s.searcher.schema else None
    if not (isinstance(field, NUMERIC) and field.numtype is int and q.constantscore):
        return s.run(compiled_range(q, s.reader))
    out = s.empty()
    bounds = _exact_bounds(field, q)
    if bounds is not None:
        unscored = _Scorer(s.searcher, False)
        for tbytes in range_terms(s.reader, q.fieldname, *bounds):
            out.mask[postings(unscored, q.fieldname, tbytes)[0]] = True
    if s.scored:
        out.scores[out.mask] = q.boost
    return out


def _exact_bounds(field: NUMERIC, q: query.NumericRange) -> tuple[bytes, bytes] | None:
    """The range's first and last exact-value terms (None: no value is in it)."""
    low = field.min_value if q.start is None else max(int(q.start) + q.startexcl, field.min_value)
    high = field.max_value if q.end is None else min(int(q.end) - q.endexcl, field.max_value)
    return (field.to_bytes(low), field.to_bytes(high)) if low <= high else None


def _constant_score(s: _Scorer, q: query.ConstantScoreQuery) -> Matches:
    mask = _Scorer(s.searcher, False).run(q.child).mask
    return Matches(mask, np.where(mask, q.score, 0.0) if s.scored else np.zeros(s.size))


def _fallback(s: _Scorer, q: query.Query) -> Matches:
    """Score with Whoosh's own matchers (query types without an array form),
    segment by segment as Whoosh's collector does."""
    out = s.empty()
    for searcher, offset in s.searcher.leaf_searchers():
        context = searcher.context() if s.scored else searcher.boolean_context()
        m = q.matcher(searcher, context)
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id() + offset)
            if s.scored:
                scores.append(m.score())
            m.next()
        if ids:
            out.mask[ids] = True
            if s.scored:
                out.scores[ids] = scores
    return out


# Exact types first (a subclass of a handled type, say a custom Or, is handled
# as its base unless listed).
_HANDLERS = {
    query.Term: _term,
    query.Phrase: _phrase,
    query.Or: _or,
    query.And: _and,
    query.DisjunctionMax: _dismax,
    query.AndNot: _and_not,
    query.AndMaybe: _and_maybe,
    query.Require: _require,
    query.Not: _not,
    query.Every: _every,
    query.NumericRange: _numeric_range,
    query.ConstantScoreQuery: _constant_score,
    query.MultiTerm: _multi_term,
}
