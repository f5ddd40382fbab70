"""What callers of the Python API pass, checked as the command line and the
server check their own: a page's size and start, and gene terms.

A negative limit had silently dropped the last hit, a negative offset
returned the last hits whatever the limit, and a gene symbol given as a
plain string was searched letter by letter ("TNF" as T, N and F).
"""

from __future__ import annotations

import operator
from typing import Iterable

from .errors import PfocrSearchError


def page_size(limit: int | None, default: int) -> int:
    """`limit`, or `default` for None: a whole number of at least 1."""
    if limit is None:
        return default
    return _whole(limit, "limit", 1)


def page_start(offset: int) -> int:
    """`offset`: a whole number of at least 0."""
    return _whole(offset, "offset", 0)


def gene_terms(terms: str | Iterable[str]) -> list[str]:
    """Gene terms as a list: one string is one term, and a blank one none
    (as on the command line)."""
    out = [terms] if isinstance(terms, str) else list(terms)
    bad = next((t for t in out if not isinstance(t, str)), None)
    if bad is not None:
        raise PfocrSearchError(f"gene terms are strings: got {bad!r}")
    return [t for t in out if t.strip()]


def _whole(value: int, name: str, least: int) -> int:
    try:
        number = operator.index(value)  # numpy's integers too
    except TypeError:
        number = None
    if isinstance(value, bool) or number is None or number < least:
        raise PfocrSearchError(f"{name} must be a whole number of at least {least}, not {value!r}")
    return number
