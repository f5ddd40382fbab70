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
from dataclasses import dataclass
from itertools import chain, pairwise

import numpy as np
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from .perdoc import PerDocReader, PerDocWriter
from .terms import TermTableReader, TermTableWriter, pack_terminfo, unpack_terminfo
from .whoosh_internals.blocks import BlockLeafMatcher, BlockPostingsWriter
from .whoosh_internals.tables import BlockCodec

_BIG_ENDIAN = sys.byteorder == "big"


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

    def word_values(self, value, analyzer, **kwargs):
        # An analyzer that can list each term's positions at once is spared
        # Whoosh's token-by-token walk: a quarter of indexing a record.
        positions_by_term = getattr(analyzer, "positions_by_term", None)
        if positions_by_term is None or not isinstance(value, str) or kwargs.keys() - {"mode"}:
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, poslist in positions_by_term(value, kwargs.get("mode", "")).items():
            yield term, len(poslist), len(poslist) * boost, self.encode(poslist)

    def index_columns(self, value, analyzer) -> tuple[list[str], int, list, list[int], bytes] | None:
        """What `FieldType.index` yields for `value`, as columns: terms, the
        frequencies' sum, weights, value sizes and the values end to end (None
        where the analyzer cannot list positions by term).  The build's path."""
        positions_by_term = getattr(analyzer, "positions_by_term", None)
        if positions_by_term is None or not isinstance(value, str):
            return None
        found = positions_by_term(value, "index")
        counts = list(map(len, found.values()))
        boost = self.field_boost
        return (list(found), sum(counts), counts if boost == 1 else [n * boost for n in counts],
                [4 * n for n in counts], little_endian(array("I", chain.from_iterable(found.values()))))

    def encode(self, poslist):
        return little_endian(array("I", poslist))

    def decode_positions(self, valuestring):
        return np.frombuffer(valuestring, dtype="<u4").tolist()

    def decode_frequency(self, valuestring):
        return len(valuestring) // 4


# A block's data: a head of three bytes (id width, weight mode, values kind),
# then the parts the head announces.  At 10,000 figures most of 166,000 terms
# had one posting, where fixed-width uint32s, pickled block infos and zlib
# streams of four bytes were most of the postings file: ids are now the first
# id plus gaps in the narrowest width that holds them, integer weights bytes,
# positions gaps per posting, and a Frequency value (the count the weight
# already holds) is not stored at all.
_HEAD = struct.Struct("<BBB")
_WEIGHTS_ONE, _WEIGHTS_CONST, _WEIGHTS_FLOAT, _WEIGHTS_BYTE = range(4)
_VALUES_NONE, _VALUES_FIXED, _VALUES_VARIABLE, _VALUES_POSITIONS, _VALUES_FREQUENCY = range(5)
_TYPECODE = {1: "B", 2: "H", 4: "I"}
_DTYPE = {1: np.dtype("<u1"), 2: np.dtype("<u2"), 4: np.dtype("<u4")}
_DTYPE_F32 = np.dtype("<f4")
_U32 = struct.Struct("<I")
_F32 = struct.Struct("<f")
assert array("I").itemsize == 4 and array("H").itemsize == 2


def _width(largest: int) -> int:
    return 1 if largest < 0x100 else 2 if largest < 0x10000 else 4


def _packed(values, width: int) -> bytes:
    return little_endian(array(_TYPECODE[width], values))


def _encode_weights(weights: array) -> tuple[int, bytes]:
    first = weights[0]
    if weights.count(first) == len(weights):
        return (_WEIGHTS_ONE, b"") if first == 1.0 else (_WEIGHTS_CONST, _F32.pack(first))
    try:
        counts = bytes(map(int, weights))
    except ValueError:  # a weight over 255 or below 0
        return _WEIGHTS_FLOAT, little_endian(weights)
    if array("f", iter(counts)) != weights:  # not whole numbers
        return _WEIGHTS_FLOAT, little_endian(weights)
    return _WEIGHTS_BYTE, counts


