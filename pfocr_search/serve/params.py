"""Query-string parameters: one declaration per parameter drives both the
checking of a request and its OpenAPI description, so the two cannot drift.

A request that breaks a declaration gets a `BadParameter` (422) naming the
parameter, except a query over `MAX_QUERY` characters, which is a 400
"query too long" like any other query the index refuses.  Parameters no
endpoint declares are refused too: a misspelt `organsim=` silently ignored
would return unfiltered figures that look filtered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from starlette.datastructures import QueryParams

from ..errors import PfocrSearchError
from ..genes.resolve import split_terms

#: Longest query text (and gene list text) accepted, in characters.
MAX_QUERY = 2000
#: Hits one JSON page may hold; a larger `limit` is cut to this.
MAX_LIMIT = 100
#: Hits one TSV or GMT download may hold; a larger `limit` is cut to this.
MAX_DOWNLOAD = 1000
#: Deepest page start: result lists are ranked in full up to offset + limit.
MAX_OFFSET = 10000
#: Most gene terms one request may name.  The index answers one request at a
#: time, and a term it does not know costs 50-70 ms at 100,000 figures (fuzzy
#: matching and suggestions over the whole vocabulary): longer lists belong
#: to the command line (`genes --file`, `enrich`).
MAX_TERMS = 100

_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
_INTEGER = re.compile(r"[+-]?\d+")
# A figid is one path segment of a file name; anything that could walk a path
# or end a line is refused before the index is asked.
_BAD_FIGID = re.compile(r"[/\\\x00-\x1f\x7f]|^\.\.?$")
MAX_FIGID = 300


class BadParameter(PfocrSearchError):
    """A request parameter is missing, malformed or unknown (HTTP 422)."""

    status = 422


class QueryTooLong(PfocrSearchError):
    """A query or gene list longer than the server accepts (HTTP 400)."""

    status = 400


@dataclass(frozen=True)
class Param:
    """One query-string parameter: its type (`string`, `integer`, `boolean`,
    or `terms`, a comma- or space-separated list), its limits and its help."""

    name: str
    kind: str
    description: str
    required: bool = False
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    #: Values above this are cut to it (documented), not refused.
    cap: int | None = None
    max_length: int | None = None
    example: Any = None

    def parse(self, raw: str) -> Any:
        """The typed value of `raw`, or `BadParameter`/`QueryTooLong`."""
        if "\x00" in raw:
            raise BadParameter(f"{self.name} must not contain NUL characters")
        if self.max_length is not None and len(raw) > self.max_length:
            what = "query" if self.name == "q" else self.name
            raise QueryTooLong(f"{what} too long: {len(raw):,} characters (at most {self.max_length:,})")
        if self.kind == "integer":
            return self._integer(raw)
        if self.kind == "boolean":
            value = raw.strip().lower()
            if value not in _TRUE | _FALSE:
                raise BadParameter(f"{self.name} must be true or false, not {_show(raw)}")
            return value in _TRUE
        if self.kind == "terms":
            terms = split_terms([raw])
            if len(terms) > MAX_TERMS:
                raise QueryTooLong(f"{self.name}: {len(terms):,} gene terms (at most {MAX_TERMS:,})")
            return terms
        return raw.strip()

    def _integer(self, raw: str) -> int:
        text = raw.strip()
        if not _INTEGER.fullmatch(text):
            raise BadParameter(f"{self.name} must be a whole number, not {_show(raw)}")
        # Too many digits to read (1e23 written out): as far out of range as its sign says.
        digits = text.lstrip("+-").lstrip("0") or "0"  # int() of 5,000 zeros had raised past Python's digit limit
        sign = -1 if text.startswith("-") else 1
        value = sign * (int(digits) if len(digits) <= 18 else 10**18)
        if self.minimum is not None and value < self.minimum:
            raise BadParameter(f"{self.name} must be at least {self.minimum}, not {_show(raw)}")
        if self.maximum is not None and value > self.maximum:
            raise BadParameter(f"{self.name} must be at most {self.maximum:,}, not {_show(raw)}")
        return min(value, self.cap) if self.cap is not None else value

    def openapi(self) -> dict[str, Any]:
        """This parameter as an OpenAPI 3.1 parameter object."""
        # A gene list travels as one string ("A,B C"), as people type it.
        schema: dict[str, Any] = {"type": "string" if self.kind == "terms" else self.kind}
        for key, value in (("minimum", self.minimum), ("maximum", self.maximum), ("maxLength", self.max_length),
                           ("default", self.default)):
            if value is not None:
                schema[key] = value
        if self.required and self.kind in ("string", "terms"):
            schema["pattern"] = r"\S"  # blank is as good as missing
        doc: dict[str, Any] = {"name": self.name, "in": "query", "required": self.required,
                               "description": self.description, "schema": schema}
        if self.example is not None:
            doc["example"] = self.example
        return doc


def parse_params(query: QueryParams, params: Sequence[Param], *, blank_is_unset: bool = False) -> dict[str, Any]:
    """The declared parameters of a request, typed and checked; every
    parameter not declared, given twice, or missing when required is refused.
    With `blank_is_unset`, an empty value of any type means "not given"."""
    known = {p.name: p for p in params}
    for name in query:
        if name not in known:
            raise BadParameter(f"unknown parameter {_show(name, 40)} (known: {', '.join(known) or 'none'})")
        if len(query.getlist(name)) > 1:
            raise BadParameter(f"parameter {name} given more than once")
    values: dict[str, Any] = {}
    for p in params:
        raw = query.get(p.name)
        # Blank text is no text; a blank number or flag is an error, except from
        # a page's form, which sends every field it has, filled in or not.
        if raw is not None and not raw.strip() and (blank_is_unset or p.kind in ("string", "terms")):
            raw = None
        value = p.parse(raw) if raw is not None else None
        if value in (None, "", []):
            if p.required:
                raise BadParameter(f"missing parameter {p.name}")
            value = p.default
        values[p.name] = value
    return values


def check_figid(figid: str) -> str:
    """`figid` if it can name a figure; `BadParameter` for one with path
    characters, control characters or an absurd length."""
    if not figid or len(figid) > MAX_FIGID or _BAD_FIGID.search(figid):
        raise BadParameter(f"figid {_show(figid)} is not a figure id (e.g. PMC7176449__cm9-133-0959-g001)")
    return figid


def _show(value: str, width: int = 60) -> str:
    """A user's value quoted for a one-line message, cut to `width`."""
    text = value if len(value) <= width else value[:width] + "…"
    return repr(text)


