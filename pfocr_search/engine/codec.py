"""The Whoosh codec of a pfocr-search index: posting blocks numpy reads whole.

Whoosh reads postings one document at a time through Python matcher objects:
at 100,000 figures a common word ("signaling") has ~60,000 postings per
field, and walking them cost 50 ms per term before any scoring.  `PfocrCodec`
writes each posting block's ids, weights and positions as separate raw
regions, so `arrays` turns a whole posting list into numpy arrays with one
loop over blocks.  Whoosh's own matchers still read these blocks (segment
merges, sloppy phrases, Whoosh's collectors) through `ArrayLeafMatcher`.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array

import numpy as np
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.columns import NumericColumn
from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length

from .whoosh_internals import (
    BlockCodec,
    BlockLeafMatcher,
    BlockPostingsWriter,
    fixed_column_bytes,
    perdoc_doc_count,
)

_BIG_ENDIAN = sys.byteorder == "big"
# As W3PerDocReader.doc_field_length answers: None for a zero byte.
_LENGTH_OR_NONE = [byte_to_length(i) if i else None for i in range(256)]


def little_endian(values: array) -> bytes:
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


class ArrayPositions(Positions):
    """Whoosh's Positions format, each posting's positions stored as
    little-endian uint32 rather than a pickled list of deltas: written and
    read without pickle, and a whole posting list's positions decode as one
    array for phrase matching (`arrays.term_positions`)."""

    def encode(self, poslist):
        return little_endian(array("I", poslist))

    def decode_positions(self, valuestring):
        return np.frombuffer(valuestring, dtype="<u4").tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4


# A block's data: weights mode (0: all 1, 1: all `const`, 2: float32 array),
# const, value bytes, value-size bytes; then count uint32 ids, the weights
# (mode 2), the values and their sizes.
_BLOCK = struct.Struct("<BfII")


def split_block(data: bytes, count: int, offset: int = 0):
    """(ids, weights, values, sizes) of one block's data starting at `offset`:
    arrays over `data` (no copy) and byte strings."""
    mode, const, nvalues, nsizes = _BLOCK.unpack_from(data, offset)
    at = offset + _BLOCK.size
    ids = np.frombuffer(data, dtype="<u4", count=count, offset=at)
    at += 4 * count
    if mode == 2:
        weights = np.frombuffer(data, dtype="<f4", count=count, offset=at)
        at += 4 * count
    else:
        weights = np.full(count, const, dtype=np.float32)
    return ids, weights, data[at:at + nvalues], data[at + nvalues:at + nvalues + nsizes]


class ArrayPostingsWriter(BlockPostingsWriter):
    """Writes each block's data as raw regions: ids and weights as little-endian
    uint32 and float32 (numpy reads them without a copy), then the values.
    Variable-size values (positions) are one zlib'd blob plus their sizes, so
    a reader that wants ids and weights never touches them."""

    def encode_block(self, ids, weights, values, variable):
        # array, not numpy: most blocks hold a handful of postings (rare
        # terms), where numpy's per-call cost was most of writing them.
        first = weights[0]
        if weights.count(first) == len(weights):
            mode, const, weight_bytes = (0 if first == 1.0 else 1), first, b""
        else:
            mode, const, weight_bytes = 2, 0.0, little_endian(weights)
        if variable:
            blob, sizes = zlib.compress(b"".join(values), 1), little_endian(array("I", map(len, values)))
        else:
            blob, sizes = b"".join(values), b""
        return b"".join((_BLOCK.pack(mode, const, len(blob), len(sizes)), little_endian(ids), weight_bytes,
                         blob, sizes))


class ArrayLeafMatcher(BlockLeafMatcher):
    """Whoosh's block matcher over `ArrayPostingsWriter` blocks."""

    def decode_block(self, data, count):
        ids, weights, values, sizes = split_block(data, count)
        return ids, weights, (values, sizes)

    def decode_values(self, values, count):
        blob, sizes = values
        fixedsize = self.format.fixed_value_size()
        if fixedsize is None or fixedsize < 0:
            blob = zlib.decompress(blob)
            ends = np.cumsum(np.frombuffer(sizes, dtype="<u4")).tolist()
            return tuple(blob[a:b] for a, b in zip([0, *ends[:-1]], ends))
        if fixedsize == 0:
            return (None,) * count
        return tuple(blob[i:i + fixedsize] for i in range(0, len(blob), fixedsize))


def read_numeric_column(perdoc, column: str, typecode: str, doccount: int) -> np.ndarray | None:
    """A fixed-width numeric column of one segment as an array (None if absent)."""
    if not perdoc.has_column(column):
        return None
    raw, count, default = fixed_column_bytes(perdoc.column_reader(column, NumericColumn(typecode)), doccount)
    values = np.frombuffer(raw, dtype=">" + typecode)
    out = np.full(doccount, default, dtype=values.dtype.newbyteorder("="))
    out[:count] = values
    return out


class LengthCachingReader(W3PerDocReader):
    """Remembers which length columns a segment lacks, and its field lengths.

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

    def has_column(self, fieldname):
        if fieldname not in self.known_columns:
            self.known_columns[fieldname] = super().has_column(fieldname)
        return self.known_columns[fieldname]

    def doc_field_length(self, docnum, fieldname, default=0):
        lengths = self.field_length_lists.get(fieldname)
        if lengths is None:
            codes = read_numeric_column(self, f"_{fieldname}_len", "B", perdoc_doc_count(self))
            lengths = self.field_length_lists[fieldname] = False if codes is None else \
                [_LENGTH_OR_NONE[c] for c in codes.tolist()]
        return default if lengths is False else lengths[docnum]


class PfocrCodec(BlockCodec):
    """Whoosh's W3 codec with array posting blocks and `LengthCachingReader`.

    Segments pickle a reference to their codec, so this class must stay
    importable under this name; a change to the block format must change
    `config.STRUCTURE_VERSION`, so old indexes are rebuilt rather than misread.
    """

    writer_class = ArrayPostingsWriter
    matcher_class = ArrayLeafMatcher
    perdoc_class = LengthCachingReader

    # Blocks of 1024 postings, not Whoosh's 128: array reads pay a fixed
    # cost per block (length, pickled block info, header), measured at most
    # of a query's time with 128; Whoosh's own matchers only skip less finely.
    # inlinelimit=1: never inline a term's postings in the term table, so
    # every posting list is in blocks that `arrays` reads.
    def __init__(self, blocklimit=1024, compression=3, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)
