"""Query-parser plugins: what pfocr-search's parser adds to Whoosh's syntax.

Each is a Whoosh `qparser.Plugin` with its filter's priority named: field
names restricted to searchable fields, ``year:>2010`` relations, operators
refused in a row, wildcards and ranges capped, ions with their charge in
parentheses, and the parts of words joined by hyphens coordinated across
fields.  (A letter or number written apart from its word: `apart`.)
"""

from __future__ import annotations

import itertools

from whoosh import qparser, query
from whoosh.fields import NUMERIC, Schema
from whoosh.qparser import syntax

from ..config import TEXT_FIELDS
from ..engine.ions import ION_IN_PARENTHESES
from ..errors import QuerySyntaxError

#: Most wildcards and ranges typed in one query (``casp*``, ``[a TO f]``):
#: each is expanded in every field, a walk through the term dictionary.
MAX_QUERY_PATTERNS = 4


class ArticlePlugin(qparser.Plugin):
    """A capital A that starts a query or a quoted phrase is the article ("A
    model of insulin signalling"): lowered, it is the stop word "a".  Anywhere
    else it is a name's letter ("vitamin A", "protein kinase A"), which the
    index keeps as the term "A" (`analysis.LowerFilter`).  Runs before letters
    written apart are joined to their words (104)."""

    def filters(self, parser):
        return [(self.lower_articles, 103)]

    def lower_articles(self, parser, group):
        first = next((n for n in group if not isinstance(n, syntax.Whitespace)), None)
        if type(first) is syntax.WordNode and first.text == "A":
            first.text = "a"
        for node in group:
            if isinstance(node, syntax.GroupNode):
                self.lower_articles(parser, node)
            elif isinstance(node, qparser.PhrasePlugin.PhraseNode) and node.text.startswith("A "):
                node.text = "a" + node.text[1:]
        return group


class IonPlugin(qparser.TaggingPlugin):
    """An ion with its charge in parentheses, as MEDLINE writes it ("Ca(2+)",
    "Cl(-)"), is one word, which the analyzer reads as the ion ("Ca2+"): not a
    word and a group "(2+)".  Tags before groups do (0)."""

    priority = -1
    expr = rf"(?P<text>{ION_IN_PARENTHESES})"
    nodetype = syntax.WordNode


class StrictFieldsPlugin(qparser.FieldsPlugin):
    """``field:`` prefixes must name fields users may search."""

    def __init__(self, fields: frozenset[str]) -> None:
        super().__init__(remove_unknown=False)
        self.fields = fields

    def do_fieldnames(self, parser, group):
        group = self.colons_as_text(group, parser.schema)
        for at, node in enumerate(group):
            if not isinstance(node, syntax.FieldnameNode):
                continue
            if node.fieldname not in self.fields:
                known = ", ".join(sorted(self.fields))
                raise QuerySyntaxError(f"unknown field {node.fieldname!r} in query (fields: {known}); "
                                       f"put the term in quotes to search it as text")
            # Whoosh searched "genes:" alone, or before a space, as the word "genes".
            if at + 1 == len(group) or group[at + 1].is_ws():
                raise QuerySyntaxError(f"{node.fieldname}: needs its value right after the colon, "
                                       f"as in {node.fieldname}:{_EXAMPLES.get(node.fieldname, 'apoptosis')}")
        return super().do_fieldnames(parser, group)


    def colons_as_text(self, group, schema: Schema | None):
        """`group` with a colon after a word that names no field, nor nearly one, read
        as punctuation: a pasted title ("Autophagy: A challengeable paradox"), a complex
        ("Keap1:Nrf2", "Bcl-2:Bax") or a fusion ("BCR::ABL1") had been refused as an
        unknown field.  A near miss ("gene:STAT3", "titel:") is still refused, with the fields."""
        out = group.empty_copy()
        for node in group:
            if isinstance(node, syntax.FieldnameNode) and not self.field_like(node.fieldname, schema):
                word = syntax.WordNode(node.fieldname)
                word.startchar, word.endchar = node.startchar, node.startchar + len(node.fieldname)
                before = out[-1] if len(out) else None
                if type(before) is syntax.WordNode and before.endchar == word.startchar:  # "Bcl-" "2"
                    before.text, before.endchar = before.text + word.text, word.endchar
                    continue
                node = word
            out.append(node)
        return out

    def field_like(self, name: str, schema: Schema | None) -> bool:
        """A field's name (an internal one's too), or within an edit or two of one (of any configuration's)."""
        if name in self.fields or (schema is not None and name in schema) or name.lower() in FIELD_WORDS:
            return True
        from rapidfuzz.distance import Levenshtein  # here: a one-shot command's startup counts

        name = name.lower()
        near = 1 if len(name) <= 4 else 2
        return any(Levenshtein.distance(name, field, score_cutoff=near) <= near for field in self.fields | FIELD_WORDS)


