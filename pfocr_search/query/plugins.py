"""Query-parser plugins: what pfocr-search's parser adds to Whoosh's syntax.

Each is a Whoosh `qparser.Plugin` with its filter's priority named: field
names restricted to searchable fields, ``year:>2010`` relations, operators
refused in a row, wildcards and ranges capped, and a Greek letter or number
written apart from its word read as part of it.
"""

from __future__ import annotations

import itertools
import re
from typing import Callable

from whoosh import qparser, query
from whoosh.fields import NUMERIC, Schema
from whoosh.qparser import syntax

from ..errors import QuerySyntaxError
from ..textkeys import GREEK_NAMES

#: Most wildcards and ranges typed in one query (``casp*``, ``[a TO f]``):
#: each is expanded in every field, a walk through the term dictionary.
MAX_QUERY_PATTERNS = 4


class StrictFieldsPlugin(qparser.FieldsPlugin):
    """``field:`` prefixes must name fields users may search."""

    def __init__(self, fields: frozenset[str]) -> None:
        super().__init__(remove_unknown=False)
        self.fields = fields

    def do_fieldnames(self, parser, group):
        for node in group:
            if isinstance(node, syntax.FieldnameNode) and node.fieldname not in self.fields:
                known = ", ".join(sorted(self.fields))
                raise QuerySyntaxError(f"unknown field {node.fieldname!r} in query (fields: {known}); "
                                       f"put the term in quotes to search it as text")
        return super().do_fieldnames(parser, group)


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


class LetterSuffixPlugin(qparser.Plugin):
    """A Greek letter or a number written apart from the word it belongs to
    ("ER beta", "PPAR gamma", "IL 6", "p 53") is read as written together
    ("ER-beta"): one concept, not a word and a letter that matches every
    panel label "(B)".  "kappa B" is one unit, κB, as in NF-κB and IκB
    ("nuclear factor kappa B" then reads as the long form of NF-κB, "NF kappa
    B" as NF-κB); other letters after a Greek letter stay apart ("TGF beta I
    receptor" is TGF-β's type I receptor, not TGFBI).  Paralogs' numbers
    ("ERK 1/2", "Smad 2/3") join as captions write them, "ERK1/2".  Runs after
    field names are attached (100), before synonyms (105: "ER" has one,
    "ER-beta" none) and before words are copied to every field (110)."""

    def filters(self, parser):
        return [(self.join_suffixes, 104)]

    def join_suffixes(self, parser, group):
        # The unit as the corpus writes it: "κB".
        return _joined(_joined(group, _letter_unit, lambda _, letter: "κ" + letter),
                       _joins, _glue)


def _glue(word: str, suffix: str) -> str:
    # Paralogs' numbers are written on their word as captions write them,
    # "ERK1/2" (the gene field reads it as ERK1 and ERK2); "ERK-1/2" would be
    # the phrase "erk 1 2", which "ERK1/2" in a caption (erk1, 2) never holds.
    return f"{word}{suffix}" if "/" in suffix else f"{word}-{suffix}"


def _joined(group, joins, glue: Callable[[str, str], str]):
    """`group` with each word `joins(word, next)` accepts written as one word, `glue(word, next)`."""
    out = group.empty_copy()
    for node in group:
        if isinstance(node, syntax.GroupNode):
            node = _joined(node, joins, glue)
        else:
            # Whitespace is still in the group here (dropped at 500).
            before = len(out)
            while before and isinstance(out[before - 1], syntax.Whitespace):
                before -= 1
            if before and _apart(out[before - 1], node) and joins(out[before - 1], node):
                word, suffix = out[before - 1], node
                del out[before - 1:]
                node = syntax.WordNode(glue(word.text, suffix.text))
                node.fieldname, node.boost = word.fieldname, word.boost
                node.startchar, node.endchar = word.startchar, suffix.endchar
        out.append(node)
    return out


#: A Greek letter, κB, a one- or two-digit number, or numbers of paralogs
#: ("1/2", "2/3", "1/5/8"): written apart, it belongs to the word before.
LETTER_SUFFIX = re.compile(r"(?:[α-ω]|" + "|".join(sorted({*GREEK_NAMES, "eta", "mu"})) + r"|κb|\d{1,2}(?:/\d{1,2})*)",
                           re.IGNORECASE)


def _apart(word, suffix) -> bool:
    """Two words of one field, the second after the first with space between."""
    return (type(word) is syntax.WordNode and type(suffix) is syntax.WordNode and word.fieldname == suffix.fieldname
            and None not in (word.endchar, suffix.startchar) and suffix.startchar > word.endchar)


def _joins(word, suffix) -> bool:
    """Whether `suffix` is a letter or number belonging to `word`."""
    return (LETTER_SUFFIX.fullmatch(suffix.text) is not None and LETTER_SUFFIX.fullmatch(word.text) is None
            and not word.text.isdigit() and "-" not in word.text)


def _letter_unit(greek, letter) -> bool:
    """"kappa B" (or "κ B"): one unit, κB."""
    return greek.text.lower() in ("kappa", "κ") and letter.text in ("B", "b")


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
