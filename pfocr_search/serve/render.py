"""Results as HTTP bodies: JSON from the library's own `to_dict()`, TSV and
GMT through `output`'s cell and gene-set helpers, so a download holds what
`pfocr-search ... --format tsv|gmt` prints."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from ..output import GENE_HIT_COLUMNS, HIT_COLUMNS, cell, gmt_line
from ..query.results import GeneSearchResults, SearchResults
from ..sources.model import FigureRecord, pfocr_url

TSV = "text/tab-separated-values; charset=utf-8"
GMT = "text/plain; charset=utf-8"
PMC = "https://www.ncbi.nlm.nih.gov/pmc/articles/"


class JSONBody(Response):
    """Compact UTF-8 JSON.  NaN and infinity are refused (they are not JSON):
    the library's statistics are finite by construction, so one would be a bug."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def results_body(results: SearchResults, limit: int, offset: int) -> dict[str, Any]:
    """A result list as `{"total": …, "hits": [...], …}`: each hit's
    `to_dict()`, the list's query, parse, suggestions, correction and feedback, and for
    gene-set results the resolution of each term and the numbers behind
    every p-value (`statistics()`: population, query size, background)."""
    body: dict[str, Any] = {
        "query": results.query,
        "corrected_from": results.corrected_from,
        "parsed": results.parsed,
        "total": results.total,
        "offset": offset,
        "limit": limit,
        "suggestions": list(results.suggestions),
        "feedback": list(results.feedback),
        "hits": [hit.to_dict() for hit in results],
    }
    if isinstance(results, GeneSearchResults):
        body.update(results.statistics())
        body["resolutions"] = [r.to_dict() for r in results.resolutions]
    return body


def record_body(record: FigureRecord) -> dict[str, Any]:
    """A whole record (`to_dict()`) plus the links the record implies."""
    return {**record.to_dict(), "url": record.url, "pfocr_url": pfocr_url(record.figid),
            "paper_url": paper_url(record), "thumbnail": thumbnail_url(record)}


def tsv_text(results: SearchResults) -> str:
    """A header and one row per hit, with the CLI's default TSV columns."""
    columns = GENE_HIT_COLUMNS if isinstance(results, GeneSearchResults) else HIT_COLUMNS
    rows = ["\t".join(columns), *("\t".join(cell(getattr(hit, c, None)) for c in columns) for hit in results)]
    return "\n".join(rows) + "\n"


def gmt_text(results: SearchResults) -> str:
    """One gene set per figure (`title%PFOCR%figid`, PFOCR page, genes)."""
    return "".join(gmt_line(hit.figid, hit.figtitle, hit.genes) + "\n" for hit in results)


def download(text: str, media_type: str, filename: str) -> Response:
    """`text` as a file the browser saves rather than shows."""
    return Response(text, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def thumbnail_url(record: FigureRecord) -> str | None:
    """The figure's image at PMC, when the record names its article and file."""
    if not (record.pmcid and record.filename):
        return None
    return f"{PMC}{quote(record.pmcid)}/bin/{quote(record.filename)}"


def paper_url(record: FigureRecord) -> str | None:
    """The paper: its PMC article, else its DOI."""
    if record.pmcid:
        return f"{PMC}{quote(record.pmcid)}/"
    return doi_url(record)


def doi_url(record: FigureRecord) -> str | None:
    return f"https://doi.org/{quote(record.doi, safe='/:;()')}" if record.doi else None
