"""Pseudo-relevance feedback: the words and genes a query's best figures
share, searched at a low weight, so that figures about the topic that never
use the query's own words are found too.

A topic is often written several ways: "mechanotransduction" figures say
"YAP/TAZ", "integrin", "shear stress"; "MAP kinase cascade" figures say
"Raf", "MEK", "ERK".  The best few figures for the typed words show which
(Rocchio's and RM3's idea; Whoosh's `Expander` weighs the words with Bo1,
rare words that the figures use often first), and the genes two or more of
them show add what their diagrams have in common.  The feedback only adds
to what the typed words score, scaled to the best of those scores, so
figures that match the words keep their order among themselves unless the
feedback finds them about the topic too.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from ..config import FeedbackConfig, IndexConfig
from ..engine.arrays import live_frequency
from ..engine.evaluation import Matches, score
from ..engine.schema import RECORD, unpack_record
from ..textkeys import normalize_symbol
from .parser import user_fields, walk

#: `caption:renin`, `(genes:AGT`: a field named where a term starts, as the parser reads it.
_FIELD_PREFIX = re.compile(r"(?:^|[\s(])(\w+):")

#: The fields the feedback words are searched in (the caption's analyzer weighs them).
WORD_FIELDS = ("caption", "figtitle")


class FeedbackOr(query.Or):
    """The feedback part of an expanded query (an OR, told apart for `--explain`)."""


def with_feedback(searcher: Searcher, config: IndexConfig, text: str, q: query.Query,
                  matches: Matches) -> tuple[query.Query, Matches]:
    """`q` (typed as `text`) expanded with feedback from its best figures
    (of `matches`, filters applied), and `matches` scored by it; both
    unchanged where feedback does not apply."""
    settings = config.feedback
    # With no more figures than it learns from, feedback would only reward
    # each for its own words: the longest caption, not the topic, would win.
    if not _applies(text, q, settings, user_fields(searcher.schema)) or matches.count <= settings.figures:
        return q, matches
    best = matches.top(settings.figures)
    feedback = _feedback_query(searcher, config, q, [docnum for _, docnum in best])
    if feedback is None:
        return q, matches
    found = score(searcher, feedback)
    if not found.count:
        return q, matches
    # Scaled so the feedback alone can reach `weight` of the best typed match's score.
    feedback.boost = settings.weight * best[0][0] / float(found.scores.max() or 1.0)
    # Only the figures the words match are ranked: feedback reorders them and
    # adds none, so a search still finds what it names (adding the figures the
    # feedback alone finds, after those: realworld nDCG@10, tuning half 0.9536
    # -> 0.9549, test half 0.9429 -> 0.9436).  Summed in the order an OR of the
    # two sums them, so `--explain` adds up to the score.
    out = Matches(matches.mask.copy(), np.zeros(matches.scores.size))
    out.scores += matches.scores
    out.scores += found.scores * feedback.boost
    return query.Or([q, feedback]), out


def _applies(text: str, q: query.Query, settings: FeedbackConfig, fields: frozenset[str]) -> bool:
    """Feedback widens an OR of words, the query as usually typed; a query
    that names a field, demands every word (AND), excludes some (NOT) or
    quotes a phrase says exactly what it wants."""
    # A lone quote is a slip, forgiven as words (`"JAK STAT`); two make a phrase.
    if settings.figures < 1 or settings.weight <= 0 or not isinstance(q, query.Or) or text.count('"') > 1:
        return False
    if any(field in fields for field in _FIELD_PREFIX.findall(text)):
        return False
    return not any(isinstance(node, (query.Not, query.AndNot)) for node in walk(q))


def _feedback_query(searcher: Searcher, config: IndexConfig, q: query.Query,
                    docnums: list[int]) -> FeedbackOr | None:
    records = [unpack_record(searcher.stored_fields(d)[RECORD]) for d in docnums]
    subqueries = _word_terms(searcher, config, q, [f"{r.figtitle} {r.caption}" for r in records])
    subqueries += _gene_terms(searcher, config.feedback, [r.genes for r in records])
    return FeedbackOr(subqueries) if subqueries else None


def _word_terms(searcher: Searcher, config: IndexConfig, q: query.Query, texts: list[str]) -> list[query.Term]:
    """The feedback figures' most telling words, less the query's own, in
    each word field at its boost times the word's share of the best weight."""
    fields = [name for name in WORD_FIELDS if name in searcher.schema]
    wanted = config.feedback.terms
    if not fields or wanted < 1:
        return []
    typed = {t.decode() if isinstance(t, bytes) else t for _, t in q.iter_all_terms()}
    chosen = [(term, weight) for term, weight in _bo1(searcher, fields[0], texts) if term not in typed][:wanted]
    if not chosen:
        return []
    top = max(weight for _, weight in chosen) or 1.0
    return [query.Term(name, term, boost=config.fields[name].boost * weight / top)
            for term, weight in chosen for name in fields]


def _bo1(searcher: Searcher, fieldname: str, texts: list[str]) -> list[tuple[str, float]]:
    """The words of `texts` as `fieldname` indexes them, by Bo1 weight, best
    first (ties by word): Whoosh's `Expander` with its Bo1 model, counted over
    live figures only (its own counts keep deleted ones until a merge)."""
    field = searcher.schema[fieldname]
    in_top: Counter[bytes] = Counter()
    for text in texts:
        for tbytes, _, weight, _ in field.index(text):
            in_top[tbytes] += weight
    size = searcher.doc_count()
    scored = []
    for tbytes, weight in in_top.items():
        # A number or a one- or two-letter part says little of a topic, and
        # each word looked up costs a term lookup.
        if len(tbytes) < 3 or tbytes.isdigit():
            continue
        if (share := live_frequency(searcher, fieldname, tbytes)[1] / size) > 0:
            bo1 = weight * math.log2((1.0 + share) / share) + math.log2(1.0 + share)
            scored.append((bo1, field.from_bytes(tbytes)))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [(word, weight) for weight, word in scored]


def _gene_terms(searcher: Searcher, settings: FeedbackConfig, genes: list) -> list[query.Term]:
    """Genes at least two of the feedback figures show, the rarest first,
    each weighted by its idf's share of the rarest's."""
    if settings.genes < 1 or settings.gene_weight <= 0 or "genes" not in searcher.schema:
        return []
    shown = Counter(key for figure in genes for key in {normalize_symbol(g.symbol) for g in figure})
    size = searcher.doc_count()
    field = searcher.schema["genes"]
    rare = sorted(((math.log(size / max(1, live_frequency(searcher, "genes", field.to_bytes(key))[0])), key)
                   for key, count in shown.items() if count >= 2 and key), key=lambda p: (-p[0], p[1]))
    rare = rare[:settings.genes]
    if not rare or rare[0][0] <= 0:
        return []
    return [query.Term("genes", key, boost=settings.gene_weight * idf / rare[0][0]) for idf, key in rare]


def feedback_words(q: query.Query) -> list[str]:
    """What a ranking query learnt by feedback: its words (as indexed, stemmed)
    and its genes (`genes:KEY`); none if it learnt nothing."""
    parts = q.subqueries[-1] if isinstance(q, query.Or) and q.subqueries else None
    if not isinstance(parts, FeedbackOr):
        return []
    return list(dict.fromkeys(t.text if t.fieldname in WORD_FIELDS else f"{t.fieldname}:{t.text}"
                              for t in parts.subqueries))
