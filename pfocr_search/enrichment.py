"""Over-representation statistics for gene-set search (as Enrichr and PFOCRummage).

For a query of n genes against a figure of K genes, with N distinct genes in
the background and k genes shared, the p-value is the one-sided
hypergeometric (Fisher exact) tail P(X >= k).  Everything is computed in
logs, so p-values far below the smallest double (1e-308) keep their size as
`log10_p` instead of collapsing to 0.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np

_LN10 = math.log(10.0)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


@lru_cache(maxsize=65536)
def hypergeom_log_sf(k: int, N: int, K: int, n: int) -> float:
    """ln P(X >= k) for X ~ Hypergeometric(population N, successes K, draws n)."""
    if not (0 <= K <= N and 0 <= n <= N):
        raise ValueError(f"invalid hypergeometric parameters N={N} K={K} n={n}")
    low, high = max(0, n + K - N), min(n, K)
    if k <= low:
        return 0.0
    if k > high:
        return -math.inf
    log_total = _log_choose(N, n)
    terms = [_log_choose(K, i) + _log_choose(N - K, n - i) - log_total for i in range(k, high + 1)]
    top = max(terms)
    return min(0.0, top + math.log(math.fsum(math.exp(t - top) for t in terms)))


def hypergeom_pvalue(k: int, N: int, K: int, n: int) -> float:
    """P(X >= k): the chance of sharing at least k genes by luck."""
    return math.exp(hypergeom_log_sf(k, N, K, n))


def log10_pvalue(k: int, N: int, K: int, n: int) -> float:
    return hypergeom_log_sf(k, N, K, n) / _LN10


def odds_ratio(k: int, N: int, K: int, n: int) -> float:
    """Sample odds ratio of the 2x2 table, with Haldane's +0.5 when a cell is 0."""
    a, b, c = k, n - k, K - k
    d = N - K - n + k
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    return (a * d) / (b * c)


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
