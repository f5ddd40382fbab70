"""Rendering results as text: tables, JSON lines, TSV and GMT.

Tables are drawn with rich (colours, boxes, highlighted snippets) only on a terminal;
piped or written to a file, the same content comes out as plain text.  JSON is one
object per line (for `jq`); TSV has a header; GMT is one gene set per figure."""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import fields as dataclass_fields
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from .destination import Output, cell
from .query.results import GeneHit, GeneSearchResults, Hit, SearchResults, Understood
from .sources.model import FigureRecord, pfocr_url

if TYPE_CHECKING:  # pragma: no cover - annotations only: a text search need not import them
    from .genes.resolve import Resolution
    from .query.facets import Facets
    from .query.genesets import SetEnrichment
    from .stats import IndexStats

HIT_COLUMNS = ("rank", "figid", "score", "year", "figtitle", "pmcid", "organisms", "genes", "figlink", "snippet")
GENE_HIT_COLUMNS = ("rank", "figid", "overlap", "figure_genes", "pvalue", "fdr", "odds_ratio", "overlap_genes",
                    "year", "figtitle", "pmcid", "figlink")


# -- hits --------------------------------------------------------------------------


def hits(out: Output, results: SearchResults) -> None:
    """Text-search or similar-figure hits, in the output's format."""
    if isinstance(results, GeneSearchResults):
        return gene_hits(out, results)
    if out.format == "gmt":
        return gmt(out, results)
    keys = [f.name for f in dataclass_fields(Hit)]
    if out.format == "json":
        cols = out.columns(keys, keys)
        if results.understood is not None:
            out.line(json.dumps({"type": "query", **results.understood.to_dict()}, ensure_ascii=False))
        for hit in results:
            data = hit.to_dict()
            row = {k: data[k] for k in cols}
            if hit.figid in results.explanations:
                row["explanation"] = results.explanations[hit.figid].to_dict()
            out.line(json.dumps(row, ensure_ascii=False))
    elif out.format == "tsv":
        cols = out.columns(HIT_COLUMNS, keys)
        out.line("\t".join(cols))
        for hit in results:
            out.line("\t".join(cell(getattr(hit, c)) for c in cols))
    elif out.rich and not results.explanations:
        _rich_hits(out, results)
    else:
        _plain_hits(out, results)


def _rich_hits(out: Output, results: SearchResults) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    if not results:
        out.console.print(escape(_empty_page(results, _matching(results), f"no figures match {results.query}")))
        return
    table = Table(title=escape(_matching(results)), title_justify="left")
    for name, justify in (("#", "right"), ("score", "right"), ("year", "right"), ("figure", "left")):
        table.add_column(name, justify=justify, **({"ratio": 1, "overflow": "fold"} if name == "figure" else {}))
    for hit in results:
        figure = Text(hit.figtitle or "(untitled)", style="bold")
        figure.append(f"\n{hit.figid}\n", style="cyan")
        snippet = Text(hit.snippet, style="dim")
        for start, end in hit.highlights:
            snippet.stylize("bold yellow", start, end)
        figure.append_text(snippet)
        table.add_row(str(hit.rank), f"{hit.score:.2f}", str(hit.year or ""), figure)
    out.console.print(table)


def _matching(results: SearchResults) -> str:
    return f"{results.total} figure(s) match {results.query}"


def _empty_page(results: SearchResults, heading: str, nothing: str) -> str:
    """`nothing`, or past the last hit (--offset) how many there are, which "no figures match" had denied."""
    return f"{heading}, none from this offset on: the last is rank {results.total}" if results.total else nothing


def _plain_hits(out: Output, results: SearchResults) -> None:
    if not results:
        out.line(_empty_page(results, _matching(results), f"no figures match {results.query}"))
        return
    out.line(_matching(results))
    for line in understood_lines(results.understood):
        out.line(line)
    for hit in results:
        out.line(f"{hit.rank:>3}. {hit.figtitle or '(untitled)'} ({hit.year or 'n.d.'})  score {hit.score:.2f}")
        out.line(f"     {hit.figid}")
        if hit.snippet:
            out.line(f"     {hit.snippet}")
        if hit.figid in results.explanations:
            for line in results.explanations[hit.figid].lines("       "):
                out.line(line)


