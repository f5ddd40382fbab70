"""Writing records into one generation's Whoosh index.

`RecordWriter` is the only way records reach Whoosh: a segment writer with
`PfocrCodec` and a `TermPool`, adding, replacing and deleting
figures by figid.  A parallel build gives each worker process one writer of
its own segment (`RecordWriter.segment`), and the parent lists the segments
as the index (`publish`).
"""

from __future__ import annotations

import os
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from ..config import IndexConfig
from ..sources.model import FigureRecord
from .codec import PfocrCodec
from .schema import RECORD, build_schema, to_document, unpack_record
from .whoosh_internals.segments import (
    add_document,
    discard_segment_writer,
    finish_segment,
    publish_segments,
    segment_writer,
    use_term_pool,
)


def create_index(generation: Path, config: IndexConfig) -> None:
    """An empty Whoosh index with the schema of `config`, in `generation`."""
    whoosh_index.create_in(str(generation), build_schema(config)).close()


class _OwnTempStorage(FileStorage):
    """The generation's storage, with a temporary folder of this process's own.

    Every Whoosh writer spills posting runs to `<indexname>.tmp`, and deletes
    that folder when done; two segment writers sharing it deleted each
    other's runs as soon as a build was large enough to spill."""

    def temp_storage(self, name=None):
        return super().temp_storage(f"{name or 'tmp'}.{os.getpid()}")


class RecordWriter:
    """Adds, replaces and deletes figures in one generation (one writer at a time)."""

    def __init__(self, ix, writer, config: IndexConfig, segment_only: bool = False) -> None:
        self._ix, self._writer, self._config = ix, writer, config
        self._segment_only = segment_only
        self._searcher = ix.searcher()

    @classmethod
    def open(cls, generation: Path, config: IndexConfig, limitmb: int) -> "RecordWriter":
        """A writer that commits a new table of contents (serial builds, updates)."""
        ix = whoosh_index.open_dir(str(generation))
        # Not compound: Whoosh opens a compound segment's parts by copying each
        # into memory (BytesIO over the mmap), 0.25 s and the postings' size in
        # RSS for every process that opens a 100,000-figure index.
        writer = ix.writer(limitmb=limitmb, codec=PfocrCodec(), compound=False)
        use_term_pool(writer, limitmb)
        return cls(ix, writer, config)

    @classmethod
    def segment(cls, generation: Path, config: IndexConfig, limitmb: int) -> "RecordWriter":
        """A writer of one segment only, for `publish` by the parent of a parallel build."""
        ix = _OwnTempStorage(str(generation)).open_index()
        writer = segment_writer(ix, codec=PfocrCodec(), limitmb=limitmb, compound=False)
        use_term_pool(writer, limitmb)
        return cls(ix, writer, config, segment_only=True)

    def stored(self, figid: str) -> FigureRecord | None:
        """The record the index held for `figid` before this writer."""
        fields = self._searcher.document(figid=figid)
        return unpack_record(fields[RECORD]) if fields is not None else None

    def add(self, record: FigureRecord) -> None:
        add_document(self._writer, to_document(record, self._config))

    def replace(self, record: FigureRecord) -> None:
        """Write `record` in place of the stored figure with its figid."""
        self._writer.update_document(**to_document(record, self._config))

    def delete(self, figid: str) -> None:
        self._writer.delete_by_term("figid", figid)

    def delete_copy(self, figid: str, first_file: str) -> FigureRecord | None:
        """Delete the stored figure `figid` read from `first_file` (one of several
        copies written by one run), returning it."""
        for docnum in self._searcher.document_numbers(figid=figid):
            record = unpack_record(self._searcher.stored_fields(docnum)[RECORD])
            if record.first_file == first_file:
                self._writer.delete_document(docnum)
                return record
        return None

    def commit(self) -> None:
        self._searcher.close()
        self._writer.commit()
        self._ix.close()

    def finish_segment(self):
        """Write this writer's segment (see `segment`) and return it for `publish`."""
        self._searcher.close()
        try:
            return finish_segment(self._writer)
        finally:
            discard_segment_writer(self._writer)

    def cancel(self) -> None:
        self._searcher.close()
        if self._segment_only:
            discard_segment_writer(self._writer)
        else:
            self._writer.cancel()
        self._ix.close()


def publish(generation: Path, segments: list) -> None:
    """List the segments workers wrote as the whole of the new index in `generation`."""
    ix = whoosh_index.open_dir(str(generation))
    publish_segments(ix, segments)
    ix.close()
