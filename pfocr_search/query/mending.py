"""Slips people make typing a query, and habits they bring from elsewhere, mended before
the query is parsed, so they search as what was meant rather than fail or mislead."""

from __future__ import annotations

import re


def mended_query(text: str) -> str:
    """Slips people make when typing queries, mended so they search as text:
    an unclosed quote, unbalanced parentheses, a dangling operator; and habits
    from elsewhere (`_habits`)."""
    text = _habits(text)
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


def _habits(text: str) -> str:
    """A question's mark ("Wnt signaling?" had been the pattern "signaling?", 21 figures for
    304); a web search's "+word" (a gene "+IL6"); typography a word processor puts in names:
    a fraction ("ERK½"), a minus sign between word characters ("IL−6"), zero-width spaces.
    (Not a web search's "-word" for NOT: "TNF-α -induced" is a hyphen typed apart.)"""
    text = _INVISIBLE.sub("", text).replace("\u2044", "/").replace("½", "1/2")
    text = _MINUS_IN_WORD.sub("-", text)
    if _QUESTION.search(text):
        text = text.rstrip().rstrip("?").rstrip()
    return _PLUS.sub("", text)


_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_MINUS_IN_WORD = re.compile("(?<=\\w)\u2212(?=\\w)")
#: A question: a mark after the last of two or more words (a pattern's "?" stands for a letter).
_QUESTION = re.compile(r"\S\s+\S*[^\s?*]\s*\?+\s*$")
_PLUS = re.compile(r"(?:(?<=\s)|^)\+(?=\w)")
