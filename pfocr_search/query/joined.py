"""Words typed apart that the figures write as one: "micro RNA" for microRNA,
"bio film", "mechano transduction" (read as that word or the two in a row),
and a Greek letter before its word, "beta catenin" for β-catenin."""

from __future__ import annotations

import numpy as np
from whoosh import qparser
from whoosh.qparser import syntax
from whoosh.qparser.plugins import PhrasePlugin
from whoosh.searching import Searcher

from ..engine.evaluation import term_docs
from ..textkeys import GREEK_NAMES, greek_letter
from .apart import glued, join_adjacent
from .synonyms import Alternatives

#: Where the joined word is looked for: the fields that hold running text.
TEXT_FIELDS = ("figtitle", "caption", "papertitle", "keywords")
#: A joined word held by fewer figures is a slip of OCR or typing, not a word.
MIN_FIGURES = 2


class JoinedWordsPlugin(qparser.Plugin):
    """Two plain words of letters typed side by side that more figures write
    joined than write both (in any way: "double strand" is also "double-strand",
    which the index holds joined too) become one
    slot: the joined word (which the synonym plugin then expands: "micro rna"
    is miRNA too), or the two as a phrase.  A typed query's "micro rna" had
    sought "rna" in every figure and ranked a VA-RNA figure first.  Needs the
    index's searcher (`GeneAwareParser.searcher`); without one, words stay apart.
    Runs after letters are joined to their words (104), before synonyms (105)."""

    def filters(self, parser):
        return [(self.join_words, 104.5)]

    def join_words(self, parser, group):
        searcher = getattr(parser, "searcher", None)
        field = parser.schema["caption"] if "caption" in parser.schema else None
        if searcher is None or field is None:
            return group

        def joinable(left, right) -> bool:
            if not (left.fieldname is None and _letters(right.text)):
                return False
            if _greek_prefix(left.text, right.text):
                return True
            if not _letters(left.text):
                return False
            terms = [_term(field, text) for text in (left.text, right.text, left.text + right.text)]
            if None in terms:
                return False
            together = np.count_nonzero(_figures_of(searcher, terms[2]))
            if together < MIN_FIGURES:
                return False
            return together > np.count_nonzero(_figures_of(searcher, terms[0]) & _figures_of(searcher, terms[1]))

        return join_adjacent(group, joinable, _joined_node)


def _greek_prefix(left: str, right: str) -> bool:
    """A Greek letter typed apart before a word of three letters or more that is
    no Greek letter ("beta catenin", "α synuclein", "gamma secretase"), which
    is read as typed with its hyphen.  Apart, "beta catenin" had searched a lone
    "b", which every panel labelled (B) holds, and ranked "Beta-cell" figures
    first.  Names that are also words or genes' names ("Rho GTPases", "tau
    protein") are not letters here.  (One after a word is that word's: see
    `LetterSuffixPlugin`.)"""
    letter = left.lower() in GREEK_NAMES or (len(left) == 1 and greek_letter(left) is not None)
    return letter and len(right) >= 3 and greek_letter(right) is None


def _joined_node(left, right):
    if _greek_prefix(left.text, right.text):  # read as typed with its hyphen, which the parser knows
        return glued(left, right, f"{left.text}-{right.text}")
    return _one_slot(left, right)


def _letters(text: str) -> bool:
    return len(text) >= 2 and text.isalpha()


def _term(field, word: str) -> str | None:
    """`word` as the caption analyzer reads it; None for a stop word or a word read as several."""
    terms = list(field.process_text(word, mode="query"))
    return terms[0] if len(terms) == 1 else None


def _figures_of(searcher: Searcher, term: str) -> np.ndarray:
    """Which figures hold `term` in any text field, as a mask by docnum."""
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    for name in TEXT_FIELDS:
        if name in searcher.schema:
            mask[term_docs(searcher, name, term)] = True
    return mask


def _one_slot(left, right):
    word = syntax.WordNode(left.text + right.text)
    phrase = PhrasePlugin.PhraseNode(f"{left.text} {right.text}", left.startchar or 0)
    for node in (word, phrase):
        node.startchar, node.endchar = left.startchar, right.endchar
    return Alternatives([word, phrase])
