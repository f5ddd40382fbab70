"""Whoosh analyzers for PFOCR text and gene symbols.

Normalisation lives here as Whoosh filters, so the index and the query parser
apply exactly the same steps (the folding itself is `textkeys`' and `spellings`'):

* `FoldFilter`: Unicode compatibility forms, case, and Greek letters and their
  Cyrillic look-alikes folded to Latin: ``NF-κB``, ``NF-кB``, ``NF-kB`` and
  ``NF-kappaB`` index the same terms, as do ``β-adrenergic`` and ``beta-adrenergic``.
* `SpellingFilter`: British spellings as American ones (`spellings`).
* `CompoundFilter`: ``IL-6``, ``JAK/STAT`` and ``NF-κB`` are indexed as their parts
  *and* as the joined word, so ``IL6``, ``IL-6`` and ``IL 6`` all find ``IL-6``.
* `IonFilter` (`ions`): an ion written with its charge (``K+``, ``Ca2+``, ``Cl−``) is also
  indexed as that, and a query's is only that, so ``K+`` is not every ``K``.
* `DeletionFilter`: a deletion mutant (``Δfld1``) is indexed as its gene (``fld1``) too.
* `GeneSymbolFilter`, `KeyFilter`: a symbol's key, a whole value's (organism, journal) key."""

from __future__ import annotations

import re
import threading
from typing import Callable, Iterator

import whoosh.analysis as whoosh_analysis
from whoosh.analysis import Filter, RegexTokenizer, StopFilter
from whoosh.analysis.acore import Token
from whoosh.analysis.analyzers import Analyzer, CompositeAnalyzer

from ..spellings import fold_spelling
from ..textkeys import fold_greek_names, fold_text, journal_key, normalize_symbol, organism_key, sharp_s_as_beta
from .ions import ANIONS, CATIONS, CHARGE, ION, MINUS, IonFilter
from .stemming import stem_filters

# A word, or words joined by hyphens/slashes/dashes (JAK-STAT, PI3K/AKT, NF-κB);
# an ion after a dash or slash is no part of one (WNT/Ca2+ had joined "Ca2" to WNT; anions with a
# minus sign too, "AT1aR/O2−signaling": checking hyphen-ended ones cost a tenth more time).
# "kappa B" apart is one unit, κB, as MEDLINE writes NF-κB: "NF-kappa B" (`LowerFilter` closes the gap).
COMPOUND_WORD = (rf"\w+(?:[-/\u2010-\u2015](?!(?:{CATIONS})[1-4\u00b2\u00b3]?[{CHARGE}]"
                 rf"|(?:{ANIONS}|I|F)[1-3\u00b2\u00b3]?[{MINUS}])\w+)*"
                 rf"(?:(?=[ \t][Bb]\b)(?:(?<=[Kk]appa)|(?<=KAPPA)|(?<=\u03ba))[ \t][Bb])?")
COMPOUND_DELIMS = "-/\u2010\u2011\u2012\u2013\u2014\u2015"
#: The words of text fields: ions, and words or compounds.
TEXT_WORD = rf"{ION}|{COMPOUND_WORD}"
_DELIMS = re.compile("[" + re.escape(COMPOUND_DELIMS) + "]")
_HAS_DELIM = _DELIMS.search


class LowerFilter(Filter):
    """Lower case, a sharp s for β (IL-1ß, Aß) read as β first, and a capital Δ starting a word marked as
    a deletion's (`DeletionFilter`): lower case hides capitals.  A capital A alone stays one, the term
    "A": a name's letter ("vitamin A", "coenzyme A"), not α's "a" nor the stopped article (which
    starts a query: `ArticlePlugin`); stopped, "vitamin A" had found every vitamin.  The one word
    with a space, "kappa B", is closed up: κB."""

    def __call__(self, tokens):
        for t in tokens:
            text = sharp_s_as_beta("".join(t.text.split()))
            if text[:1] == "\u0394" and len(text) > 2 and text[1].isalnum():
                text = DELETION + text[1:]
            t.text = text if text == "A" else text.lower()
            yield t


class FoldFilter(Filter):
    """Case, accents, Unicode compatibility forms, Greek and Cyrillic look-alikes -> Latin."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = t.text if t.text == "A" else fold_greek_names(fold_text(t.text))
            yield t


class SpellingFilter(Filter):
    """British spellings as American ones (tumour -> tumor): `spellings`."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold_spelling(t.text)
            yield t


