"""Resolving what people type to the gene symbols an index holds.

Each term is tried in order, stopping at the first step that finds
something: exact symbol or NCBI Gene id, normalised form (`textkeys`), alias
(the OCR words the records map to symbols, and an optional HGNC table: see
`GeneFamilies`), and last a fuzzy match with rapidfuzz.  Every answer says
how it was found.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from ..config import FuzzyConfig
from ..textkeys import GREEK_NAMES, normalize_symbol, organism_key
from .vocabulary import GeneVocabulary

if TYPE_CHECKING:  # pragma: no cover
    from .store import GeneStore, VocabularyLookup

    GeneLookup = GeneStore | VocabularyLookup

EXACT, IDENTIFIER, NORMALISED, ALIAS, FUZZY, UNKNOWN = "exact", "id", "normalised", "alias", "fuzzy", "unknown"
#: Lists longer than this get no "did you mean" for terms that resolve to nothing.
SUGGEST_UP_TO = 25
_GENE_ID = re.compile(r"^(?:ncbigene:|entrez:|geneid:)?(\d+)$", re.I)
#: A bacterial gene's name (lexA, recA, araC): its capital tells an operon's
#: genes apart, so one edit from it is another gene, never a typo of a
#: eukaryote's (lexA had become mouse Fut4 through the alias LeX, recA RELA).
_OPERON_GENE = re.compile(r"[a-z]{3}[A-Z]")


@dataclass(frozen=True)
class GeneMatch:
    """One symbol a term resolved to, how, and how well (0-100)."""

    symbol: str
    how: str
    score: float


#: The most symbols `Resolution.how_each` names for one way of finding them.
SHOWN_PER_WAY = 4


@dataclass(frozen=True)
class Resolution:
    """What a typed gene term was understood as."""

    term: str
    matches: tuple[GeneMatch, ...] = ()
    #: Closest symbols, for a term that resolved to nothing.
    suggestions: tuple[str, ...] = ()

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(m.symbol for m in self.matches)

    @property
    def how(self) -> str:
        return self.matches[0].how if self.matches else UNKNOWN

    @property
    def how_each(self) -> str:
        """How the symbols were found: the one way ("alias"), or each way with
        its symbols ("exact: TTG1; alias: LMO1, ODR4"), or their count past
        `SHOWN_PER_WAY` ("exact: rab; alias: 70 symbols"), since `how`, the
        first's, had called an exact match's OCR alias readings exact too."""
        ways: dict[str, list[str]] = {}
        for m in self.matches:
            ways.setdefault(m.how, []).append(m.symbol)
        if len(ways) <= 1:
            return self.how
        return "; ".join(f"{how}: {', '.join(symbols) if len(symbols) <= SHOWN_PER_WAY else f'{len(symbols)} symbols'}"
                         for how, symbols in ways.items())

    @property
    def ambiguous(self) -> bool:
        """A fuzzy match with several equally close, different genes (orthologs
        spelled alike, IL6 and il6, count as one)."""
        return self.how == FUZZY and len({normalize_symbol(m.symbol) for m in self.matches}) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "how": self.how,
            "symbols": list(self.symbols),
            "scores": [round(m.score, 1) for m in self.matches],
            "ambiguous": self.ambiguous,
            "suggestions": list(self.suggestions),
        }


class GeneFamilies:
    """The genes a word names as an alias or family, from the index's own OCR
    mappings and any curated table (JAK -> JAK1, JAK2, JAK3, TYK2)."""

    def __init__(self, aliases: Mapping[str, dict[str, int]], curated: Mapping[str, tuple[str, ...]],
                 min_share: float = 0.1, figures: Callable[[str], int] = lambda key: 0) -> None:
        self.aliases, self.curated, self.min_share, self.figures = aliases, curated, min_share, figures

    def matches(self, key: str, own: int = 0) -> list[GeneMatch]:
        """Symbols mapped from `key`: each OCR mapping seen at least `min_share`
        as often as the most frequent one, or as the `own` figures of the gene
        `key` names itself (scored by its share), then curated ones."""
        counts = self.aliases.get(key, {})
        matches = []
        if counts:
            top = max(max(counts.values()), own)
            total = sum(counts.values())
            matches = [GeneMatch(s, ALIAS, 100.0 * n / total) for s, n in
                       sorted(counts.items(), key=lambda x: (-x[1], x[0])) if n >= self.min_share * top]
        matches += [GeneMatch(s, ALIAS, 90.0) for s in self.curated.get(key, ())]
        return matches

    def family(self, key: str) -> list[str]:
        """Keys of the genes an already-normalised word names; [] for short or unknown words."""
        if len(key) < 3:
            return []
        # A word that is a gene itself names other genes only as often as its own
        # figures bear out: a few records' OCR had mapped "APP" to PARP2 and PPY,
        # "ATM" to TPM1, which a text query's gene field then sought.
        return list(dict.fromkeys(normalize_symbol(m.symbol) for m in self.matches(key, self.figures(key))))


class GeneResolver:
    """Resolves typed gene terms against one index's vocabulary.

    Lookups are dictionary hits except the last, fuzzy, step, which runs
    rapidfuzz's optimal-string-alignment distance (a swap of two letters is
    one edit: STTA5A -> STAT5A) over the normalised keys, in C.
    """

    def __init__(self, lookup: "GeneLookup | GeneVocabulary", fuzzy: FuzzyConfig,
                 alias_min_share: float = 0.1) -> None:
        from .store import VocabularyLookup

        self.lookup = VocabularyLookup(lookup) if isinstance(lookup, GeneVocabulary) else lookup
        self.fuzzy = fuzzy
        self.families = GeneFamilies(self.lookup.aliases, self.lookup.curated, alias_min_share, self.lookup.figures)

    def resolve(self, term: str, organism: str | None = None, *, fuzzy: bool = True,
                suggest: bool = True) -> Resolution:
        """Resolve one term; `organism` keeps only symbols seen in that organism;
        `suggest`: the closest symbols for a term that resolves to nothing."""
        term = term.strip()
        key = normalize_symbol(term)
        if not key:
            return Resolution(term)
        keep = self._organism_filter(organism)
        elsewhere: list[GeneMatch] = []  # what the term names in other organisms
        for step in (self._exact_or_alias, self._normalised_or_alias, self._alias_only):
            found = step(term, key)
            matches = [m for m in found if keep(m.symbol)]
            own = [m for m in matches if m.how != ALIAS]
            if organism and own:
                # The organism's own symbol is the gene: its alias expansions
                # reach the family and orthologs elsewhere, and here only the
                # OCR's other readings of the word (fly p53 had been p53, hth
                # and betaTub60D; hpo hpo and hop, whose NCBI synonyms hold Hpo).
                matches = own
            if matches:
                return Resolution(term, tuple(_dedupe(matches)))
            elsewhere += found
        matches = self._family_member(term, key, keep)  # the organism's members, not the first found
        if matches:
            return Resolution(term, tuple(_dedupe(matches)))
        if elsewhere:  # a name the index knows is no typo: IKKα in mouse is Chuk, not Nfkbia (IκBα) by typo
            matches = self._orthologs(elsewhere, keep)
            if matches or organism:
                return Resolution(term, tuple(_dedupe(matches)), () if matches or not suggest
                                  else self.suggest(key, organism))
        if fuzzy and not _OPERON_GENE.fullmatch(term):
            matches = self._fuzzy(key, organism)  # kept to the organism already
            if matches:
                return Resolution(term, tuple(_dedupe(matches)))
        return Resolution(term, (), self.suggest(key, organism) if suggest else ())

    def resolve_all(self, terms: Iterable[str], organism: str | None = None, *,
                    fuzzy: bool = True) -> list[Resolution]:
        """Each term resolved.  Suggestions (a scan of every key) are made for
        lists of up to `SUGGEST_UP_TO` terms: a differential-expression list
        holds hundreds of genes no figure shows, and is summarised anyway."""
        split = split_terms(terms)
        return [self.resolve(t, organism, fuzzy=fuzzy, suggest=len(split) <= SUGGEST_UP_TO) for t in split]

    # Each dictionary step adds the alias expansions of the same key: "AKT"
    # is a fly symbol (Akt) but people typing it mean the family AKT1-3, and
    # "p53" is a fly symbol too, while its figures say TP53 and Trp53.

    def _exact_or_alias(self, term: str, key: str) -> list[GeneMatch]:
        ident = _GENE_ID.match(term)
        if ident:
            return [GeneMatch(s, IDENTIFIER, 100.0) for s in self.lookup.by_id(ident.group(1))]
        exact = self.lookup.by_upper(term.upper())
        if not exact:
            return []
        return [GeneMatch(s, EXACT, 100.0) for s in exact] + self._aliases(key)

    def _normalised_or_alias(self, term: str, key: str) -> list[GeneMatch]:
        found = self.lookup.by_key(key)
        if not found:
            return []
        return [GeneMatch(s, NORMALISED, 95.0) for s in found] + self._aliases(key)

    def _alias_only(self, term: str, key: str) -> list[GeneMatch]:
        return self._aliases(key)

    def _aliases(self, key: str) -> list[GeneMatch]:
        return self.families.matches(key)

    def _family_member(self, term: str, key: str, keep) -> list[GeneMatch]:
        """A family name with a Greek letter names the member whose symbol ends
        in that letter: PKCα -> PRKCA, IKKβ -> IKBKB, PI3Kγ -> PIK3CG, and,
        the letter written Greek, AMPKα -> PRKAA1, PRKAA2.  Without this step
        typo matching took PKCα one edit to PKA."""
        prefix, letter = key[:-1], key[-1]
        greek = _greek_final(term)
        if len(prefix) < 3 or not letter.isalpha() or (letter == "S" and not greek):  # SNATs: a plural
            return []
        members = [m for m in self.families.matches(prefix) if keep(m.symbol)]
        keys = {normalize_symbol(m.symbol) for m in members}
        for digits in ("", r"\d+")[: 2 if greek else 1]:  # PKCa may be a typo; AMPKα is not
            found = [m for m in members if _paralog(normalize_symbol(m.symbol), prefix, letter, digits, keys)]
            if found:
                return found
        return []

    def _orthologs(self, named: list[GeneMatch], keep) -> list[GeneMatch]:
        """The organism's genes spelled as the symbols a name has in others
        (the alias IKKα is human CHUK: mouse Chuk, fish chuk), found as those were."""
        return [GeneMatch(s, m.how, m.score) for m in named
                for s in self.lookup.by_key(normalize_symbol(m.symbol)) if keep(s)]

    def _fuzzy(self, key: str, organism: str | None) -> list[GeneMatch]:
        edits = self.fuzzy.max_edits(len(key))
        if edits == 0:
            return []
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        found = process.extract(key, self.lookup.fuzzy_keys(), scorer=OSA.distance, score_cutoff=edits,
                                limit=self.fuzzy.max_candidates * 4)
        best: list[GeneMatch] = []
        best_distance = None
        keep = self._organism_filter(organism)
        # Equally few edits apart, the more alike first: IKKα (IKKA) is nearer the
        # family IKK than IκBα (IKBA), which had come first by its spelling alone.
        scored = sorted((distance, -fuzz.ratio(key, candidate), candidate) for candidate, distance, _ in found)
        numbers = _NUMBERS.findall(key)
        for distance, negative, candidate in scored:
            score = -negative
            if score < self.fuzzy.min_score or (numbers and _NUMBERS.findall(candidate) != numbers):
                continue
            symbols = [s for s in self._targets(candidate) if keep(s)]
            if not symbols:
                continue
            if best_distance is None:
                best_distance = distance
            if distance > best_distance:
                break
            best += [GeneMatch(s, FUZZY, score) for s in symbols]
        return best[: self.fuzzy.max_candidates]

    def _targets(self, key: str) -> list[str]:
        """The symbols a fuzzy candidate stands for: its own, else its aliases'."""
        return self.lookup.by_key(key) or [m.symbol for m in self._aliases(key)]

    def suggest(self, key: str, organism: str | None = None, limit: int = 3) -> tuple[str, ...]:
        """The symbols closest to `key`, however far (for 'did you mean')."""
        from rapidfuzz import fuzz, process

        keep = self._organism_filter(organism)
        out: list[str] = []
        for candidate, _, _ in process.extract(key, self.lookup.fuzzy_keys(), scorer=fuzz.ratio, limit=limit * 4):
            out += [s for s in self._targets(candidate) if keep(s) and s not in out]
            if len(out) >= limit:
                break
        return tuple(out[:limit])

    def _organism_filter(self, organism: str | None):
        if not organism:
            return lambda symbol: True
        folded = organism_key(organism)
        return lambda symbol: any(organism_key(o) == folded for o in self.lookup.organisms(symbol))


