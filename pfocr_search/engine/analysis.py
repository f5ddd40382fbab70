"""Whoosh analyzers for PFOCR text and gene symbols.

Normalisation lives here as Whoosh filters, so the index and the query parser
apply exactly the same steps:

* `FoldFilter`: Unicode compatibility forms, case, and Greek letters and the
  Cyrillic look-alikes OCR and authors produce folded to Latin letters, so
  ``NF-κB``, ``NF-кB`` (Cyrillic ka), ``NF-kB`` and ``NF-kappaB`` index the
  same terms, as do ``β-adrenergic`` and ``beta-adrenergic``.
* `CompoundFilter`: ``IL-6``, ``JAK/STAT`` and ``NF-κB`` are indexed as their
  parts *and* as the joined word, so ``IL6``, ``IL-6`` and ``IL 6`` all find
  ``IL-6``; queries keep the parts only, which the index always has.
* `GeneSymbolFilter`: the gene-symbol key of `textkeys.normalize_symbol`.
* `KeyFilter`: a whole value (organism, journal) as the one term its
  `textkeys` key function makes, the same function filters use at query time.

The folding itself is defined in `textkeys`; these filters apply it.
"""

from __future__ import annotations

import re
from typing import Callable

from whoosh.analysis import (
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.analysis.analyzers import Analyzer

from ..textkeys import (
    fold_greek_names,
    fold_text,
    journal_key,
    normalize_symbol,
    organism_key,
)

# A word, or words joined by hyphens/slashes/dashes (JAK-STAT, PI3K/AKT, NF-κB).
COMPOUND_WORD = r"\w+(?:[-/\u2010-\u2015]\w+)*"
_DELIMS = "-/\u2010\u2011\u2012\u2013\u2014\u2015"
_HAS_DELIM = re.compile("[" + re.escape(_DELIMS) + "]").search


class FoldFilter(Filter):
    """Case, accents, Unicode compatibility forms, Greek and Cyrillic look-alikes -> Latin."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_greek_names(fold_text(t.text))
            yield t


class CompoundFilter(Filter):
    """Split hyphen/slash compounds into parts, adding the joined word when indexing.

    The joined word shares the first part's position, so phrase queries over
    the parts still line up.
    """

    is_morph = False

    def __call__(self, tokens):
        pos_shift = 0
        for t in tokens:
            text = t.text
            if not _HAS_DELIM(text):
                if t.positions:
                    t.pos += pos_shift
                yield t
                continue
            parts = _split(text)
            if not parts:
                continue
            base_pos = t.pos + pos_shift if t.positions else 0
            start = t.startchar if t.chars else 0
            offset = 0
            for i, part in enumerate(parts):
                offset = text.index(part, offset)
                t.text = part
                if t.positions:
                    t.pos = base_pos + i
                if t.chars:
                    t.startchar = start + offset
                    t.endchar = t.startchar + len(part)
                offset += len(part)
                yield t
                if i == 0 and t.mode == "index" and len(parts) > 1:
                    t.text = "".join(parts)
                    if t.chars:
                        t.endchar = start + len(text)
                    yield t
            pos_shift += len(parts) - 1


def _split(text: str) -> list[str]:
    parts = [text]
    for d in _DELIMS:
        parts = [p for chunk in parts for p in chunk.split(d)]
    return [p for p in parts if p]


class BioStemFilter(Filter):
    """Joins word forms Porter keeps apart in biology: apoptosis/apoptotic
    (apoptosi/apoptot -> apoptos), necrosis/necrotic, autophagy/autophagic
    (autophagi/autophag -> autophag).  Runs after stemming, on index and query alike,
    so it can only merge forms, never lose one."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if len(text) > 5 and not text[-1].isdigit():
                if text.endswith("ot"):
                    text = text[:-1] + "s"
                elif text.endswith("i"):
                    text = text[:-1]
            t.text = text
            yield t


class GeneSymbolFilter(Filter):
    """Replace each token by its gene-symbol key (STAT-5a -> STAT5A, GSK3β -> GSK3B)."""

    def __call__(self, tokens):
        for t in tokens:
            key = normalize_symbol(t.text)
            if key:
                t.text = key
                yield t


def text_analyzer(stem: bool) -> Analyzer:
    """Words for captions and titles.  Stop words go before folding so a Greek
    letter standing alone (TNF α -> 'a') is never taken for the article 'a';
    single characters are kept (minsize=1): in 'IL 6' or 'p 53' they matter."""
    chain = RegexTokenizer(COMPOUND_WORD) | LowercaseFilter() | StopFilter(minsize=1) | CompoundFilter() | FoldFilter()
    return chain | StemFilter() | BioStemFilter() if stem else chain


def gene_analyzer() -> Analyzer:
    """Gene symbols, one per whitespace-separated token, never stemmed."""
    return RegexTokenizer(r"[^\s,;]+") | GeneSymbolFilter()


class KeyFilter(Filter):
    """Each token as `key(token)`: whole names indexed as the terms filters look up."""

    def __init__(self, key: Callable[[str], str]) -> None:
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyFilter) and other.key is self.key

    def __call__(self, tokens):
        for t in tokens:
            t.text = self.key(t.text)
            if t.text:
                yield t


def organism_analyzer() -> Analyzer:
    """One term per organism (values are separated by '|' in the document)."""
    return RegexTokenizer(r"[^|]+") | KeyFilter(organism_key)


def journal_analyzer() -> Analyzer:
    """The journal's whole name as one term."""
    return RegexTokenizer(r".+") | KeyFilter(journal_key)


def analyzer_for(name: str) -> Analyzer:
    if name == "gene":
        return gene_analyzer()
    return text_analyzer(stem=name == "stemmed")
