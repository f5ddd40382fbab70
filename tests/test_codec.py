"""Posting blocks store only what cannot be derived, and read back what was written."""

from __future__ import annotations

from array import array

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.formats import Frequency
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from pfocr_search.engine.arrays import sorted_common, term_positions
from pfocr_search.engine.codec import ArrayLeafMatcher, ArrayPositions, PfocrCodec, encode_block
from pfocr_search.engine.whoosh_internals.segments import raw_postings

_POSITIONS = st.lists(st.lists(st.integers(0, 70_000), min_size=1, max_size=6, unique=True).map(sorted),
                      min_size=5, max_size=40)


def _decoded(data: bytes, count: int):
    matcher = ArrayLeafMatcher.__new__(ArrayLeafMatcher)  # only the block codec, no posting file
    ids, weights, values = matcher.decode_block(data, count)
    return ids.tolist(), weights.tolist(), matcher.decode_values(values, count)


@given(_POSITIONS, st.sampled_from([1.0, 2.5]))
def test_positions_round_trip_and_counts_are_left_out_when_they_are_the_weights(lists, boost):
    fmt = ArrayPositions(field_boost=boost)
    ids = array("I", range(0, 3 * len(lists), 3))
    weights = array("f", [len(p) * boost for p in lists])
    values = [fmt.encode(p) for p in lists]
    data = encode_block(ids, weights, values, fmt)
    assert _decoded(data, len(ids)) == (list(ids), list(weights), tuple(values))
    if boost == 1.0:  # the counts are the weights: not stored again, one byte a posting saved
        counted = encode_block(ids, array("f", [w + 1 for w in weights]), values, fmt)
        assert len(counted) - len(data) >= len(ids)


def test_spelling_words_keep_no_stray_values():
    # Whoosh files spelling words under document 0, each with its parent field's last value.
    ids, weights = array("I", [0] * 50), array("f", [1.0] * 50)
    stray = [ArrayPositions().encode([i, i + 7]) for i in range(50)]
    data = encode_block(ids, weights, stray, Frequency())
    assert len(data) <= 8  # head and first id: no gaps (all 0), no weights (all 1), no values
    assert _decoded(data, 50) == ([0] * 50, [1.0] * 50, (pack_uint(1),) * 50)


def test_frequency_values_that_are_not_the_weights_are_kept():
    ids, weights = array("I", [3, 9]), array("f", [2.0, 4.0])
    values = [pack_uint(1), pack_uint(2)]  # a boosted field: weight = frequency x 2
    assert _decoded(encode_block(ids, weights, values, Frequency()), 2)[2] == tuple(values)


def test_a_list_of_one_block_is_its_data_alone_and_longer_lists_read_back_alike():
    schema = Schema(body=TEXT(phrase=True))
    schema["body"].format = ArrayPositions()
    ix = RamStorage().create_index(schema)
    writer = SegmentWriter(ix, codec=PfocrCodec(blocklimit=4))  # 11 postings: three blocks
    texts = [" ".join(["filler"] * n + ["common"] + (["rare"] if n == 5 else [])) for n in range(11)]
    for text in texts:
        writer.add_document(body=text)
    writer.commit()
    with ix.searcher() as searcher:
        leaf = searcher.reader()
        for word, blocks in (("common", 3), ("rare", 1)):
            raw = raw_postings(leaf, leaf.term_info("body", word))
            assert raw.startswith(b"W3Bl") == (blocks > 1)
            expected = [(n, [n]) for n in range(11)] if word == "common" else [(5, [6])]
            matcher = leaf.postings("body", word)
            assert [(i, matcher.value_as("positions")) for i in matcher.all_ids()] == expected
            postings = term_positions(leaf, "body", word.encode())
            assert postings.ids.tolist() == [i for i, _ in expected]
            assert postings.weights.tolist() == [1.0] * len(expected)
            where = postings.occurrences()
            assert (where & 0xFFFFFFFF).tolist() == [p for _, ps in expected for p in ps]
            among = np.array([1, 5, 6, 40])  # positions decoded only for these documents
            assert postings.occurrences(among).tolist() == [o for o in where.tolist() if o >> 32 in among.tolist()]
            # The block alone: its head, first id, position widths and one position gap.
        assert len(raw_postings(leaf, leaf.term_info("body", "rare"))) == 3 + 4 + 2 + 1


@given(st.lists(st.integers(0, 1 << 62), min_size=100, max_size=400, unique=True).map(sorted), st.data())
def test_keys_in_both_of_two_sorted_lists_whether_merged_or_looked_up(keys, data):
    # A phrase's occurrence keys meet the next word's: lists of like sizes are
    # merged, a far shorter one is looked up in the longer.  A key may repeat
    # in a list (a compound's joined word shares its first part's position).
    flags = data.draw(st.lists(st.sampled_from([0, 1, 2]), min_size=len(keys), max_size=len(keys)))
    some = [k for k, times in zip(keys, flags) for _ in range(times)]
    every = keys[::data.draw(st.sampled_from([1, 3, 40]))]
    every = sorted(every + every[::data.draw(st.sampled_from([2, 7]))])
    expected = sorted(set(some) & set(every))
    for a, b in ((some, every), (every, some)):
        got = sorted_common(np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)).tolist()
        assert sorted(set(got)) == expected and got == sorted(got)


def test_a_term_of_document_0_alone_keeps_its_frequency():
    # One posting under document 0 is a word of that document, not a spelling word.
    data = encode_block(array("I", [0]), array("f", [2.5]), [pack_uint(1)], Frequency(field_boost=2.5))
    assert _decoded(data, 1)[2] == (pack_uint(1),)