def understood_lines(understood: Understood | None) -> list[str]:
    """How a query was read (with --explain): expansions and corrections."""
    if understood is None:
        return []
    lines = [f"query as understood: {understood.parsed}"]
    if understood.corrected_from:
        lines.append(f"corrected from: {understood.corrected_from}")
    lines += [f"synonym: {s}" for s in understood.synonyms]
    lines += [f"gene family: {word} -> {', '.join(keys)}" for word, keys in understood.gene_families.items()]
    if understood.feedback:
        lines.append(f"feedback (learnt from the best figures): {', '.join(understood.feedback)}")
    return lines


def gene_hits(out: Output, results: GeneSearchResults) -> None:
    """Gene-set hits: the resolution of the terms first, then the figures."""
    keys = [f.name for f in dataclass_fields(GeneHit)]
    if out.format == "gmt":
        return gmt(out, results)
    if out.format == "json":
        cols = out.columns(keys, keys)  # a bad --fields before any line is written
        out.line(json.dumps({"type": "resolution", **results.statistics(),
                             "terms": [r.to_dict() for r in results.resolutions]}, ensure_ascii=False))
        for hit in results:
            data = hit.to_dict()
            out.line(json.dumps({"type": "hit", **{k: data[k] for k in cols}}, ensure_ascii=False))
    elif out.format == "tsv":
        cols = out.columns(GENE_HIT_COLUMNS, keys)
        notes = resolution_summary(results.resolutions) if len(results.resolutions) > LONG_LIST else \
            [resolution_line(r) for r in results.resolutions]
        _comments([*notes, population_note(results)])
        out.line("\t".join(cols))
        for hit in results:
            out.line("\t".join(cell(getattr(hit, c)) for c in cols))
    else:
        if len(results.resolutions) > LONG_LIST:
            for line in resolution_summary(results.resolutions):
                out.line(line)
        elif out.rich:
            _rich_resolutions(out, results.resolutions)
        elif results.resolutions:
            out.line("gene terms:")
            for r in results.resolutions:
                out.line(f"  {resolution_line(r)}")
        (_rich_gene_hits if out.rich else _plain_gene_hits)(out, results)


def population_note(results: GeneSearchResults) -> str:
    """Where the p-values come from, in words: the query's genes and the population."""
    note = f"{results.query_size} query gene(s) against {results.population} genes"
    if results.background is None:
        return note + " of the index"
    outside = len(results.outside_background)
    return (note + f" of the background given ({results.background_known} of them known to the index"
            + (f"; {outside} query gene(s) outside it, not counted" if outside else "") + ")")


#: Longer than this, a resolution table is summarised (the whole of it: --format json).
LONG_LIST = 25


def resolution_summary(resolutions: Sequence[Resolution]) -> list[str]:
    """Counts per kind of resolution, then the terms that need a look."""
    counts = Counter(r.how for r in resolutions)
    lines = [f"{len(resolutions)} gene terms: " + ", ".join(f"{n} {how}" for how, n in sorted(counts.items()))]
    unknown = [r.term for r in resolutions if not r.matches]
    ambiguous = [f"{r.term} ({', '.join(r.symbols)})" for r in resolutions if r.ambiguous]
    if unknown:
        lines.append(f"not found ({len(unknown)}): {', '.join(unknown)}")
    if ambiguous:
        lines.append(f"ambiguous ({len(ambiguous)}): {'; '.join(ambiguous)}")
    return lines


def resolution_line(r: Resolution) -> str:
    if not r.matches:
        hint = f"; did you mean {', '.join(r.suggestions)}?" if r.suggestions else ""
        return f"{r.term} -> not found{hint}"
    return f"{r.term} -> {', '.join(r.symbols)} [{r.how_each}]{' (ambiguous)' if r.ambiguous else ''}"


