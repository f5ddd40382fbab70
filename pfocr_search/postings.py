"""Posting lists, field lengths and columns as arrays.

Whoosh reads postings one document at a time through Python matcher objects:
at 100,000 figures a common word ("signaling") has ~60,000 postings per
field, and walking them cost 50 ms per term before any scoring.  Here the
same segments are written by `PfocrCodec`, whose posting blocks keep ids,
weights and positions as separate byte strings, so a whole posting list
becomes two numpy arrays with one loop over blocks and no per-posting
Python.  Whoosh's own matchers still read these blocks (segment merges,
sloppy phrases, Whoosh's collectors), through `ArrayLeafMatcher`.

Field lengths, numeric columns and deletions are cached on the segment
reader they came from: segments never change once written, and a reader
lives as long as its searcher.  Postings are read anew for every query.
"""

from __future__ import annotations

import io
import marshal
import pickle
import struct
import sys
import zlib
from array import array

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3LeafMatcher, W3PerDocReader, W3PostingsWriter
from whoosh.columns import NumericColumn
from whoosh.compat import dumps
from whoosh.formats import Positions
from whoosh.system import unpack_int
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool

#: Decoded field length for each of Whoosh's one-byte length codes.
_LENGTH_OF_BYTE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
# As W3PerDocReader.doc_field_length answers: None for a zero byte.
_LENGTH_OR_NONE = [byte_to_length(i) if i else None for i in range(256)]
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_BIG_ENDIAN = sys.byteorder == "big"
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)


class ArrayPositions(Positions):
    """Whoosh's Positions format, each posting's positions stored as
    little-endian uint32 rather than a pickled list of deltas: written and
    read without pickle, and a whole posting list's positions decode as one
    array for phrase matching (`term_positions`)."""

    def encode(self, poslist):
        return _little_endian(array("I", poslist))

    def decode_positions(self, valuestring):
        return np.frombuffer(valuestring, dtype="<u4").tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4


# A block's data: weights mode (0: all 1, 1: all `const`, 2: float32 array),
# const, value bytes, value-size bytes; then count uint32 ids, the weights
# (mode 2), the values and their sizes.
_BLOCK = struct.Struct("<BfII")


def _variable_size(format_) -> bool:
    """Whether a format's posting values vary in size (positions do)."""
    fixedsize = format_.fixed_value_size()
    return fixedsize is None or fixedsize < 0


class ArrayPostingsWriter(W3PostingsWriter):
    """Writes each block's data as raw regions: ids and weights as little-endian
    uint32 and float32 (numpy reads them without a copy), then the values.
    Variable-size values (positions) are one zlib'd blob plus their sizes, so
    a reader that wants ids and weights never touches them."""

    # Whoosh's add_posting checks every argument's type; the writer's own
    # pool is the only caller, and the checks were ~10% of writing postings.
    def add_posting(self, id_, weight, vbytes, length=None):
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        # array, not numpy: most blocks hold a handful of postings (rare
        # terms), where numpy's per-call cost was most of writing them.
        ids, weights = self._ids, self._weights
        first = weights[0]
        if weights.count(first) == len(weights):
            mode, const, weight_bytes = (0 if first == 1.0 else 1), first, b""
        else:
            mode, const, weight_bytes = 2, 0.0, _little_endian(weights)
        values, sizes = self._pack_values()
        data = b"".join((_BLOCK.pack(mode, const, len(values), len(sizes)), _little_endian(ids), weight_bytes,
                         values, sizes))
        info = dumps((len(ids), ids[-1], self._maxweight, 0, length_to_byte(self._minlength),
                      length_to_byte(self._maxlength)), 2)
        size = len(info) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def _pack_values(self) -> tuple[bytes, bytes]:
        if _variable_size(self._format):
            return zlib.compress(b"".join(self._values), 1), _little_endian(array("I", map(len, self._values)))
        return b"".join(self._values), b""


def _little_endian(values: array) -> bytes:
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _split_block(data: bytes, count: int, offset: int = 0):
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