def _encode_positions(values: list[bytes], weights: array) -> bytes:
    """Each posting's position count, then every posting's positions as gaps
    (the first from 0), each part in the narrowest width that holds it.  The
    counts are left out (width 0) when they equal the weights, as a field's
    term frequencies do, unboosted: one byte a posting of every text field."""
    counts = array("I", [len(v) >> 2 for v in values])
    flat = array("I", b"".join(values))
    if _BIG_ENDIAN:
        flat.byteswap()
    if len(flat) <= _SMALL:  # most blocks: numpy's per-call cost is more than the loop
        gaps, at = array("I"), 0
        for count in counts:
            previous = 0
            for position in flat[at:at + count]:
                gaps.append(position - previous)
                previous = position
            at += count
        largest = max(gaps, default=0)
    else:
        every = np.frombuffer(flat, dtype=np.uint32).astype(np.int64)
        gaps = np.empty_like(every)
        gaps[0] = every[0]
        np.subtract(every[1:], every[:-1], out=gaps[1:])
        sizes = np.frombuffer(counts, dtype=np.uint32)
        starts = (np.cumsum(sizes, dtype=np.int64) - sizes)[sizes > 0]
        gaps[starts] = every[starts]
        largest = int(gaps.max())
    gap_width = _width(largest)
    gap_bytes = gaps.astype(_DTYPE[gap_width]).tobytes() if isinstance(gaps, np.ndarray) else _packed(gaps, gap_width)
    if array("f", counts) == weights:
        return bytes((_COUNTS_ARE_WEIGHTS, gap_width)) + gap_bytes
    count_width = _width(max(counts))
    return bytes((count_width, gap_width)) + _packed(counts, count_width) + gap_bytes


#: A count width of 0: each posting's position count is its weight.
_COUNTS_ARE_WEIGHTS = 0
#: An id width of 0: every gap is 0 (spelling words, all under document 0).
_ALL_ZERO = 0


#: Blocks up to this many values are encoded with Python loops, larger ones with numpy.
_SMALL = 128


def _encode_values(ids: array, values: list[bytes], weights: array, format_) -> tuple[int, bytes]:
    if not values:
        return _VALUES_NONE, b""
    if isinstance(format_, ArrayPositions):
        return _VALUES_POSITIONS, _encode_positions(values, weights)
    blob = b"".join(values)
    if isinstance(format_, Frequency):
        if len(ids) > 1 and ids[-1] == 0:
            # Spelling words (the only repeated ids: Whoosh files them under document 0),
            # each with a stray value of its parent field's that nothing decodes.
            return _VALUES_FREQUENCY, b""
        counts = array("I", map(int, weights))
        if not _BIG_ENDIAN:
            counts.byteswap()  # pack_uint is big-endian
        if counts.tobytes() == blob:
            return _VALUES_FREQUENCY, b""
    # Fixed-size formats only when every value has that size: Whoosh writes a
    # spelling field's words with its parent field's (position) values.
    size = format_.fixed_value_size()
    if size is not None and size >= 0 and len(blob) == size * len(values):
        return _VALUES_FIXED, _U32.pack(len(blob)) + blob
    blob, sizes = zlib.compress(blob, 1), little_endian(array("I", map(len, values)))
    return _VALUES_VARIABLE, _U32.pack(len(blob)) + _U32.pack(len(sizes)) + blob + sizes


def encode_block(ids: array, weights: array, values: list[bytes], format_) -> bytes:
    if len(ids) > _SMALL:
        every = np.frombuffer(ids, dtype=np.uint32)
        gaps = every[1:] - every[:-1]
        largest = int(gaps.max())
    else:
        gaps = [b - a for a, b in pairwise(ids)]
        largest = max(gaps, default=0)
    id_width = _width(largest) if largest else _ALL_ZERO
    if not largest:
        gap_bytes = b""
    elif isinstance(gaps, np.ndarray):
        gap_bytes = gaps.astype(_DTYPE[id_width]).tobytes()
    else:
        gap_bytes = _packed(gaps, id_width)
    weight_mode, weight_bytes = _encode_weights(weights)
    values_kind, value_bytes = _encode_values(ids, values, weights, format_)
    return b"".join((_HEAD.pack(id_width, weight_mode, values_kind), _U32.pack(ids[0]), gap_bytes, weight_bytes,
                     value_bytes))


