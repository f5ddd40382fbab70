"""The weighting model: Whoosh's BM25F, also over whole posting arrays."""

from __future__ import annotations

import numpy as np
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from ..config import IndexConfig
from .whoosh_internals.queries import field_b


class ArrayBM25F(BM25F):
    """Whoosh's BM25F, also scoring a whole posting list at once."""

    def score_postings(self, searcher: Searcher, fieldname: str, tbytes: bytes,
                       weights: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """`bm25(idf, tf, fl, avgfl, B, K1)` for every posting of a term."""
        if not searcher.schema[fieldname].scorable:
            return weights  # Whoosh's WeightScorer for unscorable fields
        idf = searcher.idf(fieldname, tbytes)
        avgfl = searcher.avg_field_length(fieldname) or 1
        b, k1 = field_b(self, fieldname), self.K1
        return idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))

    @classmethod
    def from_config(cls, config: IndexConfig) -> "ArrayBM25F":
        per_field = {f"{name}_B": b for name, b in config.scoring.field_b.items()}
        return cls(B=config.scoring.b, K1=config.scoring.k1, **per_field)
