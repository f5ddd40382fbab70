"""The `pfocr-search` command: argument parsing and printing only.

Every command is a thin call into the library (`FigureIndex`), so the CLI
and the Python API behave the same.  Errors the user can cause end in one
line on stderr and exit code 2 (1 for a --strict build failure); anything
unexpected prints one line and points at --debug for the traceback.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import __version__, sample_corpus
from .errors import PfocrSearchError
from .index import FigureIndex, IndexStats
from .indexer import UpdateReport
from .records import FigureRecord
from .genes import Resolution, split_terms
from .search import GeneHit, GeneSearchResults, Hit, SearchResults
from .storage import ENV_VAR

app = typer.Typer(
    name="pfocr-search",
    help="Ranked, fuzzy, local search over PFOCR pathway figures.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)

FORMATS = ("table", "json", "tsv")
_state = {"debug": False}
F = TypeVar("F", bound=Callable[..., Any])

IndexOption = typer.Option(None, "--index", "-i", help=f"Index folder [default: ${ENV_VAR}, else ./pfocr-index].",
                           show_default=False)
FormatOption = typer.Option("table", "--format", "-f", help="Output format: table, json (one object per line) or tsv.")


def _out() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def handle_errors(func: F) -> F:
    """User errors -> one line and their exit code; bugs -> one line unless --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PfocrSearchError as exc:
            _err().print(f"error: {escape(str(exc))}")
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
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


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise PfocrSearchError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    return fmt


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

    def __init__(self, console: Console, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=console, transient=True, disable=not enabled)
        self.task = self.bar.add_task("files", total=None)

    def __enter__(self) -> Callable[[int, int], None]:
        self.bar.__enter__()
        return self.update

    def update(self, done: int, total: int) -> None:
        self.bar.update(self.task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)  # type: ignore[arg-type]


def _print_build_report(report: UpdateReport | None, err: Console) -> None:
    if report is None:
        return
    if report.recovered_lock_from:
        err.print(f"note: recovered a stale lock left by process {report.recovered_lock_from}")
    for issue in report.skipped:
        err.print(f"skipped {escape(str(issue))}")
    for issue in report.conflicts:
        err.print(f"conflict {escape(str(issue))}")
    typer.echo(report.summary())


# -- search ------------------------------------------------------------------


@app.command()
@handle_errors
def search(
    query: str = typer.Argument(..., help="Words, \"phrases\", AND/OR/NOT, field:value, wildcards."),
    index_path: Optional[Path] = IndexOption,
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Hits to show."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many hits first (paging)."),
    organism: Optional[str] = typer.Option(None, "--organism", "-o", help="Only figures of this organism "
                                                                          "(scientific or common name)."),
    year: Optional[str] = typer.Option(None, "--year", "-y", help="Years FROM:TO (either end may be left open)."),
    genes: Optional[str] = typer.Option(None, "--genes", "-g", help="Also require some of these genes "
                                                                    "(A,B,C) and rank by their enrichment."),
    fmt: str = FormatOption,
) -> None:
    """Search figures by text and gene symbols, ranked by BM25F.

    Example: pfocr-search search 'JAK STAT signaling' --organism human --year 2015:
    """
    _check_format(fmt)
    years = parse_years(year)
    with FigureIndex.open(index_path) as ix:
        results = ix.search(query, limit=limit, offset=offset, organism=organism, years=years,
                            genes=split_terms([genes]) if genes else None)
        if isinstance(results, GeneSearchResults):
            _print_gene_results(results, fmt)
        else:
            _print_hits(results, fmt)  # while open: the table counts all matches
    _print_suggestions(results)


def _print_suggestions(results: SearchResults) -> None:
    if results.corrected_from is not None:
        _err().print(f"no figures match {escape(results.corrected_from)}; showing results for: "
                     f"{escape(results.query)}")
    elif results.suggestions:
        _err().print("did you mean: " + ", ".join(escape(s) for s in results.suggestions))


# -- genes -------------------------------------------------------------------


