"""'Did you mean': spelling suggestions from the index's own words and gene symbols."""

from __future__ import annotations

import os
import re
from typing import Protocol, Sequence

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from ..config import IndexConfig
from ..curated import curated_words
from ..engine.evaluation import matching, term_docs
from ..engine.nearwords import suggest
from ..engine.whoosh_internals.queries import NumberedForms
from ..textkeys import G_ALPHA_CLASS, GREEK_NAMES, normalize_symbol
from .apart import LETTER_SUFFIX
from .english import is_english
from .genewords import WRITTEN_AS_SYMBOL
from .parser import OPERATOR_WORDS, has_numbered_forms

#: A query with more unknown words than this gets no suggestion: it is not a
#: typo but a long query (each word sought costs a Levenshtein automaton per
#: field, and "correcting" 1,000 OR'ed words replaced the query wholesale).
MAX_SPELLED_WORDS = 4
#: Longer words are never corrected: the automaton grows with the word, and
#: the longest real words and gene names are well under this.
MAX_SPELLED_LENGTH = 32
#: A word written as a symbol and shorter than this is an abbreviation, and
#: the indexed word one edit from it another one: "base excision repair
#: (BER)" had become "... (bcr)", the B-cell receptor.  Gene symbols still
#: resolve as genes do.  Realworld tuning half: topic nDCG@10 0.841 -> 0.842,
#: no kind lower; with no word written as a symbol corrected to an indexed
#: word at all, the same, and the test half's typed 0.843 -> 0.842 (this
#: length: unchanged).
MIN_RESPELLED_SYMBOL = 4
#: A word is corrected by one typing slip at most (`_slips`), whatever its length.  Two edits had
#: been allowed past four letters, and made another word of a correct one the index lacks:
#: "alphabet" became "alphare", "betaine" "butane", "constriction" "contraction", "minutes" "minus".
#: On both relevance sets every such rewrite of two edits was of a correct word (38 of them, in
#: known-item and topic queries) but one, "double strand brake repair" to "braf" (a figure showing
#: BRAF ranked by luck), now "break": the typed queries' own slips are all one edit.  Realworld
#: nDCG@10 unchanged to three decimals on both halves (that query 0.983 -> 1.0), and on the demo set.
MAX_SLIPS = 1
#: Shorter words are never corrected: any two letters are one edit from some fragment ("Gq" had become "g").
MIN_SPELLED_LENGTH = 3
#: Shorter parts of a hyphenated word are not corrected: "shh-gli" had become "sh2-gl3", "keap-nrf" "keap-nr".
MIN_MENDED_PART = 5

# A word, with a letter or number written apart from it ("PPAR γ", "Galpha q"), as
# the parser reads them: an operator ("NOT alpha") takes none.  A word not written
# as a symbol is known or corrected alone: the letter or number is always held,
# and "intereron gamma", "facotr beta", "comelex 2" had gone uncorrected.  A
# symbol's ("PPAR γ", "NF kappa B") is the symbol's name, as is Gαq's.
_WORD = re.compile(r"(?:" + "|".join(sorted(OPERATOR_WORDS)) + r")(?![\w\-])"
                   r"|(?P<head>[^\W\d_][\w\-]*)(?:\s+(?i:" + LETTER_SUFFIX.pattern + r")(?![\w\-])"
                   r"|(?:(?<=[Gg]alpha)|(?<=[Gg]α))\s+" + G_ALPHA_CLASS + r"(?![\w\-]))?")


class GeneNames(Protocol):
    """What spelling asks of the index's gene vocabulary (`genes.tables.GeneTables`)."""

    def spelled_symbol(self, word: str) -> str | None:
        """The one symbol a word resolves to only loosely (normalised, fuzzy), or None."""

    def known(self, key: str) -> bool:
        """Whether a normalised word is a gene symbol or alias of the index."""


