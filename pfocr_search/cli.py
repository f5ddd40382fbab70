"""The `pfocr-search` command: argument parsing and printing only.

Every command is a thin call into the library (`FigureIndex`), so the CLI
and the Python API behave the same.  The library raises; this module alone
decides what the user sees and the exit code: errors the user can cause end
in one line on stderr and exit code 2 (1 for a --strict build failure), Ctrl-C
in one line and 130, anything unexpected in one line pointing at --debug.
The library is imported when a command runs, not when the CLI starts.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional

import click
import typer
from typer.core import TyperGroup

from .errors import PfocrSearchError
from .options import (
    DEBUG,
    FacetsOption,
    FormatOption,
    IndexOption,
    Listing,
    OutputOption,
    ProgressBar,
    err_console,
    escape,
    handle_errors,
    listing,
    open_index,
    open_output,
    render,
    split_terms,
)
from .runtime import collect_rarely, exit_lightly
from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from .build.session import UpdateReport
    from .query.results import SearchResults


class OneLineUsageErrors(TyperGroup):
    """A bad option value, a missing argument or an unknown command ends in
    one line on stderr, as the library's errors do: typer had drawn a boxed
    panel under two lines of usage."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            returned = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # typer has printed the help asked for by giving nothing
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            command = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else None
            hint = f" (see {command} --help)" if command else ""
            err_console().print(f"error: {escape(_said_once(exc.format_message()))}{escape(hint)}", emoji=False)
            sys.exit(exc.exit_code)
        except click.Abort:
            err_console().print("aborted")
            sys.exit(1)
        sys.exit(returned if isinstance(returned, int) else 0)


def _said_once(message: str) -> str:
    """`message` up to a second "Did you mean": typer and click each add
    theirs to an unknown command ("… Did you mean 'genes'? Did you mean 'genes'?")."""
    first = message.find("Did you mean")
    second = message.find("Did you mean", first + 1) if first >= 0 else -1
    return message[:second].rstrip(" (") if second > 0 else message


app = typer.Typer(
    name="pfocr-search",
    help="Ranked, fuzzy, local search over PFOCR pathway figures.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    cls=OneLineUsageErrors,
)

