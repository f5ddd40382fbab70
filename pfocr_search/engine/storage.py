"""How an index lives on disk, and how a new state replaces an old one safely.

An index folder holds one or more *generations* (``gen-*/``: a Whoosh index
and its gene vocabulary) and a manifest (``pfocr-index.json``) naming the
current one.  A build writes a new generation beside the old and then
replaces the manifest with one atomic rename, so a reader sees the old state
or the new one, never a half-written one, and a build killed at any moment
leaves the previous index searchable.  One writer at a time holds an
operating-system lock on ``write.lock`` (Whoosh's own: fcntl, or msvcrt on
Windows); the system releases it when its process dies, so a killed writer
never blocks the next one.
"""

from __future__ import annotations

import json
import mmap
import os
import pickle
import re
import shutil
import struct
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.util.filelock import FileLock

from ..config import IndexConfig, parse_config
from ..errors import ConfigError, ConfigMismatchError, IndexLockedError, IndexNotFoundError, PfocrSearchError
from ..fileio import write_json

MANIFEST = "pfocr-index.json"
LOCK = "write.lock"
#: The pid of the process holding the lock; left behind only by a writer that died.
WRITER = "writer.pid"
FORMAT = 1
ENV_VAR = "PFOCR_SEARCH_INDEX"
DEFAULT_PATH = "pfocr-index"


def resolve_index_path(path: str | os.PathLike[str] | None) -> Path:
    """`path`, else $PFOCR_SEARCH_INDEX, else ./pfocr-index."""
    if path:
        return Path(path)
    return Path(os.environ.get(ENV_VAR) or DEFAULT_PATH)


@dataclass
class Manifest:
    """What the current state of an index is and how it was built."""

    generation: str
    schema: str
    config: dict[str, Any]
    records: int
    built_at: float = field(default_factory=time.time)
    format: int = FORMAT
    pfocr_search: str = ""

    def built_config(self, root: Path) -> IndexConfig:
        """The configuration the index was built with, if this pfocr-search can
        still read what it built (a release that changes the fixed part of the
        schema cannot, and says to rebuild rather than fail on a missing field)."""
        try:
            config = parse_config(self.config, source=f"{root} (as built)")
        except ConfigError as exc:  # stored by a release that checked less (a NaN boost, b above 1)
            raise ConfigError(f"{exc}, in the configuration the index at {root} was built with; rebuild it: "
                              "pfocr-search index SOURCE... --rebuild --config FILE") from None
        if config.schema_fingerprint() != self.schema:
            raise ConfigMismatchError(f"index at {root} was built by a pfocr-search with another index layout; "
                                      "rebuild it: pfocr-search index SOURCE... --rebuild")
        return config

    def accept(self, root: Path, config: IndexConfig) -> IndexConfig:
        """`config`, if it indexes what this index was built with (boosts and
        query settings may differ); else a ConfigMismatchError saying to rebuild."""
        self.built_config(root)
        if config.schema_fingerprint() != self.schema:
            raise ConfigMismatchError(f"index at {root} was built with other fields or analyzers than "
                                      f"{config.source}; rebuild it with --rebuild to use this config")
        return config

    def save(self, root: Path) -> None:
        write_json(root / MANIFEST, asdict(self), indent=1)

    @classmethod
    def load(cls, root: Path) -> "Manifest":
        path = root / MANIFEST
        if not path.is_file():
            if not root.exists():
                raise IndexNotFoundError(f"no index at {root} "
                                         f"(build one with: pfocr-search index SOURCE --index {root})")
            raise IndexNotFoundError(f"{root} is not a pfocr-search index (no {MANIFEST}); "
                                     f"build one with: pfocr-search index SOURCE --index {root}")
        try:
            data = json.loads(path.read_text("utf-8"))
            manifest = cls(**data)
        except (ValueError, TypeError) as exc:
            raise IndexNotFoundError.damaged(path, exc) from None
        if manifest.format != FORMAT:
            raise IndexNotFoundError(f"index at {root} has format {manifest.format}; "
                                     f"this pfocr-search reads format {FORMAT}: rebuild it with --rebuild")
        if not isinstance(manifest.generation, str) or not _GENERATION.fullmatch(manifest.generation):
            raise IndexNotFoundError(f"{path} names a generation outside the index ({manifest.generation!r}); "
                                     "refusing to open it")
        return manifest


