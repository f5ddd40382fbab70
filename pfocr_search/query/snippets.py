"""Snippets: a caption excerpt around what a query matched, and the spans to highlight.

A word is matched when one of the index terms the field's analyzer makes of
it is a query term, the test Whoosh's highlighter applies.  Whoosh's
highlighter re-analyses every hit's whole caption and walks it token by token
(half of a text query's time at 100,000 figures); here each distinct word of
a field is analysed once (cached per field), matched words are found with
one regular expression, and the excerpt is the window holding most matches.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from ..engine.analysis import COMPOUND_DELIMS, TEXT_WORD
from ..engine.arrays import cached
from ..engine.ions import CHARGES, ION

Spans = tuple[tuple[int, int], ...]

#: Context kept before the first match of an excerpt, in characters.
SURROUND = 60
_WORDS = re.compile(TEXT_WORD, re.UNICODE)
_ION = re.compile(ION, re.UNICODE)
#: A compound word's parts; a space within a word is only "kappa B"'s, one part (κB).
_PARTS = re.compile(r"\w+(?:\s[Bb])?", re.UNICODE)
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class SnippetTerms:
    """What a query marks in a field: terms matched wherever a word has one,
    and phrases (each its terms in order) matched only as the phrase."""

    alone: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()


def match_spans(body: str, field, terms: SnippetTerms) -> list[tuple[int, int]]:
    """Where `body` has words that `field`'s analyzer turns into one of
    `terms.alone`, and runs of words that make one of `terms.phrases`.

    A compound's matching parts are marked alone (JAK in JAK-STAT); the whole
    compound when its joined form matches (IL6 for IL-6, NFκB for NF-κB)."""
    if not body or not (terms.alone or terms.phrases):
        return []
    cache = cached(field, "snippet words", dict)
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    spans = _word_spans(body, field, terms.alone, cache) if terms.alone else []
    if terms.phrases:
        spans = _merged(sorted(spans + _phrase_spans(body, field, terms.phrases, cache)))
    return spans


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ascending spans with those that overlap (a phrase and its words) as one."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _word_spans(body: str, field, words: frozenset[str], cache: dict) -> list[tuple[int, int]]:
    matched = {w for w in set(_WORDS.findall(body)) if not _analysed(field, w, cache)[0].isdisjoint(words)}
    if not matched:
        return []
    spans = []
    for hit in standalone(body, matched):
        whole, parts = _analysed(field, hit.group(0), cache)
        joined = whole.difference(*parts)
        if joined.isdisjoint(words) and any(not terms.isdisjoint(words) for terms in parts):
            spans += [(hit.start() + p.start(), hit.start() + p.end())
                      for p, terms in zip(_PARTS.finditer(hit.group(0)), parts) if not terms.isdisjoint(words)]
        else:
            spans.append(hit.span())
    return spans


def _phrase_spans(body: str, field, phrases: tuple[tuple[str, ...], ...], cache: dict) -> list[tuple[int, int]]:
    """Each run of words (a compound's parts one each, stop words none) whose
    terms are a phrase's, in order: one span from its first word to its last."""
    if not any(phrases):
        return []
    places: list[tuple[int, int, frozenset[str]]] = []
    for hit in _WORDS.finditer(body):
        whole, parts = _analysed(field, hit.group(0), cache)
        if parts:
            places += [(hit.start() + p.start(), hit.start() + p.end(), terms)
                       for p, terms in zip(_PARTS.finditer(hit.group(0)), parts) if terms]  # "gain-of-function"
        elif whole:
            places.append((hit.start(), hit.end(), whole))
    spans = []
    for phrase in filter(None, phrases):
        first, size = phrase[0], len(phrase)
        # Only where the first word matches is the rest looked at: a generator
        # a word of a long caption, for every phrase, was most of this.
        # (Not sliced past a short caption's start: a negative end counts from its end.)
        for i in [i for i, place in enumerate(places[:max(len(places) - size + 1, 0)]) if first in place[2]]:
            if all(term in places[i + k][2] for k, term in enumerate(phrase[1:], 1)):
                spans.append((places[i][0], places[i + size - 1][1]))
    return spans


def standalone(body: str, words: set[str]) -> Iterator[re.Match]:
    """The whole words of `body` that are in `words`, not joined to a word
    before or after by a dash or slash: what one regular expression of the
    words between those edges finds, without compiling one for each hit."""
    end = len(body)
    for hit in _WORDS.finditer(body):
        start, stop = hit.span()
        # An ion is no part of a compound word: "Ca2+-dependent", "WNT/Ca2+", "Cl-/HCO3-" are two words.
        ion = body[stop - 1] in CHARGES
        if hit.group(0) in words and (start == 0 or body[start - 1] not in COMPOUND_DELIMS or ion) \
                and (stop == end or body[stop] not in COMPOUND_DELIMS or ion or _ION.match(body, stop + 1)):
            yield hit


def _analysed(field, word: str, cache: dict) -> tuple[frozenset[str], tuple[frozenset[str], ...]]:
    """The index terms of a word, and of each part of a compound word."""
    found = cache.get(word)
    if found is None:
        parts = _PARTS.findall(word)
        found = cache[word] = (_terms(field, word), tuple(_terms(field, p) for p in parts) if len(parts) > 1 else ())
    return found


def _terms(field, word: str) -> frozenset[str]:
    return frozenset(t.text for t in field.analyzer(word, mode="index"))


def symbol_spans(body: str, symbols: Sequence[str]) -> list[tuple[int, int]]:
    """Case-insensitive mentions of gene symbols (no stemming: a symbol needs none)."""
    if not body or not symbols:
        return []
    return [m.span() for m in _symbol_pattern(tuple(sorted(symbols, key=len, reverse=True))).finditer(body)]


@functools.lru_cache(maxsize=256)
def _symbol_pattern(symbols: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s) for s in symbols) + r")(?![\w-])", re.I)


def excerpt(body: str, spans: Sequence[tuple[int, int]], chars: int) -> tuple[str, Spans]:
    """Up to `chars` characters of `body` around the run of matches with the
    most matches (the first such), "…" where cut, and the matches' spans in it."""
    if not spans:
        return opening(body, chars), ()
    count, first, last = 0, 0, 0
    j = 0
    for i in range(len(spans)):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= chars:
            j += 1
        if j - i + 1 > count:
            count, first, last = j - i + 1, i, j
    start, stop = spans[first][0], spans[last][1]
    if start > 0:
        lead = max(0, start - min(SURROUND, max(0, chars - (stop - start)) // 2))
        space = body.find(" ", lead, start)
        start = space + 1 if lead > 0 and space >= 0 else lead
    end = min(len(body), max(stop, start + chars))
    if end < len(body):
        space = body.rfind(" ", stop, end)
        end = space if space > 0 else end
    prefix = "… " if start > 0 else ""
    shown = tuple((a - start + len(prefix), b - start + len(prefix)) for a, b in spans if a >= start and b <= end)
    return prefix + body[start:end] + (" …" if end < len(body) else ""), shown


def opening(body: str, chars: int) -> str:
    return body if len(body) <= chars else body[:chars].rsplit(" ", 1)[0] + " …"
