"""Query-parser plugins: what pfocr-search's parser adds to Whoosh's syntax.

Each is a Whoosh `qparser.Plugin` with its filter's priority named: field
names restricted to searchable fields, ``year:>2010`` relations, operators
refused in a row, wildcards and ranges capped, a Greek letter or number
written apart from its word read as part of it, and the parts of words
joined by hyphens coordinated across fields.
"""

from __future__ import annotations

import itertools
import re
from typing import Callable

from whoosh import qparser, query
from whoosh.fields import NUMERIC, Schema
from whoosh.qparser import syntax

from ..engine.ions import ANIONS, CATIONS
from ..errors import QuerySyntaxError
from ..textkeys import G_ALPHA_CLASS, GREEK_NAMES, greek_letter

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
    "Cl(-)"), is one word, "Ca2+": not a word and a group "(2+)".  Tags
    before groups do (0)."""

    priority = -1
    expr = rf"(?<!\w)(?P<text>(?:{CATIONS})\([1-4]?\+\)|(?:{ANIONS})[1-3]?\([-\u2212\u207b\u2013]\))"

    def create(self, parser, match):
        bare, charge = match.group("text")[:-1].split("(")
        return syntax.WordNode(bare + (charge if "+" in charge else "\u2212"))


class StrictFieldsPlugin(qparser.FieldsPlugin):
    """``field:`` prefixes must name fields users may search."""

    def __init__(self, fields: frozenset[str]) -> None:
        super().__init__(remove_unknown=False)
        self.fields = fields

    def do_fieldnames(self, parser, group):
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


class LetterSuffixPlugin(qparser.Plugin):
    """A Greek letter or a number written apart from the word it belongs to
    ("ER beta", "PPAR gamma", "IL 6", "p 53") is read as written together
    ("ER-beta"): one concept, not a word and a letter that matches every
    panel label "(B)".  "kappa B" is one unit, κB, as in NF-κB and IκB
    ("nuclear factor kappa B" then reads as the long form of NF-κB, "NF kappa
    B" as NF-κB); after a one-letter word a second Greek letter joins the
    first as figures write the pair ("G beta gamma" is Gβγ), other letters after a Greek letter
    stay apart ("TGF beta I receptor" is TGF-β's type I receptor, not TGFBI).  So are numbers after a
    slash ("ERK 1/2", "ERK1 / 2", "p44 / 42": ERK1/2, p44/42, as figures
    mostly write them; "ERK 1/2" had been ERK or 1 or 2).  Runs after
    field names are attached (100), before synonyms (105: "ER" has one,
    "ER-beta" none) and before words are copied to every field (110)."""

    def filters(self, parser):
        return [(self.join_suffixes, 104)]

    def join_suffixes(self, parser, group):
        # The unit as the corpus writes it: "κB".  Slashes first: "ERK 1 / 2" is ERK and 1/2, then ERK-1/2.
        group = _joined(_slashes_closed(_unpunctuated(group)), _slash_joins, lambda left, right: left + right)
        return _joined(_joined(group, _letter_unit, lambda greek, letter: _KAPPA.sub("κ", greek) + letter), _joins, _glue)


def _unpunctuated(group):
    """`group` with the punctuation that ends a word dropped: "G alpha s, G alpha q" had left
    "s," a word of its own, not Gαs's letter (the analyzer drops it anyway)."""
    for node in group:
        if isinstance(node, syntax.GroupNode):
            _unpunctuated(node)
        elif type(node) is syntax.WordNode and node.text[-1:] in ",;:." and node.text[:-1].rstrip(",;:."):
            node.text = node.text.rstrip(",;:.")
    return group


def _slashes_closed(group):
    """`group` with a slash written apart between a numbered word and a number
    ("ERK1 / 2", "1 / 2", "p44 / p42") joined to both: one name."""
    out = group.empty_copy()
    for node in group:
        if isinstance(node, syntax.GroupNode):
            node = _slashes_closed(node)
        words = [i for i, n in enumerate(out) if not isinstance(n, syntax.Whitespace)]
        if len(words) >= 2 and type(node) is syntax.WordNode:
            left, slash = out[words[-2]], out[words[-1]]
            if _apart(left, slash) and _apart(slash, node) and slash.text == "/" \
                    and _SLASHED.fullmatch(f"{left.text}/{node.text}"):
                del out[words[-2]:]
                node = _glued(left, node, f"{left.text}/{node.text}")
        out.append(node)
    return out


#: A numbered word's slashed number ("ERK1/2", "p44/p42", "Smad2/3/4"), a
#: slash written apart from one side: "ERK1/ 2" or "ERK1 /2".
_SLASHED = re.compile(r"\w*\d(?:/[a-z]?\d{1,3})+", re.IGNORECASE)


def _slash_joins(left, right) -> bool:
    """Whether `left` and `right` are one slashed name written apart at the slash."""
    return (_apart(left, right) and (left.text[-1:] == "/") != (right.text[:1] == "/")
            and _SLASHED.fullmatch(left.text + right.text) is not None)


def _glued(word, suffix, text: str):
    node = syntax.WordNode(text)
    node.fieldname, node.boost = word.fieldname, word.boost
    node.startchar, node.endchar = word.startchar, suffix.endchar
    return node


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
                node = _glued(word, suffix, glue(word.text, suffix.text))
        out.append(node)
    return out


#: A Greek letter, κB, or a one- or two-digit number, or numbers of a slash
#: ("1/2", "2/3/4"): written apart, it belongs to the word before.
LETTER_SUFFIX = re.compile(r"(?:[α-ω]|" + "|".join(sorted({*GREEK_NAMES, "eta", "mu"})) + r"|κb|\d{1,2}(?:/\d{1,2})*)",
                           re.IGNORECASE)


def _apart(word, suffix) -> bool:
    """Two words of one field, the second after the first with space between."""
    return (type(word) is syntax.WordNode and type(suffix) is syntax.WordNode and word.fieldname == suffix.fieldname
            and None not in (word.endchar, suffix.startchar) and suffix.startchar > word.endchar)


def _joins(word, suffix) -> bool:
    """Whether `suffix` is a letter or number belonging to `word`: a second
    Greek letter too, after one joined to a one-letter word ("G beta gamma"
    is Gβγ)."""
    pair = _greek_pair(word.text, suffix.text)
    if pair or "-" in word.text:
        return pair is not None
    if LETTER_SUFFIX.fullmatch(suffix.text) is None or word.text.isdigit():
        return False
    return LETTER_SUFFIX.fullmatch(word.text) is None


def _glue(word: str, suffix: str) -> str:
    """A word and its suffix as one: "IL-6", "ER-beta"; a slash's numbers
    without the hyphen, "ERK1/2", the one form figures write that the parser
    also reads as the spaced one (see `GeneAwareParser.compound_query`);
    a second Greek letter as figures write the pair, "Gβγ"."""
    pair = _greek_pair(word, suffix)
    if pair:
        return pair
    return f"{word}{suffix}" if "/" in suffix and suffix[:1].isdigit() and word[-1:].isalpha() else f"{word}-{suffix}"


def _greek_pair(word: str, suffix: str) -> str | None:
    """"G-beta" and "gamma" as figures write them, "Gβγ"; None unless `word`
    is one letter joined to a Greek letter and `suffix` is another.  After a
    longer word the pair is isoforms ("PKC alpha beta": PKC-α and -β), and
    "αβ" folds as "ab", which is also amyloid-β."""
    joined = _GREEK_JOINED.fullmatch(word)
    first, second = (greek_letter(joined.group("letter")), greek_letter(suffix)) if joined else (None, None)
    if first == "α" and joined.group("word") in "Gg" and _G_CLASS.fullmatch(suffix):
        return joined.group("word") + first + suffix  # a G protein's α subunit and class: "G alpha q" is Gαq
    return joined.group("word") + first + second if first and second else None


_G_CLASS = re.compile(G_ALPHA_CLASS)
#: A letter a Greek letter was joined to ("G-beta", "G-β"), which a second Greek letter may follow.
_GREEK_JOINED = re.compile(r"(?P<word>[^\W\d_])-?(?P<letter>\w+)")


def _letter_unit(greek, letter) -> bool:
    """"kappa B" (or "κ B"), also ending a compound ("NF-kappa B", MEDLINE's
    spelling): one unit, κB."""
    return _KAPPA.search(greek.text) is not None and letter.text in ("B", "b")


#: "kappa" or "κ" as a word or a compound's last part.
_KAPPA = re.compile(r"(?:(?<=[-‐-―])|^)(?:kappa|κ)$", re.IGNORECASE)


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