class CompoundFilter(Filter):
    """Split hyphen/slash compounds into parts, adding the joined word when indexing.

    The joined word shares the first part's position, so phrase queries over the
    parts still line up.  A stop word between words ("gain-of-function") is dropped
    and takes no position, as in running text, so the phrase "gain of function"
    holds the compound.  Only between words: a stop word at a compound's end is a
    symbol's part ("NF-AT", "TNF-a"), and among numbers or symbols a part."""

    is_morph = False

    def __init__(self, stops: frozenset[str] = frozenset()) -> None:
        self.stops = stops

    def __call__(self, tokens):
        pos_shift = 0
        for t in tokens:
            text = t.text
            if not _HAS_DELIM(text):
                if t.positions:
                    t.pos += pos_shift
                yield t
                continue
            whole = _split(text)
            parts = self.kept(whole)
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
                    t.text = "".join(whole)
                    if t.chars:
                        t.endchar = start + len(text)
                    yield t
            pos_shift += len(parts) - 1

    def kept(self, parts: list[str]) -> list[str]:
        """`parts` but the stop words between words, when every part is a word."""
        if len(parts) < 3 or not all(p.isalpha() for p in parts):
            return parts
        last = len(parts) - 1
        return [p for i, p in enumerate(parts) if not (0 < i < last and p in self.stops)]