# -- the parameters endpoints share --------------------------------------------------

LIMIT = Param("limit", "integer", f"Hits per page (default 10; at most {MAX_LIMIT}: a larger limit is cut to "
                                  f"{MAX_LIMIT}).", default=10, minimum=1, cap=MAX_LIMIT)
DOWNLOAD_LIMIT = Param("limit", "integer", f"Hits to download (default 100; at most {MAX_DOWNLOAD}: a larger "
                                           f"limit is cut to {MAX_DOWNLOAD}).", default=100, minimum=1,
                       cap=MAX_DOWNLOAD)
OFFSET = Param("offset", "integer", f"Skip this many hits first, for paging (at most {MAX_OFFSET:,}).", default=0,
               minimum=0, maximum=MAX_OFFSET)
ORGANISM = Param("organism", "string", "Only this organism (scientific or common name, e.g. human).",
                 max_length=200, example="Homo sapiens")
YEAR_FROM = Param("year_from", "integer", "Only figures published in or after this year.", minimum=1000, maximum=9999)
YEAR_TO = Param("year_to", "integer", "Only figures published in or before this year.", minimum=1000, maximum=9999)
JOURNAL = Param("journal", "string", "Only figures from this journal (full title or NLM abbreviation: one journal).",
                max_length=500)
FACETS = Param("facets", "boolean", "Also count every match by organism, decade, year and journal.",
               default=False)
FILTERS = (ORGANISM, YEAR_FROM, YEAR_TO, JOURNAL)
QUERY = Param("q", "string", "Words, \"phrases\", AND/OR/NOT, field:value, wildcards (Whoosh's query language).",
              max_length=MAX_QUERY, example="JAK STAT signaling")
GENES = Param("genes", "terms", "Also require some of these genes (symbols, aliases, NCBI Gene ids) and rank by "
                                "their enrichment.", max_length=MAX_QUERY * 5, example="STAT3,JAK1")
TERMS = Param("terms", "terms", f"Gene symbols, aliases or NCBI Gene ids, separated by commas or spaces (at most "
                                f"{MAX_TERMS}).", required=True, max_length=MAX_QUERY * 5, example="STAT3,JAK1,IL6R")
REQUIRE = Param("require", "terms", "Keep only figures with these genes; score the rest of the set given them.",
                max_length=MAX_QUERY * 5)
ALL = Param("all", "boolean", "Keep only figures with every query gene.", default=False)
FUZZY = Param("fuzzy", "boolean", "Allow typo-tolerant matching of gene terms.", default=True)
FEEDBACK = Param("feedback", "boolean", "Also rank by the words and genes of the best figures (pseudo-relevance "
                 "feedback; default: the index config's search.feedback).")


def filters_from(values: Mapping[str, Any]) -> dict[str, Any]:
    """The `organism`, `years` and `journal` keywords FigureIndex takes."""
    low, high = values.get("year_from"), values.get("year_to")
    if low is not None and high is not None and low > high:
        raise BadParameter(f"year_from {low} is after year_to {high}")
    years = (low, high) if low is not None or high is not None else None
    return {"organism": values.get("organism"), "years": years, "journal": values.get("journal")}
