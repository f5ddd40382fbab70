"""Filters: which figures a search may return, whatever it ranks them by."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from whoosh import query
from whoosh.searching import Searcher

from ..engine.evaluation import term_docs
from ..arguments import optional_string, year_range
from ..errors import PfocrSearchError, UnknownFilterError, did_you_mean
from ..textkeys import ORGANISM_NAMES, display_organism, journal_key, name_key, organism_key, readable

YearRange = tuple["int | None", "int | None"]


@dataclass(frozen=True)
class Filters:
    """Organism, year range and journal: one value shared by every API method
    and every command's options.

    `organism` takes a scientific or common name ("Homo sapiens", "mouse");
    `years` is an inclusive (from, to) range, either end None for open;
    `journal` a journal's full title or NLM abbreviation ("Frontiers in
    Immunology", "Front Immunol": one journal, see `journals`)."""

    organism: str | None = None
    years: YearRange | None = None
    journal: str | None = None

    def __post_init__(self) -> None:
        for name in ("organism", "journal"):  # blank, as an empty form field sends it: no filter
            value = optional_string(getattr(self, name), name)
            if isinstance(value, str):
                object.__setattr__(self, name, readable(value) if value.strip() else None)
        object.__setattr__(self, "years", year_range(self.years))
        low, high = self.years or (None, None)
        if low is not None and high is not None and low > high:
            raise PfocrSearchError(f"year range {low}:{high}: FROM is after TO")

    def query(self, searcher: Searcher | None = None) -> query.Query | None:
        """The filter as a Whoosh query (None: no filter).  With the index's
        `searcher`, a journal matches every name its figures give it; without,
        only the name given."""
        parts: list[query.Query] = []
        if self.organism:
            parts.append(query.Term("organism", organism_key(self.organism)))
        if self.journal:
            keys = _journal_keys(searcher, self.journal) if searcher is not None else [journal_key(self.journal)]
            parts.append(query.Or([query.Term("journal_name", key) for key in keys]))
        if self.years and (self.years[0] is not None or self.years[1] is not None):
            parts.append(query.NumericRange("year", self.years[0], self.years[1]))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else query.And(parts)

    def check(self, searcher: Searcher) -> None:
        """Refuse an organism or journal no figure in the index has (figures an
        update removed do not count), with the closest names it does have."""
        for what, value, known, closest_to in (("organism", self.organism, _organism_held, _closest_organisms),
                                               ("journal", self.journal, _journal_keys, _closest_journals)):
            if value and not known(searcher, value):
                closest = closest_to(searcher, value)
                species = ORGANISM_NAMES.get(name_key(value)) if what == "organism" else None
                named = f" ({display_organism(species)})" if species else ""  # 'sheep' (Ovis aries)
                raise UnknownFilterError(f"no figure in the index has {what} {value!r}{named}{did_you_mean(closest)}",
                                         suggestions=closest, parameter=what)

    def checked(self, searcher: Searcher) -> "Filters":
        """The filters as the index can apply them, else `UnknownFilterError`
        (see `check`): an abbreviated organism ("E. coli", "S. cerevisiae", as
        papers write them) named in full when it names one organism of the index."""
        if self.organism and not _organism_held(searcher, self.organism):
            named = _organisms_named_by_part(searcher, self.organism)
            if len(named) == 1 and _ABBREVIATED.fullmatch(name_key(self.organism)):
                return replace(self, organism=named[0])
        self.check(searcher)
        return self

    def without_organism(self) -> "Filters":
        """The same filters minus the organism (gene-set queries keep to an
        organism through its organism-qualified gene terms instead)."""
        return replace(self, organism=None)


def _held(searcher: Searcher, field: str, key: str) -> bool:
    reader = searcher.reader()
    if not reader.doc_frequency(field, key):
        return False
    # Counts include figures an update removed: only then are the postings read
    # (every filtered search asks, and "human" holds most figures).
    return not reader.has_deletions() or term_docs(searcher, field, key).size > 0


def _organism_held(searcher: Searcher, name: str) -> bool:
    return _held(searcher, "organism", organism_key(name))


def _journal_keys(searcher: Searcher, name: str) -> list[str]:
    """The `journal_name` terms of the journal `name` names, either of its
    forms ([] if no live figure has it)."""
    from .facets import journals  # here: a search with no journal filter loads no facet code

    known = journals(searcher)
    journal = known.find(name)
    return [] if journal is None else known.keys(journal)


def _closest_organisms(searcher: Searcher, value: str) -> list[str]:
    """The index's organisms closest to `value`: first those it names part of
    ('cerevisiae', 'S. aureus'), then by spelling, common names too ('humna' -> 'human')."""
    keys = sorted({term.decode("utf-8") for term in searcher.reader().lexicon("organism")})
    names = [display_organism(k) for k in keys]
    names += [common for common, scientific in ORGANISM_NAMES.items() if scientific in keys]
    # A common name is matched as typed: by its species' spelling, "sheep"
    # (Ovis aries) had been offered Bos taurus, "potato" tomato.
    common = name_key(value)
    typed = common if common in ORGANISM_NAMES else organism_key(value)
    spelled = [name for name in _ranked(typed, names) if _organism_held(searcher, name)]
    return list(dict.fromkeys(_organisms_named_by_part(searcher, value) + spelled))[:3]


#: A genus abbreviated to its initial, as papers write a species the second time: "E. coli".
_ABBREVIATED = re.compile(r"([a-z])\.\s*([a-z][a-z-]+)")


def _organisms_named_by_part(searcher: Searcher, value: str) -> list[str]:
    """The index's organisms `value` names a part of, most figures first: a
    genus or an epithet alone ('cerevisiae' is Saccharomyces cerevisiae, not,
    by spelling, Coronaviridae) or a species with its genus abbreviated ('E. coli')."""
    typed = name_key(value)
    abbreviated = _ABBREVIATED.fullmatch(typed)
    if not abbreviated and (" " in typed or len(typed) < 4):
        return []
    reader = searcher.reader()
    found = []
    for term in reader.lexicon("organism"):
        key = term.decode("utf-8")
        words = key.split()
        if abbreviated:
            hit = len(words) >= 2 and words[0].startswith(abbreviated[1]) and words[1] == abbreviated[2]
        else:
            hit = typed in words
        if hit and _held(searcher, "organism", key):
            found.append((-reader.doc_frequency("organism", key), key))
    return [display_organism(key) for _, key in sorted(found)]


def _closest_journals(searcher: Searcher, value: str) -> list[str]:
    """The journals closest to `value` by any of their names, each as facets list it."""
    from .facets import journals

    known = journals(searcher)
    names = [name for forms in known.names for name in forms]
    return list(dict.fromkeys(known.shown[known.by_key[journal_key(name)]]
                              for name in _ranked(journal_key(value), names)))[:3]


def _ranked(key: str, names: list[str]) -> list[str]:
    """The 12 of `names` closest to `key` (case aside), closest first."""
    from rapidfuzz import fuzz, process

    ranked = process.extract(key, names, scorer=fuzz.ratio, processor=str.casefold, limit=12, score_cutoff=60)
    return [name for name, _, _ in ranked]


def given_filters(filters: Filters | None, organism: str | None, years: YearRange | None,
                  journal: str | None) -> Filters:
    """`filters`, or the keyword filters as one (giving both is an error)."""
    if filters is None:
        return Filters(organism, years, journal)
    if not isinstance(filters, Filters):
        raise PfocrSearchError(f"filters is a Filters: got {filters!r}")
    if organism or years or journal:
        raise PfocrSearchError("give filters= or organism/years/journal, not both")
    return filters
