"""The Whoosh schema of a pfocr-search index, and records as Whoosh documents.

Searchable text fields come from the index configuration; the structural
fields (figid, year, organism, ids, the stored record) are fixed, since the
query layer depends on them.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import analyzer_for
from .config import IndexConfig
from .records import FigureRecord

#: Field holding the whole record (zlib-compressed JSON), for get() and hits.
RECORD = "record"
#: Fixed fields: name -> what they hold.
STRUCTURAL_FIELDS = {
    "figid": "the figure id (unique)",
    "year": "publication year (numeric: year:[2010 TO 2020])",
    "organism": "organisms of the record and of its genes (organism:human works)",
    "ncbigene": "NCBI Gene ids of the genes",
    "pmcid": "PubMed Central id",
    "doi": "DOI of the paper",
    "figtype": "Figure, Scheme, Graphical abstract, ...",
}

#: Common names people type for the organisms PFOCR covers.
ORGANISM_NAMES = {
    "human": "homo sapiens",
    "mouse": "mus musculus",
    "rat": "rattus norvegicus",
    "zebrafish": "danio rerio",
    "fly": "drosophila melanogaster",
    "fruit fly": "drosophila melanogaster",
    "drosophila": "drosophila melanogaster",
    "worm": "caenorhabditis elegans",
    "c. elegans": "caenorhabditis elegans",
    "yeast": "saccharomyces cerevisiae",
    "arabidopsis": "arabidopsis thaliana",
    "cow": "bos taurus",
    "chicken": "gallus gallus",
    "pig": "sus scrofa",
    "xenopus": "xenopus laevis",
}


class OrganismNameFilter(Filter):
    """Common organism names (human, mouse, fly) to the scientific names indexed."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = ORGANISM_NAMES.get(t.text, t.text)
            yield t


def organism_key(name: str) -> str:
    """The indexed term for an organism name as a user types it."""
    key = " ".join(name.split()).casefold()
    return ORGANISM_NAMES.get(key, key)


def _organism_analyzer():
    # One term per organism: values are separated by '|' in the document.
    return RegexTokenizer(r"[^|]+") | LowercaseFilter() | _StripFilter() | OrganismNameFilter()


class _StripFilter(Filter):
    def __call__(self, tokens):
        for t in tokens:
            t.text = " ".join(t.text.split())
            if t.text:
                yield t


def build_schema(config: IndexConfig) -> Schema:
    fields: dict[str, Any] = {
        "figid": ID(unique=True, stored=True),
        "year": NUMERIC(int, bits=32, stored=False, signed=False),
        "organism": TEXT(analyzer=_organism_analyzer(), phrase=False, field_boost=1.0),
        "ncbigene": KEYWORD(scorable=False),
        "pmcid": KEYWORD(lowercase=True, scorable=False),
        "doi": KEYWORD(lowercase=True, scorable=False),
        "figtype": KEYWORD(lowercase=True, commas=True, scorable=False),
        RECORD: STORED,
    }
    for name, spec in config.fields.items():
        # Positions on every field, genes too: a "quoted phrase" runs across all fields.
        fields[name] = TEXT(analyzer=analyzer_for(spec.analyzer), phrase=True)
    return Schema(**fields)


def to_document(record: FigureRecord, config: IndexConfig) -> dict[str, Any]:
    """The Whoosh document for `record` (only non-empty fields)."""
    doc: dict[str, Any] = {
        "figid": record.figid,
        "organism": "|".join(record.organisms),
        "ncbigene": " ".join(dict.fromkeys(g.ncbigene_id for g in record.genes if g.ncbigene_id)),
        "pmcid": record.pmcid,
        "doi": record.doi,
        "figtype": record.figtype,
        RECORD: pack_record(record),
    }
    if record.year is not None:
        doc["year"] = record.year
    for name in config.fields:
        doc[name] = record.text_of(name)
    return {k: v for k, v in doc.items() if v not in ("", None)}


def pack_record(record: FigureRecord) -> bytes:
    return zlib.compress(json.dumps(record.to_dict(), separators=(",", ":"), ensure_ascii=False).encode(), 6)


def unpack_record(blob: bytes) -> FigureRecord:
    return FigureRecord.from_dict(json.loads(zlib.decompress(blob)))
