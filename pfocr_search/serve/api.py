"""The JSON API under /api/: each endpoint checks its parameters, calls one
`FigureIndex` method in a worker thread and returns that result's `to_dict()`.

`ENDPOINTS` declares every endpoint once (path, parameters, response schema,
handler); the routes and the OpenAPI document are both made from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..index import FigureIndex
from ..query.results import searched_text
from .params import (
    ALL,
    DOWNLOAD_LIMIT,
    FACETS,
    FEEDBACK,
    FILTERS,
    FUZZY,
    GENES,
    LIMIT,
    OFFSET,
    ORGANISM,
    QUERY,
    REQUIRE,
    TERMS,
    Param,
    check_figid,
    filters_from,
    parse_params,
)
from .render import GMT, TSV, JSONBody, download, gmt_text, record_body, results_body, tsv_text

Values = Mapping[str, Any]
Handler = Callable[[FigureIndex, Values], Response]


@dataclass(frozen=True)
class Endpoint:
    """One GET endpoint: what it takes, what it returns, and what answers it."""

    path: str
    operation: str
    summary: str
    params: tuple[Param, ...]
    #: A component schema name for JSON, or None for a text download.
    schema: str | None
    handler: Handler
    media_type: str = "application/json"
    #: Whether a figid in the path can be unknown (404).
    figure: bool = False

    def route(self) -> Route:
        """The Starlette route: checks run here, the index call in a thread."""

        async def endpoint(request: Request) -> Response:
            values = dict(parse_params(request.query_params, self.params))
            if "figid" in request.path_params:
                values["figid"] = check_figid(request.path_params["figid"])
            return await run_in_threadpool(self.handler, request.app.state.index, values)

        return Route(self.path, endpoint, methods=["GET"], name=self.operation)


# -- handlers (run in worker threads) ------------------------------------------------


def _gene_terms(values: Values) -> list[str] | None:
    return values.get("genes") or None


def _text_results(ix: FigureIndex, values: Values) -> Any:
    return ix.search(values["q"], limit=values["limit"], offset=values["offset"], genes=_gene_terms(values),
                     feedback=values.get("feedback"), **filters_from(values))


def _gene_results(ix: FigureIndex, values: Values) -> Any:
    return ix.search_genes(values["terms"], values["limit"], offset=values["offset"], fuzzy=values["fuzzy"],
                           require=values["require"] or (), require_all=values["all"], **filters_from(values))


def search(ix: FigureIndex, values: Values) -> Response:
    """Ranked figures for a text query (and optionally genes)."""
    results = _text_results(ix, values)
    body = results_body(results, values["limit"], values["offset"])
    if values["facets"]:
        found = ix.facets(searched_text(values["q"], results), genes=_gene_terms(values), **filters_from(values))
        body["facets"] = found.to_dict()
    return JSONBody(body)


def genes(ix: FigureIndex, values: Values) -> Response:
    """Figures ranked by enrichment for a gene set."""
    results = _gene_results(ix, values)
    body = results_body(results, values["limit"], values["offset"])
    if values["facets"]:
        body["facets"] = ix.facets(genes=values["terms"], **filters_from(values)).to_dict()
    return JSONBody(body)


def resolve(ix: FigureIndex, values: Values) -> Response:
    """How each gene term is understood."""
    found = ix.resolve(values["terms"], values["organism"], fuzzy=values["fuzzy"])
    return JSONBody({"resolutions": [r.to_dict() for r in found]})


def facets(ix: FigureIndex, values: Values) -> Response:
    """Counts of every match by organism, decade, year and journal."""
    found = ix.facets(values["q"] or None, genes=_gene_terms(values), top=values["top"], **filters_from(values))
    return JSONBody(found.to_dict())


def figure(ix: FigureIndex, values: Values) -> Response:
    """One whole record."""
    return JSONBody(record_body(ix.get(values["figid"])))


def similar(ix: FigureIndex, values: Values) -> Response:
    """Figures like one figure."""
    results = ix.similar(values["figid"], values["limit"], offset=values["offset"], **filters_from(values))
    return JSONBody(results_body(results, values["limit"], values["offset"]))


def stats(ix: FigureIndex, values: Values) -> Response:
    """What the index holds."""
    return JSONBody(ix.stats(top=values["top"]).to_dict())


def search_tsv(ix: FigureIndex, values: Values) -> Response:
    return download(tsv_text(_text_results(ix, values)), TSV, "pfocr-search.tsv")


def search_gmt(ix: FigureIndex, values: Values) -> Response:
    return download(gmt_text(_text_results(ix, values)), GMT, "pfocr-search.gmt")


def genes_tsv(ix: FigureIndex, values: Values) -> Response:
    return download(tsv_text(_gene_results(ix, values)), TSV, "pfocr-genes.tsv")


def genes_gmt(ix: FigureIndex, values: Values) -> Response:
    return download(gmt_text(_gene_results(ix, values)), GMT, "pfocr-genes.gmt")


# -- the endpoints -------------------------------------------------------------------

_Q = replace(QUERY, required=True)
_OPTIONAL_Q = replace(QUERY, description="A text query (give q, genes or both).")
_TOP = Param("top", "integer", "How many values to list per facet, or frequent genes in stats (at most 100).",
             default=10, minimum=1, maximum=100)
_SEARCH = (_Q, GENES, *FILTERS, LIMIT, OFFSET, FACETS, FEEDBACK)
_GENES = (TERMS, REQUIRE, ALL, FUZZY, *FILTERS, LIMIT, OFFSET, FACETS)
_SEARCH_DOWNLOAD = (_Q, GENES, *FILTERS, DOWNLOAD_LIMIT, OFFSET)
_GENES_DOWNLOAD = (TERMS, REQUIRE, ALL, FUZZY, *FILTERS, DOWNLOAD_LIMIT, OFFSET)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/api/search", "search", "Search figures by text (and genes), ranked by BM25F", _SEARCH,
             "SearchResults", search),
    Endpoint("/api/genes", "genes", "Figures sharing a gene set, ranked by enrichment (hypergeometric p, FDR)",
             _GENES, "GeneResults", genes),
    Endpoint("/api/resolve", "resolve", "How gene terms resolve to the index's symbols",
             (TERMS, ORGANISM, FUZZY), "Resolutions", resolve),
    Endpoint("/api/facets", "facets", "Counts of all matches by organism, decade, year and journal",
             (_OPTIONAL_Q, GENES, *FILTERS, _TOP), "Facets", facets),
    Endpoint("/api/figures/{figid}", "figure", "One figure's whole record", (), "Figure", figure, figure=True),
    Endpoint("/api/figures/{figid}/similar", "similar", "Figures like one figure: shared genes, then words",
             (*FILTERS, LIMIT, OFFSET), "SimilarResults", similar, figure=True),
    Endpoint("/api/stats", "stats", "What the index holds", (_TOP,), "Stats", stats),
    Endpoint("/api/search.tsv", "search_tsv", "Download a text search's hits as TSV", _SEARCH_DOWNLOAD, None,
             search_tsv, media_type=TSV.split(";")[0]),
    Endpoint("/api/search.gmt", "search_gmt", "Download a text search's hits as GMT gene sets", _SEARCH_DOWNLOAD,
             None, search_gmt, media_type=GMT.split(";")[0]),
    Endpoint("/api/genes.tsv", "genes_tsv", "Download a gene search's hits as TSV", _GENES_DOWNLOAD, None,
             genes_tsv, media_type=TSV.split(";")[0]),
    Endpoint("/api/genes.gmt", "genes_gmt", "Download a gene search's hits as GMT gene sets", _GENES_DOWNLOAD,
             None, genes_gmt, media_type=GMT.split(";")[0]),
)


def routes() -> list[Route]:
    """Every API route, in `ENDPOINTS` order."""
    return [endpoint.route() for endpoint in ENDPOINTS]
