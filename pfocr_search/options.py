"""What the commands share: options, error handling, progress, rendering.

The `listing` decorator gives a command the options of every command that
lists figures (index, paging, filters, output format) and hands them to it as
one `Listing`; `handle_errors` is the one place that turns the library's
exceptions into a line on stderr and an exit code.  The library (and rich)
is imported only when a command runs.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar

import typer

from .errors import PfocrSearchError, StrictModeError

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from .index import FigureIndex
    from .destination import Output
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
        raise PfocrSearchError(f"--year takes four-digit years: FROM:TO, FROM:, :TO or one year (e.g. 2010:2020), "
                               f"not {text!r}")
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(2)) if match.group(2) else (low if ":" not in text else None)
    return low, high  # a reversed range is refused by Filters, for every interface


def filters_of(organism: str | None, year: str | None, journal: str | None) -> "Filters":
    from .query.filters import Filters

    return Filters(organism, parse_years(year), journal)


def open_index(index_path: Path | None) -> "FigureIndex":
    from .index import FigureIndex

    return FigureIndex.open(index_path)


def open_output(fmt: str, path: Path | None, fields: str | None = None, index_path: Path | None = None) -> "Output":
    from .engine.storage import resolve_index_path
    from .destination import Output

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

#: Set by --debug: unexpected errors show their traceback.
DEBUG = {"on": False}

def err_console() -> "Console":
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def escape(text: str) -> str:
    """`text` safe to print through rich (its [markup] taken literally)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def exit_code(exc: PfocrSearchError) -> int:
    """The exit code for an error the user can cause."""
    return 1 if isinstance(exc, StrictModeError) else 2


def handle_errors(func: F) -> F:
    """User errors -> one line and their exit code; Ctrl-C -> one line and 130;
    bugs -> one line unless --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PfocrSearchError as exc:
            err_console().print(f"error: {escape(str(exc))}")
            raise typer.Exit(exit_code(exc)) from None
        except KeyboardInterrupt:
            note = ": nothing was written, the previous index is unchanged" if func.__name__ == "index" else ""
            err_console().print(f"interrupted{note}")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader went away (| head): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if DEBUG["on"]:
                raise
            err_console().print(f"internal error: {type(exc).__name__}: {escape(str(exc))} (run with --debug for details)")
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def render():
    from . import output

    return output


def split_terms(text: str | None) -> list[str]:
    from .genes.resolve import split_terms as split

    return split([text]) if text else []


class ProgressBar:
    """A rich progress bar on stderr that the library drives through a callback."""

    def __init__(self, console: "Console", enabled: bool, what: str = "indexing") -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, transient=True, disable=not enabled)
        self.task = self.bar.add_task("files", total=None)

    def __enter__(self) -> Callable[[int, int], None]:
        self.bar.__enter__()
        return self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]


FacetsOption = typer.Option(False, "--facets", help="Also count all matches by organism, decade and journal.")
