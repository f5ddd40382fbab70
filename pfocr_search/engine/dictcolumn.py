"""A column of byte values kept once per segment, each document a number into them.

Facets (year, journal, organisms) and gene counts per organism repeat from
figure to figure: at 100,000 figures Whoosh's `VarBytesColumn` stored them in
9.3 and 6.8 MB.  `DictBytesColumn` stores each distinct value once and every
document's number of it (2 bytes while a segment has at most 65,536
distinct values, 4 above).  Whoosh's own `RefBytesColumn` does the same but
turns values past the 65,535th into the default, losing them.
"""

from __future__ import annotations

import struct

import numpy as np
from whoosh.columns import Column, ColumnReader, ColumnWriter

# Footer: documents with a number, distinct values, bytes per number, magic.
_FOOTER = struct.Struct("<IIB3s")
_MAGIC = b"PDC"
_OFFSET = np.dtype("<u4")


class DictBytesColumn(Column):
    """Byte strings (b"" for a document without one), each distinct value stored once."""

    reversible = False

    def writer(self, dbfile):
        return _Writer(dbfile)

    def reader(self, dbfile, basepos, length, doccount, native=False):
        return _Reader(dbfile, basepos, length, doccount)

    def default_value(self, reverse=False):
        return b""


class _Writer(ColumnWriter):
    def __init__(self, dbfile) -> None:
        self.file = dbfile
        self.numbers: dict[bytes, int] = {b"": 0}
        self.refs: list[int] = []

    def add(self, docnum: int, value: bytes) -> None:
        self.fill(docnum)
        self.refs.append(self.numbers.setdefault(value, len(self.numbers)))

    def fill(self, docnum: int) -> None:
        if docnum > len(self.refs):
            self.refs.extend([0] * (docnum - len(self.refs)))

    def finish(self, doccount: int) -> None:
        self.fill(doccount)
        width = 2 if len(self.numbers) <= 1 << 16 else 4
        values = list(self.numbers)
        offsets = np.cumsum([0] + [len(v) for v in values], dtype=np.int64).astype(_OFFSET)
        self.file.write(np.array(self.refs, dtype=f"<u{width}").tobytes())
        self.file.write(offsets.tobytes())
        self.file.write(b"".join(values))
        self.file.write(_FOOTER.pack(len(self.refs), len(values), width, _MAGIC))


class _Reader(ColumnReader):
    def __init__(self, dbfile, basepos: int, length: int, doccount: int) -> None:
        count, distinct, width, _ = _FOOTER.unpack(dbfile.get(basepos + length - _FOOTER.size, _FOOTER.size))
        self.doccount = doccount
        self.refs = np.frombuffer(dbfile.get(basepos, count * width), dtype=f"<u{width}")
        at = basepos + count * width
        offsets = np.frombuffer(dbfile.get(at, (distinct + 1) * _OFFSET.itemsize), dtype=_OFFSET).tolist()
        blob = dbfile.get(at + len(offsets) * _OFFSET.itemsize, offsets[-1])
        self.values = [blob[a:b] for a, b in zip(offsets, offsets[1:])]

    def __len__(self) -> int:
        return self.doccount

    def __getitem__(self, docnum: int) -> bytes:
        return self.values[self.refs[docnum]] if docnum < self.refs.size else b""

    def __iter__(self):
        for docnum in range(self.doccount):
            yield self[docnum]
