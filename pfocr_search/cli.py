"""The `pfocr-search` command: argument parsing and printing only.

Every command is a thin call into the library (`FigureIndex`), so the CLI
and the Python API behave the same.  The library raises; this module alone
decides what the user sees and the exit code: errors the user can cause end
in one line on stderr and exit code 2 (1 for a --strict build failure), Ctrl-C
in one line and 130, anything unexpected in one line pointing at --debug.
The library is imported when a command runs, not when the CLI starts.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, List, Optional, TypeVar

import typer


from .errors import PfocrSearchError, StrictModeError
from .options import (
    FormatOption,
    IndexOption,
    Listing,
    OutputOption,
    listing,
    open_index,
    open_output,
)
from .version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from .build.session import UpdateReport
    from .query.results import SearchResults


app = typer.Typer(
    name="pfocr-search",
    help="Ranked, fuzzy, local search over PFOCR pathway figures.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}
F = TypeVar("F", bound=Callable[..., Any])

def _err() -> "Console":
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
            _err().print(f"error: {escape(str(exc))}")
            raise typer.Exit(exit_code(exc)) from None
        except KeyboardInterrupt:
            note = ": nothing was written, the previous index is unchanged" if func.__name__ == "index" else ""
            _err().print(f"interrupted{note}")
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader went away (| head): stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if _state["debug"]:
                raise
            _err().print(f"internal error: {type(exc).__name__}: {escape(str(exc))} (run with --debug for details)")
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pfocr-search {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks for unexpected errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    _state["debug"] = debug


def _render():
    from . import output

    return output


def _split_terms(text: str | None) -> list[str]:
    from .genes.resolve import split_terms

    return split_terms([text]) if text else []


# -- index -------------------------------------------------------------------


@app.command()
@handle_errors
def index(
    sources: Optional[List[Path]] = typer.Argument(None, help="Record folders (searched recursively) or files."),
    index_path: Optional[Path] = IndexOption,
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Index configuration YAML."),
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1, index untouched) if any record is unreadable."),
    sample: bool = typer.Option(False, "--sample", help="Index the built-in demo corpus (real PFOCR records)."),
    wait: float = typer.Option(0.0, "--wait", help="Wait up to SECONDS for another writer to finish."),
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
    err = _err()
    show_progress = not quiet and err.is_terminal
    with _progress(err, show_progress) as update:
        ix = FigureIndex.sync(paths, index_path, config, rebuild=rebuild, strict=strict, progress=update, wait=wait)
    ix.close()
    _print_build_report(ix.report, err)


class _progress:
    """A rich progress bar on stderr that the library drives through a callback."""

    def __init__(self, console: "Console", enabled: bool, what: str = "indexing") -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.enabled = enabled
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
    typer.echo(report.summary())


# -- search, genes, similar -----------------------------------------------------

FacetsOption = typer.Option(False, "--facets", help="Also count all matches by organism, decade and journal.")


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
    *,
    listing: Listing,
) -> None:
    """Search figures by text and gene symbols, ranked by BM25F.

    Example: pfocr-search search 'JAK STAT signaling' --organism human --year 2015:
    """
    gene_terms = _split_terms(genes) or None
    render = _render()
    with listing.out() as out, listing.open() as ix:
        results = ix.search(query, limit=listing.limit, offset=listing.offset, filters=listing.filters,
                            genes=gene_terms, explain=explain)
        render.hits(out, results)  # while open: a table counts all matches
        if facets:
            render.facets(out, ix.facets(results.query, genes=gene_terms, filters=listing.filters))
    _print_suggestions(results)


def _print_suggestions(results: SearchResults) -> None:
    if results.corrected_from is not None:
        _err().print(f"no figures match {escape(results.corrected_from)}; showing results for: "
                     f"{escape(results.query)}")
    elif results.suggestions:
        _err().print("did you mean: " + ", ".join(escape(s) for s in results.suggestions))


@app.command()
@handle_errors
@listing
def genes(
    terms: Optional[List[str]] = typer.Argument(None, help="Gene symbols, aliases, NCBI Gene ids; loose spellings "
                                                           "are fine; - reads them from standard input."),
    file: Optional[Path] = typer.Option(None, "--file", "-F", help="Read the genes from FILE: one a line, or "
                                                                   "separated by commas, tabs or spaces."),
    column: Optional[str] = typer.Option(None, "--column", help="The genes are this column of a TSV/CSV table "
                                                                "(a DE result)."),
    background: Optional[Path] = typer.Option(None, "--background", help="Only these genes count (the genes "
                                                                         "measured), from FILE as --file reads."),
    require: Optional[str] = typer.Option(None, "--require", help="Keep only figures with these genes (A,B)."),
    require_all: bool = typer.Option(False, "--all", help="Keep only figures with every query gene."),
    no_fuzzy: bool = typer.Option(False, "--no-fuzzy", help="No typo-tolerant matching of gene terms."),
    facets: bool = FacetsOption,
    *,
    listing: Listing,
) -> None:
    """Figures that show a set of genes, ranked by enrichment (hypergeometric p, FDR).

    Example: pfocr-search genes STAT3 JAK1 IL6R --organism human --limit 5;
    pfocr-search genes --file de.tsv --column symbol --background measured.txt
    """
    from .genes.lists import read_gene_list

    query = _gene_terms(terms, file, column)
    universe = read_gene_list(background) if background else None
    render = _render()
    with listing.out() as out, listing.open() as ix:
        results = ix.search_genes(query, listing.limit, offset=listing.offset, filters=listing.filters,
                                  fuzzy=not no_fuzzy, require=_split_terms(require), require_all=require_all,
                                  background=universe)
        render.gene_hits(out, results)
        if facets:
            render.facets(out, ix.facets(genes=query, filters=listing.filters))


def _gene_terms(terms: list[str] | None, file: Path | None, column: str | None) -> list[str]:
    """The query's gene terms: arguments, a file, or standard input (``-``)."""
    from .genes.lists import read_gene_list

    terms = list(terms or [])
    sources = ([file] if file else []) + (["-"] if "-" in terms else [])
    if column and not sources:
        raise PfocrSearchError("--column needs --file FILE or - (standard input)")
    found = [t for t in terms if t != "-"]
    for source in sources:
        found += read_gene_list(source, column)
    if not found:
        raise PfocrSearchError("give gene terms, --file FILE, or - to read them from standard input")
    return found