@dataclass(frozen=True)
class RawBlock:
    """One block's regions as stored, running sums not yet undone: a reader
    of a whole posting list joins its blocks first and undoes them once (per
    block, numpy's call overhead was most of a phrase query's time)."""

    first: int
    gaps: np.ndarray
    weights: np.ndarray
    values_kind: int
    counts: np.ndarray | None = None
    position_gaps: np.ndarray | None = None
    blob: bytes = b""
    sizes: bytes = b""


def _read(data: bytes, dtype: np.dtype, count: int, at: int) -> tuple[np.ndarray, int]:
    return np.frombuffer(data, dtype=dtype, count=count, offset=at), at + count * dtype.itemsize


def read_block(data: bytes, count: int, offset: int = 0, positions: bool = True) -> RawBlock:
    """One block's regions, from its data starting at `offset` (positions only if asked)."""
    id_width, weight_mode, values_kind = _HEAD.unpack_from(data, offset)
    at = offset + _HEAD.size
    first = _U32.unpack_from(data, at)[0]
    if id_width == _ALL_ZERO:
        gaps, at = np.zeros(count - 1, dtype=np.uint8), at + 4
    else:
        gaps, at = _read(data, _DTYPE[id_width], count - 1, at + 4)
    if weight_mode == _WEIGHTS_FLOAT:
        weights, at = _read(data, _DTYPE_F32, count, at)
    elif weight_mode == _WEIGHTS_BYTE:
        weights, at = _read(data, _DTYPE[1], count, at)
    else:
        const = _F32.unpack_from(data, at)[0] if weight_mode == _WEIGHTS_CONST else 1.0
        at += 4 if weight_mode == _WEIGHTS_CONST else 0
        weights = np.full(count, const, dtype=np.float32)
    if values_kind == _VALUES_POSITIONS and positions:
        count_width, gap_width = data[at], data[at + 1]
        if count_width == _COUNTS_ARE_WEIGHTS:
            counts, at = weights.astype(np.int64), at + 2
        else:
            counts, at = _read(data, _DTYPE[count_width], count, at + 2)
        position_gaps, _ = _read(data, _DTYPE[gap_width], int(counts.sum(dtype=np.int64)), at)
        return RawBlock(first, gaps, weights, values_kind, counts, position_gaps)
    if values_kind == _VALUES_FIXED:
        size = _U32.unpack_from(data, at)[0]
        return RawBlock(first, gaps, weights, values_kind, blob=data[at + 4:at + 4 + size])
    if values_kind == _VALUES_VARIABLE:
        nblob, nsizes = _U32.unpack_from(data, at)[0], _U32.unpack_from(data, at + 4)[0]
        at += 8
        return RawBlock(first, gaps, weights, values_kind, blob=data[at:at + nblob],
                        sizes=data[at + nblob:at + nblob + nsizes])
    return RawBlock(first, gaps, weights, values_kind)