# A gene's numbers are no typing slip: they tell paralogs apart, so a symbol
# the index lacks is not its neighbour by number (MAPK15 had become MAPK1 and
# MAPK10-12, STAT7 STAT2-5B, IL38 IL18 and CXCL8, Arabidopsis TIR1 TIR),
# while letters slip (STTA3 is STAT3, GSKB3 GSK3B).  A term without a number
# may still be its family's numbered members (CASP: CASP1, CASP3).
_NUMBERS = re.compile(r"\d+")


def _paralog(symbol: str, family: str, letter: str, digits: str, family_keys: set[str]) -> bool:
    """Whether `symbol` (a key) is the `letter` one of a family's paralogs named
    by letter: it ends in the letter (and `digits`), the family has one with
    the same stem and another letter (PRKCA beside PRKCB), and the stem holds
    all but one of the family name's characters (PKC in PRKC, AMPK in PRKA)
    and no number it lacks.
    OCR aliases are noisy: GRB2k had become the fly gene drk, MTORr fly Tor."""
    named = re.fullmatch(f"(.+){re.escape(letter)}({digits})", symbol)
    if not named:
        return False
    stem = named.group(1)
    sibling = re.compile(f"{re.escape(stem)}(?!{re.escape(letter)})[A-Z]{digits}")
    if not any(sibling.fullmatch(k) for k in family_keys):
        return False
    # A number the family name lacks names a subfamily: STATa is not STAT5A, nor BMPa BMP8A.
    numbered = Counter(c for c in stem if c.isdigit()) - Counter(c for c in family if c.isdigit())
    return not numbered and sum((Counter(family) - Counter(stem)).values()) <= 1


def _greek_final(term: str) -> bool:
    """Whether `term` ends in a Greek letter, written or spelled out (AMPKα, AMPK-alpha)."""
    lower = term.lower()
    return not lower[-1:].isascii() or lower.endswith(tuple(GREEK_NAMES))


def _dedupe(matches: Iterable[GeneMatch]) -> list[GeneMatch]:
    seen: dict[str, GeneMatch] = {}
    for m in matches:
        seen.setdefault(m.symbol, m)
    return list(seen.values())


def split_terms(terms: Iterable[str]) -> list[str]:
    """Gene terms as given on a command line or in a list: 'A,B C' -> [A, B, C]."""
    out = []
    for item in terms:
        out.extend(t for t in re.split(r"[,;\s]+", item) if t)
    return out
