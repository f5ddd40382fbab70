"""Stored fields in zlib blocks of a few documents, against a preset dictionary.

Whoosh stores each document's stored fields as a pickle zlib'd on its own.
A figure's record (about 5 KB of JSON) is too short for zlib to learn the
repeated keys and gene-entry shapes, and protocol-2 pickles write bytes as
latin-1 text, so a compressed blob grew by half again before being zlib'd a
second time.  `StoredBlocksColumn` pickles each document's fields once and
compresses `BLOCK` documents together, primed with a dictionary of real
records: at 100,000 figures, 1,290 bytes a record became about 860.
Reading one record inflates its block (about 0.05 ms); the last block read
is kept, so reading records in order inflates each block once.
"""

from __future__ import annotations

import functools
import pickle
import struct
import zlib
from importlib import resources
from typing import Any

import numpy as np
from whoosh.columns import Column, ColumnReader, ColumnWriter

from ..errors import IndexNotFoundError
from .unpickling import safe_loads

#: Documents per compressed block: 8 measured 16% smaller than 4 and inflates
#: in a third of 16's time (0.05 ms against 0.14 ms), for 3% more bytes.
BLOCK = 8
# Level 6: level 9 was 2% smaller for three times the build time.
_LEVEL = 6
#: Preset zlib dictionaries by Adler-32.  The file is frozen: a column names
#: its dictionary, so a new one is added under its own id, never written over.
_DICTIONARIES = {0x9524388F: "records.zdict"}
_DICTIONARY = 0x9524388F
# Footer: document count, documents per block, dictionary id.
_FOOTER = struct.Struct("<III")
_LENGTH = np.dtype("<u4")
_OFFSET = np.dtype("<u8")


@functools.cache
def dictionary(dict_id: int) -> bytes:
    """The preset dictionary a column names (IndexNotFoundError if unknown)."""
    name = _DICTIONARIES.get(dict_id)
    if name is None:
        raise IndexNotFoundError(
            f"stored records name compression dictionary {dict_id:#x}, unknown to this pfocr-search: "
            "the index was written by a newer release"
        )
    return (resources.files(__package__) / name).read_bytes()


class StoredBlocksColumn(Column):
    """A column of each document's stored fields (a dict, or None)."""

    def writer(self, dbfile):
        return _Writer(dbfile)

    def reader(self, dbfile, basepos, length, doccount, native=False):
        return _Reader(dbfile, basepos, length, doccount)


class _Writer(ColumnWriter):
    def __init__(self, dbfile):
        self.file = dbfile
        self.pending: list[bytes] = []
        self.count = 0
        self.offsets = [0]

    def add(self, docnum: int, value: dict[str, Any] | None) -> None:
        self.fill(docnum)
        self.append(pickle.dumps(value, protocol=5) if value else b"")

    def fill(self, docnum: int) -> None:
        while self.count < docnum:
            self.append(b"")

    def finish(self, doccount: int) -> None:
        self.fill(doccount)
        if self.pending:
            self.write_block()
        self.file.write(np.array(self.offsets, dtype=_OFFSET).tobytes())
        self.file.write(_FOOTER.pack(self.count, BLOCK, _DICTIONARY))

    def append(self, data: bytes) -> None:
        self.pending.append(data)
        self.count += 1
        if len(self.pending) == BLOCK:
            self.write_block()

    def write_block(self) -> None:
        lengths = np.array([len(v) for v in self.pending], dtype=_LENGTH).tobytes()
        packer = zlib.compressobj(_LEVEL, zdict=dictionary(_DICTIONARY))
        data = packer.compress(lengths + b"".join(self.pending)) + packer.flush()
        self.file.write(data)
        self.offsets.append(self.offsets[-1] + len(data))
        self.pending = []


class _Reader(ColumnReader):
    def __init__(self, dbfile, basepos: int, length: int, doccount: int):
        self.file = dbfile
        self.basepos = basepos
        self.doccount = doccount
        self.count, self.block, dict_id = _FOOTER.unpack(dbfile.get(basepos + length - _FOOTER.size, _FOOTER.size))
        self.zdict = dictionary(dict_id)
        nblocks = -(-self.count // self.block)
        size = (nblocks + 1) * _OFFSET.itemsize
        self.offsets = np.frombuffer(dbfile.get(basepos + length - _FOOTER.size - size, size), dtype=_OFFSET)
        # One (block number, values) pair, replaced whole, so threads sharing
        # a reader never see one block's number with another's values.
        self.last: tuple[int, list[bytes]] = (-1, [])

    def __len__(self) -> int:
        return self.doccount

    def __getitem__(self, docnum: int) -> dict[str, Any] | None:
        if docnum >= self.count:
            return None
        number, at = divmod(docnum, self.block)
        last_number, values = self.last
        if last_number != number:
            values = self.inflate(number)
            self.last = (number, values)
        return safe_loads(values[at]) if values[at] else None

    def __iter__(self):
        for docnum in range(self.doccount):
            yield self[docnum]

    def inflate(self, number: int) -> list[bytes]:
        start, end = int(self.offsets[number]), int(self.offsets[number + 1])
        unpacker = zlib.decompressobj(zdict=self.zdict)
        data = unpacker.decompress(self.file.get(self.basepos + start, end - start)) + unpacker.flush()
        count = min(self.block, self.count - number * self.block)
        lengths = np.frombuffer(data, dtype=_LENGTH, count=count).tolist()
        values, at = [], count * _LENGTH.itemsize
        for length in lengths:
            values.append(data[at:at + length])
            at += length
        return values
