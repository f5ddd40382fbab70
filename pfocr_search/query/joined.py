"""Words typed apart that the figures write as one ("micro RNA" for microRNA,
"bio film", "mechano transduction"), read as that word or the two in a row."""

from __future__ import annotations

import numpy as np
from whoosh import qparser
from whoosh.qparser import syntax
from whoosh.qparser.plugins import PhrasePlugin
from whoosh.reading import IndexReader

from .apart import join_adjacent
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
    index's reader (`GeneAwareParser.reader`); without one, words stay apart.
    Runs after letters are joined to their words (104), before synonyms (105)."""

    def filters(self, parser):
        return [(self.join_words, 104.5)]

    def join_words(self, parser, group):
        reader = getattr(parser, "reader", None)
        field = parser.schema["caption"] if "caption" in parser.schema else None
        if reader is None or field is None:
            return group

        def joinable(left, right) -> bool:
            if not (left.fieldname is None and _letters(left.text) and _letters(right.text)):
                return False
            terms = [_term(field, text) for text in (left.text, right.text, left.text + right.text)]
            if None in terms:
                return False
            together = _figures_of(reader, terms[2]).size
            if together < MIN_FIGURES:
                return False
            return together > np.intersect1d(_figures_of(reader, terms[0]), _figures_of(reader, terms[1])).size

        return join_adjacent(group, joinable, _one_slot)


def _letters(text: str) -> bool:
    return len(text) >= 2 and text.isalpha()


def _term(field, word: str) -> str | None:
    """`word` as the caption analyzer reads it; None for a stop word or a word read as several."""
    terms = list(field.process_text(word, mode="query"))
    return terms[0] if len(terms) == 1 else None


def _figures_of(reader: IndexReader, term: str) -> np.ndarray:
    """The figures holding `term` in any text field."""
    found = [np.fromiter(reader.postings(name, term).all_ids(), dtype=np.int64) for name in TEXT_FIELDS
             if name in reader.schema and reader.doc_frequency(name, term)]
    return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)


def _one_slot(left, right):
    word = syntax.WordNode(left.text + right.text)
    phrase = PhrasePlugin.PhraseNode(f"{left.text} {right.text}", left.startchar or 0)
    for node in (word, phrase):
        node.startchar, node.endchar = left.startchar, right.endchar
    return Alternatives([word, phrase])
