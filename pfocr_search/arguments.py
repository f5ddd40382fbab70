"""What callers of the Python API pass, checked as the command line and the
server check their own: a page's size and start, gene terms and backgrounds.

A negative limit had silently dropped the last hit, a negative offset
returned the last hits whatever the limit, and a gene symbol given as a
plain string was searched letter by letter ("TNF" as T, N and F).
"""

from __future__ import annotations

import operator
import os
from typing import TYPE_CHECKING, Iterable, Mapping

from .errors import PfocrSearchError, QuerySyntaxError
from .textkeys import readable

if TYPE_CHECKING:  # pragma: no cover
    from .genes.background import Background


def page_size(limit: int | None, default: int) -> int:
    """`limit`, or `default` for None: a whole number of at least 1."""
    if limit is None:
        return default
    return count(limit, "limit", 1)


def page_start(offset: int) -> int:
    """`offset`: a whole number of at least 0."""
    return count(offset, "offset", 0)


def gene_terms(terms: str | Iterable[str]) -> list[str]:
    """Gene terms as a list: one string is one term, and a blank one none
    (as on the command line)."""
    out = [terms] if isinstance(terms, str) else list(_iterable(terms, "gene terms"))
    for term in out:
        string(term, "a gene term")
    return [readable(t) for t in out if t.strip()]


def string(value: object, what: str) -> str:
    """`value`, which must be a string: a figid, a query, an organism given as
    a number or bytes had failed deep inside with Python's own error."""
    if not isinstance(value, str):
        raise PfocrSearchError(f"{what} is a string: got {value!r}")
    return value


def optional_string(value: object, what: str) -> str | None:
    return None if value is None else string(value, what)


def year_range(years: object) -> "tuple[int | None, int | None] | None":
    """An inclusive (from, to) range of four-digit years, either end None (open);
    None: no range.  As the server's year_from/year_to and --year take them."""
    if years is None or (isinstance(years, (tuple, list)) and not years):
        return None
    if not isinstance(years, (tuple, list)) or len(years) != 2:
        raise PfocrSearchError(f"years is a (from, to) pair, either end None: got {years!r}")
    low, high = (_year(y) for y in years)
    return low, high


def _year(value: object) -> int | None:
    """A year as given, read as a dataframe's column gives it: 2010, 2010.0,
    "2010"; NaN (a missing value) or None for an open end."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str) and value.strip().isdecimal() and value.strip().isascii():
        value = int(value)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else count(value, "a year", 1000, 9999)  # type: ignore[arg-type]


def source_paths(sources: object) -> list:
    """Sources to index: one path (a string or a path) or several."""
    if isinstance(sources, bytes):
        return [os.fsdecode(sources)]
    if isinstance(sources, str) or hasattr(sources, "__fspath__"):
        return [sources]
    return list(_iterable(sources, "sources"))


def _iterable(value: object, what: str) -> Iterable:
    try:
        return iter(value)  # type: ignore[call-overload]
    except TypeError:
        raise PfocrSearchError(f"{what} are a list: got {value!r}") from None


def synonym_term(term: str) -> str:
    """A term to look synonyms up for, with its spaces trimmed: a string with a letter or digit in it."""
    term = readable(string(term, "a synonym term"))
    if not any(c.isalnum() for c in term):
        raise QuerySyntaxError(f"empty term: give an abbreviation (mTOR) or a long form, not {term!r}")
    return " ".join(term.split())


def count(value: int, name: str, least: int = 0, most: int | None = None) -> int:
    """`value`: a whole number of at least `least` (and at most `most`)."""
    try:
        number = operator.index(value)  # numpy's integers too
    except TypeError:
        number = None
    if isinstance(value, bool) or number is None or number < least or (most is not None and number > most):
        bound = f"from {least} to {most}" if most is not None else f"of at least {least}"
        raise PfocrSearchError(f"{name} must be a whole number {bound}, not {value!r}")
    return number


def fraction(value: float | None, name: str) -> float | None:
    """A share from 0 to 1 (None: none given), as the command line's range check has it."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise PfocrSearchError(f"{name} must be a number from 0 to 1, not {value!r}")
    return float(value)


def gene_sets(sets) -> list:
    """A batch of gene sets: `GeneSet`s, (name, terms) pairs, or name -> terms."""
    from .genes.lists import GeneSet

    pairs = sets.items() if isinstance(sets, Mapping) else sets
    out = []
    for item in pairs:
        if isinstance(item, GeneSet):
            out.append(item)
        elif isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], str):
            out.append(GeneSet(item[0], gene_terms(item[1])))
        else:
            raise PfocrSearchError(f"a gene set is a GeneSet or a (name, terms) pair: got {item!r}")
    return out


def background_of(genes: "Iterable[str] | Background | None") -> "Background | None":
    """A background as given to the API (terms or a `Background`); an empty one is an error."""
    from .genes.background import Background
    given = genes if genes is None or isinstance(genes, Background) else Background.of(gene_terms(genes))
    if given is not None and not given:  # as the command line refuses an empty --background
        raise PfocrSearchError("the background holds no genes")
    return given
