"""Filters: which figures a search may return, whatever it ranks them by."""

from __future__ import annotations

from dataclasses import dataclass, replace

from whoosh import query

from ..errors import PfocrSearchError
from ..textkeys import journal_key, organism_key

YearRange = tuple["int | None", "int | None"]


@dataclass(frozen=True)
class Filters:
    """Organism, year range and journal: one value shared by every API method
    and every command's options.

    `organism` takes a scientific or common name ("Homo sapiens", "mouse");
    `years` is an inclusive (from, to) range, either end None for open;
    `journal` a journal's full name (as `facets` lists it)."""

    organism: str | None = None
    years: YearRange | None = None
    journal: str | None = None

    def __post_init__(self) -> None:
        low, high = self.years or (None, None)
        if low is not None and high is not None and low > high:
            raise PfocrSearchError(f"year range {low}:{high}: FROM is after TO")

    def query(self) -> query.Query | None:
        """The filter as a Whoosh query (None: no filter)."""
        parts: list[query.Query] = []
        if self.organism:
            parts.append(query.Term("organism", organism_key(self.organism)))
        if self.journal:
            parts.append(query.Term("journal_name", journal_key(self.journal)))
        if self.years and (self.years[0] is not None or self.years[1] is not None):
            parts.append(query.NumericRange("year", self.years[0], self.years[1]))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else query.And(parts)

    def without_organism(self) -> "Filters":
        """The same filters minus the organism (gene-set queries keep to an
        organism through its organism-qualified gene terms instead)."""
        return replace(self, organism=None)


def given_filters(filters: Filters | None, organism: str | None, years: YearRange | None,
                  journal: str | None) -> Filters:
    """`filters`, or the keyword filters as one (giving both is an error)."""
    if filters is None:
        return Filters(organism, years, journal)
    if organism or years or journal:
        raise TypeError("give filters= or organism/years/journal, not both")
    return filters
