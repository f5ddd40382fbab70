"""Posting lists, field lengths, numeric columns and deletions as numpy arrays.

What `evaluation` scores and `query` counts with.  Field lengths, columns and
deletions are computed once per segment reader (segments never change once
written, and a reader lives as long as its searcher) and kept in a
weak-keyed cache, so they go when the reader goes.  Postings are read anew
for every query.
"""

from __future__ import annotations

import struct
import weakref
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .codec import ArrayPositions, join_blocks, read_block
from .perdoc import read_numeric_column
from .whoosh_internals.blocks import BLOCK_INFO
from .whoosh_internals.segments import raw_postings, segment_perdoc

#: Decoded field length for each of Whoosh's one-byte length codes.
_LENGTH_OF_BYTE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float64)
_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)
#: Whoosh's block length prefix: a big-endian int, negative on a list's last block.
_INT = struct.Struct("!i")

# Keyed by id, dropped when the owner is collected: Whoosh's readers and
# fields define __eq__ without __hash__, so a WeakKeyDictionary cannot hold them.
_CACHE: dict[int, dict[str, Any]] = {}


def cached(owner, key: str, build: Callable[[], Any]) -> Any:
    """`build()`, computed once per `owner` (a reader, a field) while it lives."""
    cache = _CACHE.get(id(owner))
    if cache is None:
        cache = _CACHE[id(owner)] = {}
        weakref.finalize(owner, _CACHE.pop, id(owner), None)
    if key not in cache:
        cache[key] = build()
    return cache[key]


