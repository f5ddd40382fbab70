"""The HTML pages: search (`/`), one figure (`/figures/{figid}`) and the API
docs (`/docs`), rendered on the server from templates, usable without
JavaScript.  Jinja escapes every value, so a caption holding `<script>` shows
as text.  The index is asked in a worker thread, as the API does.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping, Sequence
from urllib.parse import quote, urlencode

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import DID_YOU_MEAN, PfocrSearchError, UnknownFigureError
from ..index import FigureIndex
from ..query.facets import NO_JOURNAL, NO_ORGANISM, UNDATED, Facets
from ..query.results import GeneHit, GeneSearchResults, Hit, searched_text
from ..sources.model import FigureRecord, pfocr_url
from ..textkeys import normalize_symbol
from .params import FILTERS, GENES, MAX_OFFSET, QUERY, BadParameter, Param, check_figid, filters_from, parse_params
from .render import doi_url, paper_url, thumbnail_url

PAGE_SIZE = 10
SIMILAR = 8
PAGE = Param("page", "integer", "Result page.", default=1, minimum=1, maximum=MAX_OFFSET // PAGE_SIZE)
PAGE_PARAMS = (replace(QUERY, description="Words."), GENES, *FILTERS, PAGE)
#: Facet values that stand for "none given": counted, but not a filter.
_NOT_FILTERS = {NO_ORGANISM, NO_JOURNAL, UNDATED, ""}
_GENE_TERM = re.compile(r"\bgenes:([^\s()^]+)")
_FORM_FIELDS = ("q", "genes", "organism", "year_from", "year_to", "journal")
EMPTY_FORM = dict.fromkeys(_FORM_FIELDS, "")

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                                autoescape=True, trim_blocks=True, lstrip_blocks=True,
                                undefined=jinja2.StrictUndefined)


def _html(template: str, status: int = 200, headers: Mapping[str, str] | None = None, **context: Any) -> Response:
    return HTMLResponse(_templates.get_template(template).render(**context), status_code=status,
                        headers=dict(headers or {}))


def link(path: str, params: Mapping[str, Any]) -> str:
    """`path` with the non-empty `params` as its query string."""
    given = {k: v for k, v in params.items() if v not in (None, "", False)}
    return f"{path}?{urlencode(given)}" if given else path


def marked(text: str, spans: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, highlighted) runs at the highlight spans."""
    runs, at = [], 0
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        if start < at or end <= start:
            continue
        runs += [(text[at:start], False), (text[start:end], True)]
        at = end
    runs.append((text[at:], False))
    return [run for run in runs if run[0]]


# -- search ------------------------------------------------------------------------


async def search_page(request: Request) -> Response:
    raw = {name: request.query_params.get(name, "") for name in _FORM_FIELDS}
    values = parse_params(request.query_params, PAGE_PARAMS, blank_is_unset=True)
    view = await run_in_threadpool(_search_view, request.app.state.index, values, raw)
    return _html("search.html", **view)


def _search_view(ix: FigureIndex, values: Mapping[str, Any], raw: Mapping[str, str]) -> dict[str, Any]:
    q, terms = values["q"] or "", values["genes"] or []
    flt = filters_from(values)
    state = {name: raw.get(name, "") for name in _FORM_FIELDS}
    view: dict[str, Any] = {"form": state, "results": None, "records": len(ix)}
    if not q and not terms:
        return view
    offset = (values["page"] - 1) * PAGE_SIZE
    if q:
        results = ix.search(q, limit=PAGE_SIZE, offset=offset, genes=terms or None, **flt)
        found = ix.facets(searched_text(q, results), genes=terms or None, **flt)
    else:
        results = ix.search_genes(terms, PAGE_SIZE, offset=offset, **flt)
        found = ix.facets(genes=terms, **flt)
    wanted = {m.group(1) for m in _GENE_TERM.finditer(results.parsed)}
    pages = min(math.ceil(results.total / PAGE_SIZE), PAGE.maximum or 1)
    base = {k: v for k, v in state.items() if v}
    view.update(
        results=results,
        hits=[_hit_view(ix, hit, wanted) for hit in results],
        resolutions=list(results.resolutions) if isinstance(results, GeneSearchResults) else [],
        suggestions=[(s, link("/", {**base, "q": s})) for s in results.suggestions],
        facets=_facet_view(found, base),
        active=_active_filters(base),
        paging=_paging(values["page"], pages, base),
        downloads=_downloads(base),
    )
    return view