def join_blocks(blocks: list[RawBlock], lasts: list[int], positions: bool):
    """(ids, weights, counts, position gaps) of a whole posting list from its
    blocks in order; `lasts` are each block's last id (its block info holds
    it).  `undo_gaps` turns the gaps into positions."""
    sizes = np.array([len(b.weights) for b in blocks], dtype=np.int64)
    starts = np.cumsum(sizes) - sizes
    deltas = np.empty(int(sizes.sum()), dtype=np.int64)
    inner = np.ones(deltas.size, dtype=bool)
    inner[starts] = False
    deltas[inner] = np.concatenate([b.gaps for b in blocks])
    deltas[starts] = np.array([b.first for b in blocks], dtype=np.int64) - np.array([0, *lasts[:-1]], dtype=np.int64)
    ids = np.cumsum(deltas)
    weights = np.concatenate([b.weights for b in blocks]).astype(np.float64)
    if not positions:
        return ids, weights, None, None
    counts = np.concatenate([b.counts for b in blocks]).astype(np.int64)
    return ids, weights, counts, np.concatenate([b.position_gaps for b in blocks])


def undo_gaps(gaps: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions from per-posting gaps: a running sum restarted at each posting."""
    totals = np.cumsum(gaps, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    nonempty = counts > 0
    before = np.zeros(len(counts), dtype=np.int64)
    before[nonempty] = totals[starts[nonempty]] - gaps[starts[nonempty]]
    return totals - np.repeat(before, counts)


class ArrayPostingsWriter(BlockPostingsWriter):
    """Writes each block with `encode_block`: ids, weights and values as
    compact little-endian regions numpy reads in place."""

    def encode_block(self, ids, weights, values, format_):
        return encode_block(ids, weights, values, format_)


class ArrayLeafMatcher(BlockLeafMatcher):
    """Whoosh's block matcher over `ArrayPostingsWriter` blocks."""

    def decode_block(self, data, count):
        raw = read_block(data, count)
        ids, weights, counts, gaps = join_blocks([raw], [0], raw.values_kind == _VALUES_POSITIONS)
        positions = None if gaps is None else undo_gaps(gaps, counts)
        return ids, weights, (raw, weights, counts, positions)

    def decode_values(self, values, count):
        raw, weights, counts, positions = values
        if raw.values_kind == _VALUES_POSITIONS:
            ends = np.cumsum(counts).tolist()
            return tuple(little_endian(array("I", positions[a:b].tolist())) for a, b in zip([0, *ends[:-1]], ends))
        if raw.values_kind == _VALUES_FREQUENCY:
            return tuple(pack_uint(int(w)) for w in weights.tolist())
        if raw.values_kind == _VALUES_VARIABLE:
            blob = zlib.decompress(raw.blob)
            ends = np.cumsum(np.frombuffer(raw.sizes, dtype="<u4")).tolist()
            return tuple(blob[a:b] for a, b in zip([0, *ends[:-1]], ends))
        if raw.values_kind == _VALUES_FIXED:
            size = len(raw.blob) // count
            return tuple(raw.blob[i:i + size] for i in range(0, len(raw.blob), size))
        return (None,) * count


class PfocrCodec(BlockCodec):
    """Whoosh's W3 codec with array posting blocks, the per-document `PerDocWriter`
    and `PerDocReader`, and the term dictionary of `terms`.

    Segments pickle a reference to their codec, so this class must stay
    importable under this name; a change to the block format must change
    `config.STRUCTURE_VERSION`, so old indexes are rebuilt rather than misread.
    """

    writer_class = ArrayPostingsWriter
    matcher_class = ArrayLeafMatcher
    perdoc_class = PerDocReader
    perdoc_writer_class = PerDocWriter

    # Blocks of 1024 postings, not Whoosh's 128: array reads pay a fixed
    # cost per block (length, pickled block info, header), measured at most
    # of a query's time with 128; Whoosh's own matchers only skip less finely.
    # inlinelimit=1: never inline a term's postings in the term table, so
    # every posting list is in blocks that `arrays` reads.
    def __init__(self, blocklimit=1024, compression=3, inlinelimit=1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def table_writer(self, dbfile):
        return TermTableWriter(dbfile)

    def table_reader(self, dbfile, length: int):
        return TermTableReader(dbfile, length)

    def pack_terminfo(self, terminfo) -> bytes:
        return pack_terminfo(terminfo)

    def unpack_terminfo(self, data: bytes):
        return unpack_terminfo(data)