def term_postings(reader, fieldname: str, tbytes: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of a term in one segment, deleted documents included."""
    ids, weights, _, _ = _read_blocks(*_postings_bytes(reader, fieldname, tbytes), positions=False)
    return ids, weights


@dataclass(frozen=True)
class PositionalPostings:
    """A term's postings in one segment, deleted documents included, with its
    positions decoded only for the documents asked about: a phrase of common
    words needs them only where every word occurs (decoding every position
    of every word was most of a phrase query's time)."""

    ids: np.ndarray
    weights: np.ndarray
    counts: np.ndarray
    gaps: np.ndarray

    def occurrences(self, among: np.ndarray | None = None) -> np.ndarray:
        """(docnum << 32 | position) of each occurrence, ascending; only in the
        documents `among` (ascending) if given."""
        ids, counts, gaps = self.ids, self.counts, self.gaps
        if among is not None:
            keep = doc_member(ids, among)
            ids, counts, gaps = ids[keep], counts[keep], gaps[np.repeat(keep, counts)]
        held = counts > 0
        if not held.all():
            ids, counts = ids[held], counts[held]
        if not ids.size:
            return _EMPTY_IDS
        # One running sum over all gaps gives the keys when each posting's first
        # gap also steps from the previous posting's last key to this one's
        # docnum << 32: a third of the passes of undoing gaps per posting and
        # repeating each docnum over its positions.
        steps = gaps.astype(np.int64)
        starts = np.cumsum(counts) - counts
        sums = np.add.reduceat(steps, starts)
        jumps = ids << 32
        jumps[1:] -= (ids[:-1] << 32) + sums[:-1]
        steps[starts] += jumps
        return np.cumsum(steps, out=steps)


def term_positions(reader, fieldname: str, tbytes: bytes) -> PositionalPostings | None:
    """A term's `PositionalPostings` in one segment; None if the field's
    positions are not `ArrayPositions`."""
    if not isinstance(reader.schema[fieldname].format, ArrayPositions):
        return None
    return PositionalPostings(*_read_blocks(*_postings_bytes(reader, fieldname, tbytes), positions=True))


@dataclass(frozen=True)
class PhraseOccurrences:
    """Where a phrase occurs in one segment: `ends` are (docnum << 32 |
    position of its last word), ascending, deleted documents included;
    `words` each word's occurrences keyed alike, at least in those documents."""

    ends: np.ndarray
    words: dict[bytes, np.ndarray]


def phrase_occurrences(words: list[bytes], postings: dict[bytes, PositionalPostings]) -> PhraseOccurrences:
    """Where `words` occur in a row, given each word's `PositionalPostings`."""
    among = postings[words[0]].ids
    for more in postings.values():
        among = among[doc_member(among, more.ids)]
    if not among.size:
        return PhraseOccurrences(_EMPTY_IDS, {})
    # Picking a word's occurrences in those documents out of the rest costs
    # about as much as finding the rest's keys: only worth it for a few.
    where = {w: p.occurrences(among if among.size * 2 < p.ids.size else None) for w, p in postings.items()}
    ends = where[words[0]]
    for w in words[1:]:
        ends = sorted_common(ends + 1, where[w])
    return PhraseOccurrences(ends, where)


def live_docs(leaf, keys: np.ndarray) -> np.ndarray:
    """The live documents of occurrence keys (docnum << 32 | position), ascending."""
    docs = distinct(keys >> 32, ascending=True)
    alive = live_mask(leaf)
    return docs[alive[docs]] if alive is not None else docs


def sorted_common(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The values in both of two ascending arrays, ascending (a value may
    repeat in either: a compound's joined word takes its first part's
    position, and "kinase-s" stems both to "kinas"): merged, or the shorter
    looked up in the much longer (np.intersect1d sorted both again)."""
    if a.size > b.size:
        a, b = b, a
    if not a.size:
        return a
    if a.size * 16 > b.size:
        # Of like sizes, a stable sort merges the two runs in one pass, where
        # bisecting for each value of the shorter missed the cache each time.
        # Equal neighbours must come one from each side: each side's own
        # repeats go first.
        both = np.concatenate((distinct(a, ascending=True), distinct(b, ascending=True)))
        both.sort(kind="stable")
        return both[1:][both[1:] == both[:-1]]
    at = np.searchsorted(b, a)
    np.minimum(at, b.size - 1, out=at)
    return a[b[at] == a]


def doc_member(docs: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Which of the document numbers `docs` are in `among`: a flag a document
    (a segment's numbers are dense), several times faster than bisecting."""
    if not docs.size or not among.size:
        return np.zeros(docs.size, dtype=bool)
    flags = np.zeros(max(int(docs[-1]), int(among[-1])) + 1, dtype=bool)
    flags[among] = True
    return flags[docs]


def _postings_bytes(reader, fieldname: str, tbytes: bytes) -> tuple[bytes, int]:
    """A term's posting list as stored, and its document frequency."""
    try:
        info = reader.term_info(fieldname, tbytes)
    except TermNotFound:
        return b"", 0
    return raw_postings(reader, info), info.doc_frequency()


def _read_blocks(raw: bytes, count: int, positions: bool) -> tuple:
    """(ids, weights, counts, position gaps) of a whole posting list of `count`
    postings, the last two None without `positions`: one block's data, or
    [magic] then blocks of [int length][info][data] (see `BlockPostingsWriter`)."""
    if not raw:
        return _EMPTY_IDS, _EMPTY_WEIGHTS, *((_EMPTY_IDS, _EMPTY_IDS) if positions else (None, None))
    if not raw.startswith(WHOOSH3_HEADER_MAGIC):
        return join_blocks([read_block(raw, count, 0, positions)], [0], positions)
    return join_blocks(*_framed_blocks(raw, positions), positions)


def _framed_blocks(raw: bytes, positions: bool) -> tuple[list, list[int]]:
    blocks, lasts = [], []
    at, end = 4, len(raw)
    while at < end:
        size = abs(_INT.unpack_from(raw, at)[0])
        count, last = BLOCK_INFO.unpack_from(raw, at + 4)[:2]
        blocks.append(read_block(raw, count, at + 4 + BLOCK_INFO.size, positions))
        lasts.append(last)
        at += 4 + size
    return blocks, lasts


def field_lengths(reader, fieldname: str) -> np.ndarray:
    """Each document's length of a field in one segment, as Whoosh scores it
    (decoded from its one-byte code, so equal to ``doc_field_length``)."""
    def read() -> np.ndarray:
        codes = numeric_column(reader, f"_{fieldname}_len", "B")
        return _LENGTH_OF_BYTE[codes] if codes is not None else np.ones(reader.doc_count_all())

    return cached(reader, f"lengths:{fieldname}", read)


def numeric_column(reader, column: str, typecode: str) -> np.ndarray | None:
    """A fixed-width numeric column of one segment as an array (None if absent)."""
    return cached(reader, f"column:{column}",
                  lambda: read_numeric_column(segment_perdoc(reader), column, typecode, reader.doc_count_all()))


def numeric_values(top_reader, column: str, typecode: str) -> np.ndarray | None:
    """A numeric column over every segment of a reader, by global docnum."""
    if not top_reader.doc_count_all():  # an index of no figures: Whoosh's EmptyReader has no segment
        return np.zeros(0, dtype=typecode)
    parts = [numeric_column(leaf, column, typecode) for leaf, _ in top_reader.leaf_readers()]
    if any(part is None for part in parts):
        return None
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def column_reader(reader, name: str):
    """A stored column of a reader, by docnum; an index of no figures (Whoosh's
    EmptyReader) has no columns, and no document to ask one for."""
    return reader.column_reader(name) if reader.doc_count_all() else {}


def live_mask(reader) -> np.ndarray | None:
    """Which documents of one segment are not deleted (None: none are)."""
    if not reader.has_deletions():
        return None

    def read() -> np.ndarray:
        live = np.ones(reader.doc_count_all(), dtype=bool)
        live[list(reader.deleted_docs_set)] = False
        return live

    return cached(reader, "live", read)


#: Term statistics kept per reader (feedback looks up every word of three
#: captions a query; most recur from query to query), cleared when this full.
_STATISTICS_KEPT = 100_000


def live_frequency(searcher, fieldname: str, tbytes: bytes) -> tuple[int, float]:
    """A term's live document count and total weight.  Whoosh's own counts
    (`doc_frequency`, `frequency`) keep a deleted document's until its
    segment is merged, and an updated index then weighed words unlike a
    rebuilt one."""
    reader = searcher.reader()
    kept = cached(reader, "statistics", dict)
    key = (fieldname, tbytes)
    # Read once into a local: another thread may clear the shared dict meanwhile.
    value = kept.get(key)
    if value is None:
        if len(kept) >= _STATISTICS_KEPT:
            kept.clear()
        value = kept[key] = _live_statistics(reader, fieldname, tbytes)
    return value


def _live_statistics(reader, fieldname: str, tbytes: bytes) -> tuple[int, float]:
    if not reader.has_deletions():
        try:
            info = reader.term_info(fieldname, tbytes)
        except TermNotFound:
            return 0, 0.0
        return info.doc_frequency(), info.weight()
    docs, total = 0, 0.0
    for leaf, _ in reader.leaf_readers():
        if (fieldname, tbytes) in leaf:
            ids, weights = term_postings(leaf, fieldname, tbytes)
            alive = live_mask(leaf)
            if alive is not None:
                weights = weights[alive[ids]]
            docs, total = docs + weights.size, total + float(weights.sum())
    return docs, total


def distinct(values: np.ndarray, ascending: bool = False) -> np.ndarray:
    """The distinct values, ascending (of values already `ascending`, without
    sorting again): np.unique's first call imports numpy.ma, 18 ms of a
    one-shot command."""
    if not ascending:
        values = np.sort(values)
    if values.size < 2:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]

