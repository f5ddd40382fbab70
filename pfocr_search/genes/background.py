"""The universe a gene-set test counts within: the index's genes, or a background given.

Enrichment tools take a *background*, the genes an experiment could have
found (every gene measured).  Then only background genes count, on both
sides: the query is its genes in the background, a figure is its genes in
the background, and the population is the background's size.  Without one,
the universe is every distinct gene of the index (or of one organism).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..textkeys import normalize_symbol
from .resolve import split_terms


@dataclass(frozen=True)
class Background:
    """Measured genes, as gene-symbol keys (STAT-3 and stat3 are one gene)."""

    keys: frozenset[str]

    @classmethod
    def of(cls, terms: Iterable[str]) -> "Background":
        return cls(frozenset(k for k in map(normalize_symbol, split_terms(terms)) if k))

    def __len__(self) -> int:
        return len(self.keys)


@dataclass(frozen=True)
class Universe:
    """What one gene-set query counts within."""

    #: The hypergeometric population N: the background's size, or the index's distinct genes.
    population: int
    #: The background, if one was given (None: every gene of the index).
    background: Background | None = None
    #: How many background genes the index (or organism) has at all.
    known: int = 0