class DeletionFilter(Filter):
    """A deletion mutant as figures write it ("Δfld1", "ΔF508-CFTR") is indexed
    as written (Δ folds as "d") and as its gene, so "fld1" finds "Δfld1 strain";
    a query's as typed.  Only a capital Δ: δ-catenin, δEF1 and δPKC are names."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            if text[:1] != DELETION:
                yield t
                continue
            pos, start = t.pos if t.positions else 0, t.startchar if t.chars else 0
            t.text = "\u03b4" + text[1:]
            yield t
            if t.mode == "index":
                t.text, t.pos, t.startchar = text[1:], pos, start + 1
                yield t
                t.startchar = start  # as the compound filter left it, for the joined word it makes next


DELETION = "\u2206"  # what `LowerFilter` makes a deletion's Δ: the increment sign, which no folding touches


def _split(text: str) -> list[str]:
    return [p for p in _DELIMS.split(text) if p]


class GeneSymbolFilter(Filter):
    """Replace each token by its gene-symbol key (STAT-5a -> STAT5A, GSK3β -> GSK3B)."""

    def __call__(self, tokens):
        for t in tokens:
            key = normalize_symbol(t.text)
            if key:
                t.text = key
                yield t


class WordCachingAnalyzer(CompositeAnalyzer):
    """A tokenizer-and-filters chain that analyses each distinct word once.

    Every filter after the tokenizer is a function of one word, save the
    positions that stop words (renumbered away) and compound parts (each a
    position) shift, which this class keeps itself: so a word's terms are
    looked up, not worked out through six generators again (captions hold
    ~20 million words at 100,000 figures, few of them distinct).  Character
    offsets, kept stop words or untokenized values run the chain as written.
    """

    #: Distinct words remembered per analyzer kind and mode; later new words
    #: (mostly one-off numbers and symbols) are analysed without being kept.
    MAX_WORDS = 200_000

    def __init__(self, *composables) -> None:
        super().__init__(*composables)
        stop = next(i for i, item in enumerate(self.items) if isinstance(item, StopFilter))
        self.stop_prefix = CompositeAnalyzer(*self.items[:stop + 1])
        if self.items[0].expression.groups:  # findall() would give the groups, not the words
            raise ValueError("WordCachingAnalyzer's tokenizer expression may not capture groups")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.items == other.items

    __hash__ = None

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", no_morph=False, boosts=False, **kwargs):
        # (`boosts`: Whoosh's position formats ask for each token's boost,
        # which no filter here changes from the tokenizer's 1.0.)
        if chars or keeporiginal or not removestops or not tokenize or kwargs:
            return super().__call__(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                                    removestops=removestops, start_pos=start_pos, start_char=start_char,
                                    tokenize=tokenize, mode=mode, no_morph=no_morph, boosts=boosts, **kwargs)
        return self.cached_terms(value, positions, start_pos, mode, no_morph)

    def cached_terms(self, value, positions, at, mode, no_morph):
        token = Token(positions, False, removestops=True, mode=mode)
        for text, pos in self.term_list(value, at, mode, no_morph):
            token.text, token.boost, token.stopped = text, 1.0, False
            if positions:
                token.pos = pos
            yield token

    def positions_by_term(self, value: str, mode: str = "") -> dict[str, list[int]]:
        """Each term of `value` with its positions, as the token stream would give
        them: for indexing, which wants exactly this and not one Token at a time.
        (Read only: the last value's is given again to whoever asks next, a
        lead's span column after its postings.)"""
        last = getattr(_LAST, "positions", None)
        if last is not None and last[0] is value and last[1] is self and last[2] == mode:
            return last[3]
        found: dict[str, list[int]] = {}
        for terms, at in self.word_entries(value, mode, False):
            for text, offset in terms:
                try:
                    found[text].append(at + offset)
                except KeyError:
                    found[text] = [at + offset]
        _LAST.positions = (value, self, mode, found)
        return found

    def spelling_words(self, value: str) -> list[str]:
        """`FieldType.spellable_words` of a field with this analyzer: its unstemmed words, sorted."""
        return sorted({text for terms, _ in self.word_entries(set(self.items[0].expression.findall(value)), "", True)
                       for text, _ in terms})

    def term_list(self, value, at, mode, no_morph) -> list[tuple[str, int]]:
        """(term, position) in order, each distinct word analysed once per process."""
        out = []
        for terms, start in self.word_entries(value, mode, no_morph, at):
            out += [(text, start + offset) for text, offset in terms]
        return out

    def word_entries(self, value: str | set[str], mode: str, no_morph: bool,
                     at: int = 0) -> Iterator[tuple[tuple, int]]:
        """Each word's terms, as (term, position offset) pairs, and the position
        the word starts at, in order (of a text) or for each word (of a set).
        Stop words yield nothing; only those before the first word take a position."""
        kind = self.__dict__.get("kind")
        if kind is None:
            kind = self.__dict__["kind"] = repr(self.items)
        known = _WORD_CACHES.setdefault((kind, mode, no_morph), {})
        kept_any = False
        for raw in self.items[0].expression.findall(value) if isinstance(value, str) else value:
            entry = known.get(raw)
            if entry is None:
                entry = self.analyse_word(raw, mode, no_morph)
                if len(known) < self.MAX_WORDS:
                    known[raw] = entry
            terms, width = entry
            if width == 0:
                at += 0 if kept_any else 1
                continue
            kept_any = True
            yield terms, at
            at += width

    def analyse_word(self, raw: str, mode: str, no_morph: bool) -> tuple[tuple[tuple[str, int], ...], int]:
        """A word's (term, position offset) pairs and the positions it takes (0: a stop word)."""
        if not any(True for _ in self.stop_prefix(raw, mode=mode)):
            return (), 0
        terms = tuple((t.text, t.pos) for t in super().__call__(raw, positions=True, mode=mode, no_morph=no_morph))
        return terms, max((offset for _, offset in terms), default=0) + 1


#: The last value `positions_by_term` gave in this thread, and its terms' positions.
_LAST = threading.local()
#: (chain, mode, no_morph) -> {word: its terms}: one per analyzer kind, shared
#: by the fields using it (titles, lead sentences and captions share words).
_WORD_CACHES: dict[tuple[str, str, bool], dict[str, tuple]] = {}


#: Whoosh's stop words, and function words it lacks: "its" stemmed to "it" and scored as a title
#: word ("…blocks its receptor" ranked "…and Its Schematic Signaling Pathway" first), "both" likewise.
STOP_WORDS = frozenset(whoosh_analysis.STOP_WORDS | {
    "its", "both", "which", "their", "these", "those", "how", "via", "into", "than", "there", "what", "who",
    "whose", "while", "also", "but", "has", "had", "been", "was", "were", "such", "each", "our", "they", "them"})


#: The stop words a compound's words are joined by ("gain-of-function"), which take no position.
#: Not every stop word: inside a compound "a" is as often alpha ("TNF-a-induced") and "can"
#: calcineurin ("AKAP-CaN-NFAT"); dropping them had lost the phrases "TNF-a" and "AKAP-CaN".
COMPOUND_STOPS = frozenset({"of", "to", "and", "the", "in", "on", "by", "for", "with", "from", "or"}) & STOP_WORDS


def text_analyzer(stem: bool) -> Analyzer:
    """Words for captions and titles.  Stop words go before folding so a Greek letter alone (TNF α -> 'a')
    is never the article 'a'; single characters are kept (minsize=1): in 'IL 6' or 'p 53' they matter."""
    items = [RegexTokenizer(TEXT_WORD), LowerFilter(), StopFilter(STOP_WORDS, minsize=1), IonFilter(),
             CompoundFilter(COMPOUND_STOPS), DeletionFilter(), FoldFilter(), SpellingFilter()]
    if stem:
        items += stem_filters()
    return WordCachingAnalyzer(*items)


class GeneAnalyzer(CompositeAnalyzer):
    """Gene symbols, one per whitespace-separated token, never stemmed."""

    def __init__(self) -> None:
        super().__init__(RegexTokenizer(r"[^\s,;]+"), GeneSymbolFilter())

    def positions_by_term(self, value: str, mode: str = "") -> dict[str, list[int]]:
        """Each key's positions as the token stream gives them (counting tokens whose key is empty), for indexing."""
        found: dict[str, list[int]] = {}
        for pos, raw in enumerate(self.items[0].expression.findall(value)):
            key = normalize_symbol(raw)
            if key:
                try:
                    found[key].append(pos)
                except KeyError:
                    found[key] = [pos]
        return found


def gene_analyzer() -> Analyzer:
    return GeneAnalyzer()


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
    """Each of the journal's names (one a line: full title, NLM abbreviation) as one term."""
    return RegexTokenizer(r".+") | KeyFilter(journal_key)


def analyzer_for(name: str) -> Analyzer:
    if name == "gene":
        return gene_analyzer()
    return text_analyzer(stem=name == "stemmed")
