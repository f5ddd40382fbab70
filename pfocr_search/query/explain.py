"""Why a figure ranks where it does: its score taken apart, as Lucene's
`Explanation` and Elasticsearch's `explain` do.

Each node of the parsed query explains its part of a figure's score: a term
its BM25F score (idf, term frequency, field length, boost), an OR the sum of
what matched, word coordination the share of the query's words matched, a
gene family the best of its genes, a phrase the sum of its words.  Values
come from the same array evaluation that ranks (`engine.evaluation`), so
the top of the tree is the hit's score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from ..engine.arrays import field_lengths, term_postings
from ..engine.evaluation import Matches, WordCoordOr, score, word_share, word_weight
from .feedback import FeedbackOr
from .results import SearchResults, Understood


@dataclass(frozen=True)
class Explanation:
    """A part of a score: its value, what it is, and the parts it is made of."""

    value: float
    description: str
    details: tuple["Explanation", ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"value": round(self.value, 4), "description": self.description,
                "details": [d.to_dict() for d in self.details]}

    def lines(self, indent: str = "") -> list[str]:
        """The tree as indented text, one part a line."""
        out = [f"{indent}{self.value:.4g}  {self.description}"]
        for detail in self.details:
            out += detail.lines(indent + "  ")
        return out


class Explainer:
    """Explains hits of one parsed query; each node is scored once for all hits."""

    def __init__(self, searcher: Searcher, q: query.Query) -> None:
        self.searcher, self.q = searcher, q
        self._matches: dict[int, Matches] = {}

    def explain(self, docnum: int) -> Explanation:
        return self._node(self.q, docnum)

    def _scored(self, node: query.Query) -> Matches:
        if id(node) not in self._matches:
            self._matches[id(node)] = score(self.searcher, node)
        return self._matches[id(node)]

    def _node(self, node: query.Query, docnum: int) -> Explanation:
        value = float(self._scored(node).scores[docnum])
        if isinstance(node, query.Term):
            return Explanation(value, self._term(node, docnum))
        if isinstance(node, query.Phrase):
            return Explanation(value, f'{node.fieldname}:"{" ".join(node.words)}" (a phrase: the sum of its words'
                                      f"{_boost(node)})")
        parts = tuple(self._node(child, docnum) for child in _children(node)
                      if self._scored(child).mask[docnum])
        if isinstance(node, WordCoordOr):
            return Explanation(value, f"all query words{_boost(node)}", (*parts, self._coordination(node, docnum)))
        if isinstance(node, query.DisjunctionMax):
            return Explanation(value, f"the best of these ({_alternatives(node)}){_boost(node)}", parts)
        if isinstance(node, FeedbackOr):
            return Explanation(value, f"feedback: the words and genes the best figures share{_boost(node)}", parts)
        if isinstance(node, query.AndNot):
            return Explanation(value, "matches, without what is excluded", parts[:1])
        if isinstance(node, (query.Or, query.And)):
            kind = "the sum of" if isinstance(node, query.Or) else "all of"
            return Explanation(value, f"{kind}{_boost(node)}", parts)
        return Explanation(value, str(node))

    def _term(self, node: query.Term, docnum: int) -> str:
        searcher = self.searcher
        field = searcher.schema[node.fieldname]
        tbytes = field.to_bytes(node.text)
        for leaf, offset in searcher.reader().leaf_readers():
            if offset <= docnum < offset + leaf.doc_count_all():
                ids, weights = term_postings(leaf, node.fieldname, tbytes)
                at = np.searchsorted(ids, docnum - offset)
                tf = float(weights[at]) if at < ids.size and ids[at] == docnum - offset else 0.0
                length = float(field_lengths(leaf, node.fieldname)[docnum - offset])
                return (f"{node.fieldname}:{node.text} (BM25F: idf {searcher.idf(node.fieldname, tbytes):.3g}, "
                        f"tf {tf:g}, field length {length:g}{_boost(node)})")
        return f"{node.fieldname}:{node.text}"

    def _coordination(self, node: WordCoordOr, docnum: int) -> Explanation:
        size = self.searcher.reader().doc_count()  # live figures, as `score` counts them
        words = [(word_weight(node, m.count, size), bool(m.mask[docnum]),
                  float(word_share(node, m.scores[docnum], m.count, size)))
                 for m in map(self._scored, node.subqueries)]
        matched, total = sum(w * share for w, hit, share in words if hit), sum(w for w, _, _ in words)
        factor = (matched / total) ** node.power
        worth = f", worth {matched:.3g} of {total:.3g} by idf" if node.idf_weighted else ""
        partly = sum(1 for _, hit, share in words if hit and share < 1)
        worth += f" ({partly} only in passing, counted in part)" if partly else ""
        return Explanation(factor, f"coordination: {sum(hit for _, hit, _ in words)} of {len(words)} query words "
                                   f"matched{worth}, ({matched:.3g}/{total:.3g})^{node.power:g}, multiplies the sum")


def _children(node: query.Query) -> list[query.Query]:
    if isinstance(node, query.AndNot):
        return [node.a]
    return [] if node.is_leaf() else list(node.children())


def _boost(node: query.Query) -> str:
    return f", boost {node.boost:g}" if node.boost != 1.0 else ""


def explain_results(searcher: Searcher, q: query.Query, results: SearchResults,
                    synonyms: list[str]) -> None:
    """Attach to `results` the query as understood and an `Explanation` per hit.

    `q` is what ranked the hits (the corrected query's, when the typed one
    had words no figure holds); `synonyms` the expansions the parser made."""
    explainer = Explainer(searcher, q)
    results.explanations = {}
    for hit in results:
        docnum = searcher.document_number(figid=hit.figid)
        if docnum is not None:
            results.explanations[hit.figid] = explainer.explain(docnum)
    results.understood = Understood(results.parsed or str(q), results.corrected_from, tuple(synonyms),
                                    _families(q), tuple(results.feedback))


def _alternatives(node: query.DisjunctionMax) -> str:
    """What a best-of stands for: a word's genes, or one word's written forms."""
    if all(isinstance(sub, query.Term) and sub.fieldname == "genes" for sub in node.subqueries):
        return "the genes a word names as a family"
    return "one word's forms, counted once"  # "TGF β" as a phrase or joined, "IL6" or "IL 6"


def _families(q: query.Query) -> dict[str, tuple[str, ...]]:
    """Query words expanded to the genes they name: word -> gene keys."""
    out: dict[str, tuple[str, ...]] = {}
    for node in _walk(q):
        if isinstance(node, query.Or) and len(node.subqueries) == 2 and \
                isinstance(node.subqueries[1], query.DisjunctionMax):
            word, family = node.subqueries
            if isinstance(word, query.Term):
                out[word.text] = tuple(t.text for t in family.subqueries if isinstance(t, query.Term))
    return out


def _walk(q: query.Query):
    yield q
    for child in _children(q):
        yield from _walk(child)