def spelling_suggestions(searcher: Searcher, config: IndexConfig, text: str, genes: GeneNames) -> list[str]:
    """'Did you mean' for a query with words the index has never seen: each is replaced by the closest
    indexed word, or, for a word that looks like a gene symbol, by the symbol it resolves to.  An English
    word, a gene's name or a word of a curated synonym is not one the index lacks by a typo."""
    fields = [n for n, f in config.fields.items() if f.analyzer != "gene" and n in searcher.schema]
    spelled = [n for n in fields if config.fields[n].spelling or config.fields[n].analyzer == "text"]
    unknown = _unknown_words(searcher, fields, text, genes)
    if not unknown or len(unknown) > MAX_SPELLED_WORDS:
        return []
    known = [w for w in dict.fromkeys(_head(m) for m in _typed(text)) if w not in unknown]
    context = _Context(searcher, fields, known)
    named = curated_words() if config.synonyms.curated > 0 else frozenset()

    def mended(w: str) -> str | None:
        return _other_spelling(searcher, spelled, w) or _slip_mended(searcher, fields, spelled, text, w, genes, context)

    better = {word: _word_mended(word, wrong, mended) for word, wrong in unknown.items()
              if not genes.known(normalize_symbol(word)) and word.lower() not in named}
    if not any(b and b.lower() != w.lower() for w, b in better.items()):
        return []

    def replace(match: re.Match) -> str:
        word, head = match.group(0), _head(match)
        return (better.get(head) or head) + word[len(head):] if _spellable(text, match) else word

    return [_WORD.sub(replace, text)]


def _word_mended(word: str, wrong: list[str], mended) -> str | None:
    """`word` mended whole, or where parts of it slipped (`wrong`: "alpha-synuclien"), those parts
    alone (the whole respelled, "stem-cell" had become "staem-cell"); None if it cannot be."""
    if not wrong:
        return mended(word)
    fixed = [mended(p) if p in wrong else None for p in word.split("-")]
    return "-".join(f or p for f, p in zip(fixed, word.split("-"))) if any(fixed) else None


def _unknown_words(searcher: Searcher, fields: Sequence[str], text: str, genes: GeneNames) -> dict[str, list[str]]:
    """The distinct words of `text` worth correcting that the index lacks, each with its slipped parts."""
    words = dict.fromkeys(_head(m) for m in _typed(text)
                          if not (_head(m) != m.group(0) and _known(searcher, fields, re.sub(r"\s", "", m.group(0)))))
    parts = {w: _misspelled_parts(searcher, fields, w, genes) for w in words
             if MIN_SPELLED_LENGTH <= len(w) <= MAX_SPELLED_LENGTH}
    return {w: wrong for w, wrong in parts.items() if wrong or not _known(searcher, fields, w)}


def _misspelled_parts(searcher: Searcher, fields: Sequence[str], word: str, genes: GeneNames) -> list[str]:
    """The parts of a hyphenated word that are plain words the index lacks ("synuclien" of "alpha-synuclien")
    where it lacks them joined ("mechano-transduction"): not symbols ("CoV" of SARS-CoV-2) nor genes'."""
    parts = word.split("-") if "-" in word and not _known(searcher, fields, word.replace("-", "")) else []
    return [p for p in parts if len(p) >= MIN_MENDED_PART and p.isalpha() and not WRITTEN_AS_SYMBOL.search(p)
            and not genes.known(normalize_symbol(p)) and not _known(searcher, fields, p)]


def _typed(text: str) -> list[re.Match]:
    """The words of `text` typed as words, not syntax (`_spellable`)."""
    return [m for m in _WORD.finditer(text) if _spellable(text, m)]


def _head(match: re.Match) -> str:
    """What of a `_WORD` match is known or corrected: a word not written as a symbol without
    the letter or number written after it, else all of it.  (A word the index holds
    written joined to its number, "Smad2/3" for "Smad 2/3", is known as it is.)"""
    head = match.group("head")
    return head if head and not WRITTEN_AS_SYMBOL.search(head) else match.group(0)


def _spellable(text: str, match: re.Match) -> bool:
    # Operators, field names and patterns ("casp*" had become "ca2*") are syntax, not words.
    after, before = text[match.end():match.end() + 1], text[max(match.start() - 1, 0):match.start()]
    return match.group(0) not in OPERATOR_WORDS and after not in (":", "*", "?") and before not in ("*", "?")


def _slip_mended(searcher: Searcher, fields: Sequence[str], spelled: Sequence[str], text: str, word: str,
                 genes: GeneNames, context: "_Context | None" = None) -> str | None:
    """The word `word` was a slip for, or None.  An English word is taken as
    meant unless the words typed beside it say otherwise (`_fits_beside`),
    in capitals too: "WORM" had become "work" where "worm" and "Worm" stayed.
    A word English text hardly uses is a slip of one it uses ("whee": "where",
    "yeats": "yeast", "upsteam": "upstream"), not of a rarer one ("tuberculosis
    bacilli" had been kept from "bacille" by web2 alone)."""
    better = _better(searcher, spelled, word, genes, context)
    if better and is_english(word) and (is_english(word, common=True) or not is_english(better, common=True)) \
            and not _fits_beside(searcher, fields, text, word, better):
        return None
    return better


