"""The Whoosh schema of a pfocr-search index, and records as Whoosh documents.

Searchable text fields come from the index configuration; the structural
fields (figid, year, organism, ids, the stored record) are fixed, since the
query layer depends on them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..config import IndexConfig
from ..sources.model import PREFIX_OF, FigureRecord
from ..textkeys import normalize_symbol, organism_key
from .analysis import analyzer_for, journal_analyzer, organism_analyzer
from .codec import ArrayPositions
from .dictcolumn import DictBytesColumn

#: Field holding the whole record as JSON, for get() and hits.
RECORD = "record"
#: Gene-set fields: the `genes` text field holds each figure's distinct gene
#: keys; these add organism-qualified keys and a column of gene counts per
#: organism (read per candidate without unpacking records).
GENE_KEYS = "genes"
ORGANISM_GENE_KEYS = "orggene"
GENE_COUNTS = "genecount"
#: The figure's distinct gene count as a numeric column: read for every
#: candidate of a gene-set query, so kept out of the JSON of GENE_COUNTS.
GENE_TOTAL = "genetotal"
#: Columns of what facets count: year (0 if none), journal (see
#: `journal_column_value`), organisms ("|"-joined).
FACET_YEAR, FACET_JOURNAL, FACET_ORGANISMS = "facetyear", "facetjournal", "facetorganisms"
#: Fields the query layer reads but users may not name in a query: stored
#: blobs and columns have no terms to search (Whoosh crashed on `record:x`).
INTERNAL_FIELDS = (RECORD, FACET_YEAR, FACET_JOURNAL, FACET_ORGANISMS, GENE_COUNTS, GENE_TOTAL)


# Many-valued keyword fields are given as their tokens, split as the fields'
# own tokenizers would split them (KEYWORD's, and commas=True's with its
# strip): Whoosh indexes a list as given, the build without a token walk.
_SPACE_TOKENS = re.compile(r"[^ \t\r\n]+")
_COMMA_TOKENS = re.compile(r"[^,]+")


def build_schema(config: IndexConfig) -> Schema:
    fields: dict[str, Any] = {
        "figid": ID(unique=True, stored=True),
        "year": NUMERIC(int, bits=32, stored=False, signed=False),
        "organism": TEXT(analyzer=organism_analyzer(), phrase=False, field_boost=1.0),
        "ncbigene": KEYWORD(scorable=False),
        "pmcid": KEYWORD(lowercase=True, scorable=False),
        "doi": KEYWORD(lowercase=True, scorable=False),
        "figtype": KEYWORD(lowercase=True, commas=True, scorable=False),
        RECORD: STORED,
        ORGANISM_GENE_KEYS: KEYWORD(commas=True, scorable=False),
        GENE_COUNTS: COLUMN(DictBytesColumn()),
        GENE_TOTAL: NUMERIC(int, bits=32, signed=False, sortable=True),
        # Three columns, not one value of all three: journals and organism
        # sets repeat, so each is stored once a segment (see `dictcolumn`).
        FACET_YEAR: COLUMN(NumericColumn("H")),
        FACET_JOURNAL: COLUMN(DictBytesColumn()),
        FACET_ORGANISMS: COLUMN(DictBytesColumn()),
        "journal_name": TEXT(analyzer=journal_analyzer(), phrase=False),
    }
    for name, spec in config.fields.items():
        # Positions on every field, genes too: a "quoted phrase" runs across all fields.
        # spelling=True keeps a stemmed field's unstemmed words too, so "did you
        # mean" suggests words, not stems.
        kind = dict(analyzer=analyzer_for(spec.analyzer), phrase=True, spelling=spec.spelling)
        source = PREFIX_OF.get(name)
        if source in config.fields and config.fields[source].analyzer == spec.analyzer:
            fields[name] = PrefixText(source, **kind)
        else:
            fields[name] = TEXT(**kind)
        fields[name].format = ArrayPositions(field_boost=fields[name].format.field_boost)
    return Schema(**fields)


class PrefixText(TEXT):
    """A text field whose value is the start of another's, analysed alike
    (a lead is its caption's first sentence): its terms sit at the other's
    positions, so it keeps how many positions it covers as a column, and its
    exact phrases are the other's that end before that (`hits.phrase_hits`):
    a phrase query reads the caption's positions, not the lead's as well."""

    def __init__(self, prefix_of: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prefix_of = prefix_of
        self.column_type = NumericColumn("H")

    def to_column_value(self, value: str) -> int:
        found = self.analyzer.positions_by_term(value, "index")
        return min(max((positions[-1] for positions in found.values()), default=-1) + 1, 0xFFFF)


def to_document(record: FigureRecord, config: IndexConfig) -> dict[str, Any]:
    """The Whoosh document for `record` (only non-empty fields)."""
    doc: dict[str, Any] = {
        "figid": record.figid,
        "organism": "|".join(record.organisms),
        "ncbigene": _SPACE_TOKENS.findall(" ".join(dict.fromkeys(g.ncbigene_id for g in record.genes
                                                                  if g.ncbigene_id))),
        "pmcid": record.pmcid,
        "doi": record.doi,
        "figtype": record.figtype,
        RECORD: pack_record(record),
    }
    if record.year is not None:
        doc["year"] = record.year
    for name in config.fields:
        doc[name] = record.text_of(name)
    doc.update(gene_set_fields(record))  # genes: one token per distinct gene key
    doc["journal_name"] = "\n".join(n for n in (record.journal_title, record.journal_abbrev) if n)
    doc[FACET_YEAR] = record.year if record.year is not None and 0 < record.year < 1 << 16 else 0
    doc[FACET_JOURNAL] = journal_column_value(record.journal_title, record.journal_abbrev)
    doc[FACET_ORGANISMS] = "|".join(record.organisms).encode()
    return {k: v for k, v in doc.items() if v not in ("", None, [])}


def journal_column_value(title: str, abbrev: str) -> bytes:
    """A figure's journal as its facet column holds it: full title and NLM
    abbreviation, either empty, tab-separated (no name holds a tab: `v.text`
    collapses white space), so queries can tell one journal's two forms apart."""
    return f"{title}\t{abbrev}".encode() if title or abbrev else b""


def journal_column_names(value: bytes) -> tuple[str, str]:
    """(full title, NLM abbreviation) of a FACET_JOURNAL value, either ''."""
    title, _, abbrev = value.decode().partition("\t")
    return title, abbrev


def organism_gene_term(organism: str, key: str) -> str:
    return f"{organism_key(organism)}:{key}"


def gene_set_fields(record: FigureRecord) -> dict[str, Any]:
    """The figure as a set of gene keys, overall and per organism."""
    keys: dict[str, None] = {}
    per_organism: dict[str, dict[str, None]] = {}
    for gene in record.genes:
        key = normalize_symbol(gene.symbol)
        if not key:
            continue
        keys[key] = None
        if gene.organism:
            per_organism.setdefault(organism_key(gene.organism), {})[key] = None
    counts = {"": len(keys), **{org: len(k) for org, k in per_organism.items()}}
    return {
        GENE_TOTAL: len(keys),
        # One token per distinct key, so field length = gene count and STAT3 and
        # Stat3 (human and mouse) count once in BM25 and in gene-set statistics.
        GENE_KEYS: " ".join(keys),
        ORGANISM_GENE_KEYS: [t.strip() for t in _COMMA_TOKENS.findall(
            ",".join(organism_gene_term(org, k) for org, ks in per_organism.items() for k in ks))],
        GENE_COUNTS: json.dumps(counts, separators=(",", ":")).encode(),
    }


def gene_counts(blob: bytes) -> dict[str, int]:
    """Decode a GENE_COUNTS column value: organism key ('' for all) -> gene count."""
    return json.loads(blob) if blob else {}


def pack_record(record: FigureRecord) -> bytes:
    """The record as stored: JSON (the codec compresses stored fields, see `stored`)."""
    return json.dumps(record.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()


def unpack_record(blob: bytes) -> FigureRecord:
    return FigureRecord.from_dict(json.loads(blob))
