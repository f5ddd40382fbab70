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

import numpy as np

#: One term's postings: (field, term bytes, document numbers, weights, values).
TermGroup = tuple[str, bytes, Sequence[int], Sequence[float], list[bytes]]

# Rough bytes of memory a posting and a new term hold.  A posting is a term
# number, an id, a weight and its value's size in arrays (20 bytes), and
# again as much while a run is sorted by term; its value's bytes (a word's
# positions, four bytes each) sit in a bytearray.  A term is its bytes, a
# dictionary entry and a list slot.
_POSTING_COST = 40
_TERM_COST = 150
# Terms per marshal call when a run is written.
_CHUNK = 2000
_SIZE = struct.Struct("<Q")


class TermGroups:
    """The pool's postings as `TermGroup`s in (field, term) order, ids ascending."""

    def __init__(self, groups: Iterator[TermGroup]) -> None:
        self._groups = groups

    def __iter__(self) -> Iterator[TermGroup]:
        return self._groups


class _FieldPostings:
    """One field's postings in the order they came, each naming its term by
    number: a document's postings are appended a field at a time, with one
    dictionary lookup a term and the rest in array extends; they are grouped
    by term (a stable sort, so ids stay ascending) only when taken.  Terms
    are bytes, or text (the analyzer's own cached strings, whose hashes are
    kept) encoded once when taken: UTF-8 sorts as text does."""

    __slots__ = ("text", "numbers", "terms", "tids", "ids", "weights", "sizes", "values")

    def __init__(self, text: bool) -> None:
        #: Whether terms are kept as text; the other kind is converted (Whoosh's
        #: own calls, updates and merges, give bytes for every field).
        self.text = text
        self.numbers: dict[str | bytes, int] = {}
        self.terms: list[str | bytes] = []
        self.tids, self.ids, self.sizes = array("I"), array("I"), array("I")
        self.weights = array("d")
        self.values = bytearray()

    def by_term(self) -> Iterator[tuple[bytes, np.ndarray, np.ndarray, np.ndarray, np.ndarray, bytes]]:
        """(term, ids, weights, value sizes, value starts, all values) per term, in term order."""
        tids = np.frombuffer(self.tids, dtype=np.uint32)
        order = np.argsort(tids, kind="stable")
        ends = np.cumsum(np.bincount(tids, minlength=len(self.terms))).tolist()
        ids = np.frombuffer(self.ids, dtype=np.uint32)[order]
        weights = np.frombuffer(self.weights, dtype=np.float64)[order]
        sizes = np.frombuffer(self.sizes, dtype=np.uint32)
        starts = (np.cumsum(sizes, dtype=np.int64) - sizes)[order]
        sizes = sizes[order]
        del order
        values = bytes(self.values)
        terms = self.terms
        for tid in sorted(range(len(terms)), key=terms.__getitem__):
            start, end = ends[tid - 1] if tid else 0, ends[tid]
            yield (terms[tid].encode() if self.text else terms[tid], ids[start:end], weights[start:end],
                   sizes[start:end], starts[start:end], values)


class TermPool:
    """A posting pool for Whoosh's `SegmentWriter` (`add`, `iter_postings`, `cleanup`)."""

    def __init__(self, tempstore, limitmb: int) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 1024 * 1024
        self._fields: dict[str, _FieldPostings] = {}
        self._size = 0
        self._runs: list[str] = []

    def add_columns(self, fieldname: str, docnum: int, terms: Sequence[str] | Sequence[bytes],
                    weights: Sequence[float], sizes: Sequence[int], values: bytes) -> None:
        """One document's postings in one field (each term once): their terms
        (a field's always text or always bytes), weights and value sizes, and
        the values end to end."""
        if not terms:
            return
        field = self._fields.get(fieldname)
        if field is None:
            field = self._fields[fieldname] = _FieldPostings(isinstance(terms[0], str))
        elif isinstance(terms[0], str) is not field.text:
            terms = [term.decode() for term in terms] if field.text else [term.encode() for term in terms]
        numbers = field.numbers
        tids = [numbers.get(term) for term in terms]
        if None in tids:
            tids = [self._number(field, term) if tid is None else tid for tid, term in zip(tids, terms)]
        field.tids.extend(tids)
        field.ids.extend(array("I", (docnum,)) * len(tids))
        field.weights.extend(weights)
        field.sizes.extend(sizes)
        field.values += values
        self._size += _POSTING_COST * len(tids) + len(values)
        if self._size > self.limit:
            self._spill()

    def _number(self, field: _FieldPostings, term: str | bytes) -> int:
        tid = field.numbers.get(term)
        if tid is None:
            tid = field.numbers[term] = len(field.terms)
            field.terms.append(term)
            self._size += _TERM_COST + len(term) * 2
        return tid

    def add_field(self, fieldname: str, docnum: int, items, value_left: bytes) -> tuple[int, bytes]:
        """`add_columns` from (term bytes, frequency, weight, value) items, as
        `FieldType.index` yields them.  Returns the frequencies' sum (the
        field's length) and the last value (Whoosh gives it to the field's
        spelling words)."""
        items = list(items)
        if not items:
            return 0, value_left
        terms, freqs, weights, values = zip(*items)
        values = [value or b"" for value in values]
        self.add_columns(fieldname, docnum, terms, weights, list(map(len, values)), b"".join(values))
        return sum(freqs), values[-1]

    # Whoosh's own call, once per posting: updates of single figures come this way.
    def add(self, item: tuple) -> None:
        fieldname, tbytes, docnum, weight, value = item
        self.add_field(fieldname, docnum, ((tbytes, 0, weight, value),), b"")

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
        for fieldname, tbytes, ids, weights, sizes, starts, values in self._buckets():
            sizes = sizes.tolist()
            found = [values[at:at + size] for at, size in zip(starts.tolist(), sizes)] if values else [b""] * len(sizes)
            yield _in_order(fieldname, tbytes, ids.tolist(), weights.tolist(), found)

    def _buckets(self) -> Iterator[tuple]:
        fields, self._fields, self._size = self._fields, {}, 0
        for fieldname in sorted(fields):
            for term in fields.pop(fieldname).by_term():
                yield fieldname, *term

    def _spill(self) -> None:
        """Write the pool's postings as a run sorted by term: each term's ids,
        weights, value sizes and values as byte strings, which marshal writes
        and loads whole."""
        path = f"terms{len(self._runs)}.run"
        packed = ((fieldname, tbytes, ids.tobytes(), weights.tobytes(), sizes.tobytes(),
                   b"".join(values[at:at + size] for at, size in zip(starts.tolist(), sizes.tolist())))
                  for fieldname, tbytes, ids, weights, sizes, starts, values in self._buckets())
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
    repeat only for spelling words, which Whoosh files under document 0.
    Where ids and weights are all alike, as a spelling word's are, only the
    values would move, and the codec keeps none of those (`_encode_values`)."""
    if len(ids) > 1 and not all(map(operator.lt, ids, ids[1:])):
        if ids[0] == 0 and ids.count(0) == len(ids) and weights.count(weights[0]) == len(weights):
            return fieldname, tbytes, ids, weights, values
        ids, weights, values = map(list, zip(*sorted(zip(ids, weights, values))))
    return fieldname, tbytes, ids, weights, values