class ArrayLeafMatcher(W3LeafMatcher):
    """Whoosh's block matcher over `ArrayPostingsWriter` blocks."""

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = _split_block(data, self._blocklength)

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = self._data[0].tolist()

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = array("f", self._data[1].tolist())

    def _read_values(self):
        if self._data is None:
            self._read_data()
        _, _, values, sizes = self._data
        fixedsize = self.format.fixed_value_size()
        if _variable_size(self.format):
            blob = zlib.decompress(values)
            ends = np.cumsum(np.frombuffer(sizes, dtype="<u4")).tolist()
            self._values = tuple(blob[a:b] for a, b in zip([0, *ends[:-1]], ends))
        elif fixedsize == 0:
            self._values = (None,) * self._blocklength
        else:
            self._values = tuple(values[i:i + fixedsize] for i in range(0, len(values), fixedsize))


class _ColumnCachingReader(W3PerDocReader):
    """Remembers which length columns a segment lacks.

    Whoosh asks for a field's length column for every posting it writes and,
    for a field that has none (IDs, numbers, keywords, spelling words), asks
    the filesystem again each time: a stat() per posting, measured at 40% of
    a build.  A segment's files never change once written, so the answer can
    be kept.
    """

    def has_column(self, fieldname):
        known = self.__dict__.setdefault("_has_column", {})
        if fieldname not in known:
            known[fieldname] = super().has_column(fieldname)
        return known[fieldname]

    # Writing a segment's postings asks for a document's field length once
    # per posting (~20 million at 100,000 figures); a list per field answers
    # without Whoosh's column read and byte decoding each time.
    def doc_field_length(self, docnum, fieldname, default=0):
        known = self.__dict__.setdefault("_length_lists", {})
        lengths = known.get(fieldname)
        if lengths is None:
            codes = _read_numeric_column(self, f"_{fieldname}_len", "B", self._doccount)
            lengths = known[fieldname] = False if codes is None else [_LENGTH_OR_NONE[c] for c in codes.tolist()]
        return default if lengths is False else lengths[docnum]


class PfocrCodec(W3Codec):
    """Whoosh's W3 codec with array posting blocks and `_ColumnCachingReader`.

    Segments pickle a reference to their codec, so this class must stay
    importable under this name; a change to the block format must change
    `config.STRUCTURE_VERSION`, so old indexes are rebuilt rather than misread.
    """

    # Blocks of 1024 postings, not Whoosh's 128: array reads pay a fixed
    # cost per block (length, pickled block info, header), measured at most
    # of a query's time with 128; Whoosh's own matchers only skip less finely.
    def __init__(self, blocklimit=1024, compression=3, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:  # term vectors (not used by our schema) keep Whoosh's blocks
            return super().postings_writer(dbfile, byteids=True)
        return ArrayPostingsWriter(dbfile, blocklimit=self._blocklimit, compression=self._compression,
                                   inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return ArrayLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def per_document_reader(self, storage, segment):
        return _ColumnCachingReader(storage, segment)


class ChunkedPostingPool(PostingPool):
    """Whoosh's posting pool, spilling sorted runs in chunks.

    When a segment's postings outgrow the writer's memory limit, Whoosh
    writes them to a run file with one marshal.dump per posting and reads
    them back one marshal.load at a time: at 20,000 figures that per-posting
    Python made writing 40% slower than with no spill at all.  Runs here are
    written and read 20,000 postings per call.
    """

    CHUNK = 20_000

    # Whoosh's add() asserts types and sizes every posting by its parts; the
    # same estimate, without the checks, once per posting of every document.
    def add(self, item):
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items):
        for start in range(0, len(items), self.CHUNK):
            marshal.dump(items[start:start + self.CHUNK], f)
        f.close()

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


def use_chunked_pool(writer, limitmb: int) -> None:
    """Give a fresh Whoosh SegmentWriter a `ChunkedPostingPool` (before any document)."""
    writer.pool = ChunkedPostingPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)


