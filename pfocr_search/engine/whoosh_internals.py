"""The one wall between pfocr-search and Whoosh's private members.

pfocr-search extends Whoosh the Whoosh way (a codec, a weighting model,
analysis filters, parser plugins), but a few of those extension points are
only reachable through private members: the posting block writer and reader,
the segment writer's posting pool, the segment writer used by parallel builds,
raw column and posting bytes, BM25F's per-field B, and multi-term expansion.
Every such access is here and nowhere else, and `check()` runs at import: a
Whoosh release that renamed one of them fails at once, with one line naming
the Whoosh version, instead of mid-query far from the cause.

Importing this module also makes Whoosh unpickle index files safely (see
`unpickling`), so no code reads an index before that is in place.

Tested with whoosh-reloaded 2.7.5 (`TESTED`, pinned in pyproject.toml).
"""

from __future__ import annotations

import struct
from array import array
from typing import Any, Callable, Iterator

import whoosh
import whoosh.columns
from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PerDocWriter,
    W3PostingsWriter,
    W3TermsReader,
)
from whoosh.columns import FixedBytesColumn
from whoosh.index import TOC
from whoosh.query import MultiTerm, NumericRange
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.scoring import BM25F
from whoosh.system import _INT_SIZE, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from ..errors import EngineError
from .pool import TermGroups, TermPool
from .unpickling import install_safe_unpickling

#: The whoosh-reloaded releases the test suite ran against.
TESTED = ("2.7.5",)
VERSION = ".".join(map(str, whoosh.__version__))

# What this module relies on: methods by class, and attributes by the
# function that assigns them (a rename shows in that function's code).
_METHODS: tuple[tuple[type, str], ...] = (
    (W3PostingsWriter, "_new_block"), (W3PostingsWriter, "_write_block"),
    (W3LeafMatcher, "_read_data"), (W3LeafMatcher, "_read_ids"), (W3LeafMatcher, "_read_weights"),
    (W3LeafMatcher, "_read_values"),
    (SegmentWriter, "_finalize_segment"), (SegmentWriter, "_close_segment"), (W3PerDocWriter, "_create_column"),
    (MultiTerm, "_btexts"), (NumericRange, "_compile_query"),
)
_ATTRIBUTES: tuple[tuple[Callable, str], ...] = (
    (W3PostingsWriter.__init__, "_postfile _blocklimit _compression _inlinelimit _blockcount _terminfo"),
    (W3PostingsWriter.start_postings, "_format"),
    (W3FieldWriter.start_field, "_postwriter"),
    (W3PostingsWriter._new_block, "_ids _weights _values _minlength _maxlength _maxweight"),
    (W3LeafMatcher.__init__, "_postfile"),
    (W3LeafMatcher._goto, "_data _ids _weights _values _nextoffset _dataoffset _blocklength"),
    (W3Codec.__init__, "_blocklimit _compression _inlinelimit"),
    (W3PerDocReader.__init__, "_doccount"),
    (W3TermsReader.__init__, "_codec _dbfile _postfile _tindex _fieldmap _fieldunmap"),
    (W3FieldWriter.__init__, "_tindex _fieldmap _fieldid _btext"),
    (W3FieldCursor.__init__, "_tindex _pos _datapos _datalen"),
    (SegmentReader.__init__, "_terms _perdoc"),
    (SegmentWriter.__init__, "_tempstorage"),
    (FixedBytesColumn.Reader.__init__, "_dbfile _basepos _fixedlen _default _count"),
    (BM25F.__init__, "_field_B"),
)



def check() -> None:
    """Raise `EngineError` (one line) if this Whoosh lacks what pfocr-search relies on."""
    missing = [f"{cls.__name__}.{name}" for cls, name in _METHODS if not callable(getattr(cls, name, None))]
    for function, names in _ATTRIBUTES:
        assigned = set(function.__code__.co_names)
        missing += [f"{function.__qualname__}: self.{n}" for n in names.split() if n not in assigned]
    if missing:
        raise EngineError(f"whoosh-reloaded {VERSION} lacks what pfocr-search relies on ({', '.join(missing)}); "
                          f"install a tested release: {', '.join(TESTED)}")


check()
install_safe_unpickling()


# -- posting blocks ------------------------------------------------------------

#: A posting block's info: count, last id, max weight (float32), min and max field length bytes.
BLOCK_INFO = struct.Struct("<HIfBB")


class BlockPostingsWriter(W3PostingsWriter):
    """Whoosh's posting writer with the block's bytes made by `encode_block`: each block is
    [int size][block info][data], as Whoosh's own, but the info is `BLOCK_INFO`'s 12 bytes
    rather than a pickle of about 27 (most terms have one block)."""

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

    def decode_block(self, data: bytes, count: int):
        raise NotImplementedError

    def decode_values(self, values, count: int) -> tuple:
        raise NotImplementedError

    # Whoosh's _goto, reading the block info struct `BlockPostingsWriter` writes.
    def _goto(self, position):
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
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


