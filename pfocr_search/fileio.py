"""Files in and out safely: sources read with a type check and a byte limit,
index files written so that a reader sees the old content or the new, never half."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sqlite3
import stat
import threading
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from .errors import IndexNotFoundError

T = TypeVar("T")


def write_json(path: Path, data: Any, *, indent: int | None = None) -> None:
    """Write `data` as JSON to `path` atomically: a temporary file beside it,
    flushed to disk, then renamed over it (a crash leaves either version).
    A path ending in .gz is written gzip-compressed, at level 4: at 100,000
    figures `sources.json.gz` 8.25 MB at level 1 (0.16 s), 7.42 MB at 4
    (0.25 s), 7.12 MB at 6 (0.48 s); the gene counts 2.53, 2.29, 2.03 MB."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps(data, indent=indent, separators=None if indent else (",", ":"), ensure_ascii=False)
    raw = text.encode("utf-8")
    try:
        with tmp.open("wb") as fh:
            fh.write(gzip.compress(raw, 4) if path.suffix == ".gz" else raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_sqlite(path: Path, schema: str, fill: Callable[[sqlite3.Connection], None]) -> None:
    """A SQLite file made by `schema`, then `fill`, written to `path` atomically
    as `write_json` writes (a temporary file beside it, renamed over it)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with sqlite3.connect(tmp) as db:
            db.executescript(schema)
            fill(db)
        db.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def open_sqlite(path: Path) -> sqlite3.Connection:
    """A generation's SQLite file, opened read-only now (an update that later
    deletes the folder leaves it readable) and shareable by threads, which
    `FigureIndex` serialises.  By URI, escaped: a folder named "ix#1" had
    read as a damaged file."""
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, check_same_thread=False)


class UnreadableFile(ValueError):
    """A file cannot be read as a source; the message says why (in one line)."""


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    The type is checked before opening (a FIFO would block the open, a
    device such as /dev/zero never ends), and at most `limit` + 1 bytes are
    read whatever the size the file claims."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile("a folder, not a file" if stat.S_ISDIR(st.st_mode)
                                 else "not a regular file (a pipe, device or socket)")
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UnreadableFile(f"larger than {limit / 1e6:g} MB, too large for this kind of file")
    kept = getattr(_KEEPING, "digests", None)
    if kept is not None and len(kept) < _READ_KEPT:
        kept[os.fspath(path)] = (st.st_size, st.st_mtime_ns, content_digest(data))
    return data


#: Within `keeping_digests` (a thread's own): the files `read_limited` read,
#: path -> (size, mtime_ns, digest of the bytes read), until `read_signature`
#: takes them.  A build records each file's digest for later change
#: detection; reading the file again for it was an open, a read and two
#: stat() calls a file more.  Outside a build nothing is kept: a program
#: that only read records had kept up to `_READ_KEPT` digests for good.
_KEEPING = threading.local()
_READ_KEPT = 50_000
Digests = dict[str, tuple[int, int, str]]


@contextmanager
def keeping_digests() -> Iterator[Digests]:
    """While in this block (a build reading groups, then recording their
    state), `read_limited` keeps what `read_signature` will ask for.  Nested,
    the outer block's; on leaving the outermost, whatever is left goes."""
    outer = getattr(_KEEPING, "digests", None)
    if outer is not None:
        yield outer
        return
    _KEEPING.digests = {}
    try:
        yield _KEEPING.digests
    finally:
        _KEEPING.digests = None


def keep_digests(digests: Digests) -> None:
    """Digests another process's `read_limited` kept (a worker that read a
    group), for `read_signature` here; outside `keeping_digests`, dropped."""
    kept = getattr(_KEEPING, "digests", None)
    if kept is not None:
        kept.update(digests)


def content_digest(data: bytes) -> str:
    """The digest change detection keeps of a file's bytes (`file_digest`'s)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def file_digest(path: str) -> str | None:
    """`content_digest` of a regular file, read in pieces (None for anything
    else: a pipe would block, a device never end)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        hasher = hashlib.blake2b(digest_size=16)
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                hasher.update(chunk)
        return hasher.hexdigest()
    except OSError:
        return None


def read_signature(path: str, size: int, mtime_ns: int) -> str | None:
    """The digest of `path` as `read_limited` read it, if the file's size and
    modification time are still those it had then (else None)."""
    known = (getattr(_KEEPING, "digests", None) or {}).pop(path, None)
    return known[2] if known is not None and known[:2] == (size, mtime_ns) else None


#: What a damaged file of an index raises while read and parsed (bad gzip, JSON, shape).
# zlib.error: a gzip'd file whose header is whole but whose data is not.
_DAMAGE = (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError, zlib.error)


def load_index_file(path: Path, parse: Callable[[bytes], T], missing: Callable[[], T]) -> T:
    """`parse` of a file of an index (`missing()` if there is none); a damaged
    file is an IndexNotFoundError that says to rebuild."""
    if not path.is_file():
        return missing()
    try:
        return parse(path.read_bytes())
    except _DAMAGE as exc:
        raise IndexNotFoundError.damaged(path, exc) from None


class HeldFile:
    """A file of an index generation, opened with the generation and parsed
    when first needed: another process's updates may delete the folder
    meanwhile, and an open file still reads what it held."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._file: Any = open(path, "rb")
        except FileNotFoundError:  # an index made before the file existed
            self._file = None

    def load(self, parse: Callable[[bytes], T], missing: Callable[[], T]) -> T:
        """`parse` of the file's bytes (`missing()` if there is none); a damaged
        file is an IndexNotFoundError that says to rebuild."""
        if self._file is None:
            return missing()
        try:
            self._file.seek(0)
            return parse(self._file.read())
        except _DAMAGE as exc:
            raise IndexNotFoundError.damaged(self.path, exc) from None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
