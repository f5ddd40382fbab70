"""Queries and scoring: the terms a multi-term query stands for, a numeric
range as Whoosh compiles it, and BM25F's per-field B."""

from __future__ import annotations

from typing import Any, Iterator

from whoosh.query import MultiTerm, NumericRange
from whoosh.scoring import BM25F


def expanded_terms(q: MultiTerm, reader) -> Iterator[bytes]:
    """The indexed terms a prefix, wildcard, range or fuzzy term stands for, in index order."""
    return q._btexts(reader)


def compiled_range(q: NumericRange, reader) -> Any:
    """A numeric range as the constant-score OR of term ranges Whoosh searches."""
    return q._compile_query(reader)


def range_terms(reader, fieldname: str, first: bytes, last: bytes) -> Iterator[bytes]:
    """The indexed terms of a field from `first` to `last`, inclusive, in order."""
    for tbytes, _ in reader.iter_field(fieldname, first):
        if tbytes > last:
            return
        yield tbytes


def field_b(weighting: BM25F, fieldname: str) -> float:
    """BM25F's B for one field (per-field values given as `<field>_B`)."""
    return weighting._field_B.get(fieldname, weighting.B)