@app.command()
@handle_errors
def genes(
    terms: List[str] = typer.Argument(..., help="Gene symbols, aliases, NCBI Gene ids; loose spellings are fine."),
    index_path: Optional[Path] = IndexOption,
    limit: int = typer.Option(10, "--limit", "-n", min=1, help="Hits to show."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many hits first (paging)."),
    organism: Optional[str] = typer.Option(None, "--organism", "-o", help="Only genes of this organism."),
    year: Optional[str] = typer.Option(None, "--year", "-y", help="Years FROM:TO (either end may be left open)."),
    require: Optional[str] = typer.Option(None, "--require", help="Keep only figures with these genes (A,B)."),
    require_all: bool = typer.Option(False, "--all", help="Keep only figures with every query gene."),
    no_fuzzy: bool = typer.Option(False, "--no-fuzzy", help="No typo-tolerant matching of gene terms."),
    fmt: str = FormatOption,
) -> None:
    """Figures that show a set of genes, ranked by enrichment (hypergeometric p, FDR).

    Example: pfocr-search genes STAT3 JAK1 IL6R --organism human --limit 5
    """
    _check_format(fmt)
    years = parse_years(year)
    with FigureIndex.open(index_path) as ix:
        results = ix.search_genes(terms, limit, offset=offset, organism=organism, years=years,
                                  fuzzy=not no_fuzzy, require=split_terms([require]) if require else (),
                                  require_all=require_all)
    _print_gene_results(results, fmt)


GENE_HIT_COLUMNS = ("rank", "figid", "overlap", "figure_genes", "pvalue", "fdr", "odds_ratio", "overlap_genes",
                    "year", "figtitle", "pmcid", "figlink")


def _print_gene_results(results: GeneSearchResults, fmt: str) -> None:
    if fmt == "json":
        typer.echo(json.dumps({"type": "resolution", "background": results.background,
                               "terms": [r.to_dict() for r in results.resolutions]}, ensure_ascii=False))
        for hit in results:
            typer.echo(json.dumps({"type": "hit", **hit.to_dict()}, ensure_ascii=False))
    elif fmt == "tsv":
        for r in results.resolutions:
            _err().print(f"# {escape(_resolution_line(r))}")
        typer.echo("\t".join(GENE_HIT_COLUMNS))
        for hit in results:
            typer.echo("\t".join(_tsv_cell(_gene_cell(hit, c)) for c in GENE_HIT_COLUMNS))
    else:
        _print_resolution_table(results)
        _print_gene_hit_table(results)


def _gene_cell(hit: GeneHit, column: str) -> Any:
    value = getattr(hit, column)
    return f"{value:.3g}" if column in ("pvalue", "fdr", "odds_ratio") else value


def _resolution_line(r: Resolution) -> str:
    if not r.matches:
        hint = f"; did you mean {', '.join(r.suggestions)}?" if r.suggestions else ""
        return f"{r.term} -> not found{hint}"
    note = " (ambiguous)" if r.ambiguous else ""
    return f"{r.term} -> {', '.join(r.symbols)} [{r.how}]{note}"


def _print_resolution_table(results: GeneSearchResults) -> None:
    table = Table(title="gene terms", title_justify="left")
    for column in ("term", "symbols", "how", "score"):
        table.add_column(column)
    for r in results.resolutions:
        if r.matches:
            how = r.how + (" (ambiguous)" if r.ambiguous else "")
            table.add_row(escape(r.term), escape(", ".join(r.symbols)), how,
                          ", ".join(f"{m.score:.0f}" for m in r.matches))
        else:
            hint = "did you mean " + ", ".join(r.suggestions) if r.suggestions else ""
            table.add_row(escape(r.term), "[red]not found[/red]", "unknown", escape(hint))
    _out().print(table)


def _print_gene_hit_table(results: GeneSearchResults) -> None:
    out = _out()
    if not results:
        out.print("no figures show these genes")
        return
    table = Table(title=f"{results.total} figure(s) share genes with the query "
                        f"(background {results.background} genes)", title_justify="left")
    for column, justify in (("#", "right"), ("shared", "right"), ("p", "right"), ("FDR", "right"),
                            ("year", "right"), ("figure", "left")):
        table.add_column(column, justify=justify, **({"ratio": 1, "overflow": "fold"} if column == "figure" else {}))
    for hit in results:
        cell = Text(hit.figtitle or "(untitled)", style="bold")
        cell.append(f"\n{hit.figid}\n", style="cyan")
        cell.append(", ".join(hit.overlap_genes), style="green")
        table.add_row(str(hit.rank), f"{hit.overlap}/{hit.figure_genes}", f"{hit.pvalue:.2g}", f"{hit.fdr:.2g}",
                      str(hit.year or ""), cell)
    out.print(table)


HIT_COLUMNS = ("rank", "figid", "score", "year", "figtitle", "pmcid", "organisms", "genes", "figlink", "snippet")


def _print_hits(results: SearchResults, fmt: str) -> None:
    if fmt == "json":
        for hit in results:
            typer.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
    elif fmt == "tsv":
        typer.echo("\t".join(HIT_COLUMNS))
        for hit in results:
            typer.echo("\t".join(_tsv_cell(getattr(hit, c)) for c in HIT_COLUMNS))
    else:
        _print_hit_table(results)


def _tsv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ";".join(map(str, value))
    return " ".join(str(value).split())


def _print_hit_table(results: SearchResults) -> None:
    out = _out()
    if not results:
        out.print(f"no figures match {escape(results.query)}")
        return
    table = Table(title=f"{results.total} figure(s) match {escape(results.query)}", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("year", justify="right")
    table.add_column("figure", ratio=1, overflow="fold")
    for hit in results:
        cell = Text(hit.figtitle or "(untitled)", style="bold")
        cell.append(f"\n{hit.figid}\n", style="cyan")
        cell.append_text(_highlighted(hit))
        table.add_row(str(hit.rank), f"{hit.score:.2f}", str(hit.year or ""), cell)
    out.print(table)


def _highlighted(hit: Hit) -> Text:
    text = Text(hit.snippet, style="dim")
    for start, end in hit.highlights:
        text.stylize("bold yellow", start, end)
    return text


# -- show / stats ------------------------------------------------------------


@app.command()
@handle_errors
def show(
    figid: str = typer.Argument(..., help="Figure id, e.g. PMC7176449__cm9-133-0959-g001"),
    index_path: Optional[Path] = IndexOption,
    fmt: str = FormatOption,
) -> None:
    """Print one whole figure record.

    Example: pfocr-search show PMC7176449__cm9-133-0959-g001 --format json
    """
    _check_format(fmt)
    with FigureIndex.open(index_path) as ix:
        record = ix.get(figid)
    if fmt == "json":
        typer.echo(json.dumps(record.to_dict(), ensure_ascii=False))
    elif fmt == "tsv":
        typer.echo("field\tvalue")
        for key, value in _record_rows(record):
            typer.echo(f"{key}\t{_tsv_cell(value)}")
    else:
        table = Table(show_header=False, title=record.figid, title_justify="left")
        table.add_column("field", style="bold")
        table.add_column("value", ratio=1)
        for key, value in _record_rows(record):
            table.add_row(key, escape(_tsv_cell(value) if not isinstance(value, str) else value))
        _out().print(table)


def _record_rows(record: FigureRecord) -> Iterable[tuple[str, Any]]:
    for key in ("figid", "figtitle", "year", "pmcid", "doi", "journal", "papertitle", "reftext", "organisms",
                "keywords", "figtype", "figlink", "filename", "caption"):
        yield key, getattr(record, key)
    yield "url", record.url
    by_organism: dict[str, list[str]] = {}
    for gene in record.genes:
        by_organism.setdefault(gene.organism or "unknown organism", []).append(gene.symbol)
    for organism, symbols in by_organism.items():
        yield f"genes ({organism})", symbols
    yield "chemicals", [a.name for a in record.chemicals]
    yield "diseases", [a.name for a in record.diseases]
    yield "sources", record.sources


@app.command()
@handle_errors
def stats(
    index_path: Optional[Path] = IndexOption,
    top: int = typer.Option(10, "--top", min=1, help="How many of the most frequent genes to list."),
    fmt: str = FormatOption,
) -> None:
    """Summarise an index: records, genes, organisms, years, size, config.

    Example: pfocr-search stats --top 20 --format json
    """
    _check_format(fmt)
    with FigureIndex.open(index_path) as ix:
        info = ix.stats(top=top)
    if fmt == "json":
        typer.echo(json.dumps(info.to_dict(), ensure_ascii=False))
    elif fmt == "tsv":
        typer.echo("key\tvalue")
        for key, value in _stats_rows(info):
            typer.echo(f"{key}\t{_tsv_cell(value)}")
    else:
        out = _out()
        for key, value in _stats_rows(info):
            out.print(f"[bold]{key}:[/bold] {escape(_tsv_cell(value).replace(';', ', '))}")
        out.print("[bold]config:[/bold]")
        out.print(escape(info.config.to_yaml().rstrip()), highlight=False)


def _stats_rows(info: IndexStats) -> Iterable[tuple[str, Any]]:
    low, high = info.years
    yield "index", info.path
    yield "records", info.records
    yield "gene symbols", info.genes
    yield "top genes", [f"{g.symbol} ({g.figures})" for g in info.top_genes]
    yield "organisms", [f"{o} ({n})" for o, n in info.organisms]
    yield "years", f"{low}-{high}" if low is not None else "none"
    yield "size", f"{info.size_bytes / 1e6:.1f} MB"


def main() -> None:
    """Console-script entry point."""
    app(prog_name="pfocr-search")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