def _fits_beside(searcher: Searcher, fields: Sequence[str], text: str, word: str, other: str) -> bool:
    """Whether an English word the index lacks is a slip for `other` by the
    words typed beside it: some figure writes `other` next to one of them
    ("double strand brake repair": "strand break").  Else the word is taken
    as meant ("worm" had become "work", "why" "whd", "tell" the gene TEL2)."""
    # A letter or number written apart is a neighbour too: figures write "type
    # 2 diabetes", and "tyre 2 diabetes" had paired "type" with "diabetes".
    words, at = [], []
    for match in _typed(text):
        at += [len(words)] if _head(match) == word else []
        words += match.group(0).split()
    # Stop words between take no place in a phrase ("upsteam of Hog1" is
    # "upstream Hog1" as figures are indexed): the nearest word a field searches,
    # past up to two of them, is the neighbour, one term beside `other`'s.
    pairs = {(*words[max(i - k, 0):i], other) for i in at for k in (1, 2, 3) if i >= k} \
        | {(other, *words[i + 1:i + 1 + k]) for i in at for k in (1, 2, 3) if i + k < len(words)}
    for name in fields:
        field = searcher.schema[name]
        if not field.format.supports("positions"):
            continue
        for pair in pairs:
            terms = list(field.process_text(" ".join(pair), mode="query"))
            if len(terms) == 2 and matching(searcher, query.Phrase(name, terms)).any():
                return True
    return False


def _better(searcher: Searcher, spelled: Sequence[str], word: str, genes: GeneNames,
            context: "_Context | None" = None) -> str | None:
    greek = _greek_letter(word)
    if greek:
        return greek
    if _MUTATION.fullmatch(word):  # "KRAS G12D": "G12D" had become "g12", Gα12's
        return None
    if _MIXED_CASE.fullmatch(word):  # an abbreviation: "mAb" had become "mar"
        return _gene(word, genes.spelled_symbol)
    if WRITTEN_AS_SYMBOL.search(word):  # spelled as a gene first
        return _gene(word, genes.spelled_symbol) or _respelled_symbol(searcher, spelled, word, genes, context)
    return _closest_word(searcher, spelled, word, context) or _gene(word, genes.spelled_symbol)


#: An amino-acid substitution (V600E, G12D, T790M, R175H): a mutation, not a slip.
_MUTATION = re.compile(r"[ACDEFGHIKLMNPQRSTVWY]\d{1,4}[ACDEFGHIKLMNPQRSTVWY*]")
#: Lower case, then one capital: an abbreviation as written (mAb, pH, siRNA's kin), never an English slip.
_MIXED_CASE = re.compile(r"[a-z]{1,3}[A-Z][a-z]{0,3}")


def _respelled_symbol(searcher: Searcher, spelled: Sequence[str], word: str, genes: GeneNames,
                      context: "_Context | None" = None) -> str | None:
    """A word written as a symbol, as the indexed word one slip from it, unless
    that is a gene's name: symbols one letter apart are other genes (TJP1 had
    become Tsp1's), and the resolver has had its say.  Nor, if short or numbered as symbols
    are, one character for another: NCED had become "need", FLD1 "flt1" (not APOPTOZIS)."""
    if len(word) < MIN_RESPELLED_SYMBOL:
        return None
    closest = _closest_word(searcher, spelled, word, context)
    symbol_like = len(word) <= 5 or any(c.isdigit() for c in word)
    ruled_out = closest is None or genes.known(normalize_symbol(closest))
    return None if ruled_out or (symbol_like and _substituted(word.lower(), closest.lower())) else closest


def _gene(word: str, resolve_gene) -> str | None:
    """The gene symbol `word` resolves to, one slip from it at most as symbols
    are compared ("STTA5A": STAT5A, "stat-5a": STAT5A): the resolver's own
    fuzzy step allows two edits, and "alphabet" had become the gene Alpha-re.
    Not one character for another: symbols so apart are other genes (TJP1 and
    TSP1, CDK4 and CDK6), where a slip swaps, drops or doubles one."""
    symbol = resolve_gene(word)
    if not symbol:
        return None
    typed, key = normalize_symbol(word), normalize_symbol(symbol)
    return symbol if _slips(typed, key) <= MAX_SLIPS and not _substituted(typed, key) else None