def _hit_view(ix: FigureIndex, hit: Hit, wanted: set[str]) -> dict[str, Any]:
    record = _record_or_none(ix, hit.figid)
    if isinstance(hit, GeneHit) and hit.overlap_genes:
        matched = list(hit.overlap_genes)
    else:
        matched = [g for g in hit.genes if normalize_symbol(g) in wanted]
    stats = f"p = {hit.pvalue:.2g}, FDR = {hit.fdr:.2g}" if isinstance(hit, GeneHit) and hit.overlap else ""
    return {
        "hit": hit, "title": hit.figtitle or hit.figid, "href": f"/figures/{quote(hit.figid, safe='')}",
        "snippet": marked(hit.snippet, hit.highlights), "matched": matched, "stats": stats,
        "thumbnail": thumbnail_url(record) if record else None, "pfocr": pfocr_url(hit.figid),
        "paper": paper_url(record) if record else None,
    }


def _record_or_none(ix: FigureIndex, figid: str) -> FigureRecord | None:
    try:
        return ix.get(figid)
    except UnknownFigureError:  # removed by an update since the search: the hit still shows, without a picture
        return None


def _facet_view(found: Facets, base: Mapping[str, str]) -> list[dict[str, Any]]:
    """Each facet value as a link that adds it to the current search's filters."""
    groups = []
    for name, label, key in (("organisms", "Organism", "organism"), ("decades", "Decade", None),
                             ("journals", "Journal", "journal")):
        items = []
        for value, count in getattr(found, name):
            value = str(value)
            if value in _NOT_FILTERS:
                items.append({"label": value, "count": count, "href": None})
                continue
            if key is None:
                decade = int(value[:4])
                params = {**base, "year_from": decade, "year_to": decade + 9}
            else:
                params = {**base, key: value}
            items.append({"label": value, "count": count, "href": link("/", params)})
        if items:
            groups.append({"name": name, "label": label, "items": items})
    return groups


def _active_filters(base: Mapping[str, str]) -> list[dict[str, str]]:
    active = []
    for key, label in (("organism", "organism"), ("journal", "journal")):
        if base.get(key):
            active.append({"label": f"{label}: {base[key]}",
                           "href": link("/", {k: v for k, v in base.items() if k != key})})
    if base.get("year_from") or base.get("year_to"):
        years = f"{base.get('year_from') or '…'}–{base.get('year_to') or '…'}"
        active.append({"label": f"years: {years}", "href": link("/", {k: v for k, v in base.items()
                                                                       if k not in ("year_from", "year_to")})})
    return active


def _paging(current: int, pages: int, base: Mapping[str, str]) -> dict[str, Any]:
    window = range(max(1, current - 3), min(pages, current + 3) + 1)
    return {
        "current": current, "pages": pages,
        # past the end (an old link, a shrunk index) "previous" is the last page, which the page offers
        "prev": link("/", {**base, "page": min(current - 1, pages)}) if current > 1 and pages else None,
        "last": link("/", {**base, "page": pages}) if pages else None,
        "next": link("/", {**base, "page": current + 1}) if current < pages else None,
        "numbers": [(n, link("/", {**base, "page": n})) for n in window],
    }


def _downloads(base: Mapping[str, str]) -> list[tuple[str, str]]:
    filters = {k: base[k] for k in ("organism", "year_from", "year_to", "journal") if base.get(k)}
    if base.get("q"):
        params = {"q": base["q"], "genes": base.get("genes"), **filters}
        return [(f"{kind}", link(f"/api/search{ext}", params))
                for kind, ext in (("JSON", ""), ("TSV", ".tsv"), ("GMT", ".gmt"))]
    params = {"terms": base.get("genes"), **filters}
    return [(kind, link(f"/api/genes{ext}", params)) for kind, ext in (("JSON", ""), ("TSV", ".tsv"), ("GMT", ".gmt"))]


