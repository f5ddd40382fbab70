"""NOT as users mean it: "a but not b" under the default OR, and
"everything but b" beside ``*:*``.

Whoosh reads ``stat3 NOT jak`` under an OR as "stat3, or anything without
jak", and its normalising turns any group holding an unfielded `Every` into
`Every`, so ``*:* NOT cancer`` and ``*:* AND NOT cancer`` matched every
figure, cancer ones too.  Lucene's SHOULD/MUST_NOT reading is the one users
expect, and these rewrites give it.
"""

from __future__ import annotations

from whoosh import query


def every_narrowed(q: query.Query) -> query.Query:
    """`q`, not yet normalised, with ``*:*`` kept from swallowing what narrows
    it: beside words under AND it adds nothing (``*:* AND x`` is ``x``), and
    beside a NOT under OR it is what the NOT is taken from."""
    if q.is_leaf():
        return q
    q = q.apply(every_narrowed)
    if not isinstance(q, (query.And, query.Or)) or not any(_matches_all(c) for c in q.subqueries):
        return q
    if isinstance(q, query.And):
        narrowing = [c for c in q.subqueries if not _matches_all(c)]
        return type(q)(narrowing, boost=q.boost) if narrowing else q
    return exclusions_exclude(q) if any(isinstance(c, query.Not) for c in q.subqueries) else q


def exclusions_exclude(q: query.Query) -> query.Query:
    """Under the default OR, ``stat3 NOT jak`` parses as "stat3, or anything
    without jak"; users mean "stat3, but not jak" (Lucene's SHOULD/MUST_NOT)."""
    if q.is_leaf():
        return q
    q = q.apply(exclusions_exclude)
    if not isinstance(q, query.Or):
        return q
    negated = [c.query for c in q.subqueries if isinstance(c, query.Not)]
    if not negated:
        return q
    kept = [c for c in q.subqueries if not isinstance(c, query.Not)]
    if not kept:
        return query.Not(query.Or(negated))
    positive = kept[0] if len(kept) == 1 else type(q)(kept, boost=q.boost)
    return query.AndNot(positive, negated[0] if len(negated) == 1 else query.Or(negated))


def _matches_all(q: query.Query) -> bool:
    # A group is *:* to Whoosh's normalising when it holds one ("(*:*)", "*:* OR
    # *:*"), and had taken its NOT or AND with it; its own NOTs and ANDs beside
    # *:* are already rewritten here, so what normalises to *:* matches all.
    if not q.is_leaf():
        if not any(_matches_all(leaf) for leaf in q.leaves()):  # most groups: no normalising
            return False
        q = q.normalize()
    return isinstance(q, query.Every) and q.fieldname is None
