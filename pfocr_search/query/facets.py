"""Facet counts: how all the figures a query matches spread over organisms,
decades, years and journals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from ..engine.arrays import cached, column_reader
from ..engine.evaluation import matching
from ..engine.schema import FACET_JOURNAL, FACET_ORGANISMS, FACET_YEAR, journal_column_names
from ..textkeys import display_organism, name_key, organism_key
from .journals import Journals

#: The facet values of figures without an organism, a journal or a year.
NO_ORGANISM, NO_JOURNAL, UNDATED = "(none)", "(unknown)", "(undated)"


@dataclass(frozen=True)
class Facets:
    """Counts of all the figures a query matches, by organism, decade, year and journal."""

    total: int
    organisms: list[tuple[str, int]]
    decades: list[tuple[str, int]]
    years: list[tuple[int, int]]
    journals: list[tuple[str, int]]

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, **{name: [list(pair) for pair in getattr(self, name)]
                                        for name in ("organisms", "decades", "years", "journals")}}


def count_facets(searcher: Searcher, q: query.Query, filter: query.Query | None, top: int = 10) -> Facets:
    """Facet counts over every match."""
    mask = matching(searcher, q)
    if filter is not None:
        mask &= matching(searcher, filter)
    table = _table(searcher)
    docs = np.flatnonzero(mask)
    years = table.years[docs]
    year_values, year_counts = np.unique(years[years > 0], return_counts=True)
    by_year = list(zip(year_values.tolist(), year_counts.tolist()))
    decades: Counter[str] = Counter()
    for year, n in by_year:
        decades[f"{year // 10 * 10}s"] += n
    undated = int((years <= 0).sum())
    # Counted, as figures of no organism and no journal are, so the decades add up to the total.
    dated = sorted(decades.items()) + ([(UNDATED, undated)] if undated else [])
    organisms = _most_common(table.organism_names, table.organism_codes[mask[table.organism_docs]], top)
    grouped, (journal_codes, _) = journals(searcher), _journal_column(searcher.reader())
    journal_counts = _most_common([*grouped.shown, NO_JOURNAL], grouped.of_code[journal_codes[docs]], top)
    return Facets(int(docs.size), organisms, dated, by_year, journal_counts)


def organism_counts(searcher: Searcher) -> list[tuple[str, int]]:
    """Each organism of the index's figures, named as records name it (as
    facets list it: "Homo sapiens", not its lower-case term; a strain under
    its species), with its figure count, most first."""
    table, live = _table(searcher), np.zeros(searcher.reader().doc_count_all(), dtype=bool)
    live[_live_docs(searcher.reader())] = True
    return _most_common(table.organism_names, table.organism_codes[live[table.organism_docs]],
                        len(table.organism_names))


def year_range(searcher: Searcher) -> tuple[int | None, int | None]:
    """The first and last year of the index's live figures (the year terms
    outlive a deleted figure until segments merge: an emptied index had kept them)."""
    years = _table(searcher).years[_live_docs(searcher.reader())]
    years = years[years > 0]
    return (int(years.min()), int(years.max())) if years.size else (None, None)


def _most_common(names: list[str], codes: np.ndarray, top: int) -> list[tuple[str, int]]:
    counts = np.bincount(codes, minlength=len(names))
    ranked = sorted((-n, names[i]) for i, n in enumerate(counts.tolist()) if n)
    return [(name, -n) for n, name in ranked[:top]]


def journals(searcher: Searcher) -> Journals:
    """The journals of the searcher's live figures, each under one name (see `journals`)."""
    def group() -> Journals:
        reader = searcher.reader()
        codes, forms = _journal_column(reader)
        return Journals.group(forms, np.bincount(codes[_live_docs(reader)], minlength=len(forms)))

    return cached(searcher.reader(), "journals", group)


def _journal_column(reader) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Each document's journal as a code, and each code's (full title, NLM
    abbreviation); apart from the other facets, which a journal filter needs not."""
    def read() -> tuple[np.ndarray, list[tuple[str, str]]]:
        column, codes = column_reader(reader, FACET_JOURNAL), {}
        docs = [codes.setdefault(column[d], len(codes)) for d in range(reader.doc_count_all())]
        return np.array(docs, dtype=np.int64), [journal_column_names(value) for value in codes]

    return cached(reader, "journal column", read)


def _live_docs(reader) -> np.ndarray | slice:
    """The reader's documents not deleted, to index its per-document arrays by."""
    return np.fromiter(reader.all_doc_ids(), dtype=np.int64) if reader.has_deletions() else slice(None)


def _table(searcher: Searcher) -> "_FacetTable":
    return cached(searcher.reader(), "facets", lambda: _FacetTable.read(searcher.reader()))


@dataclass(frozen=True)
class _FacetTable:
    """What facets count, for every document, as arrays (read once per reader)."""

    years: np.ndarray
    #: One row per (document, organism) pair.
    organism_docs: np.ndarray
    organism_codes: np.ndarray
    organism_names: list[str]

    @classmethod
    def read(cls, reader) -> "_FacetTable":
        count = reader.doc_count_all()
        year_column, organism_column = column_reader(reader, FACET_YEAR), column_reader(reader, FACET_ORGANISMS)
        sets: dict[bytes, list[int]] = {}  # an organism set, as stored -> its organisms' codes
        # One code per organism key, as the organism filter has it: a strain
        # ("Saccharomyces cerevisiae S288C", how genes tables name yeast) counts
        # with its species, else a facet's count is not what its filter finds.
        organism_index: dict[str, int] = {}
        shown: dict[str, str] = {}  # key -> the name listed: as a record names it, if one does
        organism_docs, organism_codes = [], []
        for docnum in range(count):
            value = organism_column[docnum]
            if value not in sets:
                names = value.decode().split("|") if value else [NO_ORGANISM]
                keys = [organism_key(name) if value else name for name in names]
                for name, key in zip(names, keys):
                    if name_key(name) == key or not value:
                        shown[key] = name
                    else:
                        shown.setdefault(key, display_organism(key))
                sets[value] = [organism_index.setdefault(key, len(organism_index)) for key in dict.fromkeys(keys)]
            organism_docs += [docnum] * len(sets[value])
            organism_codes += sets[value]
        return cls(np.array([year_column[d] for d in range(count)], dtype=np.int64),
                   np.array(organism_docs, dtype=np.int64), np.array(organism_codes, dtype=np.int64),
                   [shown[key] for key in organism_index])