@app.command()
@handle_errors
def enrich(
    sets: Path = typer.Argument(..., help="A GMT file of gene sets (name, description, genes); - for standard "
                                          "input."),
    index_path: Optional[Path] = IndexOption,
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="Figures per set (default: the index "
                                                                          "config's search.limit, 10)."),
    max_fdr: Optional[float] = typer.Option(None, "--max-fdr", min=0.0, max=1.0, help="Only figures with an FDR "
                                                                                      "this low."),
    organism: Optional[str] = typer.Option(None, "--organism", "-o", help="Only this organism's genes."),
    background: Optional[Path] = typer.Option(None, "--background", help="Only these genes count (the genes "
                                                                         "measured), from FILE."),
    no_fuzzy: bool = typer.Option(False, "--no-fuzzy", help="No typo-tolerant matching of gene terms."),
    fmt: str = typer.Option("tsv", "--format", "-f", help="tsv (a header, one row per set and figure) or json "
                                                          "(one object per line)."),
    output: Optional[Path] = OutputOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Every gene set of a GMT file against the index, in one run: one row per
    (set, figure) with overlap, sizes, p, FDR and odds ratio.

    Example: pfocr-search enrich signatures.gmt --background measured.txt --max-fdr 0.05 > enriched.tsv
    """
    from .genes.lists import read_gene_list, read_gmt

    if fmt not in ("tsv", "json"):
        raise PfocrSearchError(f"--format must be tsv or json for enrich, not {fmt!r}")
    batch = read_gmt(sets)
    universe = read_gene_list(background) if background else None
    err = _err()
    for note in batch.notes:
        err.print(f"note: {escape(note)}")
    render = _render()
    with open_output("json" if fmt == "json" else "tsv", output, index_path=index_path) as out, \
            open_index(index_path) as ix, _progress(err, not quiet and err.is_terminal, "sets") as update:
        results = ix.enrich(batch.sets, limit, max_fdr=max_fdr, organism=organism, background=universe,
                            fuzzy=not no_fuzzy, progress=update)
        render.enrichment(out, results)
    for note in render.enrichment_notes(results):
        err.print(f"note: {escape(note)}")


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
        _render().hits(out, ix.similar(figid, listing.limit, offset=listing.offset, filters=listing.filters))


@app.command()
@handle_errors
def synonyms(
    term: str = typer.Argument(..., help="An abbreviation (mTOR) or a long form (\"mammalian target of rapamycin\")."),
    index_path: Optional[Path] = IndexOption,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """What a word stands for in this corpus: abbreviations and long forms its
    captions define, with how many figures define each pair.

    Example: pfocr-search synonyms mTOR
    """
    with open_index(index_path) as ix:
        found = ix.synonyms(term)
    if fmt == "json":
        typer.echo(json.dumps({"term": term, "synonyms": [{"text": s.text, "figures": s.figures} for s in found]},
                              ensure_ascii=False))
    elif not found:
        typer.echo(f"{term}: no synonyms defined by this index's figures")
    else:
        for s in found:
            typer.echo(f"{term} = {s.text}  (defined by {s.figures} figures)")


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
        _render().record(out, ix.get(figid))


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
        _render().stats(out, ix.stats(top=top))


def main() -> None:
    """Console-script entry point."""
    app(prog_name="pfocr-search")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
