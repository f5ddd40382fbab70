"""Queries and scoring: the terms a multi-term query stands for (and a
symbol's numbered forms), a numeric range as Whoosh compiles it, and BM25F's
per-field B."""

from __future__ import annotations

import itertools
import re
from typing import Any, Iterator

from whoosh.query import MultiTerm, NumericRange, PatternQuery
from whoosh.scoring import BM25F


def expanded_terms(q: MultiTerm, reader) -> Iterator[bytes]:
    """The indexed terms a prefix, wildcard, range or fuzzy term stands for, in index order."""
    return q._btexts(reader)


#: Most numbered forms a word stands for (AKT1-3, ERK1/2/5, WNT1..WNT16).
MAX_NUMBERED_FORMS = 32


class NumberedForms(PatternQuery):
    """The indexed words that are `text` with a number after it, or a
    complex's C and number: a symbol's numbered members as the index holds
    them (mtor: mtorc1, mtorc2; erk: erk1, erk2, erk12 from "ERK1/2"; akt: akt1)."""

    SPECIAL_CHARS = frozenset()

    def __init__(self, fieldname: str, text: str, boost: float = 1.0) -> None:
        super().__init__(fieldname, text, boost, constantscore=False)

    def _get_pattern(self) -> str:
        return re.escape(self.text) + r"c?\d+[a-z]?$"

    def _btexts(self, ixreader) -> Iterator[bytes]:
        # More forms than a family has are a numbered series (miR-1 to miR-2250,
        # ZNF1..): no members of the word typed, and no cost of reading them all.
        forms = list(itertools.islice(super()._btexts(ixreader), MAX_NUMBERED_FORMS + 1))
        return iter(forms if len(forms) <= MAX_NUMBERED_FORMS else [])

    def __str__(self) -> str:  # as the query is shown: caption:mtor<n>^0.3
        boost = f"^{round(self.boost, 3):g}" if self.boost != 1 else ""
        return f"{self.fieldname}:{self.text}<n>{boost}"

    __unicode__ = __str__


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
