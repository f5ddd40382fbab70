"""Per-document data of a segment: stored records in `StoredBlocksColumn`,
field lengths and numeric columns read whole, and answers Whoosh asks for
again and again kept once per segment."""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.columns import NumericColumn
from whoosh.util.numeric import byte_to_length

from .stored import StoredBlocksColumn
from .whoosh_internals.segments import fixed_column_bytes, perdoc_doc_count
from .whoosh_internals.tables import StoredColumnWriter

# As W3PerDocReader.doc_field_length answers: None for a zero byte.
_LENGTH_OR_NONE = [byte_to_length(i) if i else None for i in range(256)]


def read_numeric_column(perdoc, column: str, typecode: str, doccount: int) -> np.ndarray | None:
    """A fixed-width numeric column of one segment as an array (None if absent)."""
    if not perdoc.has_column(column):
        return None
    raw, count, default = fixed_column_bytes(perdoc.column_reader(column, NumericColumn(typecode)), doccount)
    values = np.frombuffer(raw, dtype=">" + typecode)
    out = np.full(doccount, default, dtype=values.dtype.newbyteorder("="))
    out[:count] = values
    return out


class PerDocWriter(StoredColumnWriter):
    stored_column = StoredBlocksColumn()


class PerDocReader(W3PerDocReader):
    """Stored fields from `StoredBlocksColumn`; remembers which length
    columns a segment lacks, and its field lengths.

    Whoosh asks for a field's length column for every posting it writes and,
    for a field that has none (IDs, numbers, keywords, spelling words), asks
    the filesystem again each time: a stat() per posting, measured at 40% of
    a build.  And writing a segment's postings asks for a document's field
    length once per posting (~20 million at 100,000 figures).  A segment's
    files never change once written, so both answers can be kept.
    """

    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self.known_columns: dict[str, bool] = {}
        self.field_length_lists: dict[str, list | bool] = {}
        self.stored_reader = None

    def stored_fields(self, docnum):
        if self.stored_reader is None:
            found = self.has_column("_stored")
            self.stored_reader = found and self.column_reader("_stored", PerDocWriter.stored_column)
        return (self.stored_reader[docnum] if self.stored_reader is not False else None) or {}

    def has_column(self, fieldname):
        if fieldname not in self.known_columns:
            self.known_columns[fieldname] = super().has_column(fieldname)
        return self.known_columns[fieldname]

    def field_lengths(self, fieldname) -> list | None:
        """Every document's length in `fieldname` (None where it has none),
        or None for a field without lengths."""
        lengths = self.field_length_lists.get(fieldname)
        if lengths is None:
            codes = read_numeric_column(self, f"_{fieldname}_len", "B", perdoc_doc_count(self))
            lengths = self.field_length_lists[fieldname] = False if codes is None else \
                [_LENGTH_OR_NONE[c] for c in codes.tolist()]
        return None if lengths is False else lengths

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.field_lengths(fieldname)
        return default if lengths is None else lengths[docnum]
