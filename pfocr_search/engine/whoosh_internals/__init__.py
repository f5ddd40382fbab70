"""The one wall between pfocr-search and Whoosh's private members.

pfocr-search extends Whoosh the Whoosh way (a codec, a weighting model,
analysis filters, parser plugins), but a few of those extension points are
only reachable through private members: the posting block writer and reader,
the segment writer's posting pool, the segment writer used by parallel builds,
raw column and posting bytes, BM25F's per-field B, and multi-term expansion.
Every such access is here and nowhere else, and `check()` runs at import: a
Whoosh release that renamed one of them fails at once, with one line naming
the Whoosh version, instead of mid-query far from the cause.

Importing this module also makes Whoosh unpickle index files safely (see
`unpickling`), so no code reads an index before that is in place.

Tested with whoosh-reloaded 2.7.5 (`TESTED`, pinned in pyproject.toml).

The wall is this package: `blocks` (the posting block writer and matcher),
`tables` (the codec's field writer, term dictionary reader and stored
column), `segments` (raw bytes of a segment, the posting pool, segments of
parallel builds) and `queries` (multi-term expansion, BM25F's per-field B).
Each is imported by name; importing one runs this check first.
"""

from __future__ import annotations

from typing import Callable

import whoosh
from whoosh.codec.whoosh3 import (
    W3Codec,
    W3FieldCursor,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PerDocWriter,
    W3PostingsWriter,
    W3TermsReader,
)
from whoosh.columns import FixedBytesColumn
from whoosh.query import MultiTerm, NumericRange
from whoosh.reading import SegmentReader
from whoosh.scoring import BM25F
from whoosh.writing import SegmentWriter

from ...errors import EngineError
from ..unpickling import install_safe_unpickling

#: The whoosh-reloaded releases the test suite ran against.
TESTED = ("2.7.5",)
VERSION = ".".join(map(str, whoosh.__version__))

# What the wall relies on: methods by class, and attributes by the
# function that assigns them (a rename shows in that function's code).
_METHODS: tuple[tuple[type, str], ...] = (
    (W3PostingsWriter, "_new_block"), (W3PostingsWriter, "_write_block"),
    (W3LeafMatcher, "_read_header"), (W3LeafMatcher, "_read_data"), (W3LeafMatcher, "_read_ids"),
    (W3LeafMatcher, "_read_weights"), (W3LeafMatcher, "_read_values"),
    (SegmentWriter, "_finalize_segment"), (SegmentWriter, "_close_segment"), (SegmentWriter, "_check_state"),
    (W3PerDocWriter, "_create_column"),
    (MultiTerm, "_btexts"), (NumericRange, "_compile_query"),
)
_ATTRIBUTES: tuple[tuple[Callable, str], ...] = (
    (W3PostingsWriter.__init__, "_postfile _blocklimit _compression _inlinelimit _blockcount _terminfo"),
    (W3PostingsWriter.start_postings, "_format _startoffset"),
    (W3LeafMatcher.__init__, "_postfile _startoffset _length"), (W3LeafMatcher._read_header, "_baseoffset"),
    (W3FieldWriter.start_field, "_postwriter"),
    (W3PostingsWriter._new_block, "_ids _weights _values _minlength _maxlength _maxweight"),
    (W3LeafMatcher._goto, "_data _ids _weights _values _nextoffset _dataoffset _blocklength"),
    (W3Codec.__init__, "_blocklimit _compression _inlinelimit"),
    (W3PerDocReader.__init__, "_doccount"),
    (W3TermsReader.__init__, "_codec _dbfile _postfile _tindex _fieldmap _fieldunmap"),
    (W3FieldWriter.__init__, "_tindex _fieldmap _fieldid _btext"),
    (W3FieldCursor.__init__, "_tindex _pos _datapos _datalen"),
    (SegmentReader.__init__, "_terms _perdoc"),
    (SegmentWriter.__init__, "_tempstorage"), (SegmentWriter.add_document, "_added"),
    (FixedBytesColumn.Reader.__init__, "_dbfile _basepos _fixedlen _default _count"),
    (BM25F.__init__, "_field_B"),
)


def check() -> None:
    """Raise `EngineError` (one line) if this Whoosh lacks what pfocr-search relies on."""
    missing = [f"{cls.__name__}.{name}" for cls, name in _METHODS if not callable(getattr(cls, name, None))]
    for function, names in _ATTRIBUTES:
        assigned = set(function.__code__.co_names)
        missing += [f"{function.__qualname__}: self.{n}" for n in names.split() if n not in assigned]
    if missing:
        raise EngineError(f"whoosh-reloaded {VERSION} lacks what pfocr-search relies on ({', '.join(missing)}); "
                          f"install a tested release: {', '.join(TESTED)}")


check()
install_safe_unpickling()