def _version(value: bool) -> None:
    if value:
        typer.echo(f"pfocr-search {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks for unexpected errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    DEBUG["on"] = debug


# -- index -------------------------------------------------------------------


@app.command()
@handle_errors
def index(
    sources: Optional[List[Path]] = typer.Argument(None, help="Record folders (searched recursively) or files."),
    index_path: Optional[Path] = IndexOption,
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Index configuration YAML."),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1, index untouched) if any record is unreadable."),
    sample: bool = typer.Option(False, "--sample", help="Index the built-in demo corpus (real PFOCR records)."),
    wait: float = typer.Option(0.0, "--wait", min=0.0, help="Wait up to SECONDS for another writer to finish."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Rebuild from scratch instead of updating."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build or update an index from PFOCR records (both layouts; a folder may mix them).

    The first run builds the index; later runs on the same index re-read only
    the files that changed and drop figures whose files are gone, so the index
    mirrors the SOURCEs given.

    Example: pfocr-search index pfocr-database/_figures pfocr-database/_data --index ./pfocr-index
    """
    from . import sample_corpus
    from .index import FigureIndex

    paths: list[Path] = list(sources or [])
    if sample:
        paths.append(sample_corpus())
    if not paths:
        raise PfocrSearchError("give at least one SOURCE folder or file, or --sample for the demo corpus")
    err = err_console()
    show_progress = not quiet and err.is_terminal
    with ProgressBar(err, show_progress) as update:
        ix = FigureIndex.sync(paths, index_path, config, rebuild=rebuild, strict=strict, progress=update, wait=wait)
    ix.close()
    _print_build_report(ix.report, err)


def _print_build_report(report: UpdateReport | None, err: "Console") -> None:
    if report is None:
        return
    if report.recovered_lock_from:
        err.print(f"note: recovered a stale lock left by process {report.recovered_lock_from}")
    for issue in report.skipped:
        err.print(f"skipped {escape(str(issue))}")
    for issue in report.conflicts:
        err.print(f"conflict {escape(str(issue))}")
    for issue in report.warnings:
        err.print(f"warning {escape(str(issue))}")
    if not report.files:  # a mistyped folder, or a `_data` folder given alone
        err.print("warning: no figure record file (<figid>.md) was found under the sources given")
    typer.echo(report.summary())


# -- search, genes, similar -----------------------------------------------------



@app.command()
@handle_errors
@listing
def search(
    query: str = typer.Argument(..., help="Words, \"phrases\", AND/OR/NOT, field:value, wildcards."),
    genes: Optional[str] = typer.Option(None, "--genes", "-g", help="Also require some of these genes "
                                                                    "(A,B,C) and rank by their enrichment."),
    facets: bool = FacetsOption,
    explain: bool = typer.Option(False, "--explain", help="Say why each figure scores what it does: per field "
                                                          "and term, coordination, synonyms, gene families."),
    feedback: Optional[bool] = typer.Option(None, "--feedback/--no-feedback",
                                            help="Also rank by the words and genes of the best figures "
                                                 "(default: the index config's search.feedback)."),
    *,
    listing: Listing,
) -> None:
    """Search figures by text and gene symbols, ranked by BM25F.

    Example: pfocr-search search 'JAK STAT signaling' --organism human --year 2015:
    """
    gene_terms = split_terms(genes) or None
    draw = render()
    with listing.out() as out, listing.open() as ix:
        results = ix.search(query, limit=listing.limit, offset=listing.offset, filters=listing.filters,
                            genes=gene_terms, explain=explain, feedback=feedback)
        draw.hits(out, results)  # while open: a table counts all matches
        if facets:
            from .query.results import searched_text

            draw.facets(out, ix.facets(searched_text(query, results), genes=gene_terms, filters=listing.filters))
    _print_suggestions(results)


def _print_suggestions(results: SearchResults) -> None:
    if results.corrected_from is not None:
        err_console().print(f"showing results for: {escape(results.query)} (corrected from: "
                            f"{escape(results.corrected_from)}, which has words no figure holds)")
    elif results.suggestions:
        err_console().print("did you mean: " + ", ".join(escape(s) for s in results.suggestions))


@app.command()
@handle_errors
@listing
def similar(
    figid: str = typer.Argument(..., help="Figure id, e.g. PMC7176449__cm9-133-0959-g001"),
    *,
    listing: Listing,
) -> None:
    """Figures most like one figure: shared genes first, then title and caption words.

    Example: pfocr-search similar PMC7176449__cm9-133-0959-g001 --limit 5
    """
    with listing.out() as out, listing.open() as ix:
        render().hits(out, ix.similar(figid, listing.limit, offset=listing.offset, filters=listing.filters))


# -- show / stats ------------------------------------------------------------


@app.command()
@handle_errors
def show(
    figid: str = typer.Argument(..., help="Figure id, e.g. PMC7176449__cm9-133-0959-g001"),
    index_path: Optional[Path] = IndexOption,
    fmt: str = FormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Print one whole figure record.

    Example: pfocr-search show PMC7176449__cm9-133-0959-g001 --format json
    """
    with open_output(fmt, output, index_path=index_path) as out, open_index(index_path) as ix:
        render().record(out, ix.get(figid))


@app.command()
@handle_errors
def stats(
    index_path: Optional[Path] = IndexOption,
    top: int = typer.Option(10, "--top", min=1, help="How many of the most frequent genes to list."),
    fmt: str = FormatOption,
    output: Optional[Path] = OutputOption,
) -> None:
    """Summarise an index: records, genes, organisms, years, size, config.

    Example: pfocr-search stats --top 20 --format json
    """
    if fmt == "gmt":
        raise PfocrSearchError("stats has no gmt format (use table, json or tsv)")
    with open_output(fmt, output, index_path=index_path) as out, open_index(index_path) as ix:
        render().stats(out, ix.stats(top=top))


# -- gene lists, synonyms, serve ----------------------------------------------------

from .cli_genes import enrich, genes, synonyms  # noqa: E402
from .serve.command import serve  # noqa: E402 - typer and the shared options only; the web stack loads when it runs

for command in (genes, enrich, synonyms, serve):
    app.command()(command)


def main() -> None:
    """Console-script entry point."""
    collect_rarely()
    try:
        app(prog_name="pfocr-search")
    finally:
        exit_lightly()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
