"""Postings gathered term by term while documents are added.

Whoosh's posting pool keeps one tuple per posting (field, term, document,
weight, value), sorts them all when the segment is written, spills sorted
runs to disk past its memory limit and merges them back a posting at a time:
at 10,000 figures that sorting and merging was about a fifth of a build.
Documents arrive in increasing number, so a term's postings are in order as
they come; `TermPool` appends each posting to its term's bucket and only
sorts the terms.  Past the memory limit it spills the buckets as a run
sorted by term, and the runs are merged term by term, not posting by posting.

The segment writer's field writer (`whoosh_internals.GroupedFieldWriter`)
takes the buckets whole (`TermGroups`); its blocks are byte for byte those
Whoosh's pool and writer make from the same postings.
"""

from __future__ import annotations

import heapq
import marshal
import operator
import struct
from array import array
from itertools import accumulate, groupby, islice
from typing import Iterator, Sequence

#: One term's postings: (field, term bytes, document numbers, weights, values).
TermGroup = tuple[str, bytes, Sequence[int], Sequence[float], list[bytes]]

# Rough bytes of memory a posting and a new term hold: a posting is an id,
# a weight and its value's size in arrays, and its value's bytes (a word's
# positions, four bytes each) in a bytearray; a term's four containers cost
# more than most terms' postings.
_POSTING_COST = 20
_TERM_COST = 400
# Terms per marshal call when a run is written.
_CHUNK = 2000
_SIZE = struct.Struct("<Q")


class TermGroups:
    """The pool's postings as `TermGroup`s in (field, term) order, ids ascending."""

    def __init__(self, groups: Iterator[TermGroup]) -> None:
        self._groups = groups

    def __iter__(self) -> Iterator[TermGroup]:
        return self._groups


class TermPool:
    """A posting pool for Whoosh's `SegmentWriter` (`add`, `iter_postings`, `cleanup`)."""

    def __init__(self, tempstore, limitmb: int) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        #: field -> term -> (ids, weights, value sizes, values)
        self._fields: dict[str, dict[bytes, tuple[array, array, array, bytearray]]] = {}
        self._size = 0
        self._runs: list[str] = []

    # Called once per posting of every document.  Postings are kept in arrays,
    # not as the tuples Whoosh passes (about 200 bytes each, with their
    # objects): ten times as many fit before the pool must spill a run.
    def add(self, item: tuple) -> None:
        fieldname, tbytes, docnum, weight, value = item
        try:
            ids, weights, sizes, values = self._fields[fieldname][tbytes]
        except KeyError:
            ids, weights, sizes, values = self._fields.setdefault(fieldname, {})[tbytes] = (
                array("I"), array("d"), array("I"), bytearray())
            self._size += _TERM_COST + len(tbytes)
        ids.append(docnum)
        weights.append(weight)
        if value:
            sizes.append(len(value))
            values += value
            self._size += _POSTING_COST + len(value)
        else:
            sizes.append(0)
            self._size += _POSTING_COST
        if self._size > self.limit:
            self._spill()

    def iter_postings(self) -> TermGroups:
        if not self._runs:
            return TermGroups(self._take())
        self._spill()
        return TermGroups(self._merged())

    def cleanup(self) -> None:
        for path in self._runs:
            if self.tempstore.file_exists(path):
                self.tempstore.delete_file(path)
        self._runs = []

    def _take(self) -> Iterator[TermGroup]:
        """The postings in memory as groups in term order, emptying the pool."""
        for fieldname, tbytes, (ids, weights, sizes, values) in self._buckets():
            yield _in_order(fieldname, tbytes, ids, weights, _split(sizes, values))

    def _buckets(self) -> Iterator[tuple[str, bytes, tuple[array, array, array, bytearray]]]:
        fields, self._fields, self._size = self._fields, {}, 0
        for fieldname in sorted(fields):
            terms = fields.pop(fieldname)
            for tbytes in sorted(terms):
                yield fieldname, tbytes, terms.pop(tbytes)

    def _spill(self) -> None:
        """Write the pool's postings as a run sorted by term: each term's four
        arrays as byte strings, which marshal writes and loads whole."""
        path = f"terms{len(self._runs)}.run"
        packed = ((fieldname, tbytes, *map(bytes, bucket)) for fieldname, tbytes, bucket in self._buckets())
        with self.tempstore.create_file(path).raw_file() as f:
            while chunk := list(islice(packed, _CHUNK)):
                data = marshal.dumps(chunk)
                f.write(_SIZE.pack(len(data)))
                f.write(data)
        self._runs.append(path)

    def _read_run(self, path: str) -> Iterator[tuple]:
        # marshal.load() on a file reads it a few bytes per call: a chunk
        # is read whole and loaded from memory.
        with self.tempstore.open_file(path).raw_file() as f:
            while size := f.read(_SIZE.size):
                yield from marshal.loads(f.read(_SIZE.unpack(size)[0]))

    def _merged(self) -> Iterator[TermGroup]:
        # Runs hold later documents than the runs before them, and merge()
        # keeps equal terms in run order, so joining them keeps ids ascending.
        runs = heapq.merge(*map(self._read_run, self._runs), key=operator.itemgetter(0, 1))
        for (fieldname, tbytes), parts in groupby(runs, key=operator.itemgetter(0, 1)):
            ids, weights, sizes, values = (b"".join(part) for part in list(zip(*parts))[2:])
            yield _in_order(fieldname, tbytes, array("I", ids), array("d", weights), _split(array("I", sizes), values))


def _split(sizes: array, values) -> list[bytes]:
    """Each posting's value, from their sizes and their bytes end to end."""
    if not values:
        return [b""] * len(sizes)
    values = bytes(values)
    ends = list(accumulate(sizes))
    return [values[start:end] for start, end in zip([0] + ends, ends)]


def _in_order(fieldname: str, tbytes: bytes, ids: Sequence[int], weights: Sequence[float],
              values: list[bytes]) -> TermGroup:
    """A term's postings in Whoosh's pool order, by (id, weight, value): ids
    repeat only for spelling words, which Whoosh files under document 0."""
    if len(ids) > 1 and not all(map(operator.lt, ids, ids[1:])):
        ids, weights, values = map(list, zip(*sorted(zip(ids, weights, values))))
    return fieldname, tbytes, ids, weights, values