def _substituted(typed: str, other: str) -> bool:  # one character for another
    return len(typed) == len(other) and sum(a != b for a, b in zip(typed, other)) == 1


def _other_spelling(searcher: Searcher, spelled: Sequence[str], word: str) -> str | None:
    """The word's other English spelling, if the index has it and not the word:
    American for British ("oestrogen": "estrogen", "haemoglobin": "hemoglobin",
    "tumour": "tumor"), British for American ("heme": "haem", "leukemia":
    "leukaemia"). The nearest-word search keeps the first letter and allows
    short words one edit, so it finds neither "oe" -> "e" nor "heme" -> "haem".
    The index must hold the spelling as written, not only its stem: Porter
    stems "inactiaeation" as "inact", and a typo's made-up British form
    ("inactieation") had been taken for a word."""
    american = _OUR.sub(r"\1or", _DIGRAPH.sub(lambda m: m.group(0)[-1], word))
    if american != word:
        return american if _written(searcher, spelled, american) else None
    return next((w for w in _british_forms(word) if _written(searcher, spelled, w)), None)


def _written(searcher: Searcher, spelled: Sequence[str], word: str) -> bool:
    """Whether a spelling field holds `word` as written (unstemmed), and a live figure (`_live`)."""
    schema = searcher.schema
    return any(searcher.doc_frequency(schema[name].spelling_fieldname(name), term) and _live(searcher, name, word)
               for name in spelled for term in schema[name].process_text(word, mode="query", no_morph=True))


def _live(searcher: Searcher, name: str, word: str) -> bool:
    """Whether a live figure holds `word` in field `name` as analysed (a spelling field's postings all name doc 0)."""
    return any(_held(searcher, name, t) for t in searcher.schema[name].process_text(word, mode="query"))


def _british_forms(word: str) -> list[str]:
    """British spellings an American one may have: "ae"/"oe" for an "e" (a final
    "e" dropped too: heme, haem) and "our" for a final "or"."""
    forms = []
    for at in (m.start() for m in re.finditer("e", word, re.I)):
        for digraph in ("a", "o"):  # "haem" before "haeme", which stems alike
            if word.lower().endswith("e") and at < len(word) - 1:
                forms.append(word[:at] + digraph + word[at:-1])
            forms.append(word[:at] + digraph + word[at:])
    return forms + [_OR_END.sub(r"\1our", word)] if _OR_END.search(word) else forms


_OUR = re.compile(r"(\w{2,})our\b", re.I)
_OR_END = re.compile(r"(\w{2,})or$", re.I)
_DIGRAPH = re.compile(r"[aoAO][eE]")


#: Greek letter names long enough that one edit from them is a typo of them
#: (not "meta" for "beta"): the index holds them folded ("λ" as "l"), so they
#: are never its words, and "interferon lamda" had become "interferon LAMP1".
_GREEK_NAMES = tuple(name for name in GREEK_NAMES if len(name) >= 5)


def _greek_letter(word: str) -> str | None:
    from rapidfuzz.distance import OSA  # only for a word the index lacks: a search of known words skips it

    folded = word.lower()
    return next((name for name in _GREEK_NAMES if OSA.distance(folded, name) == 1), None)


def _known(searcher: Searcher, fields: Sequence[str], word: str) -> bool:
    """Whether the index has the word, or no field would search it: a stop
    word ("and", "The") is not a typo ("insulin and glucose" suggested "al",
    "The apoptossis" "tnf apoptosis")."""
    # Every query asks this of each word: the first field holding it answers.
    searched = False
    for name in fields:
        terms = list(searcher.schema[name].process_text(word, mode="query"))
        if any(_held(searcher, name, term) for term in terms):
            return True
        # "mTORC" searches mTORC1 and mTORC2: not a typo of one of them.
        if len(terms) == 1 and has_numbered_forms(word, terms[0]) \
                and NumberedForms(name, terms[0]).existing_terms(searcher.reader(), expand=True):
            return True
        searched = searched or bool(terms)
    if not searched:
        return True
    # A word not written as a symbol is not searched as a gene (genewords).
    if (WRITTEN_AS_SYMBOL.search(word) or word[:1].isupper()) and "genes" in searcher.schema:
        genes = searcher.schema["genes"].process_text(word, mode="query")
        return any(_held(searcher, "genes", t) for t in genes)
    return False


