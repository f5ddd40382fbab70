"""Posting blocks: Whoosh's W3 posting writer and leaf matcher, over blocks
whose bytes a subclass encodes and decodes (`codec`)."""

from __future__ import annotations

import struct
from array import array

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3PostingsWriter
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length, length_to_byte

#: A posting block's info: count, last id, max weight (float32), min and max field length bytes.
BLOCK_INFO = struct.Struct("<HIfBB")


class BlockPostingsWriter(W3PostingsWriter):
    """Whoosh's posting writer with the block's bytes made by `encode_block`.  A list of one
    block (most terms) is its data alone: the term info holds its count, last id, weights and
    lengths.  Longer lists are [magic] then blocks of [int size][block info][data], as Whoosh's
    own, but the info is `BLOCK_INFO`'s 12 bytes rather than a pickle of about 27."""

    def encode_block(self, ids, weights, values: list[bytes], format_) -> bytes:
        raise NotImplementedError

    # Whoosh's checks every argument's type: ~10% of writing postings, for the pool's own calls.
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

    def add_many(self, ids, weights, values: list[bytes], lengths: list | None) -> None:
        """A whole term's postings (ids ascending), in the blocks `add_posting`
        would make one at a time; `lengths` holds every document's field length."""
        limit = self._blocklimit
        for start in range(0, len(ids), limit):
            if start:
                self._write_block()
            end = start + limit
            self._ids = array("I", ids[start:end])
            block_weights = weights[start:end]
            self._weights = array("f", block_weights)
            self._maxweight = max(0, max(block_weights))
            self._values = [v for v in values[start:end] if v]
            if lengths is not None:
                known = [n for n in map(lengths.__getitem__, self._ids) if n]
                self._minlength, self._maxlength = (min(known), max(known)) if known else (None, 0)

    def finish_postings(self):
        if self._blockcount or not self._ids:
            return super().finish_postings()
        terminfo, start = self._terminfo, self._startoffset
        terminfo.add_block(self)
        self._postfile.write(self.encode_block(self._ids, self._weights, self._values, self._format))
        terminfo.set_extent(start, self._postfile.tell() - start)
        self._terminfo = None
        self._new_block()
        return terminfo

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = self.encode_block(self._ids, self._weights, self._values, self._format)
        info = BLOCK_INFO.pack(len(self._ids), self._ids[-1], self._maxweight, length_to_byte(self._minlength),
                               length_to_byte(self._maxlength))
        size = len(info) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1
        self._new_block()


class BlockLeafMatcher(W3LeafMatcher):
    """Whoosh's block matcher over blocks that `decode_block(data, count)`
    splits into (ids array, weights array, values) (see `BlockPostingsWriter`)."""

    def __init__(self, postfile, startoffset, length, format_, terminfo, term=None, scorer=None):
        self._terminfo = terminfo
        super().__init__(postfile, startoffset, length, format_, term=term, scorer=scorer)

    def _read_header(self):
        self._bare = self._postfile.get(self._startoffset, 4) != WHOOSH3_HEADER_MAGIC
        if self._bare:
            self._baseoffset = self._startoffset
        else:
            super()._read_header()

    def decode_block(self, data: bytes, count: int):
        raise NotImplementedError

    def decode_values(self, values, count: int) -> tuple:
        raise NotImplementedError

    # Whoosh's _goto, reading the block info struct `BlockPostingsWriter` writes.
    def _goto(self, position):
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        if self._bare:
            info = self._terminfo
            self._lastblock, self._nextoffset, self._dataoffset = True, position + self._length, position
            self._blocklength, self._maxid, self._maxweight = info.doc_frequency(), info.max_id(), info.max_weight()
            self._compression, self._minlength, self._maxlength = 0, info.min_length(), info.max_length()
            return
        postfile = self._postfile
        postfile.seek(position)
        length = postfile.read_int()
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + _INT_SIZE + length
        info = BLOCK_INFO.unpack(postfile.read(BLOCK_INFO.size))
        self._dataoffset = position + _INT_SIZE + BLOCK_INFO.size
        self._blocklength, self._maxid, self._maxweight, mnlen, mxlen = info
        self._compression = 0
        self._minlength = byte_to_length(mnlen)
        self._maxlength = byte_to_length(mxlen)

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        self._data = self.decode_block(data, self._blocklength)

    def _block_data(self):
        if self._data is None:
            self._read_data()
        return self._data

    def _read_ids(self):
        self._ids = self._block_data()[0].tolist()

    def _read_weights(self):
        self._weights = array("f", self._block_data()[1].tolist())

    def _read_values(self):
        self._values = self.decode_values(self._block_data()[2], self._blocklength)