#: Names a user may take for fields: every text field a configuration may index, and common guesses.
FIELD_WORDS = frozenset({*TEXT_FIELDS, "title", "gene", "author", "organism", "species", "year", "doi", "pmcid",
                         "facets"})
_EXAMPLES = {"genes": "STAT3", "year": "2020", "organism": '"homo sapiens"', "ncbigene": "6774"}


class RelationsPlugin(qparser.GtLtPlugin):
    """``year:>2010``.  Whoosh's filter reads the node before a ``>`` and
    crashed when there was none, so a relation opening a group is refused."""

    def do_gtlt(self, parser, group):
        first = next((node for node in group if not node.is_ws()), None)
        if isinstance(first, self.GtLtNode):
            raise QuerySyntaxError(f"{first.rel!r} needs a field name before it, as in year:{first.rel}2010")
        return super().do_gtlt(parser, group)


class _OnceBinary(syntax.BinaryGroup):
    """Whoosh's BinaryGroup parses each side twice, so a chain of n ANDNOTs
    took 2**n steps (14 took 7 s); each side is parsed once here."""

    def query(self, parser):
        sides = [q for q in (node.query(parser) for node in self.nodes) if q is not None]
        q = self.qclass(*sides) if len(sides) == 2 else sides[0] if sides else query.NullQuery
        return syntax.attach(q, self)


_ONCE = {group: type(group.__name__, (_OnceBinary, group), {})
         for group in (syntax.AndNotGroup, syntax.AndMaybeGroup, syntax.RequireGroup)}


class OperatorsPlugin(qparser.OperatorsPlugin):
    """Whoosh's operators, refusing two in a row (``a NOT NOT b``): Whoosh
    made the second the operand of the first and crashed on what was left."""

    def __init__(self) -> None:
        super().__init__()
        for tagger, _ in self.ops:
            tagger.grouptype = _ONCE.get(tagger.grouptype, tagger.grouptype)

    def filters(self, parser):
        # After whitespace is dropped (500), before operators group (600).
        return [(self.refuse_adjacent, 590), *super().filters(parser)]

    def refuse_adjacent(self, parser, group):
        nodes = list(group)
        for left, right in itertools.pairwise(nodes):
            if _adjacent_operators(left, right):
                raise QuerySyntaxError(f"two operators in a row in query ({left.text} {right.text}): "
                                       f"each needs a word or (group) after it")
        for node in nodes:
            if isinstance(node, syntax.GroupNode):
                self.refuse_adjacent(parser, node)
        return group


def _adjacent_operators(left, right) -> bool:
    # "a AND NOT b" is the one pair that reads as meant.
    return (isinstance(left, syntax.Operator) and isinstance(right, syntax.Operator)
            and not (isinstance(left, syntax.InfixOperator) and isinstance(right, syntax.PrefixOperator)))


class PatternsPlugin(qparser.Plugin):
    """Counts the wildcards and ranges a query types, each once: after field
    names are attached (100), before words are copied to every field (110)."""

    def filters(self, parser):
        return [(self.count_patterns, 105)]

    def count_patterns(self, parser, group):
        typed = sum(1 for node in _syntax_nodes(group) if _is_pattern(parser.schema, node))
        if typed > MAX_QUERY_PATTERNS:
            raise QuerySyntaxError(f"query has {typed} wildcards or ranges; at most {MAX_QUERY_PATTERNS} are allowed")
        return group


