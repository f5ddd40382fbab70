"""The OpenAPI 3.1 document: parameters from each endpoint's declarations,
response schemas written out for the library's `to_dict()` shapes (the tests
fuzz every endpoint and validate each response against them)."""

from __future__ import annotations

from typing import Any, Iterable

from ..version import __version__
from .api import Endpoint
from .params import MAX_DOWNLOAD, MAX_LIMIT, MAX_QUERY

STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
BOOL: dict[str, Any] = {"type": "boolean"}
STRS: dict[str, Any] = {"type": "array", "items": STR}
MAYBE_STR: dict[str, Any] = {"type": ["string", "null"]}
MAYBE_INT: dict[str, Any] = {"type": ["integer", "null"]}
MAYBE_NUM: dict[str, Any] = {"type": ["number", "null"]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], optional: Iterable[str] = ()) -> dict[str, Any]:
    skip = set(optional)
    return {"type": "object", "properties": properties, "required": [k for k in properties if k not in skip]}


def _pairs(value: dict[str, Any]) -> dict[str, Any]:
    """A list of [value, count] pairs, as `Facets.to_dict()` gives them."""
    # Not prefixItems: schemathesis rejects it inside response schemas.
    pair = {"type": sorted({value["type"], "integer"}), "description": "[value, figures]"}
    return {"type": "array", "items": {"type": "array", "items": pair, "minItems": 2, "maxItems": 2}}


_HIT = {
    "rank": INT, "figid": STR, "score": NUM, "figtitle": STR, "year": MAYBE_INT, "organisms": STRS,
    "genes": STRS, "pmcid": STR, "figlink": STR, "url": STR, "papertitle": STR, "journal": STR, "snippet": STR,
    "highlights": {"type": "array", "items": {"type": "array", "items": INT, "minItems": 2, "maxItems": 2},
                   "description": "[start, end) character spans of matched terms in snippet"},
}
_GENE_STATS = {
    "overlap": INT, "figure_genes": INT, "overlap_genes": STRS,
    **{name: {**MAYBE_NUM, "description": "null for a figure alike in words only (overlap 0)"}
       for name in ("pvalue", "log10_pvalue", "fdr", "odds_ratio")},
    "text_score": NUM,
}
_LIST = {
    "query": STR, "corrected_from": {**MAYBE_STR, "description": "the query as typed, when it has words no figure "
                                                                  "holds and the hits are for its likeliest "
                                                                  "correction"},
    "parsed": STR, "total": {**INT, "description": "matching figures in the index, not just this page"},
    "offset": INT, "limit": INT, "suggestions": {**STRS, "description": "did you mean"},
    "feedback": {**STRS, "description": "words (as indexed, stemmed) and genes (genes:KEY) learnt from the best "
                                        "figures, which also rank the figures found, at a low weight"},
}
_GENE_LIST = {
    "population": {**INT, "description": "N: distinct genes of the index (or organism) every p-value counts from"},
    "query_size": {**INT, "description": "n: the query's distinct genes after resolution"},
    "words_only": {**INT, "description": "of total, figures alike in words only, after those sharing genes "
                                         "(similar figures)"},
    "resolutions": {"type": "array", "items": _ref("Resolution")},
}

SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": {**STR, "description": "one line, for people"},
                      "type": {**STR, "description": "the library's error class"}, "status": INT}),
    "Hit": _object(_HIT),
    "GeneHit": _object({**_HIT, **_GENE_STATS}),
    "Resolution": _object({"term": STR, "how": {"enum": ["exact", "id", "normalised", "alias", "fuzzy", "unknown"]},
                           "symbols": STRS, "scores": {"type": "array", "items": NUM}, "ambiguous": BOOL,
                           "suggestions": STRS}),
    "Facets": _object({"total": INT, "organisms": _pairs(STR), "decades": _pairs(STR), "years": _pairs(INT),
                       "journals": _pairs(STR)}),
    "SearchResults": _object({**_LIST, "hits": {"type": "array", "items": {"anyOf": [_ref("GeneHit"), _ref("Hit")]}},
                              **_GENE_LIST, "facets": _ref("Facets")}, optional=[*_GENE_LIST, "facets"]),
    "GeneResults": _object({**_LIST, "hits": {"type": "array", "items": _ref("GeneHit")}, **_GENE_LIST,
                            "facets": _ref("Facets")}, optional=["facets"]),
    "SimilarResults": _object({**_LIST, "hits": {"type": "array", "items": {"anyOf": [_ref("GeneHit"), _ref("Hit")]}},
                               **_GENE_LIST}, optional=_GENE_LIST),
    "Resolutions": _object({"resolutions": {"type": "array", "items": _ref("Resolution")}}),
    "Figure": _object({
        "figid": STR, "figtitle": STR, "caption": STR, "papertitle": STR, "reftext": STR, "year": MAYBE_INT,
        "pmcid": STR, "doi": STR, "journal": STR, "journal_abbrev": STR, "organisms": STRS, "keywords": STRS,
        "page_keywords": {**STRS, "description": "the keywords the figure's PFOCR page lists (its JSON-LD's): "
                                                 "its genes', chemicals' and diseases' names"},
        "genes": {"type": "array", "items": _object({"symbol": STR, "ncbigene_id": MAYBE_STR, "organism": MAYBE_STR,
                                                     "words": STRS, "sources": STRS})},
        "chemicals": {"type": "array", "items": _object({"name": STR, "ids": STRS})},
        "diseases": {"type": "array", "items": _object({"name": STR, "ids": STRS})},
        "figlink": STR, "filename": STR, "figtype": STR, "number": STR, "layout": STR, "sources": STRS,
        "url": STR, "pfocr_url": STR, "paper_url": MAYBE_STR, "thumbnail": MAYBE_STR,
    }),
    "Stats": _object({
        "path": STR, "records": INT, "genes": INT, "distinct_genes": INT,
        "top_genes": {"type": "array", "items": _object({"symbol": STR, "figures": INT})},
        "organisms": {"type": "array", "items": _object({"organism": STR, "figures": INT})},
        "years": {"type": "array", "items": MAYBE_INT, "minItems": 2, "maxItems": 2},
        "size_bytes": INT, "built_at": NUM, "config": {"type": "object"},
    }),
}

_ERRORS = {
    "400": "a query the index cannot run, or one too long",
    "422": "a missing, malformed or unknown parameter",
}

DESCRIPTION = f"""Ranked, fuzzy search over PFOCR pathway figures, read-only.

Every result list is `{{"total": …, "hits": [...], …}}` with the fields of the Python API's `to_dict()`.
Errors are `{{"error": "one line", "type": …, "status": …}}`: 400 for a query the index cannot run
(or longer than {MAX_QUERY:,} characters), 422 for a bad or unknown parameter, 404 for an unknown figure.
`limit` is at most {MAX_LIMIT} per JSON page and {MAX_DOWNLOAD} per TSV/GMT download; larger values are cut."""


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    parameters = [p.openapi() for p in endpoint.params]
    if endpoint.figure:
        parameters.insert(0, {"name": "figid", "in": "path", "required": True, "description": "A figure id.",
                              "schema": {"type": "string", "minLength": 1, "maxLength": 300,
                                         "pattern": r"^[^/\\\x00-\x1f\x7f]+$"},
                              "example": "PMC7176449__cm9-133-0959-g001"})
    if endpoint.schema is not None:
        content = {"application/json": {"schema": _ref(endpoint.schema)}}
    else:
        content = {endpoint.media_type: {"schema": STR}}
    responses: dict[str, Any] = {"200": {"description": endpoint.summary, "content": content}}
    errors = dict(_ERRORS, **({"404": "no figure with that figid"} if endpoint.figure else {}))
    for status, text in errors.items():
        responses[status] = {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
    return {"operationId": endpoint.operation, "summary": endpoint.summary,
            "description": (endpoint.handler.__doc__ or endpoint.summary).strip(),
            "parameters": parameters, "responses": responses}


def openapi_document(endpoints: Iterable[Endpoint]) -> dict[str, Any]:
    """The OpenAPI 3.1 document for `endpoints`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "pfocr-search", "version": __version__, "description": DESCRIPTION,
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "paths": {e.path: {"get": _operation(e)} for e in endpoints},
        "components": {"schemas": SCHEMAS},
    }
