"""Words written apart that are one name: a Greek letter or number after its word ("ER beta",
"IL 6", "NF kappa B", "ERK 1 / 2"), joined by `LetterSuffixPlugin` before the query's words are
looked up or spread over fields."""

from __future__ import annotations

import re
from typing import Callable

from whoosh import qparser
from whoosh.qparser import syntax

from ..textkeys import G_ALPHA_CLASS, GREEK_NAMES, greek_letter


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
            if apart(left, slash) and apart(slash, node) and slash.text == "/" \
                    and _SLASHED.fullmatch(f"{left.text}/{node.text}"):
                del out[words[-2]:]
                node = glued(left, node, f"{left.text}/{node.text}")
        out.append(node)
    return out


#: A numbered word's slashed number ("ERK1/2", "p44/p42", "Smad2/3/4"), a
#: slash written apart from one side: "ERK1/ 2" or "ERK1 /2".
_SLASHED = re.compile(r"\w*\d(?:/[a-z]?\d{1,3})+", re.IGNORECASE)


def _slash_joins(left, right) -> bool:
    """Whether `left` and `right` are one slashed name written apart at the slash."""
    return (apart(left, right) and (left.text[-1:] == "/") != (right.text[:1] == "/")
            and _SLASHED.fullmatch(left.text + right.text) is not None)


def glued(word, suffix, text: str):
    """`word` and `suffix` as one word node, `text`, where they were typed."""
    node = syntax.WordNode(text)
    node.fieldname, node.boost = word.fieldname, word.boost
    node.startchar, node.endchar = word.startchar, suffix.endchar
    return node


def _joined(group, joins, glue: Callable[[str, str], str]):
    """`group` with each word `joins(word, next)` accepts written as one word, `glue(word, next)`."""
    return join_adjacent(group, joins, lambda word, suffix: glued(word, suffix, glue(word.text, suffix.text)))


def join_adjacent(group, joins, make):
    """`group` with each two words side by side that `joins(word, next)` accepts
    replaced by the node `make(word, next)` gives, in nested groups too."""
    out = group.empty_copy()
    for node in group:
        if isinstance(node, syntax.GroupNode):
            node = join_adjacent(node, joins, make)
        else:
            # Whitespace is still in the group here (dropped at 500).
            before = len(out)
            while before and isinstance(out[before - 1], syntax.Whitespace):
                before -= 1
            if before and apart(out[before - 1], node) and joins(out[before - 1], node):
                word = out[before - 1]
                del out[before - 1:]
                node = make(word, node)
        out.append(node)
    return out


#: A Greek letter, κB, or a one- or two-digit number, or numbers of a slash
#: ("1/2", "2/3/4"): written apart, it belongs to the word before.
LETTER_SUFFIX = re.compile(r"(?:[α-ω]|" + "|".join(sorted({*GREEK_NAMES, "eta", "mu"})) + r"|κb|\d{1,2}(?:/\d{1,2})*)",
                           re.IGNORECASE)


def apart(word, suffix) -> bool:
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
