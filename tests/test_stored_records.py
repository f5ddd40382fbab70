"""Stored records: compressed with a frozen preset dictionary, old blobs still readable."""

from __future__ import annotations

import json
import zlib
from importlib import resources
from pathlib import Path

import pytest

from pfocr_search import FigureIndex
from pfocr_search.engine.schema import pack_record, unpack_record
from pfocr_search.errors import IndexNotFoundError

# Real records the dictionary was not made from (it holds the demo corpus's tail).
REALWORLD = Path(__file__).resolve().parent.parent / "bench" / "relevance" / "realworld"


@pytest.fixture(scope="module")
def unseen_records(tmp_path_factory):
    path = tmp_path_factory.mktemp("realworld") / "index"
    with FigureIndex.build([REALWORLD], path) as ix:
        return [ix.get(figid) for figid in sorted(ix.every_figid())]


def test_the_dictionary_file_is_the_one_blobs_name():
    # Blobs carry the dictionary's Adler-32; rewriting the file would make
    # every index built with it unreadable.
    data = (resources.files("pfocr_search.engine") / "records.zdict").read_bytes()
    assert zlib.adler32(data) == 0x9524388F


def test_records_round_trip_and_shrink_against_plain_zlib(unseen_records):
    assert len(unseen_records) >= 50
    packed = [pack_record(record) for record in unseen_records]
    assert [unpack_record(blob) for blob in packed] == unseen_records
    plain = sum(len(zlib.compress(_json(record), 1)) for record in unseen_records)
    assert sum(map(len, packed)) < 0.8 * plain


def test_records_written_before_the_dictionary_still_read(unseen_records):
    for record in unseen_records[:10]:
        assert unpack_record(zlib.compress(_json(record), 1)) == record


def test_a_blob_naming_an_unknown_dictionary_is_one_clear_error(unseen_records):
    packer = zlib.compressobj(6, zdict=b"some other dictionary")
    blob = packer.compress(_json(unseen_records[0])) + packer.flush()
    with pytest.raises(IndexNotFoundError, match="unknown to this pfocr-search"):
        unpack_record(blob)


def _json(record) -> bytes:
    return json.dumps(record.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()