def _syntax_nodes(group):
    for node in group:
        yield node
        if isinstance(node, syntax.GroupNode):
            yield from _syntax_nodes(node)


def _is_pattern(schema: Schema, node) -> bool:
    # A range over a numeric field (year:>2010) is a handful of terms.
    if isinstance(node, syntax.RangeNode):
        return not (node.fieldname in schema and isinstance(schema[node.fieldname], NUMERIC))
    return isinstance(node, (qparser.WildcardPlugin.WildcardNode, qparser.PrefixPlugin.PrefixNode))



class WordPartsPlugin(qparser.Plugin):
    """Words joined by a hyphen ("insulin-resistant", "cell-cycle") are their
    exact phrase or joined form (`GeneAwareParser.compound_query`), or their
    parts coordinated as the query's words are, over all fields at once, as
    if typed apart: a figure with "insulin" in its title and "resistance" in
    its caption holds both.  `compound_query` builds the parts field by field,
    and Whoosh's normalising merges them into the word's plain OR, so they
    counted uncoordinated there: "Resistance Is Not Futile" ranked 7th for
    "insulin-resistant" on "resist" alone.  A symbol's parts (TGF-β,
    Wnt/β-catenin, cGAS-STING) stay as they were: coordinated, a figure about
    Wnt alone or a typo inside "cGAS-STNG" lost too much (realworld tuning
    half nDCG@10 0.9463 -> 0.9444).  Runs after gene-like words are marked
    (109), before words are copied to every field (110)."""

    def filters(self, parser):
        return [(self.split_words, 109.5)]

    def split_words(self, parser, group):
        from .synonyms import NameNode  # a word as its phrase or joined form, without parts

        out = []
        for node in group:
            if isinstance(node, syntax.GroupNode):
                out.append(self.split_words(parser, node))
                continue
            parts = _word_parts(parser, node)
            if not parts:
                out.append(node)
                continue
            whole = NameNode(node.text)
            whole.startchar, whole.endchar, whole.boost = node.startchar, node.endchar, node.boost
            whole.gene_like = getattr(node, "gene_like", True)
            pieces = [_PartNode(node, i) for i in range(len(parts))]
            coordinated = type("Parts", (parser.group,), {"merging": False})
            out.append(_WordOrParts([whole, coordinated(pieces, boost=node.boost)]))
        group.nodes = out
        return group


def _word_parts(parser, node) -> list[str] | None:
    """The parts of a plain word that is words joined (each alphabetic, four letters or more), or None."""
    if type(node) is not syntax.WordNode or node.fieldname is not None or "caption" not in parser.schema:
        return None
    texts = list(parser.schema["caption"].process_text(node.text, mode="query"))
    return texts if len(texts) > 1 and all(t.isalpha() and len(t) >= 4 for t in texts) else None


class _WordOrPartsQuery(query.Or):
    """A word's phrase or its parts: a class of its own, so that Whoosh's
    normalising does not merge the parts' coordinated OR into it."""


class _WordOrParts(syntax.OrGroup):
    qclass = _WordOrPartsQuery
    merging = False


class _PartNode(syntax.WordNode):
    """The `index`-th part of a word joined by hyphens, as each field analyses it."""

    def __init__(self, word, index: int) -> None:
        super().__init__(word.text)
        self.index = index
        self.startchar, self.endchar = word.startchar, word.endchar
        self.gene_like = False  # a part is a word of the text, not a symbol

    def query(self, parser):
        fieldname = self.fieldname or parser.fieldname
        field = parser.schema[fieldname] if fieldname in parser.schema else None
        if field is None or field.self_parsing():
            return None
        parts = list(field.process_text(self.text, mode="query"))
        if self.index >= len(parts):
            return None
        return syntax.attach(query.Term(fieldname, parts[self.index], boost=self.boost), self)
