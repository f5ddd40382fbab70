"""Words typed next to each other count more where they stand next to each other.

A two-word concept whose words are common alone ("DNA damage", "insulin
resistance") otherwise ranks figures that use one of the words anywhere with
figures about the concept.  As Lucene's and tantivy's phrase boosts do, a
plain query of several words gets an optional bonus: each pair of adjacent
query words as a phrase in the fields that say what a figure is about (title
and caption), added to the score of figures that already match the query
(`AndMaybe`), so it reorders matches and never adds any, and leaves word
coordination as it was.
"""

from __future__ import annotations

from typing import Mapping

from whoosh import query

from ..engine.evaluation import WordCoordOr

#: Fields where adjacent query words earn the bonus.
FIELDS = ("figtitle", "caption")


def with_proximity(q: query.Query, boosts: Mapping[str, float], weight: float) -> query.Query:
    """`q` with the bonus for adjacent words, if it is a plain query of several words."""
    if weight <= 0 or not isinstance(q, WordCoordOr) or len(q.subqueries) < 2:
        return q
    phrases = []
    for left, right in zip(q.subqueries, q.subqueries[1:]):
        for field in FIELDS:
            a, b = _word(left, field), _word(right, field)
            if a and b and a != b:
                phrases.append(query.Phrase(field, [a, b], boost=weight * boosts.get(field, 1.0)))
    return query.AndMaybe(q, query.Or(phrases)) if phrases else q


def _word(slot: query.Query, field: str) -> str | None:
    """The term a query word stands for in `field` (its own, not a synonym's or a gene's)."""
    if isinstance(slot, query.Term):
        return slot.text if slot.fieldname == field else None
    if isinstance(slot, query.Or):
        return next((t.text for t in slot.subqueries if isinstance(t, query.Term) and t.fieldname == field), None)
    return None
