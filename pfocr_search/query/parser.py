"""Parsing query strings: Whoosh's query language, plus pfocr-search's rewrites.

A query string is Whoosh's query language (AND/OR/NOT, "phrases",
``field:value``, wildcards, ``year:[2010 TO 2020]``) over the configured
fields, each with its configured boost.  Field names the index does not have
are an error rather than silently searched as text, so a typo like
``gene:STAT3`` (for ``genes:``) is caught.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from whoosh import qparser, query
from whoosh.fields import Schema

from ..config import IndexConfig
from ..engine.evaluation import WordCoordOr
from ..errors import QuerySyntaxError


class _StrictFieldsPlugin(qparser.FieldsPlugin):
    """``field:`` prefixes must name fields of the index."""

    def __init__(self) -> None:
        super().__init__(remove_unknown=False)

    def do_fieldnames(self, parser, group):
        for node in group:
            if isinstance(node, qparser.syntax.FieldnameNode) and node.fieldname not in parser.schema:
                known = ", ".join(sorted(parser.schema.names()))
                raise QuerySyntaxError(f"unknown field {node.fieldname!r} in query (fields: {known}); "
                                       f"put the term in quotes to search it as text")
        return super().do_fieldnames(parser, group)


def _coord_group(power: float) -> type:
    query_class = type("WordCoordOr", (WordCoordOr,), {"power": power})
    return type("WordCoordOrGroup", (qparser.OrGroup,), {"qclass": query_class})


class GeneAwareParser(qparser.QueryParser):
    """Whoosh's multi-field parser, plus two rewrites of what it parses.

    * A word whose gene-symbol form is a family or alias name in the index's
      vocabulary (Wnt, STING, PI3K, ERK, NF-kB) also matches the genes it
      names, as one alternative (the best-matching gene counts, not their sum),
      so figures that draw the genes rank with figures that name them.
    * ``a NOT b`` under the default OR means "a but not b".
    """

    def __init__(self, fields, schema, *, fieldboosts=None, expand_gene: Callable[[str], Sequence[str]] | None = None,
                 gene_boost: float = 1.0, **kwargs) -> None:
        super().__init__(None, schema, **kwargs)
        self.add_plugin(qparser.MultifieldPlugin(fields, fieldboosts=fieldboosts))
        self.fieldnames = list(fields)
        self.expand_gene = expand_gene
        self.gene_boost = gene_boost

    def parse(self, text, normalize=True, debug=False):
        q = _exclusions_exclude(super().parse(text, normalize=normalize, debug=debug))
        if self.expand_gene is not None and "genes" in self.fieldnames:
            q = q.accept(self._expand)
        return q

    def _expand(self, node: query.Query) -> query.Query:
        if not (isinstance(node, query.Term) and node.fieldname == "genes" and isinstance(node.text, str)):
            return node
        keys = [k for k in self.expand_gene(node.text) if k != node.text]
        if not keys:
            return node
        genes = query.DisjunctionMax([query.Term("genes", k, boost=node.boost * self.gene_boost) for k in keys])
        return query.Or([node, genes])


def build_parser(schema: Schema, config: IndexConfig,
                 expand_gene: Callable[[str], Sequence[str]] | None = None) -> qparser.QueryParser:
    fields = [name for name in config.fields if name in schema]
    group = qparser.AndGroup if config.search.default_operator == "and" else _coord_group(config.search.coordination)
    parser = GeneAwareParser(fields, schema, fieldboosts=config.boosts(), group=group, expand_gene=expand_gene,
                             gene_boost=config.search.gene_alias_boost)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.add_plugin(_StrictFieldsPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    return parser


def parse_query(parser: qparser.QueryParser, text: str) -> query.Query:
    if not text or not text.strip():
        raise QuerySyntaxError("empty query: give words, gene symbols or field:value terms")
    q = parser.parse(_forgive(text))
    for node in _walk(q):
        error = getattr(node, "error", None)
        if error:
            raise QuerySyntaxError(f"cannot understand query {text!r}: {error}")
    return q


def _forgive(text: str) -> str:
    """Slips people make when typing queries, mended so they search as text:
    an unclosed quote, unbalanced parentheses, a dangling operator."""
    if text.count('"') % 2:
        at = text.rfind('"')
        text = text[:at] + text[at + 1:]
    depth = 0
    kept = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                continue
            depth -= 1
        kept.append(ch)
    text = "".join(kept) + ")" * depth
    return _DANGLING.sub("", text) or text


_DANGLING = re.compile(r"^\s*(?:AND|OR|ANDNOT|ANDMAYBE)\s+|\s+(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\s*$")


def _exclusions_exclude(q: query.Query) -> query.Query:
    """Under the default OR, ``stat3 NOT jak`` parses as "stat3, or anything
    without jak"; users mean "stat3, but not jak" (Lucene's SHOULD/MUST_NOT)."""
    if q.is_leaf():
        return q
    q = q.apply(_exclusions_exclude)
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


def _walk(q: query.Query):
    yield q
    if q.is_leaf():
        return
    for child in q.children():
        yield from _walk(child)