class GroupedFieldWriter(W3FieldWriter):
    """Whoosh's field writer, taking a `TermPool`'s postings a term at a time
    and writing its terms to the codec's `table_writer` (see `terms`)."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        # Whoosh's hash writer has written its 13-byte header; the table follows it.
        self._tindex = codec.table_writer(self._tindex.dbfile)
        self._fieldmap = self._tindex.extras["fieldmap"] = {}

    def finish_term(self):
        terminfo = self._codec.pack_terminfo(self._postwriter.finish_postings())
        self._tindex.add(pack_ushort(self._fieldid) + self._btext, terminfo)

    def add_postings(self, schema, lengths, items):
        if not isinstance(items, TermGroups):
            return super().add_postings(schema, lengths, items)
        field = None
        for fieldname, btext, ids, weights, values in items:
            if fieldname != field:
                if field is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                field, field_lengths = fieldname, lengths.field_lengths(fieldname) if lengths else None
            self.start_term(btext)
            self._postwriter.add_many(ids, weights, values, field_lengths)
            self.finish_term()
        if field is not None:
            self.finish_field()


class StoredColumnWriter(W3PerDocWriter):
    """Whoosh's per-document writer, keeping stored fields in `stored_column`."""

    stored_column: whoosh.columns.Column

    def _create_column(self, fieldname, column):
        super()._create_column(fieldname, self.stored_column if fieldname == "_stored" else column)


class TableTermsReader(W3TermsReader):
    """Whoosh's terms reader over the codec's `table_reader` instead of its hash file."""

    def __init__(self, codec, dbfile, length, postfile):
        self._codec, self._dbfile, self._postfile = codec, dbfile, postfile
        self._tindex = codec.table_reader(dbfile, length)
        self._fieldmap = self._tindex.extras["fieldmap"]
        self._fieldunmap = [None] * len(self._fieldmap)
        for fieldname, number in self._fieldmap.items():
            self._fieldunmap[number] = fieldname

    # Term infos as the codec's `pack_terminfo` wrote them; a missing term: KeyError, as SegmentReader expects.
    def term_info(self, fieldname, tbytes):
        try:
            return self._info(fieldname, tbytes)
        except KeyError:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def _info(self, fieldname, tbytes):
        return self._codec.unpack_terminfo(self._tindex[self._keycoder(fieldname, tbytes)])

    def frequency(self, fieldname, tbytes):
        return self._info(fieldname, tbytes).weight()

    def doc_frequency(self, fieldname, tbytes):
        return self._info(fieldname, tbytes).doc_frequency()

    def items(self):
        return self._decoded(self._tindex.items())

    def items_from(self, fieldname, prefix):
        return self._decoded(self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def _decoded(self, pairs):
        return ((self._keydecoder(k), self._codec.unpack_terminfo(v)) for k, v in pairs)

    def cursor(self, fieldname, fieldobj):
        return TableFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj, self._codec)


class TableFieldCursor(W3FieldCursor):
    def __init__(self, tindex, fieldname, keycoder, keydecoder, fieldobj, codec):
        self._codec = codec
        super().__init__(tindex, fieldname, keycoder, keydecoder, fieldobj)

    def term_info(self):
        if self._pos is not None:
            return self._codec.unpack_terminfo(self._tindex.dbfile.get(self._datapos, self._datalen))


class BlockCodec(W3Codec):
    """Whoosh's W3 codec, blocks by `writer_class`/`matcher_class`, per-document data by `perdoc_` classes;
    a subclass gives the term dictionary: `table_writer(dbfile)`, `table_reader(dbfile, length)`, and
    `pack_terminfo(terminfo)`/`unpack_terminfo(bytes)` for what it stores of each term."""

    writer_class: type[BlockPostingsWriter]
    matcher_class: type[BlockLeafMatcher]
    perdoc_class: type[W3PerDocReader] = W3PerDocReader
    perdoc_writer_class: type[W3PerDocWriter] = W3PerDocWriter

    def per_document_writer(self, storage, segment):
        return self.perdoc_writer_class(self, storage, segment)

    def terms_reader(self, storage, segment):
        name = segment.make_filename(self.TERMS_EXT)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        return TableTermsReader(self, storage.open_file(name), storage.file_length(name), postfile)

    def field_writer(self, storage, segment):
        return GroupedFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return self.writer_class(dbfile, blocklimit=self._blocklimit, compression=self._compression,
                                 inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        offset, length = terminfo.extent()
        return self.matcher_class(dbfile, offset, length, format_, term=term, scorer=scorer)

    def per_document_reader(self, storage, segment):
        return self.perdoc_class(storage, segment)


def perdoc_doc_count(perdoc: W3PerDocReader) -> int:
    return perdoc._doccount


def segment_perdoc(reader: SegmentReader) -> W3PerDocReader:
    """The per-document reader (lengths, columns, deletions) of one segment."""
    return reader._perdoc


def raw_postings(reader: SegmentReader, terminfo) -> bytes:
    """A term's whole posting list as stored: [magic] then blocks."""
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


# -- queries and scoring ------------------------------------------------------------


def expanded_terms(q: MultiTerm, reader) -> Iterator[bytes]:
    """The indexed terms a prefix, wildcard, range or fuzzy term stands for, in index order."""
    return q._btexts(reader)


def compiled_range(q: NumericRange, reader) -> Any:
    """A numeric range as the constant-score OR of term ranges Whoosh searches."""
    return q._compile_query(reader)


def field_b(weighting: BM25F, fieldname: str) -> float:
    """BM25F's B for one field (per-field values given as `<field>_B`)."""
    return weighting._field_B.get(fieldname, weighting.B)
