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
from itertools import groupby, islice
from typing import Iterator

#: One term's postings: (field, term bytes, document numbers, weights, values).
TermGroup = tuple[str, bytes, list, list, list]

# Rough bytes of memory a posting and a new term hold (a posting is kept as
# the tuple Whoosh passes, as Whoosh's own pool keeps it; its value, a word's
# positions, is a few bytes more).
_POSTING_COST = 160
_TERM_COST = 250
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
        self._fields: dict[str, dict[bytes, list[tuple]]] = {}
        self._size = 0
        self._runs: list[str] = []

    # Called once per posting of every document: the common case is two
    # lookups and an append; a value's own size is left to the estimate.
    def add(self, item: tuple) -> None:
        try:
            self._fields[item[0]][item[1]].append(item)
        except KeyError:
            self._fields.setdefault(item[0], {})[item[1]] = [item]
            self._size += _TERM_COST + len(item[1])
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
        fields, self._fields, self._size = self._fields, {}, 0
        for fieldname in sorted(fields):
            terms = fields.pop(fieldname)
            for tbytes in sorted(terms):
                postings = terms.pop(tbytes)
                yield _in_order(fieldname, tbytes, [p[2] for p in postings], [p[3] for p in postings],
                                [p[4] or b"" for p in postings])

    def _spill(self) -> None:
        path = f"terms{len(self._runs)}.run"
        groups = self._take()
        with self.tempstore.create_file(path).raw_file() as f:
            while chunk := list(islice(groups, _CHUNK)):
                data = marshal.dumps(chunk)
                f.write(_SIZE.pack(len(data)))
                f.write(data)
        self._runs.append(path)

    def _read_run(self, path: str) -> Iterator[TermGroup]:
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
            ids, weights, values = [], [], []
            for _, _, more_ids, more_weights, more_values in parts:
                ids += more_ids
                weights += more_weights
                values += more_values
            yield _in_order(fieldname, tbytes, ids, weights, values)


def _in_order(fieldname: str, tbytes: bytes, ids: list, weights: list, values: list) -> TermGroup:
    """A term's postings in Whoosh's pool order, by (id, weight, value): ids
    repeat only for spelling words, which Whoosh files under document 0."""
    if len(ids) > 1 and not all(map(operator.lt, ids, ids[1:])):
        ids, weights, values = map(list, zip(*sorted(zip(ids, weights, values))))
    return fieldname, tbytes, ids, weights, values