def _held(searcher: Searcher, name: str, term: str) -> bool:
    """Whether a live figure holds the term.  A deleted figure's terms stay
    in its segment's term list, counted, until segments merge: a word only
    deleted figures held had been known, so never corrected.  Only a rare
    term's postings are read to tell."""
    count = searcher.doc_frequency(name, term)
    if count > _FEW_HOLDERS or not count or not searcher.reader().has_deletions():
        return bool(count)
    return term_docs(searcher, name, term).size > 0


#: A term more figures hold than this is taken as held without reading
#: its postings: a figure deleted since the last merge is rarely all of them.
_FEW_HOLDERS = 8


def _frequency(searcher: Searcher, fields: Sequence[str], word: str) -> int:
    """Documents holding `word`, summed over the fields a query searches."""
    return sum(searcher.doc_frequency(name, term) for name in fields
               for term in searcher.schema[name].process_text(word, mode="query"))


class _Context:
    """The figures holding any of a query's known words, read when a
    correction has equally near candidates to choose between."""

    def __init__(self, searcher: Searcher, fields: Sequence[str], words: Sequence[str]) -> None:
        self.searcher, self.fields, self.words = searcher, fields, words
        self._docs: np.ndarray | None = None

    def together(self, word: str) -> int:
        """Figures holding `word` and a known word of the query."""
        if not self.words:
            return 0
        if self._docs is None:
            self._docs = np.unique(np.concatenate([self.docs(w) for w in self.words] or [np.zeros(0, int)]))
        return int(np.intersect1d(self.docs(word), self._docs, assume_unique=True).size)

    def docs(self, word: str) -> np.ndarray:
        found = [term_docs(self.searcher, name, term) for name in self.fields
                 for term in self.searcher.schema[name].process_text(word, mode="query")]
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=int)


def _closest_word(searcher: Searcher, fields: Sequence[str], word: str,
                  context: _Context | None = None) -> str | None:
    # The nearest word first (a swap of two letters counts one edit, so
    # "mitochondrail" is nearest "mitochondrial"), then the one more figures
    # hold with the query's other words ("transferming growth factor": "transforming", not
    # "transferring"), then a letter left out ("regulaton": "regulation", not "regulator"), the
    # longer shared start ("sytem": "system", not "stem"), then the most frequent in the
    # fields as searched (a spelling field's own counts alone made the gene
    # CycE of keyword lists beat "cycle" for "cylce"), then as written
    # ("effects" over "effect").  Twenty candidates a field, Whoosh's own
    # (`suggest`: the most frequent within two edits, so a letter typed out of
    # place, "brake", two edits from "break", is among them).
    folded = word.lower()
    reader = searcher.reader()
    written: dict[str, int] = {}  # each suggestion, by its spelling fields' largest count
    for name in fields:
        spelled = searcher.schema[name].spelling_fieldname(name)
        for suggestion in suggest(reader, name, folded, limit=20, maxdist=2, prefix=1):
            if _live(searcher, name, suggestion):  # not a word only deleted figures held
                count = searcher.doc_frequency(spelled, suggestion)
                written[suggestion] = max(count, written.get(suggestion, 0))
    near = [(d, s, n) for s, n in written.items() if (d := _slips(folded, s)) <= MAX_SLIPS]
    best = min((d for d, _, _ in near), default=None)
    tied = context is not None and sum(d == best for d, _, _ in near) > 1
    ranked = ((d, -context.together(s) if tied and d == best else 0, len(s) != len(folded) + 1,
               -len(os.path.commonprefix((folded, s))), -_frequency(searcher, fields, s), -n, s) for d, s, n in near)
    return min(ranked, default=(None,))[-1]


def _slips(typed: str, word: str) -> int:
    """The typing slips between `typed` and `word`: edits (a swap of two
    neighbours is one), except that the word's own letters typed in another
    order after its first ("brake" for "break") are one slip."""
    from rapidfuzz.distance import OSA

    if typed[:1] == word[:1] and sorted(typed) == sorted(word) and typed != word:
        return 1
    return OSA.distance(typed, word)
