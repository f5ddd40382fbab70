"""The term dictionary: sorted keys in front-coded blocks, found by bisection.

Whoosh keeps a segment's terms in a hash file: each entry's key and term
info behind 8 bytes of lengths, a 12-byte hash slot at half load, and an
8-byte position for ordered access, about 125 bytes a term at 10,000
figures, where most terms are gene symbols, organism-qualified genes, ids
and figids.  This table writes entries in key order, each key sharing its
prefix with the one before (`BLOCK` entries a block, the first in full), and
finds a key by bisecting the blocks' first keys and reading one block.  The
term info bytes are Whoosh's own, so Whoosh reads a term's weight and
document frequency from their positions as before.

`TermTableWriter` and `TermTableReader` offer what Whoosh's W3 field writer,
terms reader and field cursor ask of their `OrderedHashWriter` and
`OrderedHashReader`; a position (`closest_key_pos`) is an entry's offset in
the file, and the next entry starts where an entry's value ends.
"""

from __future__ import annotations

import json
import struct
from bisect import bisect_right
from typing import Any, Iterator

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.varints import varint

from ..errors import IndexNotFoundError

#: Entries a block.  On a 10,000-figure segment's 132,000 terms: 8 took 47.1 bytes
#: a term and 7.6 us a lookup, 16 44.6 bytes and 10.7 us, 32 43.4 bytes and 16.7 us.
BLOCK = 16
_MAGIC = b"PFT1"
# Entry: bytes shared with the previous key (0 at a block's start), suffix
# length, value length; then the suffix and the value.  A length of _LONG or
# more is written as _LONG, with the length in 4 bytes after the entry head
# (no analyzer caps a token's length: one journal name is one token).
_ENTRY = struct.Struct("<BHH")
_LONG = 0xFFFF
_LENGTH = struct.Struct("<I")
# Footer: where the block positions, first-key offsets, first keys and extras
# start; entry count; magic.
_FOOTER = struct.Struct("<QQQQQ4s")
_POSITION = np.dtype("<u8")
#: Keys a reader remembers having looked up (each about 150 bytes), forgotten all at once.
_FOUND_LIMIT = 4096
_OFFSET = np.dtype("<u4")


def _shared(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b), 255)
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class TermTableWriter:
    """Writes (key, value) pairs given in increasing key order."""

    def __init__(self, dbfile) -> None:
        self.dbfile = dbfile
        self.extras: dict[str, Any] = {}
        self.count = 0
        self.lastkey = b""
        self.positions: list[int] = []
        self.firsts: list[bytes] = []

    def add(self, key: bytes, value: bytes) -> None:
        if self.count and key <= self.lastkey:
            raise ValueError(f"keys must increase: {self.lastkey!r}..{key!r}")
        if self.count % BLOCK:
            shared = _shared(self.lastkey, key)
        else:
            shared = 0
            self.positions.append(self.dbfile.tell())
            self.firsts.append(key)
        suffix = key[shared:]
        lengths = [len(suffix), len(value)]
        head = _ENTRY.pack(shared, *(min(n, _LONG) for n in lengths))
        head += b"".join(_LENGTH.pack(n) for n in lengths if n >= _LONG)
        self.dbfile.write(head + suffix + value)
        self.lastkey = key
        self.count += 1

    def close(self) -> None:
        f = self.dbfile
        offsets = np.cumsum([0] + [len(k) for k in self.firsts], dtype=np.int64).astype(_OFFSET)
        starts = []
        for data in (np.array(self.positions, dtype=_POSITION).tobytes(), offsets.tobytes(), b"".join(self.firsts),
                     json.dumps(self.extras, sort_keys=True).encode()):
            starts.append(f.tell())
            f.write(data)
        f.write(_FOOTER.pack(*starts, self.count, _MAGIC))
        f.close()


class _FirstKeys:
    """The blocks' first keys as a sequence, sliced from one buffer on demand."""

    def __init__(self, offsets: np.ndarray, data: bytes) -> None:
        self.offsets, self.data = offsets.tolist(), data

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> bytes:
        return self.data[self.offsets[i]:self.offsets[i + 1]]