def cached(reader, key: str, build):
    """`build()`, computed once per reader (readers see a fixed set of segments)."""
    cache = reader.__dict__.setdefault("_pfocr_arrays", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def term_postings(reader, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a term in one segment, deleted documents included."""
    raw = _raw_postings(reader, fieldname, tbytes)
    if raw is None:
        return _matcher_postings(reader, fieldname, tbytes)
    ids, weights, _ = _read_blocks(raw, positions=False)
    return ids, weights


def term_positions(reader, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(document numbers, weights, (docnum << 32 | position) of every occurrence)
    of a term in one segment; None if the field's positions are not `ArrayPositions`."""
    if not isinstance(reader.schema[fieldname].format, ArrayPositions):
        return None
    raw = _raw_postings(reader, fieldname, tbytes)
    if raw is None:
        return None
    return _read_blocks(raw, positions=True)


def _raw_postings(reader, fieldname: str, tbytes: bytes) -> bytes | None:
    """A term's whole posting list as bytes (b"" if absent); None where it is
    not in `PfocrCodec` blocks (inlined, or another codec)."""
    if (fieldname, tbytes) not in reader:
        return b""
    terminfo = reader.term_info(fieldname, tbytes)
    if terminfo.is_inlined() or not isinstance(reader.codec(), PfocrCodec):
        return None
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct.unpack's tuple
        length = length[0]
    return reader._terms._postfile.get(offset, length)


def _read_blocks(raw: bytes, positions: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Decode a whole posting list: [magic] then blocks of [int length][info][data]."""
    if not raw:
        return _EMPTY_IDS, _EMPTY_WEIGHTS, _EMPTY_IDS if positions else None
    stream = io.BytesIO(raw)
    stream.seek(4)
    ids, weights, blobs, sizes = [], [], [], []
    end = len(raw)
    while stream.tell() < end:
        start = stream.tell()
        size = abs(unpack_int(stream.read(4))[0])
        count = pickle.load(stream)[0]
        block_ids, block_weights, values, value_sizes = _split_block(raw, count, stream.tell())
        ids.append(block_ids)
        weights.append(block_weights)
        if positions:
            blobs.append(zlib.decompress(values))
            sizes.append(np.frombuffer(value_sizes, dtype="<u4"))
        stream.seek(start + 4 + size)
    docs = np.concatenate(ids).astype(np.int64)
    if not positions:
        return docs, np.concatenate(weights).astype(np.float64), None
    where = np.frombuffer(b"".join(blobs), dtype="<u4").astype(np.int64)
    owners = np.repeat(docs, np.concatenate(sizes) // 4)
    return docs, np.concatenate(weights).astype(np.float64), (owners << 32) | where


def _matcher_postings(reader, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    m = reader.postings(fieldname, tbytes)
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Each document's length of a field in one segment, as Whoosh scores it
    (decoded from its one-byte code, so equal to ``doc_field_length``)."""
    def read() -> np.ndarray:
        codes = numeric_column(reader, f"_{fieldname}_len", "B")
        return _LENGTH_OF_BYTE[codes] if codes is not None else np.ones(reader.doc_count_all())

    return cached(reader, f"lengths:{fieldname}", read)


def numeric_column(reader, column: str, typecode: str) -> np.ndarray | None:
    """A fixed-width numeric column of one segment as an array (None if absent)."""
    return cached(reader, f"column:{column}",
                  lambda: _read_numeric_column(reader._perdoc, column, typecode, reader.doc_count_all()))


def numeric_values(top_reader, column: str, typecode: str) -> np.ndarray | None:
    """A numeric column over every segment of a reader, by global docnum."""
    parts = [numeric_column(leaf, column, typecode) for leaf, _ in top_reader.leaf_readers()]
    if any(part is None for part in parts):
        return None
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _read_numeric_column(perdoc, column: str, typecode: str, doccount: int) -> np.ndarray | None:
    if not perdoc.has_column(column):
        return None
    col = perdoc.column_reader(column, NumericColumn(typecode))
    count = min(col._count, doccount)
    values = np.frombuffer(col._dbfile.get(col._basepos, count * col._fixedlen), dtype=">" + typecode)
    out = np.full(doccount, col._default, dtype=values.dtype.newbyteorder("="))
    out[:count] = values
    return out


def live_mask(reader) -> np.ndarray | None:
    """Which documents of one segment are not deleted (None: none are)."""
    if not reader.has_deletions():
        return None

    def read() -> np.ndarray:
        live = np.ones(reader.doc_count_all(), dtype=bool)
        live[list(reader.deleted_docs_set)] = False
        return live

    return cached(reader, "live", read)
