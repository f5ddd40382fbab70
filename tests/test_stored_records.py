"""Stored fields: pickled once, zlib'd in blocks against a frozen preset dictionary."""

from __future__ import annotations

import struct
import zlib
from importlib import resources
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import STORED_COLUMN

from pfocr_search import FigureIndex
from pfocr_search.engine import stored
from pfocr_search.engine.schema import RECORD, pack_record
from pfocr_search.errors import IndexNotFoundError
from pfocr_search.sources.discovery import read_records
from pfocr_search.sources.model import FigureRecord

# Real records the dictionary was not made from (it holds the demo corpus's tail).
REALWORLD = Path(__file__).resolve().parent.parent / "bench" / "relevance" / "realworld"


@pytest.fixture(scope="module")
def unseen_records(tmp_path_factory):
    path = tmp_path_factory.mktemp("realworld") / "index"
    with FigureIndex.build([REALWORLD], path) as ix:
        return [ix.get(figid) for figid in sorted(ix.every_figid())]


def test_the_dictionary_file_is_the_one_columns_name():
    # Columns carry the dictionary's Adler-32; rewriting the file would make
    # every index built with it unreadable.
    data = (resources.files("pfocr_search.engine") / "records.zdict").read_bytes()
    assert zlib.adler32(data) == 0x9524388F
    assert stored.dictionary(0x9524388F) == data


def test_fields_round_trip_in_any_order_with_gaps_and_a_short_last_block(unseen_records, column_files):
    column = stored.StoredBlocksColumn()
    # Every third document stores nothing, and the last few none at all.
    values = {n: {"figid": r.figid, RECORD: pack_record(r)} for n, r in enumerate(unseen_records) if n % 3}
    doccount = len(unseen_records) + 5
    assert doccount % stored.BLOCK
    reader = column_files.read(column, column_files.write(column, values, doccount), doccount)
    order = list(range(doccount))[::-1] + list(range(0, doccount, 7))
    assert [reader[n] for n in order] == [values.get(n) for n in order]
    assert list(reader) == [values.get(n) for n in range(doccount)]


def test_records_shrink_against_whoosh_stored_column(unseen_records, column_files):
    values = {n: {"figid": r.figid, RECORD: pack_record(r)} for n, r in enumerate(unseen_records)}
    ours = len(column_files.write(stored.StoredBlocksColumn(), values, len(values)))
    whoosh = len(column_files.write(STORED_COLUMN, values, len(values)))
    assert ours < 0.75 * whoosh


def test_a_column_naming_an_unknown_dictionary_is_one_clear_error(unseen_records, column_files):
    column = stored.StoredBlocksColumn()
    data = column_files.write(column, {0: {"figid": "x"}}, 1)
    count, block, _ = struct.unpack("<III", data[-12:])
    altered = data[:-12] + struct.pack("<III", count, block, 0x12345678)
    with pytest.raises(IndexNotFoundError, match="unknown to this pfocr-search"):
        column_files.read(column, altered, 1)


def test_an_index_returns_every_record_as_read_from_its_file(unseen_records):
    assert len(unseen_records) >= 50
    by_figid = {r.figid: r for r in unseen_records}
    for record in read_records([REALWORLD]):
        if isinstance(record, FigureRecord):
            assert by_figid.pop(record.figid) == record
    assert not by_figid
