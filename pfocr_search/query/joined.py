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
from .apart import apart, glued, join_adjacent
from .genewords import WRITTEN_AS_SYMBOL
from .synonyms import Alternatives

#: Where a joined word is looked for: the fields that hold running text.
RUNNING_TEXT = ("figtitle", "caption", "papertitle", "keywords")
#: A joined word held by fewer figures is a slip of OCR or typing, not a word.
MIN_FIGURES = 2
#: Shorter words are never joined: "calcium ER", "class IA", "human ES" are a word and an abbreviation.
MIN_PART = 3


class JoinedWordsPlugin(qparser.Plugin):
    """Two plain words of letters typed side by side that more figures write
    joined than write both (in any way: "double strand" is also "double-strand",
    which the index holds joined too) become one
    slot: the joined word (which the synonym plugin then expands: "micro rna"
    is miRNA too), or the two as a phrase.  A typed query's "micro rna" had
    sought "rna" in every figure and ranked a VA-RNA figure first.  That needs
    the index's searcher (`GeneAwareParser.searcher`); without one, such words
    stay apart.  A Greek letter before its word is glued to it (`_greek_prefix`).
    Runs after letters are joined to their words (104), before synonyms (105)."""

    def filters(self, parser):
        return [(self.join_words, 104.5)]

    def join_words(self, parser, group):
        field = parser.schema["caption"] if "caption" in parser.schema else None
        searcher = getattr(parser, "searcher", None)
        counts = _Counts(searcher) if searcher is not None and field is not None else None
        after_symbols = _after_symbols(group)

        def joinable(left, right) -> bool:
            if left.fieldname is not None or not right.text.isalpha():
                return False
            if _greek_prefix(left.text, right.text):
                return id(left) not in after_symbols and (field is None or _term(field, right.text) is not None)
            if counts is None or len(left.text) < MIN_PART or len(right.text) < MIN_PART or not left.text.isalpha():
                return False
            terms = [_term(field, text) for text in (left.text, right.text, left.text + right.text)]
            # A joined word that stems as a part ("calciumer": calcium) is that part, not a word of its own.
            return None not in terms and terms[2] not in terms[:2] and counts.joined_more(*terms)

        return join_adjacent(group, joinable, _joined_node)


class _Counts:
    """How many figures hold terms in running text, each term's figures read once a parse."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher, self.masks = searcher, {}

    def joined_more(self, left: str, right: str, joined: str) -> bool:
        """Whether more figures hold `joined` than hold both `left` and `right`."""
        if sum(self.searcher.doc_frequency(name, joined) for name in self._fields()) < MIN_FIGURES:
            return False  # the common case, answered without reading postings
        together = np.count_nonzero(self.mask(joined))
        return together >= MIN_FIGURES and together > np.count_nonzero(self.mask(left) & self.mask(right))

    def mask(self, term: str) -> np.ndarray:
        """Which figures hold `term` in any running-text field, by docnum."""
        found = self.masks.get(term)
        if found is None:
            found = self.masks[term] = np.zeros(self.searcher.doc_count_all(), dtype=bool)
            for name in self._fields():
                found[term_docs(self.searcher, name, term)] = True
        return found

    def _fields(self) -> list[str]:
        return [name for name in RUNNING_TEXT if name in self.searcher.schema]


def _greek_prefix(left: str, right: str) -> bool:
    """A Greek letter typed apart before a word of three letters or more that is
    no Greek letter ("beta catenin", "α synuclein", "gamma secretase"), which
    is read as typed with its hyphen.  Apart, "beta catenin" had searched a lone
    "b", which every panel labelled (B) holds, and ranked "Beta-cell" figures
    first.  Names that are also words or genes' names ("Rho GTPases", "tau
    protein") are not letters here, and a letter after a symbol is the symbol's
    ("IL-1 beta signaling": `_after_symbols`)."""
    letter = left.lower() in GREEK_NAMES or (len(left) == 1 and greek_letter(left) is not None)
    return letter and len(right) >= MIN_PART and greek_letter(right) is None


def _after_symbols(group) -> set[int]:
    """The words (by id) typed right after a word written as a symbol ("IL-1"), in `group` and its groups."""
    out: set[int] = set()
    words = [n for n in group if not isinstance(n, syntax.Whitespace)]
    for before, node in zip([None, *words], words):
        if isinstance(node, syntax.GroupNode):
            out |= _after_symbols(node)
        elif before is not None and apart(before, node) and WRITTEN_AS_SYMBOL.search(before.text):
            out.add(id(node))
    return out


def _joined_node(left, right):
    if _greek_prefix(left.text, right.text):  # read as typed with its hyphen, which the parser knows
        return glued(left, right, f"{left.text}-{right.text}")
    return _one_slot(left, right)


def _term(field, word: str) -> str | None:
    """`word` as the caption analyzer reads it; None for a stop word or a word read as several."""
    terms = list(field.process_text(word, mode="query"))
    return terms[0] if len(terms) == 1 else None


def _one_slot(left, right):
    word = syntax.WordNode(left.text + right.text)
    phrase = PhrasePlugin.PhraseNode(f"{left.text} {right.text}", left.startchar or 0)
    for node in (word, phrase):
        node.startchar, node.endchar = left.startchar, right.endchar
    slot = Alternatives([word, phrase])
    slot.typed = (left.text, right.text)  # a long form's words still, to the synonym plugin
    return slot