# -- one figure -----------------------------------------------------------------------


async def figure_page(request: Request) -> Response:
    parse_params(request.query_params, ())
    figid = check_figid(request.path_params["figid"])
    view = await run_in_threadpool(_figure_view, request.app.state.index, figid)
    return _html("figure.html", **view)


def _figure_view(ix: FigureIndex, figid: str) -> dict[str, Any]:
    record = ix.get(figid)
    similar = ix.similar(figid, SIMILAR)
    by_organism: dict[str, list[Any]] = {}
    for gene in record.genes:
        by_organism.setdefault(gene.organism or "unknown organism", []).append(gene)
    return {
        "record": record, "title": record.figtitle or record.figid, "thumbnail": thumbnail_url(record),
        "pfocr": pfocr_url(record.figid), "paper": paper_url(record),
        "doi": doi_url(record),
        "genes": by_organism, "similar": [_hit_view(ix, hit, set()) for hit in similar],
        "gene_search": link("/", {"genes": ",".join(record.gene_symbols[:50])}) if record.genes else None,
        "form": EMPTY_FORM,
    }


# -- API docs ---------------------------------------------------------------------------


async def docs_page(request: Request) -> Response:
    document = request.app.state.openapi
    operations = []
    for path, item in document["paths"].items():
        op = item["get"]
        operations.append({"path": path, "id": op["operationId"], "summary": op["summary"],
                           "description": op["description"], "parameters": op.get("parameters", []),
                           "example": _example(path, op.get("parameters", []))})
    return _html("docs.html", info=document["info"], operations=operations, form=EMPTY_FORM)


def _example(path: str, parameters: Sequence[Mapping[str, Any]]) -> str:
    query = {p["name"]: p["example"] for p in parameters if p["in"] == "query" and "example" in p and p["required"]}
    figid = next((p["example"] for p in parameters if p["in"] == "path"), "")
    return link(path.replace("{figid}", quote(figid, safe="")), query)


async def docs_try(request: Request) -> Response:
    """A docs form's values as a call of its endpoint (a form cannot fill in a path)."""
    document = request.app.state.openapi
    params = dict(request.query_params)
    path = params.pop("path", "")
    if path not in document["paths"]:
        raise BadParameter(f"no endpoint {path[:80]!r}")
    figid = params.pop("figid", "")
    if "{figid}" in path:
        path = path.replace("{figid}", quote(check_figid(figid.strip()), safe=""))
    return RedirectResponse(link(path, {k: v for k, v in params.items() if v.strip()}), status_code=303)


def error_page(request: Request, status: int, message: str, headers: Mapping[str, str] | None = None,
               exc: PfocrSearchError | None = None) -> Response:
    """An error as a page that says what went wrong and offers the search box,
    and what the user may have meant as links that search for it."""
    form = {name: request.query_params.get(name, "") for name in _FORM_FIELDS}
    suggestions = _suggestion_links(request, exc) if exc is not None else []
    if suggestions:  # offered as links below the message, not in it
        message = message.partition(DID_YOU_MEAN)[0]
    return _html("error.html", status=status, headers=headers, status_code=status, message=message, form=form,
                 suggestions=suggestions)


def _suggestion_links(request: Request, exc: PfocrSearchError) -> list[tuple[str, str]]:
    """Each suggestion as (text, link): the same request with the suggestion
    for the value it replaces, the other parameters kept."""
    if exc.parameter == "figid" and request.url.path.startswith("/figures/"):
        return [(s, f"/figures/{quote(s, safe='')}") for s in exc.suggestions]
    if exc.parameter is None or exc.parameter not in request.query_params:
        return []
    params = dict(request.query_params)
    params.pop("page", None)  # the suggestion's results start at their first page
    return [(s, link(request.url.path, {**params, exc.parameter: s})) for s in exc.suggestions]


def routes() -> list[Route]:
    """The page routes (GET only)."""
    return [Route("/", search_page, methods=["GET"]), Route("/figures/{figid}", figure_page, methods=["GET"]),
            Route("/docs", docs_page, methods=["GET"]), Route("/docs/try", docs_try, methods=["GET"])]