class TermTableReader:
    """Looks up and iterates what `TermTableWriter` wrote."""

    def __init__(self, dbfile, length: int) -> None:
        self.dbfile = dbfile
        *starts, self.count, magic = _FOOTER.unpack(dbfile.get(length - _FOOTER.size, _FOOTER.size))
        if magic != _MAGIC:
            raise IndexNotFoundError("a segment's term dictionary is not pfocr-search's "
                                     "(damaged, or written by another release): rebuild the index")
        ends = starts[1:] + [length - _FOOTER.size]
        region = [dbfile.get(s, e - s) for s, e in zip(starts, ends)]
        self.positions = np.frombuffer(region[0], dtype=_POSITION).tolist()
        self.firsts = _FirstKeys(np.frombuffer(region[1], dtype=_OFFSET), region[2])
        self.extras = json.loads(region[3])
        self.end = starts[0]  # entries end where the block positions begin
        # The last block read, replaced whole (threads may share a reader):
        # a cursor walks a block's entries one call at a time.
        self.last: tuple[int, list[tuple[bytes, int, int, int]]] = (-1, [])
        self.found: dict[bytes, tuple[int, int] | None] = {}

    # -- what Whoosh's terms reader asks ----------------------------------------

    def __contains__(self, key: bytes) -> bool:
        return self._find(key) is not None

    def __getitem__(self, key: bytes) -> bytes:
        datapos, datalen = self.range_for_key(key)
        return self.dbfile.get(datapos, datalen)

    def range_for_key(self, key: bytes) -> tuple[int, int]:
        found = self._find(key)
        if found is None:
            raise KeyError(key)
        return found

    def keys(self) -> Iterator[bytes]:
        return (key for key, _, _ in self._entries(0))

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        return ((key, self.dbfile.get(pos, n)) for key, pos, n in self._entries(0))

    def keys_from(self, key: bytes) -> Iterator[bytes]:
        return (k for k, _, _ in self._entries_from(key))

    def items_from(self, key: bytes) -> Iterator[tuple[bytes, bytes]]:
        return ((k, self.dbfile.get(pos, n)) for k, pos, n in self._entries_from(key))

    # -- what Whoosh's field cursor asks ------------------------------------------

    def closest_key_pos(self, key: bytes) -> int | None:
        """The position of `key`, or of the first key after it (None past the end)."""
        block = self._block_of(key)
        for k, _, _, entry in self._block_entries(block):
            if k >= key:
                return entry
        return self.positions[block + 1] if block + 1 < len(self.positions) else None

    def key_and_range_at(self, pos: int) -> tuple[bytes, int, int] | None:
        if pos >= self.end:
            return None
        block = bisect_right(self.positions, pos) - 1
        for key, datapos, datalen, entry in self._block_entries(block):
            if entry == pos:
                return key, datapos, datalen
        raise KeyError(pos)

    def close(self) -> None:
        self.dbfile.close()

    # -- blocks -------------------------------------------------------------------------

    def _block_of(self, key: bytes) -> int:
        return max(bisect_right(self.firsts, key) - 1, 0)

    def _block_entries(self, block: int) -> list[tuple[bytes, int, int, int]]:
        """(key, value position, value length, entry position) of one block's entries."""
        number, entries = self.last
        if number != block:
            entries = self._read_block(block) if block < len(self.positions) else []
            self.last = (block, entries)
        return entries

    def _read_block(self, block: int) -> list[tuple[bytes, int, int, int]]:
        start = self.positions[block]
        end = self.positions[block + 1] if block + 1 < len(self.positions) else self.end
        data = self.dbfile.get(start, end - start)
        entries, at, key, size = [], 0, b"", _ENTRY.size
        while at < len(data):
            shared, suffix_length, value_length = _ENTRY.unpack_from(data, at)
            body = at + size
            if suffix_length == _LONG:
                suffix_length, body = _LENGTH.unpack_from(data, body)[0], body + _LENGTH.size
            if value_length == _LONG:
                value_length, body = _LENGTH.unpack_from(data, body)[0], body + _LENGTH.size
            key = key[:shared] + data[body:body + suffix_length]
            datapos = body + suffix_length
            entries.append((key, start + datapos, value_length, start + at))
            at = datapos + value_length
        return entries

    def _find(self, key: bytes) -> tuple[int, int] | None:
        # A query asks for each of its terms more than once (postings, then
        # idf) in each segment, and the next query asks for the same common
        # words: a lookup decoded a block of entries in Python each time.
        try:
            return self.found[key]
        except KeyError:
            pass
        found = self._look_up(key)
        if len(self.found) >= _FOUND_LIMIT:
            self.found = {}
        self.found[key] = found
        return found

    def _look_up(self, key: bytes) -> tuple[int, int] | None:
        if not self.positions:
            return None
        for k, datapos, datalen, _ in self._block_entries(self._block_of(key)):
            if k == key:
                return datapos, datalen
            if k > key:
                return None
        return None

    def _entries(self, block: int) -> Iterator[tuple[bytes, int, int]]:
        for b in range(block, len(self.positions)):
            for key, datapos, datalen, _ in self._block_entries(b):
                yield key, datapos, datalen

    def _entries_from(self, key: bytes) -> Iterator[tuple[bytes, int, int]]:
        if not self.positions:
            return
        for k, datapos, datalen in self._entries(self._block_of(key)):
            if k >= key:
                yield k, datapos, datalen


# -- term info --------------------------------------------------------------------------

_WEIGHTS = struct.Struct("<ff")


def pack_terminfo(info: W3TermInfo) -> bytes:
    """A term's info in about 15 bytes (Whoosh's takes 35): whole-number
    weights (a flag), length bytes as Whoosh encodes them, then document
    frequency, first id + 1 (0: none), last id - first id, posting offset and
    length, and the two weights, as varints (float32 weights follow if not whole)."""
    if info.is_inlined():
        raise ValueError("the codec never inlines postings in the term dictionary")
    weight, maxweight, minid, maxid = info.weight(), info.max_weight(), info.min_id(), info.max_id()
    whole = all(float(w).is_integer() and 0 <= w < 1 << 32 for w in (weight, maxweight))
    minlength = info.min_length()
    head = bytes([whole, 0 if minlength is None else length_to_byte(minlength), length_to_byte(info.max_length())])
    offset, length = info.extent()
    numbers = [info.doc_frequency(), 0 if minid is None else minid + 1,
               0 if minid is None else maxid - minid, offset, length]
    if whole:
        numbers += [int(weight), int(maxweight)]
    tail = b"" if whole else _WEIGHTS.pack(weight, maxweight)
    return head + b"".join(map(varint, numbers)) + tail


def unpack_terminfo(data: bytes) -> W3TermInfo:
    """What `pack_terminfo` packed, as Whoosh's W3TermInfo would read it back."""
    whole = data[0]
    numbers, at = [], 3
    for _ in range(7 if whole else 5):
        value, shift = 0, 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        numbers.append(value)
    df, first, span, offset, length = numbers[:5]
    weight, maxweight = (float(numbers[5]), float(numbers[6])) if whole else _WEIGHTS.unpack_from(data, at)
    minid = first - 1 if first else None
    info = W3TermInfo(weight, df, byte_to_length(data[1]), byte_to_length(data[2]), maxweight, minid,
                      None if minid is None else minid + span)
    info.set_extent(offset, length)
    return info

