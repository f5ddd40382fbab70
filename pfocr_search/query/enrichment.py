"""Over-representation statistics for gene-set search (as Enrichr and PFOCRummage).

For a query of n genes against a figure of K genes, with N distinct genes in
the background and k genes shared, the p-value is the one-sided
hypergeometric (Fisher exact) tail P(X >= k).  Everything is computed in
logs, so p-values far below the smallest double (1e-308) keep their size as
`log10_p` instead of collapsing to 0.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..engine.arrays import distinct


def hypergeom_log_sf_array(k, N, K, n) -> np.ndarray:
    """ln P(X >= k) for X ~ Hypergeometric(population N, successes K, draws n),
    over arrays (broadcast), for the many figures of one query."""
    k, N, K, n = (a.ravel() for a in np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in (k, N, K, n))))
    if ((K < 0) | (K > N) | (n < 0) | (n > N)).any():
        bad = int(np.flatnonzero((K < 0) | (K > N) | (n < 0) | (n > N))[0])
        raise ValueError(f"invalid hypergeometric parameters N={N[bad]} K={K[bad]} n={n[bad]}")
    low, high = np.maximum(0, n + K - N), np.minimum(n, K)
    out = np.where(k > high, -np.inf, 0.0)
    rows = np.flatnonzero((k > low) & (k <= high))
    if rows.size:
        # Rows of terms i = k .. high, in chunks that keep the matrix small.
        width = int((high[rows] - k[rows]).max()) + 1
        for chunk in np.array_split(rows, rows.size * width // 1_000_000 + 1):
            out[chunk] = _log_tail(k[chunk], N[chunk], K[chunk], n[chunk], high[chunk])
    return out


def _log_tail(k, N, K, n, high) -> np.ndarray:
    width = int((high - k).max()) + 1
    i = k[:, None] + np.arange(width)
    valid = i <= high[:, None]
    i = np.where(valid, i, high[:, None])
    K, N, n = K[:, None], N[:, None], n[:, None]
    lf = _LogFactorials(K, i, K - i, N - K, n - i, N - K - n + i, N, N - n, n)
    terms = (lf(K) - lf(i) - lf(K - i) + lf(N - K) - lf(n - i) - lf(N - K - n + i)
             - (lf(N) - lf(n) - lf(N - n)))
    terms[~valid] = -np.inf
    top = terms.max(axis=1)
    return np.minimum(0.0, top + np.log(np.exp(terms - top[:, None]).sum(axis=1)))


class _LogFactorials:
    """ln(x!) for the integers a computation needs, by math.lgamma (exact to a
    double, unlike a running sum of logs over large x)."""

    def __init__(self, *arrays: np.ndarray) -> None:
        self.values = distinct(np.concatenate([np.ravel(a) for a in arrays]))
        self.logs = np.array([math.lgamma(v + 1) for v in self.values.tolist()])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.logs[np.searchsorted(self.values, x)]


def odds_ratio_array(k, N, K, n) -> np.ndarray:
    """Sample odds ratio of each 2x2 table, with Haldane's +0.5 when a cell is 0
    (arrays, broadcast)."""
    k, N, K, n = (a.ravel().astype(np.float64) for a in np.broadcast_arrays(*(np.asarray(x) for x in (k, N, K, n))))
    a, b, c, d = k, n - k, K - k, N - K - n + k
    shift = np.where(np.minimum.reduce([a, b, c, d]) == 0, 0.5, 0.0)
    return ((a + shift) * (d + shift)) / ((b + shift) * (c + shift))


def benjamini_hochberg(log_pvalues: Sequence[float] | np.ndarray,
                       counts: Sequence[int] | np.ndarray | None = None) -> np.ndarray:
    """BH false discovery rates (as plain probabilities) for ln p-values, in input order.

    `counts` says how many tests share each p-value (a gene-set query scores
    tens of thousands of figures with a few hundred distinct p-values)."""
    logp = np.asarray(log_pvalues, dtype=np.float64)
    if not logp.size:
        return np.zeros(0)
    repeats = np.ones(logp.size, dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    order = np.argsort(logp, kind="stable")
    # Each value at the highest rank it holds; then the running minimum from
    # the largest p down, in logs.
    ranks = np.cumsum(repeats[order])
    adjusted = np.minimum(0.0, logp[order] + np.log(ranks[-1] / ranks))
    adjusted = np.minimum.accumulate(adjusted[::-1])[::-1]
    fdr = np.empty(logp.size)
    fdr[order] = np.exp(adjusted)
    return fdr
