"""A legend's key to its drawing, which has the shape of an abbreviation's
definition but defines nothing (see `synonyms.definitions`)."""

from __future__ import annotations

from typing import Iterable

from .textkeys import fold_text

# A legend's key to its drawing ("BA, blue arrows; RA, red arrows", "DL =
# dashed lines", "genes repressed (Red)") has the shape of a glossary entry but
# defines nothing: "RA" would have meant red arrows as well as retinoic acid.
_COLOURS = frozenset("red green blue black white grey gray yellow orange purple violet pink brown cyan magenta "
                     "turquoise gold golden".split())
_MARKS = frozenset("arrow arrowhead line box circle square triangle oval ellipse rectangle diamond star dot bar "
                   "shape symbol node edge border outline frame shading background font text letter colour color "
                   "head".split())
_STYLES = frozenset("dashed dotted solid open closed filled empty thick thin broken bold double single hollow shaded "
                    "striped curved straight light dark pale bright scale and or with the".split())


def is_legend_key(short: str, long_words: Iterable[str]) -> bool:
    """Whether a pair, its long form given as its folded words, is a legend's key: a colour
    for its short form, or a long form of colours, styles and marks only, with a mark ("blue
    light" is light)."""
    if fold_text(short) in _COLOURS:
        return True
    words = [_legend_word(w) for w in long_words]
    return all(words) and "mark" in words


def _legend_word(word: str) -> str:
    """What a word is in a legend ("colour", "mark", "style"), or '' (plurals too: boxes, arrows)."""
    for form in (word, word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith("es") else ""):
        if form in _MARKS:
            return "mark"
        if form in _COLOURS:
            return "colour"
        if form in _STYLES:
            return "style"
    return ""
