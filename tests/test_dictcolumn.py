"""The dictionary column returns what Whoosh's VarBytesColumn returns, in less space."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filestore import RamStorage

from pfocr_search.engine.dictcolumn import DictBytesColumn


def _roundtrip(column, values: dict[int, bytes], doccount: int):
    storage = RamStorage()
    with storage.create_file("col") as f:
        writer = column.writer(f)
        for docnum in sorted(values):
            writer.add(docnum, values[docnum])
        writer.finish(doccount)
    length = storage.file_length("col")
    return column.reader(storage.open_file("col"), 0, length, doccount), length


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.integers(0, 300), st.sampled_from([b"", b"a", b'{"y":2019}', b"\xff" * 40]) | st.binary()),
       st.integers(0, 40))
def test_values_match_whoosh_with_gaps_and_trailing_documents(values, extra):
    doccount = max(values, default=-1) + 1 + extra
    ours, _ = _roundtrip(DictBytesColumn(), values, doccount)
    whoosh, _ = _roundtrip(VarBytesColumn(), values, doccount)
    assert [ours[n] for n in range(doccount)] == [whoosh[n] for n in range(doccount)]
    assert list(ours) == list(whoosh)


def test_more_distinct_values_than_two_bytes_number_are_kept():
    # Whoosh's RefBytesColumn turns values past the 65,535th into the default.
    values = {n: str(n).encode() for n in range(70_000)}
    ours, _ = _roundtrip(DictBytesColumn(), values, 70_000)
    assert ours[69_999] == b"69999" and ours[65_536] == b"65536"


def test_repeated_values_take_a_few_bytes_a_document():
    facets = [b'{"y":%d,"j":"Journal %d","o":["Homo sapiens"]}' % (2000 + n % 20, n % 50) for n in range(5000)]
    values = dict(enumerate(facets))
    _, ours = _roundtrip(DictBytesColumn(), values, len(facets))
    _, whoosh = _roundtrip(VarBytesColumn(), values, len(facets))
    assert ours < 0.1 * whoosh