def _rich_resolutions(out: Output, resolutions: Sequence[Resolution]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not resolutions:
        return
    table = Table(title="gene terms", title_justify="left")
    for column in ("term", "symbols", "how", "score"):
        table.add_column(column)
    for r in resolutions:
        if r.matches:
            how = r.how_each + (" (ambiguous)" if r.ambiguous else "")
            table.add_row(escape(r.term), escape(", ".join(r.symbols)), how,
                          ", ".join(f"{m.score:.0f}" for m in r.matches))
        else:
            hint = "did you mean " + ", ".join(r.suggestions) if r.suggestions else ""
            table.add_row(escape(r.term), "[red]not found[/red]", "unknown", escape(hint))
    out.console.print(table)


def _rich_gene_hits(out: Output, results: GeneSearchResults) -> None:
    from rich.table import Table
    from rich.text import Text

    if not results:
        out.console.print(_empty_page(results, _sharing(results), results.why_none()))
        return
    table = Table(title=_sharing(results), title_justify="left")
    for column, justify in (("#", "right"), ("shared", "right"), ("p", "right"), ("FDR", "right"),
                            ("year", "right"), ("figure", "left")):
        table.add_column(column, justify=justify, **({"ratio": 1, "overflow": "fold"} if column == "figure" else {}))
    for hit in results:
        figure = Text(hit.figtitle or "(untitled)", style="bold")
        figure.append(f"\n{hit.figid}\n", style="cyan")
        figure.append(", ".join(hit.overlap_genes), style="green")
        stats = (f"{hit.overlap}/{hit.figure_genes}", f"{hit.pvalue:.2g}", f"{hit.fdr:.2g}") if hit.overlap \
            else ("words", f"score {hit.score:.3g}", "")
        table.add_row(str(hit.rank), *stats, str(hit.year or ""), figure)
    out.console.print(table)


def _sharing(results: GeneSearchResults) -> str:
    line = f"{results.total - results.words_only} figure(s) share genes with the query ({population_note(results)})"
    return line + (f"; {results.words_only} more alike in words only" if results.words_only else "")


def _plain_gene_hits(out: Output, results: GeneSearchResults) -> None:
    if not results:
        out.line(_empty_page(results, _sharing(results), results.why_none()))
        return
    out.line(_sharing(results))
    for hit in results:
        # A figure alike in words only has no p-value of its own: "p=1" had said nothing.
        stats = f"shared {hit.overlap}/{hit.figure_genes}  p={hit.pvalue:.2g}  FDR={hit.fdr:.2g}" if hit.overlap \
            else f"alike in words only, score {hit.score:.3g}"
        out.line(f"{hit.rank:>3}. {hit.figtitle or '(untitled)'} ({hit.year or 'n.d.'})  {stats}")
        out.line(f"     {hit.figid}" + (f": {', '.join(hit.overlap_genes)}" if hit.overlap_genes else ""))


def gmt(out: Output, results: Iterable[Hit]) -> None:
    """One gene set per figure: `title%PFOCR%figid`, its PFOCR page, its genes."""
    for hit in results:
        out.line(gmt_line(hit.figid, hit.figtitle, hit.genes))


def gmt_line(figid: str, title: str, genes: Sequence[str]) -> str:
    name = " ".join(f"{title or figid}%PFOCR%{figid}".split()).replace("\t", " ")
    return "\t".join([name, pfocr_url(figid), *dict.fromkeys(genes)])


# -- records, facets, stats ---------------------------------------------------------


def record(out: Output, rec: FigureRecord) -> None:
    if out.format == "gmt":
        out.line(gmt_line(rec.figid, rec.figtitle, rec.gene_symbols))
    elif out.format == "json":
        out.line(json.dumps(rec.to_dict(), ensure_ascii=False))
    elif out.format == "tsv":
        out.line("field\tvalue")
        for key, value in record_rows(rec):
            out.line(f"{key}\t{cell(value)}")
    elif out.rich:
        from rich.markup import escape
        from rich.table import Table

        table = Table(show_header=False, title=rec.figid, title_justify="left")
        table.add_column("field", style="bold")
        table.add_column("value", ratio=1)
        for key, value in record_rows(rec):
            table.add_row(key, escape(value if isinstance(value, str) else cell(value)))
        out.console.print(table)
    else:
        for key, value in record_rows(rec):
            out.line(f"{key}: {value if isinstance(value, str) else cell(value).replace(';', ', ')}")


def record_rows(rec: FigureRecord) -> Iterable[tuple[str, Any]]:
    # Every field JSON has: the page's keywords, the figure's number and the journal's abbreviation had been left out.
    for key in ("figid", "figtitle", "year", "pmcid", "doi", "journal", "journal_abbrev", "papertitle", "reftext",
                "organisms", "keywords", "page_keywords", "figtype", "number", "figlink", "filename", "layout",
                "caption"):
        yield key, getattr(rec, key)
    yield "url", rec.url
    by_organism: dict[str, list[str]] = {}
    for gene in rec.genes:
        by_organism.setdefault(gene.organism or "unknown organism", []).append(gene.symbol)
    for organism, symbols in by_organism.items():
        yield f"genes ({organism})", symbols
    yield "chemicals", [a.name for a in rec.chemicals]
    yield "diseases", [a.name for a in rec.diseases]
    yield "sources", rec.sources


def _comments(lines: Iterable[str]) -> None:
    """Notes beside a TSV table, on stderr as "# " lines (tabs kept): the table stays one table."""
    sys.stderr.write("".join(f"# {line}\n" for line in lines))


def facets(out: Output, found: Facets) -> None:
    """Facet counts: as a JSON object, TSV rows (as "# " notes on stderr, as gene
    notes are: after the hits, they had read as hits), or short lists."""
    names = ("organisms", "decades", "journals")
    if out.format == "json":
        out.line(json.dumps({"type": "facets", **found.to_dict()}, ensure_ascii=False))
    elif out.format == "tsv":
        _comments(["facet\tvalue\tfigures", *(f"{k}\t{cell(v)}\t{n}" for k in names for v, n in getattr(found, k))])
    else:
        out.line(f"facets over {found.total} figure(s):")
        for name in names:
            out.line(f"  {name}: " + (", ".join(f"{value} ({n})" for value, n in getattr(found, name)) or "-"))


def stats(out: Output, info: IndexStats) -> None:
    if out.format == "json":
        out.line(json.dumps(info.to_dict(), ensure_ascii=False))
        return
    rows = list(stats_rows(info))
    if out.format == "tsv":
        out.line("key\tvalue")
        for key, value in rows:
            out.line(f"{key}\t{cell(value)}")
        return
    for key, value in rows:
        out.line(f"{key}: {cell(value).replace(';', ', ')}")
    out.line(f"config: {info.config.source} (the whole of it: --format json)")


#: Organisms a stats table names before counting the rest.
TOP_ORGANISMS = 10


def stats_rows(info: IndexStats) -> Iterable[tuple[str, Any]]:
    low, high = info.years
    shown = [f"{o} ({n})" for o, n in info.organisms[:TOP_ORGANISMS]]
    if len(info.organisms) > TOP_ORGANISMS:
        shown.append(f"and {len(info.organisms) - TOP_ORGANISMS} more")
    yield "index", info.path
    yield "records", info.records
    yield "gene symbols", f"{info.genes} ({info.distinct_genes} distinct genes, IL6 and Il6 as one: " \
                          "gene searches' population)"
    yield "top genes", [f"{g.symbol} ({g.figures})" for g in info.top_genes]
    yield "organisms", shown
    yield "years", f"{low}-{high}" if low is not None else "none"
    yield "size", f"{info.size_bytes / 1e6:.1f} MB"


# -- gene-set batches -------------------------------------------------------------------


def enrichment(out: Output, batch: Sequence[SetEnrichment]) -> None:
    """One row per (set, figure): TSV with a header, or JSON lines after one
    object per set saying what its statistics counted."""
    rows = [_with_background(row, item.results) for item in batch for row in item.rows()]
    if out.format == "json":
        for item in batch:
            out.line(json.dumps({"type": "set", "set": item.name, "terms": item.terms, "figures": item.results.total,
                                 **item.results.statistics()}, ensure_ascii=False))
        for row in rows:
            out.line(json.dumps({"type": "hit", **row}, ensure_ascii=False))
        return
    columns = list(rows[0]) if rows else list(ENRICH_COLUMNS)
    out.line("\t".join(columns))
    for row in rows:
        out.line("\t".join(cell(row[c]) for c in columns))


ENRICH_COLUMNS = ("set", "rank", "figid", "figtitle", "overlap", "set_size", "figure_genes", "population", "pvalue",
                  "log10_pvalue", "fdr", "odds_ratio", "overlap_genes")


def _with_background(row: dict[str, Any], results: GeneSearchResults) -> dict[str, Any]:
    if results.background is None:
        return row
    return {**row, "background_given": len(results.background), "background_known": results.background_known,
            "outside_background": len(results.outside_background)}


def enrichment_notes(batch: Sequence[SetEnrichment]) -> list[str]:
    """What a batch's reader should know: sets that counted nothing, and the background."""
    notes = [f"set {item.name!r}: none of its {item.terms} gene term(s) resolved"
             + (" to a gene of the background" if item.results.background is not None else "")
             for item in batch if item.results.query_size == 0]
    with_background = [item.results for item in batch if item.results.background is not None]
    if with_background:
        first = with_background[0]
        outside = sum(len(r.outside_background) for r in with_background)
        notes.append(f"background: {len(first.background)} genes given, {first.background_known} of them known to "
                     f"the index; {outside} query gene(s) across {len(batch)} set(s) fell outside it and were not "
                     "counted")
    return notes
