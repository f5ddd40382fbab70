"""The gene-list commands: `genes` (one set: terms, a file, standard input),
`enrich` (a GMT batch) and `synonyms`.  Registered on the `pfocr-search`
app by `cli`; like every command, they only translate to and from the library.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from . import options as shared
from .errors import PfocrSearchError
from .options import FacetsOption, IndexOption, Listing, OutputOption, handle_errors, listing


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
    draw = shared.render()
    with listing.out() as out, listing.open() as ix:
        results = ix.search_genes(query, listing.limit, offset=listing.offset, filters=listing.filters,
                                  fuzzy=not no_fuzzy, require=shared.split_terms(require), require_all=require_all,
                                  background=universe)
        draw.gene_hits(out, results)
        if facets:
            draw.facets(out, ix.facets(genes=query, filters=listing.filters))


def _gene_terms(terms: list[str] | None, file: Path | None, column: str | None) -> list[str]:
    """The query's gene terms: arguments, a file, or standard input (``-``)."""
    from .genes.lists import read_gene_list

    terms = list(terms or [])
    sources = ([file] if file else []) + (["-"] if "-" in terms else [])
    if column and not sources:
        raise PfocrSearchError("--column needs --file FILE or - (standard input)")
    found = [t for t in terms if t.strip() and t != "-"]  # "" is no term: it had searched for nothing
    for source in sources:
        found += read_gene_list(source, column)
    if not found:
        raise PfocrSearchError("give gene terms, --file FILE, or - to read them from standard input")
    return found


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
    fuzzy: bool = typer.Option(False, "--fuzzy", help="Typo-tolerant matching of gene terms (off: in a batch "
                                                       "it turned unknown genes into others)."),
    fmt: str = typer.Option("tsv", "--format", "-f", help="tsv (a header, one row per set and figure) or json "
                                                          "(one object per line)."),
    output: Optional[Path] = OutputOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Every gene set of a GMT file against the index, in one run.

    One row per (set, figure) with overlap, sizes, p, FDR and odds ratio.

    Example: pfocr-search enrich signatures.gmt --background measured.txt --max-fdr 0.05 > enriched.tsv
    """
    from .genes.lists import read_gene_list, read_gmt

    if fmt not in ("tsv", "json"):
        raise PfocrSearchError(f"--format must be tsv or json for enrich, not {fmt!r}")
    batch = read_gmt(sets)
    universe = read_gene_list(background) if background else None
    err = shared.err_console()
    for note in batch.notes:
        err.print(f"note: {shared.escape(note)}")
    draw = shared.render()
    with shared.open_output(fmt, output, index_path=index_path) as out, \
            shared.open_index(index_path) as ix, shared.ProgressBar(err, not quiet and err.is_terminal, "sets") as update:
        results = ix.enrich(batch.sets, limit, max_fdr=max_fdr, organism=organism, background=universe,
                            fuzzy=fuzzy, progress=update)
        draw.enrichment(out, results)
    for note in draw.enrichment_notes(results):
        err.print(f"note: {shared.escape(note)}")


@handle_errors
def synonyms(
    term: str = typer.Argument(..., help="An abbreviation (mTOR) or a long form (\"mammalian target of rapamycin\")."),
    index_path: Optional[Path] = IndexOption,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """What a search also seeks a word as: its abbreviations and long forms.

    First the pairs the captions define, with how many figures define each,
    then the names the curated list gives it.

    Example: pfocr-search synonyms mTOR
    """
    if fmt not in ("table", "json"):
        raise PfocrSearchError(f"--format must be table or json for synonyms, not {fmt!r}")
    with shared.open_index(index_path) as ix:
        found = ix.synonyms(term)
    if fmt == "json":
        typer.echo(json.dumps({"term": term, "synonyms": [
            {"text": s.text, "figures": s.figures, "source": "corpus" if s.weight is None else "curated"}
            for s in found]}, ensure_ascii=False))
    elif not found:
        typer.echo(f"{term}: no synonyms defined by this index's figures or the curated list")
    else:
        for s in found:
            why = f"defined by {s.figures} figures" if s.weight is None else "curated list"
            typer.echo(f"{term} = {s.text}  ({why})")