class MappedStorage(FileStorage):
    """An index folder whose files are opened as read-only memory maps.

    Segments are written as separate files (see indexer), which Whoosh reads
    with a seek and a read system call each time: scoring a query makes
    hundreds of small reads (term lookups, posting lists).  A map makes each
    one a memory copy: text queries ~6% faster at 100,000 figures.
    """

    def open_file(self, name, **kwargs):
        with open(os.path.join(self.folder, name), "rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:  # empty files cannot be mapped
                return super().open_file(name, **kwargs)
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        return StructFile(mapped, name=name, **kwargs)


#: The size of each Whoosh file of a generation as written: a file cut short
#: (a full disk, an interrupted copy) is told as damaged when the index
#: opens, where it had been an internal error in the middle of a search.
SIZES = "sizes.json"
_WHOOSH_FILE = re.compile(r"_?MAIN_\w+\.[\w.]+")


def record_sizes(generation: Path) -> None:
    """Note the sizes of `generation`'s Whoosh files, once it is complete."""
    write_json(generation / SIZES, {p.name: p.stat().st_size for p in sorted(generation.iterdir())
                                    if _WHOOSH_FILE.fullmatch(p.name)})


def check_sizes(generation: Path) -> None:
    """`IndexNotFoundError` if a Whoosh file of `generation` is gone or not the
    size it was written at (a generation written before sizes were kept: no check)."""
    try:
        sizes = json.loads((generation / SIZES).read_bytes())
    except FileNotFoundError:
        if not generation.is_dir():  # an update had said "cannot write the index ... No such file"
            raise IndexNotFoundError.damaged(generation, "missing") from None
        return
    except (OSError, ValueError) as exc:
        raise IndexNotFoundError.damaged(generation / SIZES, exc) from None
    for name, size in sizes.items():
        try:
            found: int | None = (generation / name).stat().st_size
        except OSError:
            found = None
        if found != size:
            raise IndexNotFoundError.damaged(generation / name, "missing" if found is None
                                             else f"{found} bytes, written as {size}")


def open_generation(path: Path):
    """The Whoosh index of one generation, for searching."""
    check_sizes(path)
    try:
        return MappedStorage(str(path)).open_index()
    except PfocrSearchError:
        raise
    # Whoosh reads a damaged table of contents into any of these, not one error of its own.
    except (OSError, EOFError, ValueError, IndexError, KeyError, TypeError, struct.error,
            pickle.UnpicklingError, whoosh_index.IndexError) as exc:
        raise IndexNotFoundError.damaged(path, exc) from None


#: How this package names generations; nothing else in a folder is ever deleted.
_GENERATION = re.compile(r"gen-\d{8}T\d{6}-\d+-\d{6}")
#: What an index folder holds besides generations (and a manifest being replaced).
_OWN_FILES = re.compile("|".join([*map(re.escape, (MANIFEST, LOCK, WRITER)), rf"\.{re.escape(MANIFEST)}\.\d+\.tmp"]))


def check_index_folder(root: Path) -> None:
    """Refuse to make an index in a file, or in a folder holding anything else
    (someone's own gen-* folders included): an index only ever writes and
    deletes its own files."""
    if root.exists() and not root.is_dir():
        raise IndexNotFoundError(f"{root} is a file, not an index folder; give a new or empty folder as --index")
    if not root.is_dir() or (root / MANIFEST).is_file():
        return
    foreign = sorted(p.name for p in root.iterdir()
                     if not (_OWN_FILES.fullmatch(p.name) or (_GENERATION.fullmatch(p.name) and p.is_dir())))
    if foreign:
        raise IndexNotFoundError(f"{root} is not a pfocr-search index and holds other files ({', '.join(foreign[:3])}"
                                 f"{', ...' if len(foreign) > 3 else ''}); give a new or empty folder as --index")


def new_generation(root: Path) -> Path:
    path = root / f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    path.mkdir(parents=True)
    return path


def link_generation(source: Path, target: Path, written_last: tuple[str, ...] = ()) -> None:
    """Start `target` as a copy of generation `source`, by hard links where the
    filesystem allows (Whoosh writes each segment file once and never again,
    so the two generations can share them); but for `SIZES` and the other
    files a run writes `written_last`, which tell a finished generation."""
    for item in source.iterdir():
        if not item.is_file() or item.name.endswith("LOCK") or item.name in (SIZES, *written_last):
            continue
        try:
            os.link(item, target / item.name)
        except OSError:
            shutil.copy2(item, target / item.name)


def remove_stale_generations(root: Path, keep: set[str]) -> None:
    """Delete generations other than `keep` (call only while holding the lock).

    The generation just replaced is kept by callers, so searches that opened
    it a moment ago can finish; anything older, or left by a killed build, goes.
    """
    for child in root.iterdir():
        if child.name not in keep and _GENERATION.fullmatch(child.name) and child.is_dir() \
                and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)


def remove_unfinished_generations(root: Path, current: str | None, written_last: tuple[str, ...] = ()) -> None:
    """Delete the generations a killed run left half-written: not `current`, and
    holding neither `SIZES` nor the other files a run writes last (as for
    `link_generation`), which had stayed until a later run wrote a generation
    of its own.  Only while holding the lock: then no other run is writing one."""
    for child in root.iterdir():
        if child.name != current and _GENERATION.fullmatch(child.name) and child.is_dir() \
                and not child.is_symlink() and not any((child / name).exists() for name in (SIZES, *written_last)):
            shutil.rmtree(child, ignore_errors=True)


class WriteLock:
    """Exclusive writer lock on an index folder, released if its process dies.

    The holder's pid goes in ``writer.pid`` and is removed on release: a pid
    file found there by the next holder was left by a writer that died
    (the lock itself was free), which `recovered_from` reports."""

    def __init__(self, root: Path, wait: float = 0.0) -> None:
        self.root = root
        self.wait = wait
        self._lock: FileLock | None = None
        self.recovered_from: int | None = None

    def __enter__(self) -> "WriteLock":
        self.root.mkdir(parents=True, exist_ok=True)
        for name in (LOCK, WRITER):  # never write through a link into someone else's file
            if (self.root / name).is_symlink():
                raise IndexLockedError(f"{self.root / name} is a symbolic link; remove it to update this index")
        lock = FileLock(str(self.root / LOCK))
        deadline = time.monotonic() + self.wait
        while not lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                holder = _read_pid(self.root / WRITER)
                who = f" (pid {holder})" if holder else ""
                raise IndexLockedError(f"index at {self.root} is being updated by another process{who}; "
                                       "try again later or pass --wait SECONDS")
            time.sleep(0.1)
        self._lock = lock
        self.recovered_from = _read_pid(self.root / WRITER)
        try:
            fd = os.open(self.root / WRITER, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(str(os.getpid()))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._lock is not None:
            (self.root / WRITER).unlink(missing_ok=True)
            self._lock.release()
            self._lock = None


def _read_pid(path: Path) -> int | None:
    try:
        text = path.read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
