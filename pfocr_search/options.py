"""Command-line options that several commands share, and what they become.

The `listing` decorator gives a command the options of every command that
lists figures (index, paging, filters, output format) and hands them to it as
one `Listing`; the library is imported only when a command runs.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import typer

from .errors import PfocrSearchError

if TYPE_CHECKING:  # pragma: no cover
    from .index import FigureIndex
    from .output import Output
    from .query.filters import Filters

ENV_VAR = "PFOCR_SEARCH_INDEX"  # as engine.storage reads it
F = TypeVar("F", bound=Callable[..., Any])

IndexOption = typer.Option(None, "--index", "-i", help=f"Index folder (default: ${ENV_VAR}, else ./pfocr-index).",
                           show_default=False)


def parse_years(text: str | None) -> tuple[int | None, int | None] | None:
    """'2010:2020', '2010:', ':2020' or '2015' -> an inclusive range."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d{4})?\s*(?::\s*(\d{4})?)?\s*", text)
    if not match or not (match.group(1) or match.group(2)):
        raise PfocrSearchError(f"--year must be FROM:TO, FROM:, :TO or a single year (e.g. 2010:2020), not {text!r}")
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(2)) if match.group(2) else (low if ":" not in text else None)
    if low is not None and high is not None and low > high:
        raise PfocrSearchError(f"--year {text}: FROM is after TO")
    return low, high


def filters_of(organism: str | None, year: str | None, journal: str | None) -> "Filters":
    from .query.filters import Filters

    return Filters(organism, parse_years(year), journal)


def open_index(index_path: Path | None) -> "FigureIndex":
    from .index import FigureIndex

    return FigureIndex.open(index_path)


def open_output(fmt: str, path: Path | None, fields: str | None = None, index_path: Path | None = None) -> "Output":
    from .engine.storage import resolve_index_path
    from .output import Output

    return Output(fmt, path, fields, index=resolve_index_path(index_path))


FormatOption = typer.Option("table", "--format", "-f",
                            help="table (plain text when piped), json (one object per line), tsv or gmt.")
OutputOption = typer.Option(None, "--output", help="Write to FILE instead of standard output.")

#: The options every command that lists figures shares, added by `listing`.
_LISTING_OPTIONS = (
    ("index_path", Optional[Path], IndexOption),
    ("limit", Optional[int], typer.Option(None, "--limit", "-n", min=1, show_default=False,
                                          help="Hits to show (default: the index config's search.limit, 10).")),
    ("offset", int, typer.Option(0, "--offset", min=0, help="Skip this many hits first (paging).")),
    ("organism", Optional[str], typer.Option(None, "--organism", "-o",
                                             help="Only this organism (scientific or common name).")),
    ("year", Optional[str], typer.Option(None, "--year", "-y", help="Years FROM:TO (either end may be left open).")),
    ("journal", Optional[str], typer.Option(None, "--journal", help="Only figures from this journal (full name).")),
    ("fmt", str, FormatOption),
    ("fields", Optional[str], typer.Option(None, "--fields", help="Columns for json/tsv, comma-separated "
                                                                  "(e.g. figid,score,genes).")),
    ("output", Optional[Path], OutputOption),
)


@dataclass(frozen=True)
class Listing:
    """What a listing command was asked for besides its own arguments."""

    index_path: Path | None
    limit: int | None
    offset: int
    filters: "Filters"
    fmt: str
    fields: str | None
    output: Path | None

    def open(self) -> "FigureIndex":
        return open_index(self.index_path)

    def out(self) -> "Output":
        return open_output(self.fmt, self.output, self.fields, self.index_path)


def listing(func: F) -> F:
    """Give a command the shared listing options, passed to it as `listing`."""
    names = [name for name, _, _ in _LISTING_OPTIONS]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {name: kwargs.pop(name) for name in names}
        filters = filters_of(given.pop("organism"), given.pop("year"), given.pop("journal"))
        return func(*args, listing=Listing(filters=filters, **given), **kwargs)

    own = [p for p in inspect.signature(func).parameters.values() if p.name != "listing"]
    shared = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
              for name, kind, default in _LISTING_OPTIONS]
    wrapper.__signature__ = inspect.Signature([*own, *shared])  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
