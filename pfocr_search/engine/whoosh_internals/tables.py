"""The codec's glue: Whoosh's field writer taking the posting pool's terms,
its terms reader over the codec's own term table, its per-document writer
with the codec's stored column, and the W3 codec that puts them together."""

from __future__ import annotations

from array import array

import whoosh.columns
from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3PerDocReader,
    W3PerDocWriter,
    W3TermInfo,
    W3TermsReader,
)
from whoosh.filedb.structfile import StructFile
from whoosh.reading import TermNotFound
from whoosh.system import pack_ushort

from ..pool import TermGroups
from .blocks import BlockLeafMatcher, BlockPostingsWriter


class GroupedFieldWriter(W3FieldWriter):
    """Whoosh's field writer, taking a `TermPool`'s postings a term at a time
    and writing its terms to the codec's `table_writer` (see `terms`)."""

    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        # Whoosh's hash writer has written its 13-byte header; the table follows it.
        self._tindex = codec.table_writer(self._tindex.dbfile)
        self._fieldmap = self._tindex.extras["fieldmap"] = {}

    def _create_file(self, ext):
        made = super()._create_file(ext)
        return _PositionKeepingFile(made) if ext == W3Codec.POSTS_EXT else made

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
            if len(ids) == 1:
                self._add_single(btext, ids[0], weights[0], values[0], field_lengths)
                continue
            self.start_term(btext)
            self._postwriter.add_many(ids, weights, values, field_lengths)
            self.finish_term()
        if field is not None:
            self.finish_field()

    def _add_single(self, btext: bytes, docnum: int, weight: float, value: bytes, field_lengths) -> None:
        """A term of one posting (most terms): the block and term info that
        start_term, add_many and finish_term write, without a block writer's
        round of state for each."""
        postwriter = self._postwriter
        postfile = postwriter._postfile
        offset = postfile.tell()
        weights = array("f", (weight,))
        postfile.write(postwriter.encode_block(array("I", (docnum,)), weights, [value] if value else [],
                                               self._format))
        length = field_lengths[docnum] if field_lengths is not None else 0
        info = W3TermInfo(weights[0], 1, length or None, length or 0, max(0, weight), docnum, docnum)
        info.set_extent(offset, postfile.tell() - offset)
        self._tindex.add(pack_ushort(self._fieldid) + btext, self._codec.pack_terminfo(info))


class _PositionKeepingFile(StructFile):
    """The postings file, knowing its own position.  Whoosh asks for it twice
    a term, and a buffered file's tell() is a system call each time: 6% of a
    build here, where a sandbox makes system calls slow."""

    def __init__(self, made: StructFile) -> None:
        super().__init__(made.file, name=made._name, onclose=made.onclose)
        self._at = made.tell()

    def write(self, data) -> int:
        written = self.file.write(data)
        self._at += written
        return written

    def tell(self) -> int:
        return self._at

    def seek(self, *args):
        at = self._at = self.file.seek(*args)
        return at

    # These two write to the file directly, past write().
    def write_pickle(self, obj, protocol=-1):
        super().write_pickle(obj, protocol)
        self._at = self.file.tell()

    def write_array(self, arry):
        super().write_array(arry)
        self._at = self.file.tell()


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
        return self.matcher_class(dbfile, offset, length, format_, terminfo, term=term, scorer=scorer)

    def per_document_reader(self, storage, segment):
        return self.perdoc_class(storage, segment)
