"""The dictionary column returns what Whoosh's VarBytesColumn returns, in less space."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.columns import VarBytesColumn

from pfocr_search.engine.dictcolumn import DictBytesColumn


def _roundtrip(column_files, column, values: dict[int, bytes], doccount: int):
    data = column_files.write(column, values, doccount)
    return column_files.read(column, data, doccount), len(data)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.integers(0, 300), st.sampled_from([b"", b"a", b'{"y":2019}', b"\xff" * 40]) | st.binary()),
       st.integers(0, 40))
def test_values_match_whoosh_with_gaps_and_trailing_documents(column_files, values, extra):
    doccount = max(values, default=-1) + 1 + extra
    ours, _ = _roundtrip(column_files, DictBytesColumn(), values, doccount)
    whoosh, _ = _roundtrip(column_files, VarBytesColumn(), values, doccount)
    assert [ours[n] for n in range(doccount)] == [whoosh[n] for n in range(doccount)]
    assert list(ours) == list(whoosh)


def test_more_distinct_values_than_two_bytes_number_are_kept(column_files):
    # Whoosh's RefBytesColumn turns values past the 65,535th into the default.
    values = {n: str(n).encode() for n in range(70_000)}
    ours, _ = _roundtrip(column_files, DictBytesColumn(), values, 70_000)
    assert ours[69_999] == b"69999" and ours[65_536] == b"65536"


def test_repeated_values_take_a_few_bytes_a_document(column_files):
    facets = [b'{"y":%d,"j":"Journal %d","o":["Homo sapiens"]}' % (2000 + n % 20, n % 50) for n in range(5000)]
    values = dict(enumerate(facets))
    _, ours = _roundtrip(column_files, DictBytesColumn(), values, len(facets))
    _, whoosh = _roundtrip(column_files, VarBytesColumn(), values, len(facets))
    assert ours < 0.1 * whoosh
