"""A segment's raw parts (per-document reader, posting bytes, column bytes),
the posting pool a segment writer uses, and segments written by parallel
workers."""

from __future__ import annotations

import struct
from collections import Counter

from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.columns import FixedBytesColumn
from whoosh.formats import Frequency
from whoosh.index import TOC
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from ..pool import TermPool


def perdoc_doc_count(perdoc: W3PerDocReader) -> int:
    return perdoc._doccount


def segment_perdoc(reader: SegmentReader) -> W3PerDocReader:
    """The per-document reader (lengths, columns, deletions) of one segment."""
    return reader._perdoc


def raw_postings(reader: SegmentReader, terminfo) -> bytes:
    """A term's whole posting list as stored (see `BlockPostingsWriter`)."""
    offset, length = terminfo.extent()
    return reader._terms._postfile.get(offset, length)


def fixed_column_bytes(column_reader: FixedBytesColumn.Reader, doccount: int) -> tuple[bytes, int, bytes]:
    """(the values of a fixed-width column, how many it stores, its default value)."""
    count = min(column_reader._count, doccount)
    raw = column_reader._dbfile.get(column_reader._basepos, count * column_reader._fixedlen)
    return raw, count, column_reader._default


# -- the posting pool ------------------------------------------------------------


def use_term_pool(writer: SegmentWriter, limitmb: int) -> None:
    """Give a fresh Whoosh SegmentWriter a `TermPool` (before any document)."""
    writer.pool = TermPool(writer._tempstorage, limitmb)


def add_document(writer: SegmentWriter, fields: dict) -> None:
    """Whoosh's `SegmentWriter.add_document` for a writer with a `TermPool`:
    each field's postings go to the pool at once, a positions field's as
    columns (`ArrayPositions.index_columns`, `TermPool.add_columns`), not
    through three generators and a call a posting.  The same postings, lengths, stored
    values and columns (no field boosts and no vectors: the schema has none)."""
    pool = writer.pool
    if not isinstance(pool, TermPool):
        writer.add_document(**fields)
        return
    writer._check_state()
    schema, perdoc, docnum = writer.schema, writer.perdocwriter, writer.docnum
    perdoc.start_doc(docnum)
    value_left = b""  # Whoosh gives a field's last posting value to its spelling words
    try:
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                columns = _columns(field, value)
                if columns is None:
                    length, value_left = pool.add_field(name, docnum, field.index(value), value_left)
                elif columns[0]:
                    terms, length, weights, sizes, values = columns
                    pool.add_columns(name, docnum, terms, weights, sizes, values)
                    value_left = values[len(values) - sizes[-1]:]
            if field.separate_spelling():
                words = list(getattr(field.analyzer, "spelling_words", field.spellable_words)(value))
                pool.add_columns(field.spelling_fieldname(name), 0, words,
                                 [1] * len(words), [len(value_left)] * len(words), value_left * len(words))
            perdoc.add_field(name, field, value if field.stored else None, length if field.scorable else 0)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
    except Exception:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


def _columns(field, value) -> tuple | None:
    """What `field.index(value)` yields, as columns (terms, the frequencies'
    sum, weights, value sizes, the values end to end), where the field's
    format can give them: None leaves the field to Whoosh's own path."""
    if type(field.format) is Frequency:
        return _frequency_columns(field.format, value)
    index_columns = getattr(field.format, "index_columns", None)  # `ArrayPositions`'
    return index_columns(value, field.analyzer) if index_columns else None


def _frequency_columns(format_: Frequency, value) -> tuple | None:
    """What Whoosh's Frequency format indexes for a list of tokens, as columns."""
    if not isinstance(value, (list, tuple)):
        return None
    counts = Counter(value)
    freqs = list(counts.values())
    return (list(counts), len(value), [n * format_.field_boost for n in freqs], [4] * len(freqs),
            struct.pack(f">{len(freqs)}I", *freqs))


# -- segments written by parallel workers -----------------------------------------------


def segment_writer(ix, **kwargs) -> SegmentWriter:
    """A writer of one new segment that takes no lock and commits no table
    of contents: a worker process's share of a parallel build."""
    return SegmentWriter(ix, _lk=False, **kwargs)


def finish_segment(writer: SegmentWriter):
    """Write the segment's files; returns the segment, for `publish_segments`."""
    return writer._finalize_segment()


def discard_segment_writer(writer: SegmentWriter) -> None:
    """Close a segment writer's files and remove its temporary folder."""
    writer._close_segment()
    writer._tempstorage.destroy()


def publish_segments(ix, segments: list) -> None:
    """List `segments` as the whole of the (empty) index `ix`."""
    TOC(ix.schema, segments, 1).write(ix.storage, ix.indexname)
